"""Chinese full-text search in a real headless Chromium against the built demo site."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from generator.build import load_input
from generator.config import project_paths
from generator.validate import is_published
from tests.conftest import ROOT

pytestmark = pytest.mark.browser


def product_text(p) -> str:
    return " ".join([p.name, p.summary, p.eligibility, p.materials, p.process, p.rate_note, p.fees,
                     " ".join(p.guarantee_methods), " ".join(p.programs)])


def search_result_urls(page: Page, site_url: str, query: str) -> set[str]:
    page.goto(f"{site_url}search/?q={quote(query)}")
    expect(page.locator(".pagefind-ui__message")).to_contain_text("找到", timeout=15000)
    more = page.locator(".pagefind-ui__button", has_text="显示更多结果")
    while more.count() and more.is_visible():
        more.click()
        page.wait_for_timeout(200)
    hrefs = page.locator("a.pagefind-ui__result-link").evaluate_all("els => els.map(e => e.href)")
    return {h.removeprefix(site_url).split("#")[0] for h in hrefs}


@pytest.mark.parametrize("query", ["信用贷款", "担保"])
def test_search_finds_every_product_containing_the_words(page: Page, site_url: str, query: str):
    loaded = load_input(project_paths(ROOT))
    today = dt.date.today()
    expected = {f"products/{p.product_id}/" for p in loaded.catalog.products
                if is_published(p, today) and query in product_text(p)}
    assert len(expected) >= 3, "the demo data should contain the query words"
    found = search_result_urls(page, site_url, query)
    assert expected <= found, f"missing: {expected - found}"


def test_search_from_home_page_form(page: Page, site_url: str):
    page.goto(site_url)
    page.get_by_label("搜索贷款产品、政策和案例").fill("乡村振兴")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"search/\?q="))
    expect(page.locator(".pagefind-ui__message")).to_contain_text("找到", timeout=15000)
    expect(page.locator("a.pagefind-ui__result-link").first).to_be_visible()
