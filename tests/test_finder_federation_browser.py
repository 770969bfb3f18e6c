"""The finder of a federated (city) portal in Chromium: the 地区 facet and its counts, a product
offered in one district only, and the same bank product offered in several districts shown once.

The site is ``federated_site`` (tests/federation.py: three demo districts federated into 达州市).
Expected figures are computed here from the city's published ``downloads/products.json``, grouped
independently by the rule the finder follows: the same bank (short name) and product name.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.federation import UNIQUE_KEY, UNIQUE_NAME
from tests.quality.accessibility import VIEWPORTS, audit, start_in_elder_mode

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def products(federated_site) -> list[dict]:
    path = Path(federated_site.site) / "downloads" / "products.json"
    return json.loads(path.read_text(encoding="utf-8"))["products"]


def groups_of(products: list[dict]) -> dict[tuple[str, str], list[dict]]:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for p in products:
        groups[(p["bank_short_name"], p["name"])].append(p)
    return groups


def open_finder(page: Page, url: str, query: str = "") -> None:
    page.goto(url + "products/" + query)
    expect(page.locator("#finder[data-finder-renders]")).to_have_count(1)


def renders(page: Page) -> str | None:
    return page.locator("#finder").get_attribute("data-finder-renders")


def check(page: Page, name: str, value: str) -> None:
    before = renders(page)
    page.locator(f'#finder-panel input[name="{name}"][value="{value}"]').check()
    expect(page.locator("#finder")).not_to_have_attribute("data-finder-renders", before or "")


def shown_count(page: Page, name: str, value: str) -> int:
    text = page.locator(f'#finder-panel input[name="{name}"][value="{value}"] ~ .portal-facet__count').inner_text()
    return int(re.fullmatch(r"\((\d+)\)", text).group(1))


def all_cards(page: Page):
    more = page.locator("#finder-more")
    while more.is_visible():
        count = page.locator("[data-product-results] > li").count()
        more.click()
        expect(page.locator("[data-product-results] > li")).not_to_have_count(count)
    return page.locator("[data-product-results] > li")


def test_region_facet_counts_and_filter(page: Page, federated_url: str, products):
    page.set_viewport_size(DESKTOP)
    open_finder(page, federated_url)
    groups = groups_of(products)
    expect(page.locator("#finder-status")).to_have_text(f"共 {len(groups)} 款产品")
    regions = {p["region"]["code"]: p["region"]["name"] for p in products}
    assert page.locator('#finder-panel input[name="region"]').evaluate_all("els => els.map(e => e.value)") \
        == ["511702", "511703", "511722"]
    for code, name in regions.items():
        expect(page.locator(f'#finder-panel input[name="region"][value="{code}"] + span')).to_have_text(name)
        # A group counts once for a district if any of its products is offered there.
        want = sum(1 for members in groups.values() if any(p["region"]["code"] == code for p in members))
        assert shown_count(page, "region", code) == want, code

    # 宣汉县 only: every card is a 宣汉县 product; the group missing there is not listed.
    check(page, "region", "511722")
    in_xuanhan = [g for g in groups.values() if any(p["region"]["code"] == "511722" for p in g)]
    expect(page.locator("#finder-status")).to_contain_text(f"找到 {len(in_xuanhan)} 款产品")
    cards = all_cards(page)
    ids = cards.evaluate_all("els => els.map(e => e.dataset.productId)")
    assert len(ids) == len(in_xuanhan) and all(i.startswith("511722/") for i in ids)
    expect(cards.locator(".portal-card__region").first).to_have_text("宣汉县")
    assert "region=511722" in page.url
    # Counts of the other groups follow the region: 达川区's own product is not among 宣汉县's banks' counts.
    credit = sum(1 for g in in_xuanhan if any("信用" in p["guarantee_methods"] for p in g
                                               if p["region"]["code"] == "511722"))
    assert shown_count(page, "guarantee", "信用") == credit

    # Back to every district through the address (a shared link keeps the facet).
    open_finder(page, federated_url, "?region=511703,511722")
    assert page.locator('#finder-panel input[name="region"]:checked').count() == 2
    expect(page.locator("#finder-chips")).to_contain_text("地区：达川区 或 宣汉县")


def test_product_of_one_district_found_by_search_and_by_facet(page: Page, federated_url: str, products):
    page.set_viewport_size(DESKTOP)
    open_finder(page, federated_url)
    page.locator("#finder-q").fill(UNIQUE_NAME)
    before = renders(page)
    page.locator("#finder-search button[type=submit]").click()
    expect(page.locator("#finder")).not_to_have_attribute("data-finder-renders", before or "")
    first = page.locator("[data-product-results] > li").first
    expect(first).to_have_attribute("data-product-id", UNIQUE_KEY)
    expect(first.locator(".portal-card__region")).to_have_text("达川区")
    expect(first.locator(".portal-card__regions")).to_have_count(0)     # one district: no list

    # By the facet: 达川区 and its bank (农业银行) list it; 通川区 does not.
    open_finder(page, federated_url, "?region=511703&bank=" + "农业银行")
    ids = all_cards(page).evaluate_all("els => els.map(e => e.dataset.productId)")
    assert UNIQUE_KEY in ids
    open_finder(page, federated_url, "?region=511702&bank=" + "农业银行")
    ids = all_cards(page).evaluate_all("els => els.map(e => e.dataset.productId)")
    assert ids and UNIQUE_KEY not in ids
    # Its page on this site, by the card's link (an id with a "/").
    open_finder(page, federated_url, "?region=511703&bank=" + "农业银行")
    card = page.locator(f'[data-product-results] > li[data-product-id="{UNIQUE_KEY}"]')
    card.locator("h3 a").click()
    expect(page).to_have_url(re.compile(r"/products/511703/dc-unique-dai/$"))
    expect(page.locator("h1")).to_contain_text(UNIQUE_NAME)


def test_grouped_product_shows_once_with_its_districts(page: Page, federated_url: str, products):
    page.set_viewport_size(PHONE)
    groups = groups_of(products)
    name, bank = next((k[1], k[0]) for k, g in groups.items() if len(g) == 3)
    open_finder(page, federated_url)
    cards = all_cards(page)
    assert cards.count() == len(groups)
    card = cards.filter(has=page.locator("h3 a", has_text=re.compile("^" + re.escape(name) + "$")))
    expect(card).to_have_count(1)
    line = card.locator(".portal-card__regions")
    expect(line).to_contain_text("3 个区县可办理")
    links = line.locator("a")
    assert links.all_inner_texts() == ["通川区", "达川区", "宣汉县"]
    member_ids = [p["product_id"] for p in groups[(bank, name)]]
    paths = links.evaluate_all("els => els.map(e => new URL(e.href).pathname)")
    assert [p.rsplit("products/", 1)[1] for p in paths] == [i + "/" for i in member_ids]
    # A product offered in two districts says so.
    two = next(k for k, g in groups.items() if len(g) == 2)
    expect(cards.filter(has=page.locator("h3 a", has_text=re.compile("^" + re.escape(two[1]) + "$")))
           .locator(".portal-card__regions")).to_contain_text("2 个区县可办理")

    # A region filter keeps the group, drawn from that district's product.
    check_url = federated_url + "products/?region=511722"
    page.goto(check_url)
    expect(page.locator("#finder[data-finder-renders]")).to_have_count(1)
    card = all_cards(page).filter(has=page.locator("h3 a", has_text=re.compile("^" + re.escape(name) + "$")))
    expect(card).to_have_attribute("data-product-id", next(i for i in member_ids if i.startswith("511722/")))
    expect(card.locator(".portal-card__regions")).to_contain_text("3 个区县可办理")

    # Compare keeps ids with a "/": add the card, the compare page shows it.
    card.locator(".portal-compare-toggle").check()
    page.locator("#compare-link").click()
    expect(page.locator("#compare-root th[data-product-id] a").first).to_have_text(name)


def test_first_view_needs_no_columns(page: Page, federated_url: str):
    """A federated finder's first view is precomputed: no filter or sort columns are fetched
    until a condition needs them."""
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.set_viewport_size(DESKTOP)
    open_finder(page, federated_url)
    assert not [u for u in fetched if "finder-filter" in u or "finder-sort" in u]
    check(page, "guarantee", "信用")
    assert [u for u in fetched if "finder-filter" in u]
    assert not [u for u in fetched if "finder-sort" in u]


def test_a_bank_named_in_words_or_by_a_district_key_selects_its_bank_group(page: Page, federated_url: str, products):
    page.set_viewport_size(DESKTOP)
    open_finder(page, federated_url)
    page.locator("#finder-q").fill("农商银行")
    before = renders(page)
    page.locator("#finder-search button[type=submit]").click()
    expect(page.locator("#finder")).not_to_have_attribute("data-finder-renders", before or "")
    expect(page.locator("#finder-chips")).to_contain_text("银行：达州农商银行 或 成都农商银行")
    want = {k for k in groups_of(products) if k[0] in ("达州农商银行", "成都农商银行")}
    expect(page.locator("#finder-status")).to_contain_text(f"找到 {len(want)} 款产品")
    # A link naming one district's bank by its key lists that bank's group in every district.
    open_finder(page, federated_url, "?bank=511703-abc")
    expect(page.locator("#finder-chips")).to_contain_text("银行：农业银行")
    assert page.locator('#finder-panel input[name="bank"][value="农业银行"]').is_checked()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_the_federated_finder_passes_axe(page: Page, federated_url: str, viewport: str, elder: bool):
    """The 地区 facet, region on cards and a group's district links, first view and filtered."""
    page.set_viewport_size(VIEWPORTS[viewport])
    if elder:
        start_in_elder_mode(page)
    findings = []
    for query in ("", "?region=511703&guarantee=" + "信用"):
        open_finder(page, federated_url, query)
        expect(page.locator("[data-product-results] .portal-card__regions").first).to_be_visible()
        if viewport == "phone":
            page.locator("#finder-toggle").click()       # the panel with the 地区 facet, open
            expect(page.locator('fieldset[data-facet="region"]')).to_be_visible()
        findings += audit(page, f"products/{query} {viewport} {'elder' if elder else 'normal'}")
    assert findings == []
