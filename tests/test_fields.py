"""One declaration per field: the product page, the finder's card, the compare row and the
downloads show the same thing for every field, for a product with every optional field empty
and for one with every field filled (built from real bank files, checked in Chromium)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from playwright.sync_api import Page, expect

from generator.commands.build import load_input
from generator.core.settings import project_paths
from generator.site.exports import cell_value
from generator.site.fields import FieldRegistry, range_text
from generator.core.schema import load_schema
from tests.conftest import ROOT, SiteServer


@pytest.fixture(scope="module")
def built(product_variants):
    """The product variants (tests/variants.py): EMPTY and FILLED added to bank abc."""
    out = product_variants.with_address
    loaded = load_input(project_paths(product_variants.project))
    products = {p.product_id: p for p in loaded.catalog.products}
    server = SiteServer(out)
    yield out, server.url, FieldRegistry(loaded.catalog.schema), products
    server.stop()


def test_registry_wording_for_empty_and_zero_values():
    registry = FieldRegistry(load_schema(ROOT / "catalog" / "schema" / "products.schema.json"))
    view = registry.fields
    assert view["amount_min_wan"].text(None) == view["amount_min_wan"].text(0) == "不限"
    assert view["guarantee_fee_rate"].text(0.8) == "0.8%（年化）"
    assert view["guarantee_fee_rate"].text(None) == "不涉及"
    assert view["online_application"].text(True) == "是" and view["online_application"].text(False) == "否"
    assert view["decision_days"].text(3) == "3 天内"
    assert view["valid_until"].text(None) == "长期"
    assert range_text(0, 300, "万元", prefix="最高") == range_text(None, 300, "万元", prefix="最高") == "最高 300 万元"
    assert range_text(3.5, 3.5, "%") == "3.5%" and range_text(3.45, 4.8, "%") == "3.45%～4.8%"
    # Labels come from the schema titles, without the unit the value already carries.
    assert registry.label("amount_max_wan") == "最高额度" and registry.label("rate") == "年化利率"


@pytest.mark.browser
@pytest.mark.parametrize("product_id", ["abc-test-empty", "abc-test-filled"])
def test_page_card_compare_and_download_agree_on_every_field(page: Page, built, product_id: str):
    out, url, registry, products = built
    product = products[product_id]
    expected = registry.display_block(product, "农业银行")

    # Product page: every field of the table.
    page.goto(f"{url}products/{product_id}/")
    for name in registry.page_table:
        expect(page.locator(f'td[data-field="{name}"]')).to_have_text(expected[name])
    expect(page.locator(".portal-rate__value")).to_have_text(expected["rate"])

    # The finder's card (rendered in the browser from the compact index).
    page.goto(f"{url}products/?bank=abc")
    card = page.locator(f'[data-product-results] > li[data-product-id="{product_id}"]')
    expect(card.locator(".portal-rate-value")).to_have_text(expected["rate"])
    facts = card.locator(".portal-card__facts")
    for key in ("amount", "term", "decision_days"):
        expect(facts).to_contain_text(expected[key])

    # The compare page: every row.
    page.goto(f"{url}compare/?ids={product_id}")
    for key, _label in registry.compare_rows():
        expect(page.locator(f'tr[data-row="{key}"] td')).to_have_text(expected[key])

    # Downloads: the CSV and JSON carry the value itself; its wording is the same declaration's.
    rows = list(csv.reader(io.StringIO((out / "downloads" / "products.csv").read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if r[0] == product_id)
    names = registry.schema.names
    for name, cell in zip(names, row[:len(names)], strict=True):
        assert cell == str(cell_value(getattr(product, name))), name
    assert row[len(names):] == ["通川区", "511702"]   # the district (extra.portal.region) closes each row
    record = next(p for p in json.loads((out / "downloads" / "products.json").read_text(encoding="utf-8"))["products"]
                  if p["product_id"] == product_id)
    assert record["display"] == expected
