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
from generator.core.models import Catalog, Federation, Member, Region
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


# ---- a federated catalogue (portal federate's keys, built here from the demo) ----

REGIONS = (Region("通川区", "511702"), Region("达川区", "511703"), Region("宣汉县", "511722"))


@pytest.fixture(scope="module")
def federated(model):
    """The demo's products in three districts, keyed as portal federate keys them; 宣汉县's copy of
    the first product is renamed (offered there alone), 达川区 lacks the second."""
    banks, products = {}, []
    for region in REGIONS:
        for n, p in enumerate(model.products):
            if region.code == "511703" and n == 1:
                continue
            bank = model.bank(p.bank_id)
            key = f"{region.code}-{bank.bank_id}"
            banks[key] = dataclasses.replace(bank, bank_id=key, region=region)
            name = "宣汉特色贷" if region.code == "511722" and n == 0 else p.name
            products.append(dataclasses.replace(p, product_id=f"{region.code}/{p.product_id}", source_id=p.product_id,
                                                region=region, bank_id=key, name=name))
    catalog = Catalog(banks=banks, products=products, schema=model.catalog.schema,
                      federation=Federation(tuple(Member(region=r, source=r.name) for r in REGIONS)))
    return make_model(catalog, model.content, model.settings, model.field_titles, model.today, model.vocab)


def group_key(m, p) -> tuple[str, str]:
    return m.bank(p.bank_id).short_name, p.name


def test_a_district_index_has_no_region_groups_or_parts(model):
    index = finder.finder_index(model)
    assert "region" not in index["products"] and not {"regions", "parts_url", "first"} & set(index)
    assert finder.product_groups(model) == []


def test_federated_parts_decode_to_each_product_with_its_region(federated):
    m = federated
    head, parts = finder.finder_index(m), finder.federated_parts(m)
    assert "products" not in head                     # the first view carries no columns
    assert [r["name"] for r in head["regions"]] == ["通川区", "达川区", "宣汉县"]
    # One 银行 value per bank group: the registry's short names, not one per district branch.
    assert [b["id"] for b in head["banks"]] == list(dict.fromkeys(b.short_name for b in m.banks))
    cols = {**parts["filter"], **parts["sort"]}
    for i, p in enumerate(m.products):
        assert head["regions"][cols["region"][i]]["id"] == p.region.code
        assert head["banks"][cols["bank"][i]]["id"] == m.bank(p.bank_id).short_name
        assert cols["rmin"][i] == p.rate_min and cols["amax"][i] == p.amount_max_wan
        assert cols["updated"][i] == (p.updated - finder.EPOCH).days


def test_the_same_bank_product_in_several_districts_is_one_group(model, federated):
    m = federated
    expected: dict[tuple[str, str], list[int]] = {}
    for i, p in enumerate(m.products):
        expected.setdefault(group_key(m, p), []).append(i)
    groups = finder.product_groups(m)
    assert sorted(groups) == sorted(g for g in expected.values() if len(g) > 1)
    first, second = (next(p for p in m.products if p.product_id == f"511702/{model.products[n].product_id}")
                     for n in (0, 1))
    sizes = {group_key(m, m.products[g[0]]): len(g) for g in groups}
    assert sizes[group_key(m, second)] == 2                        # not in 达川区
    renamed = next(p for p in m.products if p.name == "宣汉特色贷")
    assert group_key(m, renamed) not in sizes                      # alone: 宣汉县 only
    assert sizes[group_key(m, first)] == 2                         # 宣汉县's copy has another name

    view = finder.finder_index(m)["first"]
    assert view["total"] == len(expected)
    # A district counts a group once if any of its products is offered there.
    for region in REGIONS:
        want = sum(1 for g in expected.values() if any(m.products[i].region.code == region.code for i in g))
        assert view["counts"]["region"][region.code] == want
    # The first page of each order: one product per group, the best ranked of its group.
    lead = {i: g[0] for g in expected.values() for i in g}
    assert view["order"][""] == sorted({g[0] for g in expected.values()})[:finder.PAGE_SIZE]
    renewal = m.fields.browser_formats()["renewal_type"]
    ranked = sorted(range(len(m.products)), key=lambda i: (m.products[i].product_type == renewal,
                                                          m.products[i].rate_min, m.products[i].rate_max, i))
    seen, page = set(), []
    for i in ranked:
        if lead[i] not in seen:
            seen.add(lead[i])
            page.append(i)
    assert view["order"]["rate"] == page[:finder.PAGE_SIZE]


def test_federated_cards_carry_their_figures_and_their_districts(federated):
    m = federated
    chunks = finder.card_chunks(m)
    cards = [{k: chunk[k][j] for k in chunk} for chunk in chunks for j in range(len(chunk["id"]))]
    assert [c["id"] for c in cards] == [p.product_id for p in m.products]
    for group in finder.product_groups(m):
        assert cards[group[0]]["members"] == [[[r.code for r in REGIONS].index(m.products[i].region.code),
                                               m.products[i].product_id] for i in group]
        assert all(cards[i]["lead"] == group[0] for i in group)
        assert all(cards[i]["members"] is None for i in group[1:])
    alone = next(i for i, p in enumerate(m.products) if p.name == "宣汉特色贷")
    assert cards[alone]["lead"] is None and cards[alone]["members"] is None
    assert cards[alone]["rmin"] == m.products[alone].rate_min
