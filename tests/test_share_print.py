"""A product page that leaves the site: printed on one A4 page, scanned from its QR code, shared
as a link whose preview says what it is. Checked in Chromium on the demo and on a product with
every text at its longest (name 40 characters, summary 200, long rate note and address)."""

from __future__ import annotations

import html
import io
import re

import pytest
from playwright.sync_api import Page, expect

from generator.core.settings import load_settings
from tests.conftest import ROOT, SiteServer
from tests.quality.accessibility import start_in_elder_mode
from tests.variants import LONGEST
from tests.variants import VARIANT_BASE_URL as BASE_URL

pytestmark = pytest.mark.browser


def pdf_pages(pdf: bytes) -> int:
    """Page objects in a PDF written by Chromium (``/Type /Pages`` is the tree, not a page)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.fixture(scope="module")
def sites(product_variants):
    """The product variants (tests/variants.py) built with a public address and without one."""
    built = {"with": product_variants.with_address, "without": product_variants.without_address}
    servers = {key: SiteServer(out) for key, out in built.items()}
    yield {key: (built[key], servers[key].url) for key in built}
    for server in servers.values():
        server.stop()


def head_meta(page: Page) -> dict[str, str]:
    metas = page.locator("head meta[property^='og:'], head meta[name='description']")
    return {(m.get_attribute("property") or m.get_attribute("name")): m.get_attribute("content")
            for m in metas.all()}


def test_shared_link_preview_names_product_bank_and_annual_rate(page: Page, sites):
    _, url = sites["with"]
    page.goto(f"{url}products/abc-test-longest/")
    meta = head_meta(page)
    assert meta["og:title"].startswith(LONGEST["name"])          # quotes and <b> kept as text
    assert meta["og:title"].endswith("｜农业银行｜年化利率 3.5%")
    assert meta["og:url"] == f"{BASE_URL}products/abc-test-longest/"
    for text in (meta["og:description"], meta["description"]):
        assert text.startswith("【示例数据】农业银行 · 年化利率 3.5%")   # demo data says so first
        assert "最高 100 万元" in text and len(text) <= 120
    # The attribute was not broken open by the quote or the tag in the name.
    raw = (sites["with"][0] / "products" / "abc-test-longest" / "index.html").read_text(encoding="utf-8")
    assert "<b>测试</b>" not in raw
    assert html.escape(LONGEST["name"], quote=True) in raw


def test_without_a_public_address_there_is_no_qr_code_and_no_og_url(page: Page, sites):
    _, url = sites["without"]
    page.goto(f"{url}products/abc-test-longest/")
    expect(page.locator(".portal-qr")).to_have_count(0)
    assert "og:url" not in head_meta(page)
    assert "年化利率" in head_meta(page)["og:description"]


def test_qr_code_encodes_the_public_address(sites):
    """segno's module matrix of the expected URL (same error level and mask) equals the inline SVG's."""
    import segno

    site, _ = sites["with"]
    raw = (site / "products" / "abc-test-longest" / "index.html").read_text(encoding="utf-8")
    svg = re.search(r'<svg role="img"[^>]*class="portal-qr__code".*?</svg>', raw, re.S).group(0)
    expected = segno.make(f"{BASE_URL}products/abc-test-longest/", error="m", micro=False, mask=0)
    out = io.BytesIO()
    expected.save(out, kind="svg", scale=1, border=4, svgclass="portal-qr__code", lineclass=None,
                  omitsize=True, xmldecl=False, svgns=False)
    path = re.search(r' d="([^"]+)"', out.getvalue().decode()).group(1)
    assert f' d="{path}"' in svg


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
@pytest.mark.parametrize("product_id", ["abc-test-longest", "abc-test-empty"])
def test_a_product_prints_on_one_a4_page_with_qr_disclaimer_and_date(page: Page, sites, elder, product_id):
    _, url = sites["with"]
    page.set_viewport_size({"width": 390, "height": 844})
    if elder:
        start_in_elder_mode(page)
    page.goto(f"{url}products/{product_id}/")
    page.wait_for_load_state("load")
    assert pdf_pages(page.pdf(format="A4", print_background=True)) == 1
    page.emulate_media(media="print")
    for shown in ("h1", ".portal-product__bank", ".portal-rate__value", ".portal-keyfacts",
                  ".portal-contact", ".portal-qr svg", ".portal-disclaimer", ".portal-date"):
        expect(page.locator(shown).first).to_be_visible()
    # A guarantee fee is part of the cost: the sheet names it when the product has one.
    fee = page.locator(".portal-keyfacts li", has_text="担保费率")
    if product_id == "abc-test-longest":
        expect(fee).to_be_visible()
        expect(fee).to_contain_text("0.5%")
    else:
        expect(fee).to_have_count(0)
    for hidden in (".md-header", ".portal-banner", ".md-tabs", ".md-footer", ".portal-actions",
                   ".portal-fields", "#eligibility", "#materials", ".portal-calc"):
        for node in page.locator(hidden).all():
            expect(node).to_be_hidden()


def test_demo_product_pages_carry_share_tags_and_qr_codes(demo_site):
    base_url = load_settings(ROOT / "mkdocs.yml").base_url    # the demo sets one
    assert base_url
    pages = [d for d in sorted((demo_site / "products").iterdir()) if (d / "index.html").is_file()
             and d.name != "page"]
    assert pages
    for page_dir in pages:
        raw = (page_dir / "index.html").read_text(encoding="utf-8")
        title = html.unescape(re.search(r'<meta property="og:title" content="([^"]*)"', raw).group(1))
        heading = html.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", raw, re.S).group(1))
        assert title.startswith(heading) and "｜年化利率 " in title
        assert re.search(r'<meta property="og:description" content="[^"]*年化利率', raw)
        assert f'<meta property="og:url" content="{base_url}products/{page_dir.name}/">' in raw
        assert 'class="portal-qr__code"' in raw


def test_the_home_page_shares_as_the_site_not_as_home(page: Page, sites):
    _, url = sites["with"]
    page.goto(url)
    title = head_meta(page)["og:title"]
    assert title == page.title() or title in page.title()
    assert title != "首页" and "产品库" in title
