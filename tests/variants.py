"""Project variants that several test files share, each built once per test session (the fixtures
``hostile_site`` and ``product_variants`` in conftest.py): a build costs a second or more, and one
variant serves every check that needs that kind of input.

- The hostile variant: XSS payloads in bank fields, the registry and content (the security gate),
  spreadsheet formulas in bank fields (the downloads), markup and template syntax in a product
  summary, and attacks in staff HTML (the sanitiser).
- The product variants: three test products added to one bank (every optional field empty,
  every field filled, every text at its longest), built with a public address and without one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import add_products, build_project, copy_project, edit_product
from tests.quality.security import (STAFF_HTML_PAYLOADS, PlacedPayload, plant_bank_payloads,
                                    plant_content_payloads, plant_formula_payloads, plant_registry_payloads)

TODAY = dt.date.today().isoformat()
EMPTY = {  # every optional field left blank
    "product_id": "abc-test-empty", "bank_id": "abc", "name": "测试空白产品", "summary": "只填必填项的产品。",
    "product_type": "流动资金贷款", "guarantee_methods": "信用", "target_customers": "小型企业",
    "amount_max_wan": "100", "term_max_months": "12", "rate_min": "3.5", "rate_max": "3.5",
    "repayment_methods": "等额本息", "online_application": "否", "renewal_without_repayment": "否",
    "decision_days": "7", "eligibility": "合规经营。", "materials": "营业执照。", "contact_phone": "95599",
    "valid_from": "2026-01-05", "updated": TODAY, "status": "在售",
}
FILLED = {  # every field filled, a minimum of 0 and a government guarantee fee
    **EMPTY, "product_id": "abc-test-filled", "name": "测试全填产品", "guarantee_methods": "保证、政府性融资担保",
    "target_customers": "个体工商户、家庭农场", "industries": "制造业、批发和零售业", "amount_min_wan": "0",
    "term_min_months": "3", "rate_min": "3.45", "rate_max": "4.8", "rate_note": "LPR+50BP，单利",
    "guarantee_fee_rate": "0.8", "fees": "无", "repayment_methods": "按月付息到期还本、随借随还",
    "online_application": "是", "renewal_without_repayment": "是", "programs": "园保贷、信易贷",
    "process": "1. 申请\n2. 审批", "contact_name": "王经理", "branch_address": "通川区某路 1 号",
    "apply_url": "https://www.abchina.com/apply", "valid_until": "2099-12-31",
}
LONGEST = {  # every text at its longest, every list with every value
    **EMPTY, "product_id": "abc-test-longest", "name": "超长名称“引号”<b>测试</b>" + "贷" * 21,
    "summary": "长" * 200, "rate_note": "利率说明" * 40, "branch_address": "地址很长" * 30,
    "contact_name": "联系人" * 10, "guarantee_methods": "信用、保证、抵押、质押、政府性融资担保",
    "target_customers": "小型企业、微型企业、个体工商户、小微企业主、农民专业合作社、家庭农场",
    "repayment_methods": "等额本息、等额本金、按月付息到期还本、按季付息到期还本、随借随还、分期还本",
    "apply_url": "https://www.abchina.com/" + "a" * 150, "guarantee_fee_rate": "0.5",
}
# A public address other than the demo's, so a test cannot pass on a hard-coded demo URL.
VARIANT_BASE_URL = "https://portal.example.gov.cn/xwqy/"
# Markup and template syntax a bank might type into a summary: shown as text, never run.
BANK_TEXT = "<b>粗体</b><script>alert(1)</script>{{ 7*7 }}{% if 1 %}x{% endif %}"
BANK_TEXT_BANK = "ccb"   # not a bank the XSS payloads (icbc) or the formulas (abc) go to


@dataclass(frozen=True)
class HostileSite:
    project: Path
    site: Path
    placed: list[PlacedPayload]          # XSS payloads in bank fields
    bank_pages: dict[str, list[str]]     # bank page -> registry payloads shown on it
    content_pages: list[str]             # URL paths of the policy, case and notice with payloads
    bank_text_product: str               # the product whose summary is BANK_TEXT


def build_hostile(folder: Path) -> HostileSite:
    project = copy_project(folder / "project")
    placed = plant_bank_payloads(project)
    bank_pages = plant_registry_payloads(project)
    content_pages = plant_content_payloads(project)
    plant_formula_payloads(project)
    bank_text_product = edit_product(project, BANK_TEXT_BANK, 0, summary=BANK_TEXT)
    about = project / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n\n" + "\n\n".join(STAFF_HTML_PAYLOADS)
                     + "\n\n安全的结尾。\n", encoding="utf-8")
    # Payloads must not break the build: build_project fails the fixture with the issues if they do.
    site = build_project(project, folder / "site")
    return HostileSite(project, site, placed, bank_pages, content_pages, bank_text_product)


def set_base_url(project: Path, base_url: str | None) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    line = f"    base_url: {base_url}" if base_url else "    base_url:"
    assert re.search(r"(?m)^    base_url:", text), "mkdocs.yml has no extra.portal.base_url line"
    config.write_text(re.sub(r"(?m)^    base_url:.*$", line, text), encoding="utf-8")


@dataclass(frozen=True)
class ProductVariants:
    project: Path
    with_address: Path        # built with VARIANT_BASE_URL
    without_address: Path     # built without a public address


def build_product_variants(folder: Path) -> ProductVariants:
    project = copy_project(folder / "project")
    add_products(project, EMPTY, FILLED, LONGEST)
    set_base_url(project, VARIANT_BASE_URL)
    with_address = build_project(project, folder / "site-with-address")
    set_base_url(project, None)
    without_address = build_project(project, folder / "site-without-address")
    set_base_url(project, VARIANT_BASE_URL)    # the project as the with-address site was built
    return ProductVariants(project, with_address, without_address)
