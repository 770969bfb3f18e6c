"""The content checker: each listed phrase is found, fixed expressions and exempt documents are
not, and the demo's normal texts raise no warning at all."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from generator.commands.build import load_input
from generator.core.settings import project_paths
from generator.content.wording import PRODUCT_TEXT_FIELDS, find_phrases, load_wordlist, wordlist_path
from tests.conftest import ROOT, copy_project, portal

WORDLIST = load_wordlist(wordlist_path(ROOT / "content"))
ALL_PHRASES = [(c.key, p) for c in WORDLIST.categories for p in c.phrases]
# The phrases the issue names explicitly must stay in the shipped list.
REQUIRED = {"最低", "最优", "最佳", "第一", "国家级", "最高级", "包下款", "百分百下款", "100%下款", "无视征信",
            "秒批", "零门槛", "保本", "无风险", "内部渠道", "包装资料", "洗白征信", "服务费", "渠道费", "垫资",
            "日息", "月息", "日利率", "月利率"}


def test_the_shipped_word_list_has_every_phrase_the_rules_name():
    assert REQUIRED <= {p for _, p in ALL_PHRASES}
    assert {c.key for c in WORDLIST.categories} == {"absolute", "promise", "intermediary", "rate-period"}
    assert all(c.reason and c.hint for c in WORDLIST.categories)


@pytest.mark.parametrize(("category", "phrase"), ALL_PHRASES)
def test_each_phrase_is_found_in_a_product_text(category, phrase):
    text = f"本产品面向小微企业，{phrase}，欢迎咨询。"
    findings = find_phrases(text, WORDLIST, "product")
    assert (category, phrase) in {(f.category.key, f.phrase) for f in findings}


def test_full_width_forms_match():
    assert {f.phrase for f in find_phrases("１００％下款", WORDLIST, "product")} == {"100%下款"}


def test_fixed_expressions_are_no_false_alarm():
    process = "第一步：提交申请\n第二步：银行调查\n贷款第一年按月付息，最低额度1万元"
    assert find_phrases(process, WORDLIST, "product") == []
    # ...but the phrase on its own in the same text is still found.
    assert [f.phrase for f in find_phrases("第一步提交，放款速度全市第一", WORDLIST, "product")] == ["第一"]


def test_rate_period_is_only_checked_in_product_texts():
    assert [f.phrase for f in find_phrases("日息万分之五", WORDLIST, "product")] == ["日息"]
    assert find_phrases("银行不得只填日利率或月利率", WORDLIST, "content") == []


def test_the_demo_raises_no_wording_warning():
    loaded = load_input(project_paths(ROOT))
    wording = [i for i in loaded.issues.items if i.code.startswith("wording-")]
    assert wording == []
    # ...although the checker did run over it: the warning notice quotes tactics and is exempt.
    notice = (ROOT / "content" / "notices" / "illegal-intermediaries.md").read_text(encoding="utf-8")
    assert find_phrases(notice, WORDLIST, "content")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("wording"))
    products = project / "catalog" / "banks" / "icbc" / "products.csv"
    with products.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    rows[1][header.index("summary")] = "审批快，秒批秒到账，包下款。"
    rows[2][header.index("rate_note")] = "日利率低至万分之三"
    with products.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    policy = project / "content" / "policies" / "tongqu-fuban-2024-23.md"
    text = policy.read_text(encoding="utf-8").replace("## 一句话看懂", "## 一句话看懂\n\n本方案是全省最佳的政策。", 1)
    policy.write_text(text, encoding="utf-8")
    return project


def test_bank_warnings_name_file_row_field_phrase_and_reason(project):
    result = portal("validate", "catalog/banks/icbc", "--format", "json", cwd=project)
    assert result.returncode == 0, result.stdout          # warnings, not errors
    warnings = [w for w in json.loads(result.stdout)["warnings"] if w["code"].startswith("wording-")]
    found = {(w["file"], w["row"], w["field"], w["code"]) for w in warnings}
    assert ("catalog/banks/icbc/products.csv", 2, "summary", "wording-promise") in found
    assert ("catalog/banks/icbc/products.csv", 3, "rate_note", "wording-rate-period") in found
    summary_warnings = " ".join(w["message"] for w in warnings if w["field"] == "summary")
    assert "“秒批”" in summary_warnings and "“包下款”" in summary_warnings
    assert all("产品简介" in w["message"] for w in warnings if w["field"] == "summary")
    assert any("年化利率" in w["message"] for w in warnings if w["field"] == "rate_note")
    assert {w["field"] for w in warnings} <= set(PRODUCT_TEXT_FIELDS)


def test_content_warnings_name_the_line_and_appear_in_the_build_report(project, tmp_path):
    text = (project / "content" / "policies" / "tongqu-fuban-2024-23.md").read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if "最佳" in row)
    result = portal("validate", "--format", "json", cwd=project)
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"]
    absolute = [w for w in report["warnings"] if w["code"] == "wording-absolute"]
    assert [(w["file"], w["row"], w["field"]) for w in absolute] == [
        ("content/policies/tongqu-fuban-2024-23.md", line, None)]
    assert "“最佳”" in absolute[0]["message"] and "广告法" in absolute[0]["message"]
    build = portal("build", "--out", str(tmp_path / "out"), cwd=project)
    assert build.returncode == 0, build.stderr
    assert "“最佳”" in build.stdout and "“秒批”" in build.stdout


def test_documents_can_be_exempted(tmp_path):
    project = copy_project(tmp_path)
    page = project / "content" / "pages" / "about.md"
    original = page.read_text(encoding="utf-8")
    body = "\n谨防“包下款”“洗白征信”的中介。\n"
    variants = {
        "none": (original + body, {"包下款", "洗白征信"}),
        "allow": (original.replace("date: 2026-11-20", "date: 2026-11-20\nchecker_allow: [包下款]") + body,
                  {"洗白征信"}),
        "off": (original.replace("date: 2026-11-20", "date: 2026-11-20\nchecker: off") + body, set()),
    }
    for name, (text, expected) in variants.items():
        page.write_text(text, encoding="utf-8")
        report = json.loads(portal("validate", "content/pages/about.md", "--format", "json",
                                       cwd=project).stdout)
        found = {w["message"].split("“")[1].split("”")[0] for w in report["warnings"]
                 if w["code"].startswith("wording-")}
        assert found == expected, name


def test_a_broken_word_list_is_a_configuration_error(tmp_path):
    project = copy_project(tmp_path)
    (project / "content" / "wordlist.yml").write_text(
        "categories:\n  absolute:\n    label: 绝对化用语\n    reason: 理由\n    hint: 建议\n    phrases: 最佳\n",
        encoding="utf-8")
    result = portal("validate", cwd=project)
    assert result.returncode == 2
    assert "categories.absolute.phrases" in result.stderr
