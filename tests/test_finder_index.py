"""The finder's compact index, in-process: every column decodes back to the published products."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import pytest

from generator.site import finder
from generator.site.model import make_model
from generator.commands.build import load_input
from generator.core.errors import ConfigError
from generator.core.settings import project_paths
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def model():
    loaded = load_input(project_paths(ROOT))
    schema = loaded.catalog.schema
    return make_model(loaded.catalog, loaded.content, loaded.settings, schema.titles, dt.date.today(),
                            schema.vocab)


def decode(index: dict, i: int) -> dict:
    cols, vocab = index["products"], index["vocab"]
    masks = {key: [v for b, v in enumerate(vocab[key]) if cols[key][i] & (1 << b)]
             for key in ("guarantee", "customer", "program")}
    return {"bank_id": index["banks"][cols["bank"][i]]["id"], "product_type": vocab["type"][cols["type"][i]],
            "guarantee_methods": masks["guarantee"], "target_customers": masks["customer"],
            "programs": masks["program"], "amount_max_wan": cols["amax"][i], "rate_min": cols["rmin"][i],
            "term_max_months": cols["tmax"][i], "decision_days": cols["days"][i],
            "online_application": bool(cols["online"][i]),
            "updated": finder.EPOCH + dt.timedelta(days=cols["updated"][i])}


def test_every_column_decodes_to_the_product(model):
    index = finder.finder_index(model)
    assert index["count"] == len(model.products) > 0
    for i, p in enumerate(model.products):
        got = decode(index, i)
        assert got == {"bank_id": p.bank_id, "product_type": p.product_type,
                       "guarantee_methods": sorted(p.guarantee_methods, key=index["vocab"]["guarantee"].index),
                       "target_customers": sorted(p.target_customers, key=index["vocab"]["customer"].index),
                       "programs": sorted(p.programs, key=index["vocab"]["program"].index),
                       "amount_max_wan": p.amount_max_wan, "rate_min": p.rate_min,
                       "term_max_months": p.term_max_months, "decision_days": p.decision_days,
                       "online_application": p.online_application, "updated": p.updated}, p.product_id
    # JSON numbers without float noise: 4.35 stays 4.35, not 4.3500000000000005 or 4.349999999999999.
    noise = re.findall(r"\d+\.\d*(?:00000|99999)\d*", json.dumps(index["products"]))
    assert not noise, noise


def test_card_chunks_hold_every_name_once_in_index_order(model):
    chunks = finder.card_chunks(model)
    ids = [pid for chunk in chunks for pid in chunk["id"]]
    assert ids == [p.product_id for p in model.products]
    assert all(len(chunk["id"]) <= finder.CARD_CHUNK for chunk in chunks)


def test_search_map_packs_pagefind_ids_in_index_order(model, tmp_path):
    hashes = {f"products/{p.product_id}/": f"zh_{n:07x}" for n, p in enumerate(model.products)}
    del hashes[f"products/{model.products[1].product_id}/"]          # a page Pagefind did not index
    data = json.loads(finder.write_search_map(tmp_path, model, hashes).read_text(encoding="utf-8"))
    assert data["prefix"] == "zh_"
    ids = data["ids"].split(",")
    assert len(ids) == len(model.products) and ids[1] == "" and ids[0] == "0000000"


def test_a_vocabulary_too_large_for_a_bit_mask_is_a_configuration_error(model):
    big = dict(model.vocab, guarantee_methods=tuple(f"方式{n}" for n in range(40)))
    with pytest.raises(ConfigError, match="担保方式"):
        finder.finder_index(dataclasses.replace(model, vocab=big))
