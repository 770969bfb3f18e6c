"""Downloads offered by the site: the published products, with no live spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from tests.quality.security import FORMULA_PAYLOADS


def test_downloads_match_the_published_products(demo_site):
    data = json.loads((demo_site / "downloads" / "products.json").read_text(encoding="utf-8"))
    pages = {p.parent.name for p in (demo_site / "products").glob("*/index.html")}
    assert {p["product_id"] for p in data["products"]} == pages
    assert data["sample_data"] is True
    rows = list(csv.reader(io.StringIO((demo_site / "downloads" / "products.csv").read_bytes().decode("utf-8-sig"))))
    assert rows[0][0] == "产品编号" and len(rows) - 1 == len(pages)
    book = load_workbook(demo_site / "downloads" / "products.xlsx")
    assert book["products"].max_row - 1 == len(pages)
    # A spreadsheet travels without the page around it: the sample-data mark is inside.
    notes = [row[0] for row in book["说明"].iter_rows(values_only=True)]
    assert notes[0].startswith("示例数据") and any("不代表政府" in n for n in notes)
    package = json.loads((demo_site / "downloads" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["resources"][0]["path"] == "products.csv"


def test_formula_like_bank_text_is_never_a_live_formula(hostile_site):
    """The hostile variant's formula-like bank text (tests/quality/security.py FORMULA_PAYLOADS):
    the CSV cell is the text behind an apostrophe, the XLSX cell the text itself, as a string."""
    out = hostile_site.site
    exported = list(csv.reader(io.StringIO((out / "downloads" / "products.csv").read_bytes().decode("utf-8-sig"))))
    cells = [c for row in exported[1:] for c in row]
    sheet = load_workbook(out / "downloads" / "products.xlsx")["products"]
    values = [c.value for row in sheet.iter_rows() for c in row]
    for payload in FORMULA_PAYLOADS.values():
        assert "'" + payload in cells, payload
        assert payload in values, payload
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
