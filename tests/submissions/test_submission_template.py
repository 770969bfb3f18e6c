"""`portal template` writes a submission a bank can fill in, and a filled-in template validates."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import ROOT, portal, run_portal

SCHEMA = json.loads((ROOT / "catalog/schema/products.schema.json").read_text(encoding="utf-8"))
TITLES = [f["title"] for f in SCHEMA["fields"]]


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Written by the real ``portal template`` in a new process (its end-to-end test)."""
    out = tmp_path_factory.mktemp("template") / "icbc"
    completed = run_portal("template", "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    return out


def test_template_has_descriptor_csv_and_xlsx_with_chinese_headers(template_dir: Path):
    descriptor = json.loads((template_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["resources"] == [{"name": "products", "path": "products.xlsx"}]
    with (template_dir / "products.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == TITLES
    assert len(rows) == 2
    book = openpyxl.load_workbook(template_dir / "products.xlsx")
    assert book.sheetnames == ["产品", "填写说明"]
    sheet = book["产品"]
    assert [c.value for c in sheet[1]] == TITLES


def test_example_row_is_clearly_marked(template_dir: Path):
    sheet = openpyxl.load_workbook(template_dir / "products.xlsx")["产品"]
    example = {title: cell.value for title, cell in zip(TITLES, sheet[2])}
    assert example["产品编号"].startswith("example-")
    assert "示例" in example["产品名称"]
    assert sheet["A2"].comment is not None and "示例" in sheet["A2"].comment.text


def test_xlsx_has_a_dropdown_for_every_single_choice_field_and_a_hint_on_every_column(template_dir: Path):
    sheet = openpyxl.load_workbook(template_dir / "products.xlsx")["产品"]
    by_column: dict[str, object] = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            by_column[cell_range.coord.split(":")[0].rstrip("0123456789")] = validation
    letters = [openpyxl.utils.get_column_letter(i) for i in range(1, len(TITLES) + 1)]
    for letter, field in zip(letters, SCHEMA["fields"]):
        validation = by_column[letter]
        assert validation.showInputMessage and validation.prompt, field["name"]
        enum = field.get("constraints", {}).get("enum")
        if field["type"] == "boolean":
            enum = ["是", "否"]
        if enum:
            assert validation.type == "list", field["name"]
            assert validation.formula1 == '"' + ",".join(enum) + '"'
        if "x-list" in field and "enum" in field["x-list"]:
            for item in field["x-list"]["enum"]:
                assert item in validation.prompt, (field["name"], item)


def test_guide_sheet_describes_every_field(template_dir: Path):
    sheet = openpyxl.load_workbook(template_dir / "products.xlsx")["填写说明"]
    names = {row[1] for row in sheet.iter_rows(values_only=True)}
    assert {f["name"] for f in SCHEMA["fields"]} <= names


def test_unfilled_template_is_refused_because_of_the_example_row(template_dir: Path):
    completed = portal("validate", str(template_dir), "--format", "json")
    assert completed.returncode == 1
    codes = {(i["code"], i["row"], i["field"]) for i in json.loads(completed.stdout)["errors"]}
    assert ("example-row", 2, "product_id") in codes


def fill_in(template_dir: Path, target: Path, data_file: str) -> Path:
    """What a bank does: real ids and name in the example row, the folder named after the bank."""
    target.mkdir(parents=True)
    descriptor = json.loads((template_dir / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = data_file
    (target / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    changes = {"产品编号": "icbc-xin-chanpin", "机构编号": "icbc", "产品名称": "工银小微新产品"}
    if data_file.endswith(".xlsx"):
        book = openpyxl.load_workbook(template_dir / "products.xlsx")
        sheet = book["产品"]
        for column, title in enumerate(TITLES, start=1):
            if title in changes:
                sheet.cell(row=2, column=column, value=changes[title])
        book.save(target / data_file)
    else:
        with (template_dir / "products.csv").open(encoding="utf-8-sig", newline="") as handle:
            header, row = list(csv.reader(handle))
        row = [changes.get(title, value) for title, value in zip(header, row)]
        with (target / data_file).open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([header, row])
    return target


@pytest.mark.parametrize("data_file", ["products.xlsx", "products.csv"])
def test_filled_in_template_validates(template_dir: Path, tmp_path: Path, data_file: str):
    package = fill_in(template_dir, tmp_path / "icbc", data_file)
    completed = portal("validate", str(package), "--format", "json")
    result = json.loads(completed.stdout)
    assert completed.returncode == 0, result
    assert result["errors"] == []


def test_template_for_a_bank_prefills_its_id(tmp_path: Path):
    completed = portal("template", "--out", str(tmp_path / "abc"), "--bank", "abc")
    assert completed.returncode == 0
    with (tmp_path / "abc" / "products.csv").open(encoding="utf-8-sig", newline="") as handle:
        header, row = list(csv.reader(handle))
    assert dict(zip(header, row))["机构编号"] == "abc"
