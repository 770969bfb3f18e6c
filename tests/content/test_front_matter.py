"""Front matter is validated per DESIGN.md section 3: Chinese errors naming file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import copy_project, portal

POLICY = """---
title: 测试政策解读
date: 2026-01-05
doc_number: 通区府办发〔2026〕1号
issuer: 达州市通川区人民政府办公室
status: 现行有效
effective: 2026-01-05
tags: [测试]
related_products: [icbc-shuiyi-dai]
---

正文。
"""

CASE = """---
title: 测试案例
date: 2026-01-05
bank_id: icbc
products: [icbc-shuiyi-dai]
customer_type: 小型企业
amount_wan: 100
summary: 一句话摘要。
---

正文。
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("fm"))


def validate(project: Path, folder: str, name: str, text: str) -> tuple[int, dict]:
    path = project / "content" / folder / name
    path.write_text(text, encoding="utf-8")
    try:
        result = portal("validate", f"content/{folder}/{name}", "--format", "json", cwd=project)
    finally:
        path.unlink()
    return result.returncode, json.loads(result.stdout)


def line_of(text: str, key: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if line.startswith(f"{key}:"))


@pytest.mark.parametrize(("folder", "template", "key", "bad_line", "code"), [
    ("policies", POLICY, "status", "status: 有效", "constraint-error"),
    ("policies", POLICY, "date", "date: 2026-13-45", "type-error"),
    ("policies", POLICY, "effective", "effective: 2026/01/05", "type-error"),
    ("policies", POLICY, "tags", "tags: 测试", "type-error"),
    ("policies", POLICY, "related_products", "related_products: [no-such-product]", "unknown-product"),
    ("policies", POLICY, "title", "title: <img src=x onerror=alert(1)>", "constraint-error"),
    ("cases", CASE, "bank_id", "bank_id: no-such-bank", "unknown-bank"),
    ("cases", CASE, "products", "products: [ccb-kechuang-dai]", "wrong-bank"),
    ("cases", CASE, "customer_type", "customer_type: 大型企业", "constraint-error"),
    ("cases", CASE, "amount_wan", "amount_wan: 一百", "type-error"),
])
def test_invalid_front_matter_exits_1_naming_file_line_and_field(project, folder, template, key, bad_line, code):
    original = next(line for line in template.splitlines() if line.startswith(f"{key}:"))
    text = template.replace(original, bad_line)
    returncode, report = validate(project, folder, "bad-doc.md", text)
    assert returncode == 1
    assert not report["valid"]
    matching = [e for e in report["errors"] if e["field"] == key]
    assert matching, report["errors"]
    error = matching[0]
    assert error["file"] == f"content/{folder}/bad-doc.md"
    assert error["row"] == line_of(text, key)
    assert error["code"] == code
    assert error["message"] and error["hint"]


def test_missing_policy_status_is_reported_on_the_first_line(project):
    text = POLICY.replace("status: 现行有效\n", "")
    returncode, report = validate(project, "policies", "no-status.md", text)
    assert returncode == 1
    assert [(e["field"], e["code"]) for e in report["errors"]] == [("status", "missing-field")]


def test_unknown_key_is_a_warning_with_a_suggestion_not_an_error(project):
    text = POLICY.replace("tags: [测试]", "tags: [测试]\ntitel: 拼错的键")
    returncode, report = validate(project, "policies", "typo.md", text)
    assert returncode == 0 and report["valid"]
    warning = next(w for w in report["warnings"] if w["code"] == "unknown-key")
    assert warning["field"] == "titel" and warning["row"] == line_of(text, "titel")
    assert "title" in warning["hint"]


def test_valid_documents_pass(project):
    for folder, text in (("policies", POLICY), ("cases", CASE)):
        returncode, report = validate(project, folder, "good-doc.md", text)
        assert returncode == 0, report
        assert report["errors"] == []


def test_build_with_bad_content_exits_1_and_leaves_the_output_alone(tmp_path):
    project = copy_project(tmp_path / "p")
    out = tmp_path / "out"
    bad = CASE.replace("products: [icbc-shuiyi-dai]", "products: [icbc-shuiyi-dai, no-such-product]")
    (project / "content" / "cases" / "2026-01-05-bad.md").write_text(bad, encoding="utf-8")
    result = portal("build", "--out", str(out), cwd=project)
    assert result.returncode == 1
    assert "content/cases/2026-01-05-bad.md" in result.stderr
    assert f"第 {line_of(bad, 'products')} 行" in result.stderr
    assert "no-such-product" in result.stderr
    assert not out.exists()
