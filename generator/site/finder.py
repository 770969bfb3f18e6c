"""The product finder's data: one compact, columnar index of every published product.

The finder at ``products/`` (``assets/products.js``) filters, counts, sorts and renders cards in
the browser from this file alone; a text query goes to Pagefind, whose page ids are mapped to
products by ``write_search_map``'s file. Measured choice (README "Product finder"): at 5,000 products the
index is far smaller than the HTML of every card, and exact range filters (amount, term) and
counts per facet value with OR inside a group are simple loops over columns, where Pagefind's
string filters would need buckets and one search per active group.

Columns rather than one object per product: the same keys 5,000 times would be most of the file,
and runs of similar numbers compress better. List fields are bit masks over the schema's
vocabulary; the vocabulary and the registry's wording travel in the same file, so the browser
never hard-codes a value the office might change.

A federated catalogue (``portal federate``: a city or province, up to 20,000 products) adds a 地区
column and groups (``product_groups``: the same bank product offered in several districts shows
once), and splits the index: ``finder.json`` holds only what the first view needs (vocabularies,
and, precomputed by ``first_view``, the facet counts and the first cards of every sort), the filter
and the sort columns are two parts (``federated_parts``) loaded when a condition or a sort first
needs them, and each card chunk carries what its cards show (``federated_card_chunks``). Measured
(bench/finder_bench.py --products 20000 --regions 200): the columns are 118 kB (filter) + 96 kB
(sort) gzip, so one index file would be over the 150 kB first-load goal on its own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from generator.core import urls
from generator.core.errors import ConfigError
from generator.site.fields import format_number
from generator.site.model import LIST_PAGE_SIZE as PAGE_SIZE
from generator.site.model import SiteModel

# Files (core/urls.py): FINDER_INDEX, FINDER_SEARCH_MAP, FINDER_QUERIES (the compiled plain-language
# rules, loaded with assets/queries.js only when someone types a query) and FINDER_CARDS: names and
# ids in chunks of CARD_CHUNK products. Only the cards on screen need them, and at 5,000 products they
# were half of the index's bytes (bench/finder_bench.py). The first page's cards are in the page's HTML
# already, so a first load fetches no chunk at all.
CARD_CHUNK = 100
# A federated card chunk carries each card's figures, and a region's cards lie apart (products are
# in bank order): smaller chunks, fewer unused cards fetched (bench/finder_bench.py, 地区 check).
FEDERATED_CARD_CHUNK = 50
PRODUCT_URL = urls.product("{id}")   # a template the finder fills in the browser
# "updated" is stored as days since this date: shorter in JSON than 20261101, and sorts the same.
EPOCH = dt.date(2000, 1, 1)

# Facet key (URL parameter) -> product field. The URL keys are part of the finder's public
# interface (shared links), so they are short, stable English words.
LIST_FACETS = {"guarantee": "guarantee_methods", "customer": "target_customers", "program": "programs"}


# A federated index's parts (README "Product finder"); {part} is "filter" or "sort".
FINDER_PART = urls.FINDER_PART
# Columns a condition needs (results, counts, the reasons on a card) and columns only a sort needs.
FILTER_COLUMNS = ("bank", "region", "type", *LIST_FACETS, "amin", "amax", "tmin", "tmax", "online", "renewal")
SORT_COLUMNS = ("rmin", "rmax", "days", "updated")
# What a federated card chunk carries for each card (the card is drawn from it alone).
CARD_COLUMNS = ("bank", "region", "type", "guarantee", "amin", "amax", "tmin", "tmax", "rmin", "rmax", "fee", "days")
# Sorts of the finder (products.js SORTS) whose first page a federated finder.json precomputes.
SORTS = ("", "rate", "rate-max", "amount", "days", "updated")

# Bit masks are read with JavaScript's 32-bit bitwise operators.
MAX_MASK_VALUES = 31


def _mask(values: tuple[str, ...], vocab: tuple[str, ...]) -> int:
    return sum(1 << vocab.index(v) for v in values if v in vocab)


def _number(value: float | int | None) -> float | int | None:
    """JSON numbers without float noise (4.35, not 4.3500000001)."""
    if value is None:
        return None
    text = format_number(value)
    return int(text) if "." not in text else float(text)


def _vocab(model: SiteModel) -> dict[str, tuple[str, ...]]:
    vocab = {"type": model.vocab.get("product_type", ()),
             **{key: model.vocab.get(name, ()) for key, name in LIST_FACETS.items()}}
    for key, name in LIST_FACETS.items():
        if len(vocab[key]) > MAX_MASK_VALUES:
            raise ConfigError(f"产品标准模式中“{model.fields.label(name)}”（{name}）的可选值超过 {MAX_MASK_VALUES} 个，"
                              "产品查找页无法按它筛选；请精简可选值。")
    return vocab


def bank_groups(model: SiteModel) -> list[str]:
    """A federated finder's 银行 facet: one value per bank group (the registry's short name, 工商银行),
    not per district branch — 200 districts would otherwise list 2,000 banks."""
    return list(dict.fromkeys(b.short_name or b.name for b in model.banks))


def _bank_keys(model: SiteModel) -> dict[str, int]:
    groups = {name: k for k, name in enumerate(bank_groups(model))}
    keys: dict[str, int] = {}
    for bank in model.banks:
        own = bank.bank_id.split("-", 1)[1] if bank.region is not None and "-" in bank.bank_id else bank.bank_id
        keys.setdefault(own, groups[bank.short_name or bank.name])
    return keys


def product_groups(model: SiteModel) -> list[list[int]]:
    """Indices (in ``model.products`` order) of the products that are one bank product offered in
    several districts: the same bank group (short name) and the same product name. Only groups of
    two or more; none in a district's own catalogue."""
    if model.catalog.federation is None:
        return []
    groups: dict[tuple[str, str], list[int]] = {}
    for i, p in enumerate(model.products):
        groups.setdefault(model.offer_key(p), []).append(i)
    return [members for members in groups.values() if len(members) > 1]


def _columns(model: SiteModel, vocab: dict[str, tuple[str, ...]]) -> dict[str, list]:
    products = model.products
    if model.catalog.federation is None:
        bank_order = [b.bank_id for b in model.banks]
        bank_of = [bank_order.index(p.bank_id) for p in products]
    else:
        names = {name: k for k, name in enumerate(bank_groups(model))}
        bank_of = [names[model.bank(p.bank_id).short_name or model.bank(p.bank_id).name] for p in products]
    columns: dict[str, list] = {
        "bank": bank_of,
        "type": [vocab["type"].index(p.product_type) for p in products],
        **{key: [_mask(getattr(p, name), vocab[key]) for p in products] for key, name in LIST_FACETS.items()},
        "amin": [_number(p.amount_min_wan) for p in products],
        "amax": [_number(p.amount_max_wan) for p in products],
        "tmin": [p.term_min_months for p in products],
        "tmax": [p.term_max_months for p in products],
        "rmin": [_number(p.rate_min) for p in products],
        "rmax": [_number(p.rate_max) for p in products],
        "fee": [_number(p.guarantee_fee_rate) for p in products],   # paid on top of the rate (cards say so)
        "days": [p.decision_days for p in products],
        "online": [int(p.online_application) for p in products],
        "renewal": [int(p.renewal_without_repayment) for p in products],
        "updated": [(p.updated - EPOCH).days for p in products],
    }
    if model.catalog.federation is not None:
        codes = {region.code: k for k, region in enumerate(model.catalog.federation.regions)}
        columns["region"] = [codes[p.region.code] if p.region is not None else -1 for p in products]
    return columns


def finder_index(model: SiteModel) -> dict:
    """The whole index of a district's finder (one file); a federated finder's first-view file."""
    vocab = _vocab(model)
    head = {
        "version": 1,
        "count": len(model.products),
        "sample_data": model.settings.sample_data,
        "product_url": PRODUCT_URL,
        "cards_url": urls.FINDER_CARDS,
        "cards_chunk": CARD_CHUNK,
        "page_size": PAGE_SIZE,
        "banks": [{"id": b.bank_id, "name": b.short_name or b.name} for b in model.banks],
        "vocab": {k: list(v) for k, v in vocab.items()},
        # Chip and card labels; the amount and term chips name what the user needs, not the range.
        "labels": {key: model.fields.label(name) for key, name in
                   (("type", "product_type"), *LIST_FACETS.items(),
                    ("online", "online_application"), ("renewal", "renewal_without_repayment"), ("bank", "bank"),
                    ("rate", "rate"), ("days", "decision_days"))} | {"amount": "金额", "term": "期限"},
        "formats": model.fields.browser_formats(),
        "office_phone": model.office_phone,
    }
    columns = _columns(model, vocab)
    if model.catalog.federation is None:
        return head | {"products": columns}
    groups = product_groups(model)
    return head | {
        "banks": [{"id": name, "name": name} for name in bank_groups(model)],
        # A district's own bank id -> its bank group: the plain-language rules (content/queries.yml)
        # name banks by their keys ("511702-icbc"), the facet by group.
        "bank_keys": _bank_keys(model),
        "regions": [{"id": r.code, "name": r.name} for r in model.catalog.federation.regions],
        "labels": head["labels"] | {"region": "地区"},
        "cards_chunk": FEDERATED_CARD_CHUNK,
        "parts_url": FINDER_PART,
        "first": first_view(model, columns, groups),
    }


def first_view(model: SiteModel, columns: dict[str, list], groups: list[list[int]]) -> dict:
    """What a federated finder shows before any condition, without its columns: the number of
    products (a group counts once), the count beside every facet value, and the first page of
    cards for each sort — the same figures products.js computes from the columns."""
    n = len(model.products)
    lead = list(range(n))
    for members in groups:
        for i in members:
            lead[i] = members[0]
    members_of: dict[int, list[int]] = {}
    for i in range(n):
        members_of.setdefault(lead[i], []).append(i)
    vocab = _vocab(model)
    banks = bank_groups(model)
    regions = [r.code for r in model.catalog.federation.regions] if model.catalog.federation else []
    counts: dict[str, dict[str, int]] = {k: {} for k in ("customer", "guarantee", "type", "program", "bank",
                                                          "region", "online", "renewal")}

    def add(key: str, value: str) -> None:
        counts[key][value] = counts[key].get(value, 0) + 1

    for members in members_of.values():
        for key in LIST_FACETS:
            union = 0
            for i in members:
                union |= columns[key][i]
            for bit, value in enumerate(vocab[key]):
                if union & (1 << bit):
                    add(key, value)
        for value in {vocab["type"][columns["type"][i]] for i in members}:
            add("type", value)
        for value in {banks[columns["bank"][i]] for i in members}:
            add("bank", value)
        for value in {regions[columns["region"][i]] for i in members if columns["region"][i] >= 0}:
            add("region", value)
        for key in ("online", "renewal"):
            if any(columns[key][i] for i in members):
                add(key, key)
    renewal_type = model.fields.browser_formats()["renewal_type"]
    renewal = [int(vocab["type"][t] == renewal_type) for t in columns["type"]]
    keys = {
        "rate": lambda i: (renewal[i], columns["rmin"][i] or 0, columns["rmax"][i] or 0),
        "rate-max": lambda i: (renewal[i], columns["rmax"][i] or 0, columns["rmin"][i] or 0),
        "amount": lambda i: (-(columns["amax"][i] or 0),),
        "days": lambda i: (columns["days"][i] or 0,),
        "updated": lambda i: (-columns["updated"][i],),
    }
    order = {}
    for sort in SORTS:
        ranked = sorted(range(n), key=lambda i: (*keys[sort](i), i)) if sort else range(n)
        seen: set[int] = set()
        page = []
        for i in ranked:
            if lead[i] not in seen:
                seen.add(lead[i])
                page.append(i)
                if len(page) == PAGE_SIZE:
                    break
        order[sort] = page
    return {"total": len(members_of), "counts": counts, "order": order}


def federated_parts(model: SiteModel) -> dict[str, dict]:
    """A federated finder's columns, in the two parts products.js loads when it needs them."""
    columns = _columns(model, _vocab(model))
    return {"filter": {"count": len(model.products), **{k: columns[k] for k in FILTER_COLUMNS},
                       "groups": product_groups(model)},
            "sort": {"count": len(model.products), **{k: columns[k] for k in SORT_COLUMNS}}}


def card_chunks(model: SiteModel) -> list[dict]:
    products = model.products
    if model.catalog.federation is not None:
        return federated_card_chunks(model)
    return [{"id": [p.product_id for p in products[start:start + CARD_CHUNK]],
             "name": [p.name for p in products[start:start + CARD_CHUNK]]}
            for start in range(0, len(products), CARD_CHUNK)]


def federated_card_chunks(model: SiteModel) -> list[dict]:
    """Each card's own figures (a federated first view has no columns), its group's first product
    ("lead", null when alone) and, for that first product, every district offering it: [region
    number, product id] (the card lists them, each linking to its page on this site)."""
    products = model.products
    columns = _columns(model, _vocab(model))
    lead: list[int | None] = [None] * len(products)
    members: list[list | None] = [None] * len(products)
    for group in product_groups(model):
        for i in group:
            lead[i] = group[0]
        members[group[0]] = [[columns["region"][i], products[i].product_id] for i in group]
    chunks = []
    for start in range(0, len(products), FEDERATED_CARD_CHUNK):
        end = start + FEDERATED_CARD_CHUNK
        chunks.append({"id": [p.product_id for p in products[start:end]],
                       "name": [p.name for p in products[start:end]],
                       **{k: columns[k][start:end] for k in CARD_COLUMNS},
                       "lead": lead[start:end], "members": members[start:end]})
    return chunks


def write_finder_index(docs_dir: Path, model: SiteModel, queries: dict | None = None) -> Path:
    target = docs_dir / urls.FINDER_INDEX
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_json(finder_index(model)), encoding="utf-8")
    (docs_dir / urls.FINDER_QUERIES).write_text(_json(queries or {}), encoding="utf-8")
    for number, chunk in enumerate(card_chunks(model)):
        (docs_dir / urls.FINDER_CARDS.format(n=number)).write_text(_json(chunk), encoding="utf-8")
    if model.catalog.federation is not None:
        for part, data in federated_parts(model).items():
            (docs_dir / FINDER_PART.format(part=part)).write_text(_json(data), encoding="utf-8")
    return target


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def write_search_map(site_dir: Path, model: SiteModel, page_hashes: dict[str, str]) -> Path:
    """Pagefind page id of every product, in index order ("" when a page was not indexed).

    Written after Pagefind ran, because the ids are Pagefind's.
    """
    ids = [page_hashes.get(PRODUCT_URL.format(id=p.product_id), "") for p in model.products]
    # One comma-joined string without the common prefix ("zh_"): a third smaller than a list.
    prefix = os.path.commonprefix([i for i in ids if i]) if any(ids) else ""
    prefix = prefix[:prefix.rfind("_") + 1] if "_" in prefix else ""
    packed = ",".join(i[len(prefix):] if i else "" for i in ids)
    target = site_dir / urls.FINDER_SEARCH_MAP
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"count": len(ids), "prefix": prefix, "ids": packed}, separators=(",", ":")),
                      encoding="utf-8")
    return target
