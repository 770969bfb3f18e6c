"""``portal accept``: a bank's e-mailed file goes into ``catalog/banks/<id>/`` only when valid, with
the difference shown first, the previous data kept, and a build that publishes it. In-process over
copies of the demo project."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import build_project, copy_project, portal
from tests.test_build import tree_digest

PRODUCT = "abc-xudai-wuhuanben"      # abc's first product: 最高额度 3000 万元


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def _rows(project: Path, bank: str = "abc") -> list[dict[str, str]]:
    text = (project / "catalog" / "banks" / bank / "products.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def test_a_csv_from_excel_is_installed_the_old_data_kept_and_the_build_publishes_it(project, tmp_path):
    before = (project / "catalog" / "banks" / "abc" / "products.csv").read_bytes()
    rows = _rows(project)
    rows[0]["amount_max_wan"] = "3500"
    submitted = tmp_path / "农业银行产品.csv"
    submitted.write_bytes(_csv(rows).encode("gb18030"))      # as Excel saves it on Chinese Windows

    result = portal("accept", str(submitted), "--bank", "abc", "--yes", cwd=project)
    assert result.returncode == 0, result.stderr
    assert f"产品信息变更：小微企业无还本续贷（{PRODUCT}）" in result.stdout
    assert "最高额度(万元)：3000 万元 → 3500 万元" in result.stdout
    assert "其余 2 款产品没有变化" in result.stdout

    folder = project / "catalog" / "banks" / "abc"
    assert sorted(p.name for p in folder.iterdir()) == ["datapackage.json", "products.csv"]
    assert json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"] == [
        {"name": "products", "path": "products.csv", "format": "csv", "encoding": "utf-8"}]
    assert "3500" in (folder / "products.csv").read_text(encoding="utf-8")   # now UTF-8
    [kept] = (project / "catalog" / "history" / "abc").iterdir()
    assert kept.name[:8].isdigit() and kept.name[8] == "-"
    assert (kept / "products.csv").read_bytes() == before
    assert not list((project / "catalog").glob(".accept-*"))

    site = build_project(project, tmp_path / "site")
    products = json.loads((site / "downloads" / "products.json").read_text(encoding="utf-8"))["products"]
    assert next(p for p in products if p["product_id"] == PRODUCT)["amount_max_wan"] == 3500


def test_an_xlsx_and_a_package_folder_are_installed_as_packages(project, tmp_path):
    rows = _rows(project)
    rows[1]["name"] = "惠农e贷（新版）"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "产品"
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    submitted = tmp_path / "abc.xlsx"
    book.save(submitted)

    result = portal("accept", str(submitted), "--bank", "abc", "--yes", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "→ 惠农e贷（新版）" in result.stdout
    folder = project / "catalog" / "banks" / "abc"
    assert (folder / "products.xlsx").read_bytes() == submitted.read_bytes()
    assert json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"] == [
        {"name": "products", "path": "products.xlsx", "format": "xlsx"}]
    assert portal("validate", "catalog/banks/abc", cwd=project).returncode == 0

    # A bank with no folder yet, submitting a package folder whose name is not its id.
    shutil.rmtree(project / "catalog" / "banks" / "icbc", ignore_errors=False)
    package = Path(shutil.copytree(copy_project(tmp_path / "pristine") / "catalog" / "banks" / "icbc",
                                   tmp_path / "工行提交"))
    new_bank = portal("accept", str(package), "--bank", "icbc", "--yes", cwd=project)
    assert new_bank.returncode == 0, new_bank.stderr
    assert "工商银行目前没有数据，将新建 catalog/banks/icbc/" in new_bank.stdout
    assert "这是该机构的第一份数据" in new_bank.stdout
    assert (project / "catalog" / "banks" / "icbc" / "products.csv").is_file()
    assert not (project / "catalog" / "history" / "icbc").exists()


@pytest.mark.parametrize("bank, change, code", [
    ("abc", {"rate_max": "很低"}, "type-error"),
    ("icbc", {}, "wrong-bank"),     # abc's own file handed in as icbc's
], ids=["bad-cell", "wrong-bank"])
def test_an_invalid_submission_is_reported_and_the_catalogue_is_untouched(project, tmp_path, bank, change, code):
    rows = _rows(project)
    rows[0].update(change)
    submitted = tmp_path / "products.csv"
    submitted.write_text(_csv(rows), encoding="utf-8")
    before = tree_digest(project / "catalog")
    result = portal("accept", str(submitted), "--bank", bank, "--yes", cwd=project)
    assert result.returncode == 1
    assert f"[{code}]" in result.stderr
    assert f"未安装；catalog/banks/{bank}/ 保持不变" in result.stderr
    assert tree_digest(project / "catalog") == before


def test_without_yes_off_a_terminal_or_for_an_unknown_bank_nothing_is_installed(project, tmp_path):
    rows = _rows(project)
    rows[0]["amount_max_wan"] = "3500"
    submitted = tmp_path / "products.csv"
    submitted.write_text(_csv(rows), encoding="utf-8")
    before = tree_digest(project / "catalog")

    unattended = portal("accept", str(submitted), "--bank", "abc", cwd=project)   # stdin is not a TTY
    assert unattended.returncode == 2
    assert "3000 万元 → 3500 万元" in unattended.stdout      # the difference is still shown
    assert "请加 --yes 确认安装" in unattended.stderr

    unknown = portal("accept", str(submitted), "--bank", "no-such-bank", "--yes", cwd=project)
    assert unknown.returncode == 2
    assert "no-such-bank" in unknown.stderr and "catalog/registry/banks.csv" in unknown.stderr

    missing = portal("accept", str(tmp_path / "nothing.csv"), "--bank", "abc", "--yes", cwd=project)
    assert missing.returncode == 2 and "nothing.csv" in missing.stderr
    assert tree_digest(project / "catalog") == before


def test_a_file_accepted_under_the_wrong_bank_says_to_check_the_option(tmp_path):
    """An ICBC file with --bank ccb: the operator is told to check --bank, not to relabel the products."""
    from tests.conftest import copy_project, portal

    project = copy_project(tmp_path / "project")
    before = sorted(p.read_bytes() for p in (project / "catalog").rglob("*") if p.is_file())
    source = tmp_path / "icbc.csv"
    source.write_bytes((project / "catalog" / "banks" / "icbc" / "products.csv").read_bytes())
    result = portal("accept", str(source), "--bank", "ccb", "--yes", cwd=project)
    assert result.returncode == 1 and "wrong-bank" in result.stderr
    assert "请先确认 --bank 是否写错" in result.stderr
    assert sorted(p.read_bytes() for p in (project / "catalog").rglob("*") if p.is_file()) == before


def test_the_same_data_sent_again_installs_nothing(tmp_path):
    from tests.conftest import copy_project, portal

    project = copy_project(tmp_path / "project")
    source = tmp_path / "icbc.csv"
    source.write_bytes((project / "catalog" / "banks" / "icbc" / "products.csv").read_bytes())
    result = portal("accept", str(source), "--bank", "icbc", "--yes", cwd=project)
    assert result.returncode == 0 and "无需安装" in result.stdout
    assert not (project / "catalog" / "history").exists()
