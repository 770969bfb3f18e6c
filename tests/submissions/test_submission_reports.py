"""`portal validate` reports: Chinese text grouped by file and row, the JSON contract, and one
self-contained HTML page; exit codes 0/1/2; frictionless never reaches the network.

The text report (exit 1) and a valid package (exit 0) run the real command in a new process, the
end-to-end tests of `portal validate`; the other reports go through the same command in-process."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from frictionless import Resource

from generator.core.offline import offline_frictionless
from tests.conftest import portal, run_portal
from tests.submissions.corpus.cases import BANK, csv_bytes, valid_row, write_package
from tests.submissions.recorder import RecordingServer


@pytest.fixture
def broken_package(tmp_path: Path) -> Path:
    rows = [valid_row(1, rate_min="4.35%", valid_from="2026/1/5"),
            valid_row(2, product_type="<script>alert(1)</script>", bank_id="abc"),
            valid_row(3, status="暂停")]
    return write_package(tmp_path / BANK, csv_bytes(rows))


def test_text_report_groups_by_file_and_row_and_shows_value_and_fix(broken_package: Path):
    completed = run_portal("validate", str(broken_package))
    assert completed.returncode == 1
    out = completed.stdout
    assert out.count("products.csv】") == 1
    assert out.index("第 2 行") < out.index("第 3 行") < out.index("第 4 行")
    row2 = out[out.index("第 2 行"):out.index("第 3 行")]
    assert "“4.35%”" in row2 and "修改方法：请填写不带 % 的数字，如 4.35。" in row2
    assert "“2026/1/5”" in row2 and "2026-01-05" in row2
    assert "“年化利率下限(%)”列（rate_min）" in row2
    row4 = out[out.index("第 4 行"):]
    assert "! 警告" in row4 and "[paused-product]" in row4
    assert "共 4 个错误，1 个警告" in out


def test_json_report_is_the_contract(broken_package: Path):
    completed = portal("validate", str(broken_package), "--format", "json")
    assert completed.returncode == 1
    result = json.loads(completed.stdout)
    assert result["valid"] is False
    triples = [(i["row"], i["field"], i["code"]) for i in result["errors"]]
    assert triples == [(2, "rate_min", "type-error"), (2, "valid_from", "type-error"), (3, "bank_id", "wrong-bank"),
                       (3, "product_type", "constraint-error")]
    assert [(i["row"], i["code"]) for i in result["warnings"]] == [(4, "paused-product")]


def test_html_report_is_one_self_contained_page(broken_package: Path, tmp_path: Path):
    target = tmp_path / "report.html"
    completed = portal("validate", str(broken_package), "--format", "html", "-o", str(target))
    assert completed.returncode == 1
    page = target.read_text(encoding="utf-8")
    assert '<html lang="zh">' in page
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert not re.search(r"(src|href)=", page)
    assert "url(" not in page
    assert "请填写不带 % 的数字，如 4.35。" in page and "“4.35%”" in page
    assert "“&lt;script&gt;alert(1)&lt;/script&gt;”" in page  # bank text is shown, never run
    assert "<td class=\"nowrap\">2</td>" in page and "年化利率下限(%)" in page


def test_valid_package_exits_0_and_says_so(tmp_path: Path):
    package = write_package(tmp_path / BANK, csv_bytes([valid_row()]))
    completed = run_portal("validate", str(package))
    assert completed.returncode == 0, completed.stdout
    assert "共 0 个错误，0 个警告。校验通过。" in completed.stdout


def test_unknown_format_is_a_usage_error(tmp_path: Path):
    assert portal("validate", "--format", "xml").returncode == 2


def test_frictionless_runs_with_a_session_that_refuses_every_request():
    server = RecordingServer()
    try:
        # The recorder does work: frictionless left to itself fetches the URL.
        assert Resource(f"{server.url}products.csv").read_rows()
        assert server.hits
        server.hits.clear()
        with offline_frictionless(), pytest.raises(Exception, match="network access refused"):
            Resource(f"{server.url}products.csv").read_rows()
        assert server.hits == []
    finally:
        server.stop()
