"""The product finder (filters on the list) and side-by-side comparison, in Chromium."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from generator.build import load_input
from generator.config import project_paths
from generator.validate import is_published
from tests.conftest import ROOT

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def published():
    loaded = load_input(project_paths(ROOT))
    today = dt.date.today()
    return [p for p in loaded.catalog.products if is_published(p, today)]


def visible_ids(page: Page) -> set[str]:
    return set(page.locator(".portal-card:visible").evaluate_all(
        "els => els.map(e => e.dataset.productId)"))


def test_filters_show_exactly_the_matching_products(page: Page, site_url: str, published):
    page.goto(site_url + "products/")
    expect(page.locator("#filter-status")).to_have_text(f"共 {len(published)} 款产品")
    page.get_by_label("企业类型").select_option("家庭农场")
    expected = {p.product_id for p in published if "家庭农场" in p.target_customers}
    assert 0 < len(expected) < len(published)
    assert visible_ids(page) == expected
    expect(page.locator("#filter-status")).to_contain_text(f"符合条件的产品 {len(expected)} 款")

    page.get_by_label("担保方式").select_option("信用")
    expected = {p.product_id for p in published if "家庭农场" in p.target_customers and "信用" in p.guarantee_methods}
    assert visible_ids(page) == expected

    page.get_by_role("button", name="清除条件").click()
    page.get_by_label("需要的金额（万元）").fill("2000")
    expected = {p.product_id for p in published
                if p.amount_max_wan >= 2000 and (p.amount_min_wan or 0) <= 2000}
    assert visible_ids(page) == expected
    page.get_by_label("只看可线上申请").check()
    expected = {pid for pid in expected if next(p for p in published if p.product_id == pid).online_application}
    assert visible_ids(page) == expected
    if not expected:
        expect(page.locator("#filter-empty")).to_be_visible()


def test_filter_conditions_survive_reload_and_sort_by_rate(page: Page, site_url: str, published):
    page.goto(site_url + "products/")
    page.get_by_label("对接机制").select_option("乡村振兴贷")
    page.get_by_label("排序").select_option("rate")
    page.reload()
    expect(page.get_by_label("对接机制")).to_have_value("乡村振兴贷")
    expected = sorted((p for p in published if "乡村振兴贷" in p.programs), key=lambda p: p.rate_min)
    rates = page.locator(".portal-card:visible").evaluate_all("els => els.map(e => parseFloat(e.dataset.rateMin))")
    assert rates == sorted(rates) and len(rates) == len(expected)


def test_compare_two_products_side_by_side(page: Page, site_url: str, published):
    first, second = published[0], published[5]
    page.goto(site_url + "products/")
    page.locator(f'.portal-compare-toggle[value="{first.product_id}"]').check()
    page.locator(f'.portal-compare-toggle[value="{second.product_id}"]').check()
    expect(page.locator("#compare-count")).to_have_text("2")
    page.get_by_role("link", name="对比所选产品").click()
    table = page.locator("table.portal-compare")
    expect(table).to_be_visible()
    headers = table.locator("thead th").all_inner_texts()
    assert headers[1:] == [first.name, second.name]
    rate_row = table.locator("tbody tr").first
    expect(rate_row.locator("th")).to_have_text("年化利率")
    low = f"{first.rate_min:g}%"
    expect(rate_row.locator("td").first).to_contain_text(low)


def test_at_most_four_products_can_be_compared(page: Page, site_url: str, published):
    page.goto(site_url + "products/")
    toggles = page.locator(".portal-compare-toggle")
    for i in range(4):
        toggles.nth(i).check()
    expect(toggles.nth(4)).to_be_disabled()
