"""The product finder at products/ in Chromium, checked against values computed here in Python.

Expected results, counts and orders are computed independently from the built site's
``downloads/products.json`` (the published catalogue), never read back from the finder.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.quality.accessibility import start_in_elder_mode

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NO_COLLATERAL = {"信用", "保证", "政府性融资担保"}


@pytest.fixture(scope="module")
def banks(demo_site) -> dict[str, str]:
    index = json.loads((demo_site / "assets" / "data" / "finder.json").read_text(encoding="utf-8"))
    return {b["id"]: b["name"] for b in index["banks"]}


# ---- the finder's rules, written out independently ----

def covers(p: dict, amount: float | None = None, term: int | None = None) -> bool:
    if amount is not None and not ((p["amount_min_wan"] or 0) <= amount <= p["amount_max_wan"]):
        return False
    return term is None or (p["term_min_months"] or 1) <= term <= p["term_max_months"]


GROUP_TEST = {
    "guarantee": lambda p, vs: bool(set(p["guarantee_methods"]) & vs),
    "customer": lambda p, vs: bool(set(p["target_customers"]) & vs),
    "program": lambda p, vs: bool(set(p["programs"]) & vs),
    "type": lambda p, vs: p["product_type"] in vs,
    "bank": lambda p, vs: p["bank_id"] in vs,
}


def matches(p: dict, state: dict, skip: str | None = None) -> bool:
    for key, values in state.items():
        if key == skip:
            continue
        if key in GROUP_TEST and not GROUP_TEST[key](p, set(values)):
            return False
        if key == "amount" and not covers(p, amount=values):
            return False
        if key == "term" and not covers(p, term=values):
            return False
        if key == "online" and not p["online_application"]:
            return False
    return True


def rate_order(products: list[dict]) -> list[str]:
    index = {p["product_id"]: i for i, p in enumerate(products)}
    return [p["product_id"] for p in sorted(
        products, key=lambda p: (p["product_type"] == "续贷", p["rate_min"], p["rate_max"], index[p["product_id"]]))]


# ---- page helpers ----

def open_finder(page: Page, site_url: str, query: str = "") -> None:
    page.goto(site_url + "products/" + query)
    expect(page.locator("#finder[data-finder-renders]")).to_have_count(1)


def wait_render(page: Page, before: str | None) -> None:
    expect(page.locator("#finder")).not_to_have_attribute("data-finder-renders", before or "")


def renders(page: Page) -> str | None:
    return page.locator("#finder").get_attribute("data-finder-renders")


def result_ids(page: Page) -> list[str]:
    """Every result in ranking order ("显示更多" until all are shown)."""
    more = page.locator("#finder-more")
    while more.is_visible():
        count = page.locator("[data-product-results] > li").count()
        more.click()
        expect(page.locator("[data-product-results] > li")).not_to_have_count(count)
    return page.locator("[data-product-results] > li").evaluate_all("els => els.map(e => e.dataset.productId)")


def result_links(page: Page) -> list[str]:
    return page.locator("[data-product-results] > li h3 a").evaluate_all(
        "els => els.map(e => new URL(e.href).pathname)")


def check(page: Page, name: str, value: str) -> None:
    before = renders(page)
    page.locator(f'#finder-panel input[name="{name}"][value="{value}"]').check()
    wait_render(page, before)


def shown_count(page: Page, name: str, value: str) -> int:
    text = page.locator(f'#finder-panel input[name="{name}"][value="{value}"] ~ .portal-facet__count').inner_text()
    return int(re.fullmatch(r"\((\d+)\)", text).group(1))


# ---- facets ----

def test_or_within_a_group_and_across_groups_with_counts(page: Page, site_url: str, catalogue):
    page.set_viewport_size(DESKTOP)
    open_finder(page, site_url)
    assert result_ids(page) == [p["product_id"] for p in catalogue]     # every product, in catalogue order

    state: dict = {}
    for name, value in (("guarantee", "信用"), ("guarantee", "保证"), ("customer", "个体工商户")):
        check(page, name, value)
        state.setdefault(name, []).append(value)
        expected = [p["product_id"] for p in catalogue if matches(p, state)]
        assert result_ids(page) == expected, state
        expect(page.locator("#finder-status")).to_contain_text(f"找到 {len(expected)} 款产品")
        # Beside every value: the products it gives together with every *other* group.
        for group, field in (("guarantee", "guarantee_methods"), ("customer", "target_customers"),
                             ("type", "product_type"), ("program", "programs"), ("bank", "bank_id")):
            for box in page.locator(f'#finder-panel input[name="{group}"]').all():
                value_ = box.get_attribute("value")
                want = sum(1 for p in catalogue if matches(p, state, skip=group)
                           and (value_ in p[field] if isinstance(p[field], list) else p[field] == value_))
                assert shown_count(page, group, value_) == want, (group, value_, state)
    # The OR really widened the set and the AND narrowed it.
    only_credit = {p["product_id"] for p in catalogue if "信用" in p["guarantee_methods"]}
    either = {p["product_id"] for p in catalogue if {"信用", "保证"} & set(p["guarantee_methods"])}
    assert only_credit < either
    assert set(result_ids(page)) < either


def test_amount_and_term_keep_products_whose_range_covers_them(page: Page, site_url: str, catalogue):
    page.set_viewport_size(DESKTOP)
    open_finder(page, site_url, "?amount=50&term=36")
    expected = [p["product_id"] for p in catalogue if covers(p, amount=50, term=36)]
    assert 0 < len(expected) < len(catalogue)
    assert result_ids(page) == expected
    expect(page.locator("#finder-amount")).to_have_value("50")
    expect(page.locator("#finder-chips")).to_contain_text("50 万元")
    # A desktop has room: the full view (search box, chips), no summary line.
    expect(page.locator("#finder-chips")).to_be_visible()
    expect(page.locator("#finder-q")).to_be_visible()
    expect(page.locator("#finder-guide")).to_be_hidden()


def test_sort_by_rate_puts_renewal_products_after_new_loans_and_says_so(page: Page, site_url: str, catalogue):
    page.set_viewport_size(DESKTOP)
    open_finder(page, site_url, "?customer=个体工商户&amount=50")
    before = renders(page)
    page.locator("#finder-sort").select_option("rate")
    wait_render(page, before)
    subset = [p for p in catalogue if matches(p, {"customer": ["个体工商户"], "amount": 50})]
    assert result_ids(page) == rate_order(subset)
    if any(p["product_type"] == "续贷" for p in subset):
        expect(page.locator("#finder-sort-note")).to_contain_text("续贷")
    # Upper bound, and the other sorts, each checked against Python.
    for sort, key in (("rate-max", lambda p: (p["product_type"] == "续贷", p["rate_max"], p["rate_min"])),
                      ("amount", lambda p: -p["amount_max_wan"]), ("days", lambda p: p["decision_days"]),
                      ("updated", lambda p: tuple(-int(x) for x in p["updated"].split("-")))):
        before = renders(page)
        page.locator("#finder-sort").select_option(sort)
        wait_render(page, before)
        order = {p["product_id"]: i for i, p in enumerate(subset)}
        expected = [p["product_id"] for p in sorted(subset, key=lambda p: (key(p), order[p["product_id"]]))]
        assert result_ids(page) == expected, sort


def test_result_links_are_products_in_ranking_order(page: Page, site_url: str, catalogue):
    page.set_viewport_size(DESKTOP)
    open_finder(page, site_url, "?sort=amount")
    ids = result_ids(page)
    assert result_links(page) == [f"/products/{pid}/" for pid in ids]
    assert set(result_fragments(page)) == {""}          # no amount or term: links unchanged


def result_fragments(page: Page) -> list[str]:
    return page.locator("[data-product-results] > li h3 a").evaluate_all("els => els.map(e => e.hash)")


@pytest.mark.parametrize(("query", "fragment"), [
    ("?amount=30&term=12", "#amount=30&term=12"),
    ("?amount=1.5", "#amount=1.5"),
    ("?term=36&customer=" + quote("个体工商户"), "#term=36"),
    ("#amount=37.5&term=27&guarantee=" + quote("信用"), "#amount=37.5&term=27"),
], ids=["both", "amount", "term", "private"])
def test_product_links_hand_amount_and_term_to_the_calculator(page: Page, site_url: str, catalogue,
                                                             query: str, fragment: str):
    """The product page's calculator starts from the user's own figures: in the fragment only (never
    sent to a server), and only the amount and term, not the other conditions."""
    page.set_viewport_size(PHONE)
    open_finder(page, site_url, query)
    ids = result_ids(page)
    assert ids
    assert result_links(page) == [f"/products/{pid}/" for pid in ids]     # no query string
    assert set(result_fragments(page)) == {fragment}
    # Changed on the finder: the links follow.
    before = renders(page)
    page.get_by_role("button", name="修改条件").click()
    page.locator("#finder-toggle").click()
    page.locator("#finder-amount").fill("50")
    page.locator("#finder-amount").press("Enter")
    wait_render(page, before)
    expected = "#amount=50" + ("&term=" + fragment.split("term=")[1] if "term=" in fragment else "")
    assert result_fragments(page) and set(result_fragments(page)) == {expected}


def test_state_lives_in_the_url_and_back_steps_back(page: Page, site_url: str, catalogue):
    page.set_viewport_size(DESKTOP)
    open_finder(page, site_url)
    check(page, "guarantee", "抵押")
    first = result_ids(page)
    assert "guarantee=" in page.url
    check(page, "bank", "icbc")
    assert "bank=icbc" in page.url and "guarantee=" in page.url
    second = result_ids(page)
    assert second == [p["product_id"] for p in catalogue if matches(p, {"guarantee": ["抵押"], "bank": ["icbc"]})]
    before = renders(page)
    page.go_back()
    wait_render(page, before)
    assert result_ids(page) == first
    expect(page.locator('#finder-panel input[name="bank"][value="icbc"]')).not_to_be_checked()
    expect(page.locator('#finder-panel input[name="guarantee"][value="抵押"]')).to_be_checked()
    # The URL alone reproduces the list (a shared link).
    shared = page.url
    other = page.context.new_page()
    other.set_viewport_size(DESKTOP)
    other.goto(shared)
    expect(other.locator("#finder[data-finder-renders]")).to_have_count(1)
    assert result_ids(other) == first
    other.close()


def test_chips_remove_a_condition(page: Page, site_url: str, catalogue):
    page.set_viewport_size(PHONE)
    open_finder(page, site_url, "?guarantee=质押&online=1")
    # Opened with conditions on a phone: one line stands in for the chips until 修改条件.
    chips = page.locator("#finder-chips button.portal-chip")
    expect(page.locator("#finder-chips")).to_be_hidden()
    expect(page.locator("#finder-guide")).to_contain_text("已按链接中的条件筛选")
    page.get_by_role("button", name="修改条件").click()
    expect(chips.first).to_be_focused()
    expect(chips.filter(has_text="担保方式")).to_have_count(1)
    before = renders(page)
    chips.filter(has_text="担保方式").click()
    wait_render(page, before)
    assert "guarantee" not in page.url
    assert result_ids(page) == [p["product_id"] for p in catalogue if p["online_application"]]


def test_empty_state_names_the_blocking_condition_and_relaxes_it(page: Page, site_url: str, catalogue):
    page.set_viewport_size(PHONE)
    big = max(p["amount_max_wan"] for p in catalogue) + 1
    open_finder(page, site_url, f"?online=1&amount={big:g}")
    empty = page.locator("#finder-empty")
    expect(empty).to_be_visible()
    expect(page.locator("[data-product-results] > li")).to_have_count(0)
    relax = page.locator("#finder-relax button").filter(has_text="金额")
    online = [p for p in catalogue if p["online_application"]]
    expect(relax).to_contain_text(f"可看到 {len(online)} 款")
    expect(empty).to_contain_text("合作银行")
    before = renders(page)
    relax.click()
    wait_render(page, before)
    assert result_ids(page) == [p["product_id"] for p in online]


# ---- plain-language queries (content/queries.yml) ----

def search_for(page: Page, text: str) -> None:
    before = renders(page)
    page.locator("#finder-q").fill(text)
    page.locator("#finder-q").press("Enter")
    wait_render(page, before)


def test_plain_language_becomes_removable_conditions(page: Page, site_url: str, catalogue, banks):
    page.set_viewport_size(PHONE)
    open_finder(page, site_url)
    search_for(page, "不要抵押")
    expected = [p["product_id"] for p in catalogue if NO_COLLATERAL & set(p["guarantee_methods"])]
    assert result_ids(page) == expected
    expect(page.locator("#finder-understood")).to_contain_text("免抵押")
    chip = page.locator("#finder-chips button").filter(has_text="担保方式")
    expect(chip).to_have_count(1)
    before = renders(page)
    chip.click()
    wait_render(page, before)
    assert result_ids(page) == [p["product_id"] for p in catalogue]

    search_for(page, "个体户")
    assert result_ids(page) == [p["product_id"] for p in catalogue if "个体工商户" in p["target_customers"]]

    page.goto(site_url + "products/")
    search_for(page, "农户")
    farm = [p["product_id"] for p in catalogue if {"家庭农场", "农民专业合作社"} & set(p["target_customers"])]
    assert farm and result_ids(page) == farm


def test_bank_nicknames_and_names_select_banks_not_words(page: Page, site_url: str, catalogue, banks):
    page.set_viewport_size(DESKTOP)
    rural = {bid for bid, name in banks.items() if "农商" in name}
    assert len(rural) >= 2
    open_finder(page, site_url, "?q=" + quote("农商行"))
    assert set(result_ids(page)) == {p["product_id"] for p in catalogue if p["bank_id"] in rural}

    open_finder(page, site_url, "?q=" + quote("工商银行"))
    ids = result_ids(page)
    assert ids == [p["product_id"] for p in catalogue if p["bank_id"] == "icbc"]   # 个体工商户 ≠ 工商银行


def test_cheapest_query_sorts_by_rate(page: Page, site_url: str, catalogue):
    page.set_viewport_size(DESKTOP)
    open_finder(page, site_url, "?q=" + quote("利率最低"))
    expect(page.locator("#finder-sort")).to_have_value("rate")
    assert result_ids(page) == rate_order(catalogue)


def test_text_query_finds_words_inside_product_texts(page: Page, site_url: str, catalogue):
    page.set_viewport_size(PHONE)
    open_finder(page, site_url, "?q=" + quote("应收账款"))
    ids = set(result_ids(page))
    assert "tfbank-yingshou-zhiya-dai" in ids
    with_word = {p["product_id"] for p in catalogue if "应收账款" in p["name"] + p["summary"] + p["eligibility"]}
    assert with_word <= ids


# ---- cards, phone layout, no JavaScript ----

def test_cards_show_the_registry_wording(page: Page, site_url: str, catalogue, banks):
    page.set_viewport_size(DESKTOP)
    open_finder(page, site_url)
    result_ids(page)
    for p in catalogue:
        card = page.locator(f'[data-product-results] > li[data-product-id="{p["product_id"]}"]')
        expect(card.locator(".portal-rate-value")).to_have_text(p["display"]["rate"])
        facts = card.locator(".portal-card__facts").inner_text()
        assert p["display"]["amount"] in facts and p["display"]["term"] in facts, facts
        assert p["display"]["decision_days"] in facts
        assert sorted(card.locator(".portal-tag").all_inner_texts()) == sorted(p["guarantee_methods"])
        assert card.locator(".portal-card__bank").inner_text().startswith(banks[p["bank_id"]])


@pytest.mark.parametrize("query", ["?guarantee=信用", "?q=" + quote("我是个体户想贷30万")], ids=["filter", "sentence"])
@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_first_results_on_the_first_phone_screen(page: Page, site_url: str, elder: bool, query: str):
    page.set_viewport_size(PHONE)
    if elder:
        start_in_elder_mode(page)
    open_finder(page, site_url, query)
    rate = page.locator("[data-product-results] > li").first.locator(".portal-card__rate")
    box = rate.bounding_box()      # the first product's name and rate, not only its top edge
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    expect(page.locator("#finder-panel")).to_be_hidden()
    chips = page.locator("#finder-chips button.portal-chip:not(.portal-chip--all)").count()
    expect(page.locator("#finder-toggle")).to_have_text(re.compile(rf"筛选\s*\({chips}\)"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page overflows: {width}px"


def test_cards_say_when_a_guarantee_fee_comes_on_top_of_the_rate(page: Page, site_url: str, demo_site, catalogue):
    page.set_viewport_size(PHONE)
    open_finder(page, site_url, "?sort=rate")
    result_ids(page)
    with_fee = [p for p in catalogue if p["guarantee_fee_rate"]]
    assert with_fee and len(with_fee) < len(catalogue)
    for p in catalogue:
        card = page.locator(f'[data-product-results] > li[data-product-id="{p["product_id"]}"]')
        fee = card.locator(".portal-card__rate .portal-card__fee")
        if p["guarantee_fee_rate"]:
            expect(fee).to_have_text(f"另收担保费 {p['guarantee_fee_rate']:g}%/年")
            expect(card.locator(".portal-card__rate")).to_contain_text(p["display"]["rate"])
        else:                                      # none, or 0 (the fee is waived): nothing to add
            expect(fee).to_have_count(0)


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_the_compare_bar_stays_short_on_a_phone(page: Page, site_url: str, catalogue, elder: bool):
    page.set_viewport_size(PHONE)
    if elder:
        start_in_elder_mode(page)
    open_finder(page, site_url)
    bar = page.locator("#compare-bar")
    for n, p in enumerate(catalogue[:4], start=1):
        page.locator(f'.portal-compare-toggle[value="{p["product_id"]}"]').check()
        text = bar.locator("p")
        expect(text).to_have_text(re.compile(rf"已选 {n}/4 款"))
        # The words a screen reader gets say it in full.
        assert re.sub(r"\s+", "", text.text_content()) == f"已选{n}/4款产品，最多4款"
        assert text.get_attribute("aria-live") == "polite"
    box, button = bar.bounding_box(), bar.get_by_role("link", name="对比所选产品").bounding_box()
    line = float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('#compare-bar p')).lineHeight)"))
    text_box = bar.locator("p").bounding_box()
    assert text_box["height"] <= line * 1.5, text_box            # one line
    assert button["y"] < text_box["y"] + text_box["height"]       # the button beside it, not below
    assert box["height"] <= 2.2 * max(line, 44) + 20, box


def test_without_javascript_every_product_is_listed_in_pages(browser, site_url: str, catalogue):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    seen: list[str] = []
    page.goto(site_url + "products/")
    pages = page.locator("#finder-pager a").count() + 1
    for n in range(1, pages + 1):
        page.goto(site_url + ("products/" if n == 1 else f"products/page/{n}/"))
        seen += page.locator("[data-product-results] > li").evaluate_all("els => els.map(e => e.dataset.productId)")
    assert seen == [p["product_id"] for p in catalogue]
    context.close()


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
@pytest.mark.parametrize("path", ["", "banks/icbc/", "products/", "search/"])
def test_nothing_overflows_a_phone_screen(page: Page, site_url: str, path: str, elder: bool):
    page.set_viewport_size(PHONE)
    if elder:
        start_in_elder_mode(page)
    page.goto(site_url + path)
    page.wait_for_load_state("load")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && getComputedStyle(e).visibility !== 'hidden'
                && !e.closest('.portal-compare-wrap'))
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert wide == [] and page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wide


# ---- typed sentences (user walk findings) ----

def test_a_typed_sentence_sets_amount_and_customer_and_drops_filler(page: Page, site_url: str, catalogue):
    page.set_viewport_size(PHONE)
    open_finder(page, site_url)
    search_for(page, "我是个体户想贷30万")
    expected = [p["product_id"] for p in catalogue if "个体工商户" in p["target_customers"] and covers(p, amount=30)]
    assert expected and result_ids(page) == expected
    assert "amount=30" in page.url and "q=" not in page.url
    expect(page.locator("#finder-q")).to_have_value("我是个体户想贷30万")   # what was typed stays
    expect(page.locator("#finder-toggle")).to_have_text(re.compile(r"筛选\s*\(2\)"))   # = the two chips


def test_a_new_typed_query_replaces_the_conditions_of_the_previous_one(page: Page, site_url: str, catalogue):
    page.set_viewport_size(PHONE)
    open_finder(page, site_url)
    search_for(page, "工行")
    search_for(page, "农行")
    assert result_ids(page) == [p["product_id"] for p in catalogue if p["bank_id"] == "abc"]
    check_phone = page.locator("#finder-chips button").all_inner_texts()
    assert not any("工商银行" in chip for chip in check_phone)


def test_leftover_words_that_find_nothing_are_dropped_and_said(page: Page, site_url: str, catalogue):
    page.set_viewport_size(PHONE)
    open_finder(page, site_url)
    search_for(page, "开厂的 买设备")
    assert result_ids(page) == [p["product_id"] for p in catalogue if p["product_type"] == "固定资产贷款"]
    expect(page.locator("#finder-understood")).to_contain_text("没有找到含“开厂”的产品")


def test_back_from_a_product_keeps_the_expanded_list(page: Page, site_url: str, catalogue):
    page.set_viewport_size(PHONE)
    open_finder(page, site_url)
    ids = result_ids(page)   # clicks 显示更多
    assert ids == [p["product_id"] for p in catalogue] and len(ids) > 30
    page.locator(f'[data-product-results] > li[data-product-id="{ids[33]}"] h3 a').click()
    page.wait_for_url(f"**/products/{ids[33]}/")
    page.go_back()
    expect(page.locator(f'[data-product-results] > li[data-product-id="{ids[33]}"]')).to_be_visible()
    expect(page.locator("[data-product-results] > li")).to_have_count(len(catalogue))
    shown = page.locator("[data-product-results] > li").evaluate_all("els => els.map(e => e.dataset.productId)")
    assert shown == ids, "the same products in the same order"


def test_a_static_page_two_shows_its_products_with_javascript(page: Page, site_url: str, catalogue):
    page.set_viewport_size(PHONE)
    page.goto(site_url + "products/page/2/")
    expect(page.locator("#finder[data-finder-renders]")).to_have_count(1)
    expect(page.locator(f'[data-product-results] > li[data-product-id="{catalogue[30]["product_id"]}"]')).to_be_in_viewport()


def test_keyboard_only_filter_and_skip_to_results(page: Page, site_url: str, catalogue):
    page.set_viewport_size(DESKTOP)
    open_finder(page, site_url)
    page.locator("#finder-sort").focus()
    page.keyboard.press("Tab")
    skip = page.locator(".portal-skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    # Space on a facet box applies it; focus stays on the box.
    box = page.locator('#finder-panel input[name="guarantee"][value="信用"]')
    box.focus()
    before = renders(page)
    page.keyboard.press("Space")
    wait_render(page, before)
    expect(box).to_be_focused()
    assert result_ids(page) == [p["product_id"] for p in catalogue if "信用" in p["guarantee_methods"]]
    # The skip link jumps past the filters to the results.
    skip.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#finder-results-heading")).to_be_focused()
    page.keyboard.press("Tab")
    first = page.locator("[data-product-results] > li").first.locator("h3 a")
    expect(first).to_be_focused()


def test_unknown_values_in_a_link_are_ignored_not_fatal(page: Page, site_url: str, catalogue):
    page.set_viewport_size(DESKTOP)
    open_finder(page, site_url, "?bank=nosuch,icbc&guarantee=" + quote("抵压,信用") + "&sort=evil&amount=-5")
    assert result_ids(page) == [p["product_id"] for p in catalogue
                                if p["bank_id"] == "icbc" and "信用" in p["guarantee_methods"]]
    assert "nosuch" not in page.url and "evil" not in page.url and "amount" not in page.url
    expect(page.locator("#finder-sort")).to_have_value("")


def test_when_the_index_cannot_load_the_static_pages_remain(page: Page, site_url: str, catalogue):
    page.set_viewport_size(PHONE)
    page.route("**/assets/data/finder.json", lambda route: route.abort())
    page.goto(site_url + "products/")
    expect(page.locator("#finder-status")).to_contain_text("筛选功能未能加载")
    expect(page.locator("#finder-search")).to_be_hidden()
    expect(page.locator("#finder-pager")).to_be_visible()
    ids = page.locator("[data-product-results] > li").evaluate_all("els => els.map(e => e.dataset.productId)")
    assert ids == [p["product_id"] for p in catalogue][:len(ids)] and len(ids) == 30
