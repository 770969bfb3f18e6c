"""Typed records: the publish rule on the product record, and staff front matter as typed metadata
(status and notice kind as enums, dates as dates). In-process."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from generator.commands.build import load_input
from generator.content.documents import load_document
from generator.core.issues import IssueList
from generator.core.models import CaseMeta, NoticeKind, NoticeMeta, PolicyMeta, PolicyStatus
from generator.core.settings import project_paths
from tests.conftest import ROOT

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def demo():
    loaded = load_input(project_paths(ROOT))
    assert loaded.issues.valid
    return loaded


@pytest.mark.parametrize(("status", "valid_until", "published"), [
    ("在售", None, True),
    ("在售", TODAY, True),                          # the last day still counts
    ("在售", TODAY - dt.timedelta(days=1), False),
    ("暂停", None, False),
    ("下架", TODAY + dt.timedelta(days=30), False),
])
def test_a_product_is_published_while_on_sale_and_not_expired(demo, status, valid_until, published):
    product = dataclasses.replace(demo.catalog.products[0], status=status, valid_until=valid_until)
    assert product.is_published(TODAY) is published


def write(tmp_path: Path, folder: str, text: str) -> Path:
    path = tmp_path / "content" / folder / "2026-06-01-x.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_policy_front_matter_becomes_typed_metadata(tmp_path, demo):
    product_id = demo.catalog.products[0].product_id
    path = write(tmp_path, "policies", f"""---
title: 政策
date: 2026-06-01
updated: 2026-06-03
doc_number: 通区府办发〔2026〕1号
issuer: 通川区人民政府办公室
status: 已废止
effective: 2026-06-01
expires: 2026-12-31
tags: [续贷, 融资协调]
related_products: [{product_id}]
checker: off
---
正文
""")
    issues = IssueList()
    doc = load_document(path, "policy", demo.catalog, issues, display_root=tmp_path)
    assert issues.valid and doc is not None
    meta = doc.meta
    assert isinstance(meta, PolicyMeta)
    assert meta.status is PolicyStatus.REPEALED and meta.repealed and f"{meta.status}" == "已废止"
    assert meta.expires == dt.date(2026, 12, 31) and meta.updated == dt.date(2026, 6, 3)
    assert meta.tags == ("续贷", "融资协调") and meta.related_products == (product_id,)
    assert doc.updated == dt.date(2026, 6, 3) and doc.url == "policies/2026-06-01-x/"


def test_case_and_notice_metadata(tmp_path, demo):
    product = demo.catalog.products[0]
    case = load_document(write(tmp_path, "cases", f"""---
title: 案例
date: 2026-06-01
bank_id: {product.bank_id}
products: [{product.product_id}]
customer_type: 个体工商户
amount_wan: 30
summary: 一句话。
checker: off
---
正文
"""), "case", demo.catalog, IssueList(), display_root=tmp_path)
    assert isinstance(case.meta, CaseMeta)
    assert (case.meta.bank_id, case.meta.products, case.meta.amount_wan) == (product.bank_id, (product.product_id,), 30)
    assert case.updated == dt.date(2026, 6, 1)                 # no updated: the publish date
    notice = load_document(write(tmp_path, "notices", "---\ntitle: 提示\ndate: 2026-06-01\nkind: warning\n---\n正文\n"),
                           "notice", demo.catalog, IssueList(), display_root=tmp_path)
    assert isinstance(notice.meta, NoticeMeta) and notice.meta.kind is NoticeKind.WARNING and notice.meta.is_warning
