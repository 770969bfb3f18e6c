"""What Excel and real people produce is accepted: encodings, CRLF, Chinese titles with stray
spaces, list separators, 是/否, XLSX date, number and TRUE/FALSE cells; ambiguous XLSX cells
(percent-formatted rates) are refused with the expected form."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from generator.core.settings import project_paths
from generator.commands.validate import validate_targets
from tests.conftest import ROOT
from tests.submissions.corpus.cases import BANK, FIELDS, TODAY, csv_bytes, valid_row, write_package

TITLES = {f["name"]: f["title"] for f in json.loads(
    (ROOT / "catalog/schema/products.schema.json").read_text(encoding="utf-8"))["fields"]}


def validate(package: Path):
    issues, _ = validate_targets(project_paths(ROOT), [package], today=TODAY)
    return issues


def only_product(package: Path):
    from generator.ingest.catalog import validate_package_dir
    from generator.core.settings import load_settings
    from generator.core.issues import IssueList
    from generator.ingest.registry import load_registry
    from generator.core.schema import load_schema

    paths = project_paths(ROOT)
    found = IssueList()
    products = validate_package_dir(package, paths, load_settings(paths.mkdocs_yml), load_schema(paths.schema_file),
                                    load_registry(paths.registry_file, IssueList(), display_root=ROOT), found,
                                    today=TODAY)
    assert found.valid, [i.to_dict() for i in found.errors]
    assert len(products) == 1
    return products[0]


def messy_csv_text() -> str:
    """Chinese titles with stray spaces and full-width brackets, mixed separators, 是/否 and TRUE."""
    header = [f" {TITLES[n]} ".replace("(", "（").replace(")", "）") for n in FIELDS]
    row = valid_row(guarantee_methods="信用；保证;抵押，质押", target_customers="小型企业,微型企业、个体工商户",
                    online_application="TRUE", renewal_without_repayment="否", programs="")
    lines = [",".join(header), ",".join(f'"{row[n]}"' for n in FIELDS), ",,,", "", ",,"]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_every_excel_encoding_with_crlf_titles_and_trailing_empty_rows(tmp_path: Path, encoding: str):
    package = write_package(tmp_path / BANK, messy_csv_text().encode(encoding))
    issues = validate(package)
    assert issues.valid and not issues.warnings, [i.to_dict() for i in issues.items]
    product = only_product(package)
    assert product.guarantee_methods == ("信用", "保证", "抵押", "质押")
    assert product.target_customers == ("小型企业", "微型企业", "个体工商户")
    assert product.online_application is True and product.renewal_without_repayment is False
    assert product.programs == ()
    assert product.name == "测试经营贷1号"


@pytest.mark.parametrize("text, expected", [("是", True), ("否", False), ("true", True), ("FALSE", False),
                                            ("1", True), ("0", False)])
def test_boolean_spellings(tmp_path: Path, text: str, expected: bool):
    package = write_package(tmp_path / BANK, csv_bytes([valid_row(online_application=text)]))
    assert only_product(package).online_application is expected


def test_multiline_text_keeps_line_breaks(tmp_path: Path):
    package = write_package(tmp_path / BANK, csv_bytes([valid_row(process="1. 申请\n2. 审批\n3. 放款")]))
    assert only_product(package).process == "1. 申请\n2. 审批\n3. 放款"


def write_xlsx(path: Path, rows: list[list[object]], *, percent_column: str | None = None,
               blank_formatted_rows: int = 0) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "产品"
    sheet.append([TITLES[n] for n in FIELDS])
    for row in rows:
        sheet.append(row)
    if percent_column:
        column = FIELDS.index(percent_column) + 1
        for r in range(2, 2 + len(rows)):
            sheet.cell(row=r, column=column).number_format = "0.00%"
    for r in range(2 + len(rows), 2 + len(rows) + blank_formatted_rows):
        sheet.cell(row=r, column=1).number_format = "@"
    book.save(path)


def excel_row(**changes: object) -> list[object]:
    """A product as Excel stores it: real dates, numbers, booleans."""
    row: dict[str, object] = dict(valid_row())
    row.update(amount_min_wan=10, amount_max_wan=300.0, term_min_months=6, term_max_months=36.0, rate_min=3.45,
               rate_max=4.8, guarantee_fee_rate=0.8, decision_days=7, online_application=True,
               renewal_without_repayment=False, contact_phone=13812345678,
               valid_from=dt.datetime.combine(TODAY - dt.timedelta(days=30), dt.time()),
               updated=TODAY - dt.timedelta(days=2), valid_until=None)
    row.update(changes)
    return [row[n] for n in FIELDS]


def test_xlsx_with_date_number_and_boolean_cells(tmp_path: Path):
    package = write_package(tmp_path / BANK, None, path="products.xlsx")
    write_xlsx(package / "products.xlsx", [excel_row()], blank_formatted_rows=50)
    issues = validate(package)
    assert issues.valid and not issues.warnings, [i.to_dict() for i in issues.items]
    product = only_product(package)
    assert product.contact_phone == "13812345678"
    assert product.valid_from == TODAY - dt.timedelta(days=30)
    assert product.amount_max_wan == 300 and product.term_max_months == 36
    assert product.rate_min == 3.45
    assert product.online_application is True and product.renewal_without_repayment is False


def test_xlsx_landline_as_text_passes_but_as_number_gets_a_leading_zero_hint(tmp_path: Path):
    package = write_package(tmp_path / BANK, None, path="products.xlsx")
    write_xlsx(package / "products.xlsx", [excel_row(contact_phone="0818-2123456"),
                                           excel_row(product_id="icbc-test-dai-2", contact_phone=8182123456)])
    issues = validate(package)
    assert [(i.code, i.row, i.field) for i in issues.errors] == [("constraint-error", 3, "contact_phone")]
    assert "开头的 0" in issues.errors[0].hint


def test_xlsx_percent_formatted_rate_is_refused_with_the_bare_number(tmp_path: Path):
    package = write_package(tmp_path / BANK, None, path="products.xlsx")
    write_xlsx(package / "products.xlsx", [excel_row(rate_min=0.0435, rate_max=0.06)], percent_column="rate_min")
    issues = validate(package)
    assert [(i.code, i.row, i.field) for i in issues.errors] == [("type-error", 2, "rate_min")]
    assert "4.35%" in issues.errors[0].message
    assert issues.errors[0].hint == "请填写不带 % 的数字，如 4.35。"


def test_xlsx_stops_reading_at_a_long_run_of_formatted_empty_rows(tmp_path: Path):
    package = write_package(tmp_path / BANK, None, path="products.xlsx")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([TITLES[n] for n in FIELDS])
    sheet.append(excel_row())
    sheet.cell(row=5000, column=1, value="很远处的一个单元格")  # beyond 1000 empty rows: never read
    book.save(package / "products.xlsx")
    issues = validate(package)
    assert issues.valid, [i.to_dict() for i in issues.errors]


def test_loose_csv_file_is_validated_without_a_package(tmp_path: Path):
    path = tmp_path / "products.csv"
    path.write_bytes(csv_bytes([valid_row(rate_max="4.8%")]))
    issues = validate(path)
    assert [(i.code, i.row, i.field) for i in issues.errors] == [("type-error", 2, "rate_max")]


def test_loose_symlink_and_archive_files_are_refused(tmp_path: Path):
    target = tmp_path / "real.csv"
    target.write_bytes(csv_bytes([valid_row()]))
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    archive = tmp_path / "products.zip"
    archive.write_bytes(b"PK\x03\x04")
    issues = validate(link)
    assert [i.code for i in issues.errors] == ["unsafe-path"]
    issues = validate(archive)
    assert [i.code for i in issues.errors] == ["unsupported-format"]


def test_a_banks_updated_loose_file_may_reuse_its_own_ids_but_not_another_banks(tmp_path: Path):
    """A bank e-mails its whole table again: its current product_ids are an update, not duplicates."""
    import csv
    import io

    current = (ROOT / "catalog" / "banks" / "icbc" / "products.csv").read_text(encoding="utf-8")
    update = tmp_path / "icbc-update.csv"
    update.write_text(current, encoding="utf-8")
    assert validate(update).valid, [i.to_dict() for i in validate(update).errors]
    rows = list(csv.DictReader(io.StringIO(current)))
    taken = next(csv.DictReader(io.StringIO(
        (ROOT / "catalog" / "banks" / "abc" / "products.csv").read_text(encoding="utf-8"))))["product_id"]
    rows[0]["product_id"] = taken           # an id the 农业银行 uses
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    update.write_text(buffer.getvalue(), encoding="utf-8")
    errors = validate(update).errors
    assert [(i.code, i.row) for i in errors] == [("duplicate-product", 2)]
    assert "catalog/banks/abc" in errors[0].message
