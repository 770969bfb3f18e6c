"""The site search page search/ in a real headless Chromium against the built demo site.

Expected values (which products contain a word, each product's rate and bank) come from the
project's input and the published catalogue ``downloads/products.json``, never from the page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import Page, expect

from generator.commands.build import load_input
from generator.core.settings import project_paths
from tests.conftest import ROOT
from tests.quality.accessibility import start_in_elder_mode

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
KIND_BY_SECTION = {"products": "产品", "policies": "政策", "cases": "案例", "notices": "通知", "banks": "银行"}
RESULT = ".portal-ss__item"
LINK = ".portal-ss__link"
# Sub-headings of a product page: a product result's excerpt must contain none of them.
SUB_HEADINGS = ("产品详情", "申请条件", "所需材料", "办理流程", "联系银行", "相关政策", "典型案例")


@pytest.fixture(scope="module")
def catalogue(demo_site) -> dict[str, dict]:
    """Published products by site path (``products/<id>/``)."""
    products = json.loads((demo_site / "downloads" / "products.json").read_text(encoding="utf-8"))["products"]
    return {f"products/{p['product_id']}/": p for p in products}


def open_search(page: Page, site_url: str, query: str = "", **params: str) -> None:
    url = f"{site_url}search/?q={quote(query)}"
    for key, value in params.items():
        url += f"&{key}={value}"
    page.goto(url)
    wait_done(page)


def wait_done(page: Page) -> None:
    expect(page.locator("#portal-ss")).to_have_attribute("data-state", re.compile("done|idle"), timeout=15000)


def status(page: Page) -> str:
    return page.locator("#portal-ss-status").inner_text()


def shown_count(page: Page) -> int:
    match = re.search(r"找到 (\d+) 条", status(page))
    assert match, status(page)
    return int(match.group(1))


def all_result_paths(page: Page, site_url: str) -> list[str]:
    """Every result (pressing 显示更多结果 until it goes), as site paths, in order."""
    more = page.locator("#portal-ss-more")
    while more.is_visible():
        before = page.locator(RESULT).count()
        more.click()
        expect(page.locator(RESULT)).not_to_have_count(before)
    hrefs = page.locator(LINK).evaluate_all("els => els.map(e => e.href)")
    return [h.removeprefix(site_url).split("#")[0] for h in hrefs]


def facet(page: Page, group: str, value: str):
    return page.locator(f'fieldset[data-group="{group}"] label', has=page.locator(f'input[value="{value}"]'))


def facet_count(page: Page, group: str, value: str) -> int:
    text = facet(page, group, value).locator(".portal-ss__count").inner_text()
    return int(re.sub(r"\D", "", text))


def set_facet(page: Page, group: str, value: str, on: bool = True) -> None:
    box = facet(page, group, value).locator("input")
    if box.is_checked() != on:
        box.click()
    wait_done(page)
    expect(facet(page, group, value).locator("input")).to_be_checked(checked=on)


# ---------------------------------------------------------------- finding things

def product_text(p) -> str:
    return " ".join([p.name, p.summary, p.eligibility, p.materials, p.process, p.rate_note, p.fees,
                     " ".join(p.guarantee_methods), " ".join(p.programs)])


@pytest.mark.parametrize("query", ["信用贷款", "担保"])
def test_search_finds_every_product_containing_the_words(page: Page, site_url: str, query: str):
    loaded = load_input(project_paths(ROOT))
    today = dt.date.today()
    expected = {f"products/{p.product_id}/" for p in loaded.catalog.products
                if p.is_published(today) and query in product_text(p)}
    assert len(expected) >= 3, "the demo data should contain the query words"
    open_search(page, site_url, query)
    found = all_result_paths(page, site_url)
    assert expected <= set(found), f"missing: {expected - set(found)}"
    assert len(found) == len(set(found)) == shown_count(page), "one entry per page, as many as the status says"


def test_receivables_finds_the_tianfu_bank_product(page: Page, site_url: str, demo_site, catalogue):
    version = json.loads((demo_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))["version"]
    if tuple(int(x) for x in version.split(".")[:2]) < (1, 6):
        pytest.xfail(f"Pagefind {version} does not segment 应收账款 (DESIGN.md section 2: needs 1.6)")
    path = next(path for path, p in catalogue.items() if p["name"] == "应收账款质押融资")
    assert catalogue[path]["bank_short_name"] == "天府银行"
    open_search(page, site_url, "应收账款")
    item = page.locator(RESULT).filter(has=page.locator(f'{LINK}[href$="{path}"]'))
    expect(item).to_have_count(1)
    expect(item.locator(LINK)).to_have_text("应收账款质押融资")
    expect(item.locator(".portal-ss__bank")).to_have_text("天府银行")


def test_search_from_home_page_form(page: Page, site_url: str):
    page.goto(site_url)
    page.get_by_label("搜索贷款产品、政策和案例").fill("乡村振兴")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"search/\?q="))
    wait_done(page)
    expect(page.get_by_label("搜索产品、政策、案例、通知和银行")).to_have_value("乡村振兴")
    expect(page.locator(LINK).first).to_be_visible()
    assert shown_count(page) >= 3


def test_no_results_suggests_other_words_and_the_main_lists(page: Page, site_url: str):
    open_search(page, site_url, "火星移民")
    box = page.locator("#portal-ss-status")
    expect(box).to_have_attribute("role", "status")
    expect(box).to_contain_text("没有找到")
    expect(box).to_contain_text("换个说法")
    expect(box.get_by_role("link", name="金融产品")).to_have_attribute("href", re.compile(r"/products/$"))
    expect(box.get_by_role("link", name="政策解读")).to_have_attribute("href", re.compile(r"/policies/$"))
    expect(page.locator(RESULT)).to_have_count(0)
    expect(page.locator("#portal-ss-toggle")).to_be_hidden()


# ---------------------------------------------------------------- what a result shows

@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder-mode"])
def test_first_result_is_on_the_first_phone_screen(page: Page, site_url: str, elder: bool):
    page.set_viewport_size(PHONE)
    open_search(page, site_url, "担保")
    if elder:
        page.locator(".portal-elder-toggle").click()    # the header button, as a visitor does
        expect(page.locator("html")).to_have_class(re.compile(r"\bportal-elder\b"))
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "24px"
    toggle = page.locator("#portal-ss-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text(re.compile(r"筛选\s*\(0\)"))
    expect(page.locator("#portal-ss-filters")).to_be_hidden()
    top = page.locator(RESULT).first.bounding_box()["y"]
    status_bottom = page.locator("#portal-ss-status").bounding_box()
    toggle_box = toggle.bounding_box()
    assert toggle_box["y"] >= status_bottom["y"] + status_bottom["height"] - 1, "筛选 comes after the status line"
    assert top < PHONE["height"], f"first result starts at {top:.0f} px, below the first screen"
    # The disclosure opens the filters in place, and says so.
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator('#portal-ss-filters fieldset[data-group="kind"]')).to_be_visible()
    set_facet(page, "kind", "产品")
    expect(toggle).to_have_text(re.compile(r"筛选\s*\(1\)"))
    page.get_by_role("button", name="查看结果").click()    # closes the filters, back above the results
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(page.locator("#portal-ss-filters")).to_be_hidden()


def test_kind_badges_match_the_page_kind(page: Page, site_url: str):
    page.set_viewport_size(DESKTOP)
    open_search(page, site_url, "担保")
    all_result_paths(page, site_url)
    policy = page.locator(RESULT).filter(has=page.get_by_role("link", name="政府性融资担保降费政策解读"))
    expect(policy.locator(".portal-ss__kind")).to_have_text("政策")
    rows = page.locator(RESULT).evaluate_all(
        "els => els.map(e => [e.querySelector('.portal-ss__link').pathname, e.querySelector('.portal-ss__kind').textContent])")
    seen = set()
    for path, kind in rows:
        section = path.strip("/").split("/")[0]
        assert kind == KIND_BY_SECTION.get(section, "页面"), (path, kind)
        seen.add(kind)
    assert {"产品", "政策", "案例", "银行"} <= seen, seen


def test_product_results_show_the_annual_rate_and_the_bank(page: Page, site_url: str, catalogue):
    open_search(page, site_url, "担保")
    all_result_paths(page, site_url)
    products = page.locator(RESULT).filter(has=page.locator(".portal-ss__kind", has_text="产品"))
    assert products.count() >= 5
    for i in range(products.count()):
        item = products.nth(i)
        path = item.locator(LINK).evaluate("a => a.pathname").lstrip("/")
        expected = catalogue[path]
        expect(item.locator(".portal-ss__rate-label")).to_have_text("年化利率")
        expect(item.locator(".portal-ss__rate")).to_have_text(expected["display"]["rate"])
        expect(item.locator(".portal-ss__bank")).to_have_text(expected["bank_short_name"])
        # The rate is the most prominent figure of the entry (PBOC 〔2021〕第3号).
        sizes = item.evaluate("""e => [e.querySelector('.portal-ss__rate'), e.querySelector('.portal-ss__excerpt')]
                                  .map(n => parseFloat(getComputedStyle(n).fontSize))""")
        assert sizes[0] > sizes[1]
    # Other kinds carry no rate.
    expect(page.locator(RESULT).filter(has_not=page.locator(".portal-ss__kind", has_text="产品"))
           .locator(".portal-ss__rate")).to_have_count(0)


def page_headings(demo_site, path: str) -> list[str]:
    """The h2/h3 texts of a built page (the sub-headings Pagefind would split it by)."""
    html = (demo_site / path / "index.html").read_text(encoding="utf-8")
    article = html[html.index('data-pagefind-body'):]
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", article, re.S)]


@pytest.mark.parametrize("query", ["担保", "信用贷款", "工作机制", "个体工商户"])
def test_one_entry_per_page_and_excerpts_without_sub_heading_padding(page: Page, site_url: str, demo_site,
                                                                     query: str):
    open_search(page, site_url, query)
    paths = all_result_paths(page, site_url)
    assert len(paths) == len(set(paths)), "a page appears once, not once per heading"
    assert page.locator(f"{RESULT} {RESULT}, {RESULT} ol, {RESULT} ul").count() == 0, "no nested sub-results"
    assert page.locator(RESULT).evaluate_all("els => els.every(e => e.querySelectorAll('a').length === 1)")
    excerpts = page.locator(".portal-ss__excerpt").all_inner_texts()
    assert len(excerpts) == len(paths), "every result has an excerpt"
    for path, text in zip(paths, excerpts):
        for heading in page_headings(demo_site, path):
            # A heading run into the text reads "…。年化利率。3.5%…" (Pagefind: "年化利率. 3.5%").
            assert not re.search(rf"(^|[。！？；…]){re.escape(heading)}[。.]", text), (path, heading, text)
        if path.startswith("products/"):
            assert not any(h in text for h in SUB_HEADINGS), (path, text)
        assert ". " not in text, f"Pagefind's block joint left in: {text}"
        assert len(text) <= 130, text
    # Matches stay highlighted as <mark> elements (built as elements, not parsed from markup).
    assert page.locator(".portal-ss__excerpt mark").count() >= 1


def test_show_more_loads_the_next_ten_and_moves_focus_to_them(page: Page, site_url: str):
    open_search(page, site_url, "担保")
    total = shown_count(page)
    assert total > 10
    expect(page.locator(RESULT)).to_have_count(10)
    page.get_by_role("button", name="显示更多结果").click()
    expect(page.locator(RESULT)).to_have_count(min(20, total))
    assert page.evaluate("document.activeElement.closest('li') === document.querySelectorAll('.portal-ss__item')[10]")


def finder_query(href: str | None) -> dict[str, list[str]]:
    """The query of a link to the product finder (asserting that it goes there)."""
    assert href and urlsplit(href).path.endswith("/products/"), href
    return parse_qs(urlsplit(href).query)


def test_products_link_opens_the_product_finder_with_the_query(page: Page, site_url: str):
    open_search(page, site_url, "担保")
    link = page.get_by_role("link", name="在产品库中查看")
    expect(link).to_be_visible()
    assert finder_query(link.get_attribute("href")) == {"q": ["担保"]}
    # A query that matches no product (only the notice and a policy): the link is still there,
    # worded as a search by conditions, so the visitor is not stuck.
    open_search(page, site_url, "举报")
    assert shown_count(page) >= 1 and page.locator(".portal-ss__kind", has_text="产品").count() == 0
    expect(link).to_be_hidden()
    by_conditions = page.get_by_role("link", name="在产品库中按条件查找")
    expect(by_conditions).to_be_visible()
    assert finder_query(by_conditions.get_attribute("href")) == {"q": ["举报"]}


# ---------------------------------------------------------------- plain-language queries

FINDER_BOX = "#portal-ss-intent"
FREE_OF_COLLATERAL = {"信用", "保证", "政府性融资担保"}


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder-mode"])
def test_plain_words_show_the_finder_box_on_the_first_screen_and_the_finder_lists_matching_products(
        page: Page, site_url: str, demo_site, elder: bool):
    page.set_viewport_size(PHONE)
    if elder:
        start_in_elder_mode(page)
    query = "个体户 不要抵押"
    open_search(page, site_url, query)
    if elder:
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "24px"
    box = page.locator(FINDER_BOX)
    expect(box).to_be_visible()
    expect(box).to_contain_text("按您的需求查找贷款产品")
    labels = box.locator("#portal-ss-intent-labels").inner_text()
    assert "个体工商户" in labels and "免抵押" in labels, labels
    assert labels.count("个体工商户") == 1, f"labels are deduplicated: {labels}"
    link = box.get_by_role("link", name="在产品库中按条件查看")
    expect(link).to_be_visible()
    # The box and its button are on the first phone screen, above the results.
    for part in (box, link):
        bottom = part.bounding_box()
        assert bottom["y"] + bottom["height"] <= PHONE["height"], f"ends at {bottom['y'] + bottom['height']:.0f} px"
    first = page.locator(RESULT).first
    if first.count():
        assert box.bounding_box()["y"] < first.bounding_box()["y"], "the box comes before the results"
    # One way on to the finder, not two: the plain link gives way to the box.
    expect(page.locator("#portal-ss-products")).to_be_hidden()
    # The link hands over the query as typed; the finder interprets it itself.
    assert finder_query(link.get_attribute("href")) == {"q": [query]}

    link.click()
    expect(page).to_have_url(re.compile(r"/products/"))
    expect(page.locator("#finder[data-finder-renders]")).to_have_count(1)
    listed = page.locator("[data-product-results] > li").evaluate_all(
        "els => els.map(e => e.getAttribute('data-product-id'))")
    products = json.loads((demo_site / "downloads" / "products.json").read_text(encoding="utf-8"))["products"]
    eligible = {p["product_id"] for p in products
                if "个体工商户" in p["target_customers"] and FREE_OF_COLLATERAL & set(p["guarantee_methods"])}
    page_size = json.loads((demo_site / "assets" / "data" / "finder.json").read_text(encoding="utf-8"))["page_size"]
    assert eligible, "the demo data should have products for 个体工商户 without collateral"
    assert set(listed) <= eligible, f"not for 个体工商户 without collateral: {set(listed) - eligible}"
    # Which products: the first page of the eligible ones, in the catalogue's order.
    assert listed == [p["product_id"] for p in products if p["product_id"] in eligible][:page_size]


def test_amount_and_term_also_show_the_finder_box(page: Page, site_url: str):
    open_search(page, site_url, "我是个体户想贷30万")
    box = page.locator(FINDER_BOX)
    expect(box).to_be_visible()
    expect(box).to_contain_text("个体工商户")
    expect(box).to_contain_text(re.compile(r"30\s*万元"))
    # An amount or a term alone is reason enough (the finder reads them).
    open_search(page, site_url, "贷款 3年")
    expect(box).to_be_visible()
    expect(box).to_contain_text(re.compile(r"36\s*个月"))
    assert finder_query(box.get_by_role("link").get_attribute("href")) == {"q": ["贷款 3年"]}


def test_no_plain_words_no_box_but_the_finder_link(page: Page, site_url: str):
    open_search(page, site_url, "应收账款")
    expect(page.locator(FINDER_BOX)).to_be_hidden()
    link = page.locator("#portal-ss-products")
    expect(link).to_be_visible()
    expect(link).to_have_text(re.compile(r"^在产品库中查看"))
    assert finder_query(link.get_attribute("href")) == {"q": ["应收账款"]}
    # A new query replaces the box of the previous one (and the other way round).
    open_search(page, site_url, "农户")
    expect(page.locator(FINDER_BOX)).to_be_visible()
    expect(page.locator(FINDER_BOX)).to_contain_text("家庭农场")
    expect(link).to_be_hidden()
    page.get_by_label("搜索产品、政策、案例、通知和银行").fill("应收账款")
    page.keyboard.press("Enter")
    wait_done(page)
    expect(page.locator(FINDER_BOX)).to_be_hidden()
    expect(link).to_be_visible()


def test_nothing_found_still_offers_the_finder(page: Page, site_url: str):
    page.set_viewport_size(PHONE)
    open_search(page, site_url, "火星殖民")
    expect(page.locator("#portal-ss-status")).to_contain_text("没有找到")
    expect(page.locator(RESULT)).to_have_count(0)
    expect(page.locator(FINDER_BOX)).to_be_hidden()
    link = page.get_by_role("link", name="在产品库中按条件查找")
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], "on the first phone screen"
    assert finder_query(link.get_attribute("href")) == {"q": ["火星殖民"]}
    expect(page.locator("#portal-ss-toggle")).to_be_hidden()


def test_finder_rules_load_only_when_a_query_is_run_and_only_once(page: Page, site_url: str):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(urlsplit(r.url).path))
    rules = ("/assets/queries.js", "/assets/data/finder-queries.json")
    open_search(page, site_url, "")
    expect(page.locator("#portal-ss-tools")).to_be_hidden()
    expect(page.locator(FINDER_BOX)).to_be_hidden()
    assert not [p for p in requested if p.endswith(rules)], "nothing loaded before a query"
    search_field = page.get_by_label("搜索产品、政策、案例、通知和银行")
    for query in ("个体户", "不要抵押", "应收账款"):
        search_field.fill(query)
        page.keyboard.press("Enter")
        wait_done(page)
    for path in rules:
        assert sum(p.endswith(path) for p in requested) == 1, (path, requested)


# ---------------------------------------------------------------- filters and the URL

def test_kind_filter_is_or_within_the_group_with_the_counts_shown(page: Page, site_url: str):
    page.set_viewport_size(DESKTOP)
    open_search(page, site_url, "担保")
    total = shown_count(page)
    n_products, n_policies = facet_count(page, "kind", "产品"), facet_count(page, "kind", "政策")
    assert n_products >= 3 and n_policies >= 1

    set_facet(page, "kind", "产品")
    products = set(all_result_paths(page, site_url))
    assert shown_count(page) == len(products) == n_products
    assert all(p.startswith("products/") for p in products)
    assert facet_count(page, "kind", "政策") == n_policies, "the other values still show what they would add"
    set_facet(page, "kind", "产品", on=False)

    set_facet(page, "kind", "政策")
    policies = set(all_result_paths(page, site_url))
    assert shown_count(page) == len(policies) == n_policies
    set_facet(page, "kind", "产品")
    both = set(all_result_paths(page, site_url))
    assert both == products | policies
    assert shown_count(page) == n_products + n_policies < total
    assert facet_count(page, "kind", "产品") == n_products and facet_count(page, "kind", "政策") == n_policies
    expect(page.locator("#portal-ss-active")).to_have_text("(2)")


def test_groups_combine_with_and_and_the_state_is_in_the_url_so_back_steps_back(page: Page, site_url: str):
    page.set_viewport_size(DESKTOP)
    open_search(page, site_url, "担保")
    everything = set(all_result_paths(page, site_url))

    set_facet(page, "kind", "产品")
    products = set(all_result_paths(page, site_url))
    bank = page.locator('fieldset[data-group="bank"] input').first.get_attribute("value")
    bank_count = facet_count(page, "bank", bank)
    set_facet(page, "bank", bank)
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": ["担保"], "kind": ["产品"], "bank": [bank]}
    narrowed = set(all_result_paths(page, site_url))
    assert narrowed < products and len(narrowed) == bank_count == shown_count(page)

    page.go_back()
    wait_done(page)
    assert parse_qs(urlsplit(page.url).query) == {"q": ["担保"], "kind": ["产品"]}
    expect(facet(page, "bank", bank).locator("input")).not_to_be_checked()
    assert set(all_result_paths(page, site_url)) == products
    page.go_back()
    wait_done(page)
    assert set(all_result_paths(page, site_url)) == everything
    expect(facet(page, "kind", "产品").locator("input")).not_to_be_checked()

    # A new query is a history entry too; Back brings the old query back into the field.
    page.get_by_label("搜索产品、政策、案例、通知和银行").fill("信用贷款")
    page.keyboard.press("Enter")
    wait_done(page)
    expect(page).to_have_url(re.compile(r"\?q=" + re.escape(quote("信用贷款")) + "$"))
    page.go_back()
    wait_done(page)
    expect(page.get_by_label("搜索产品、政策、案例、通知和银行")).to_have_value("担保")

    # Several values of a group are comma-separated in the URL, and a shared URL restores them.
    open_search(page, site_url, "担保", kind=",".join(quote(k) for k in ("产品", "政策")))
    expect(facet(page, "kind", "产品").locator("input")).to_be_checked()
    expect(facet(page, "kind", "政策").locator("input")).to_be_checked()
    assert shown_count(page) == len(products) + facet_count(page, "kind", "政策")
