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
PRODUCT_URL = urls.product("{id}")   # a template the finder fills in the browser
# "updated" is stored as days since this date: shorter in JSON than 20261101, and sorts the same.
EPOCH = dt.date(2000, 1, 1)

# Facet key (URL parameter) -> product field. The URL keys are part of the finder's public
# interface (shared links), so they are short, stable English words.
LIST_FACETS = {"guarantee": "guarantee_methods", "customer": "target_customers", "program": "programs"}


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


def finder_index(model: SiteModel) -> dict:
    products = model.products
    bank_order = [b.bank_id for b in model.banks]
    vocab = {"type": model.vocab.get("product_type", ()),
             **{key: model.vocab.get(name, ()) for key, name in LIST_FACETS.items()}}
    for key, name in LIST_FACETS.items():
        if len(vocab[key]) > MAX_MASK_VALUES:
            raise ConfigError(f"产品标准模式中“{model.fields.label(name)}”（{name}）的可选值超过 {MAX_MASK_VALUES} 个，"
                              "产品查找页无法按它筛选；请精简可选值。")
    columns: dict[str, list] = {
        "bank": [bank_order.index(p.bank_id) for p in products],
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
    return {
        "version": 1,
        "count": len(products),
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
        "products": columns,
    }


def card_chunks(model: SiteModel) -> list[dict]:
    products = model.products
    return [{"id": [p.product_id for p in products[start:start + CARD_CHUNK]],
             "name": [p.name for p in products[start:start + CARD_CHUNK]]}
            for start in range(0, len(products), CARD_CHUNK)]


def write_finder_index(docs_dir: Path, model: SiteModel, queries: dict | None = None) -> Path:
    target = docs_dir / urls.FINDER_INDEX
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_json(finder_index(model)), encoding="utf-8")
    (docs_dir / urls.FINDER_QUERIES).write_text(_json(queries or {}), encoding="utf-8")
    for number, chunk in enumerate(card_chunks(model)):
        (docs_dir / urls.FINDER_CARDS.format(n=number)).write_text(_json(chunk), encoding="utf-8")
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
