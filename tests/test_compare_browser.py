"""The compare page (compare/?ids=…) in Chromium, mostly on a 390×844 phone.

Which rows differ, which product holds the best value, the phone links, the names and the
products' update date are computed here in Python from the built site's
``downloads/products.json``, never read back from the page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import zlib
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.quality.accessibility import audit, set_elder_mode, start_in_elder_mode

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
STORE_KEY = "portal-compare"          # the finder's 加入对比 selection (assets/products.js)


@pytest.fixture(scope="module")
def published(demo_site) -> dict:
    return json.loads((demo_site / "downloads" / "products.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def four(catalogue) -> list[dict]:
    """Four products of one bank (so some rows are the same) and of more than one type."""
    by_bank: dict[str, list[dict]] = {}
    for p in catalogue:
        by_bank.setdefault(p["bank_id"], []).append(p)
    for products in by_bank.values():
        if len(products) >= 4 and len({p["product_type"] for p in products[:4]}) > 1:
            return products[:4]
    pytest.fail("the demo catalogue has no bank with four products of different types")


# ---- the rules, written out independently ----

# Rows that say whose product it is and how to reach the bank: they differ between almost any two
# products, so they are never marked 不同 and 只看不同项 keeps them.
ALWAYS = ("bank", "contact_phone", "apply_url")


def row_value(product: dict, key: str) -> object:
    """What a row compares: a list field (a list in products.json) as a set, so the order the
    bank wrote it in does not count; anything else as the wording shown."""
    raw = product.get(key)
    return frozenset(raw) if isinstance(raw, list) else product["display"][key]


def differing_rows(products: list[dict], rows: list[dict]) -> list[str]:
    if len(products) < 2:
        return []
    return [r["key"] for r in rows
            if r["key"] not in ALWAYS and len({row_value(p, r["key"]) for p in products}) > 1]


def kept_by_only_diff(products: list[dict], rows: list[dict]) -> list[str]:
    different = differing_rows(products, rows)
    return [r["key"] for r in rows if r["key"] in different or r["key"] in ALWAYS]


def date_zh(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def newest_update(products: list[dict]) -> str:
    return max(p["updated"] for p in products)


def best_products(products: list[dict]) -> dict[str, list[str]]:
    """Row -> names holding its best value (lowest rate floor, highest amount, fewest days);
    nothing when every product shares the value."""
    rules = {"rate": ("rate_min", min), "amount": ("amount_max_wan", max), "decision_days": ("decision_days", min)}
    best = {}
    for row, (field, pick) in rules.items():
        value = pick(p[field] for p in products)
        winners = [p["name"] for p in products if p[field] == value]
        best[row] = winners if len(products) > 1 and len(winners) < len(products) else []
    return best


def ids_of(products: list[dict]) -> str:
    return ",".join(p["product_id"] for p in products)


# ---- page helpers ----

def open_compare(page: Page, site_url: str, products: list[dict] | None = None, query: str | None = None) -> None:
    page.goto(site_url + "compare/" + (f"?ids={ids_of(products)}" if products is not None else query or ""))
    page.wait_for_load_state("load")
    expect(page.locator(".portal-cmp__status")).not_to_have_text("正在加载产品数据……")


def shown_names(page: Page) -> list[str]:
    return page.locator("table.portal-compare thead .portal-compare__name").all_inner_texts()


def stored(page: Page) -> list[str]:
    return json.loads(page.evaluate(f"localStorage.getItem('{STORE_KEY}')") or "[]")


def address_ids(page: Page) -> list[str]:
    ids = parse_qs(urlparse(page.url).query).get("ids", [""])[0]
    return [i for i in ids.split(",") if i]


# ---- the table ----

def test_phone_table_marks_the_rows_that_differ_and_the_best_values(page: Page, site_url: str, published, four):
    page.set_viewport_size(PHONE)
    open_compare(page, site_url, four)
    rows = published["compare_rows"]
    assert shown_names(page) == [p["name"] for p in four]
    for row in rows:
        values = page.locator(f'tr[data-row="{row["key"]}"] td .portal-compare__value').all_inner_texts()
        assert values == [p["display"][row["key"]] for p in four], row["key"]

    different = differing_rows(four, rows)
    assert different and len(different) < len(rows), "the fixture needs rows that differ and rows that do not"
    # The phones differ, and the row is still not marked: 联系电话 is no difference in the offer.
    assert len({p["contact_phone"] for p in four}) > 1
    marked = page.locator("tbody tr[data-diff]").evaluate_all("els => els.map(e => e.dataset.row)")
    assert marked == different
    for row in rows:
        label = page.locator(f'tr[data-row="{row["key"]}"] th')
        if row["key"] in different:   # a shape on screen and the word for screen readers, not only a tint
            expect(label.locator(".portal-compare__diff [aria-hidden]")).to_have_text("◆")
            expect(label).to_contain_text("（不同）")
        else:
            expect(label).to_have_text(row["label"])
    for key in ALWAYS:
        expect(page.locator(f'tr[data-row="{key}"] th .portal-compare__diff')).to_have_count(0)

    for key, names in best_products(four).items():
        cells = page.locator(f'tr[data-row="{key}"] td')
        flagged = [name for name, cell in zip([p["name"] for p in four], cells.all(), strict=True)
                   if cell.locator(".portal-compare__best").count()]
        assert flagged == names, key
        word = {"rate": "最低", "amount": "额度最大", "decision_days": "最快"}[key]
        for cell in cells.all():
            if cell.locator(".portal-compare__best").count():
                expect(cell.locator(".portal-compare__best")).to_have_text(word)

    # 只看不同项: the rows that are the same go (bank and contact rows stay), and come back.
    page.get_by_label("只看不同项").check()
    kept = kept_by_only_diff(four, rows)
    assert page.locator("tbody tr:visible").evaluate_all("els => els.map(e => e.dataset.row)") == kept
    expect(page.locator(".portal-cmp__status")).to_contain_text(
        f"显示 {len(different)} 项不同的项目")
    expect(page.locator(".portal-cmp__status")).to_contain_text(f"隐藏 {len(rows) - len(kept)} 项相同的项目")
    page.get_by_label("只看不同项").uncheck()
    expect(page.locator("tbody tr:visible")).to_have_count(len(rows))


def test_lists_in_another_order_are_the_same_and_contact_rows_are_never_marked(page: Page, site_url: str,
                                                                             published, catalogue):
    """Two products whose list field holds the same items in another order (随借随还、等额本息 vs
    等额本息、随借随还): that row is not a difference; their banks and phones differ, unmarked."""
    rows = published["compare_rows"]
    list_rows = [r["key"] for r in rows if isinstance(catalogue[0].get(r["key"]), list)]
    pair, key = next(((a, b), k) for i, a in enumerate(catalogue) for b in catalogue[i + 1:]
                     for k in list_rows
                     if a["display"][k] != b["display"][k] and set(a[k]) == set(b[k])
                     and a["bank_id"] != b["bank_id"])
    page.set_viewport_size(PHONE)
    open_compare(page, site_url, list(pair))
    cells = page.locator(f'tr[data-row="{key}"] td .portal-compare__value').all_inner_texts()
    assert cells == [pair[0]["display"][key], pair[1]["display"][key]] and cells[0] != cells[1]
    expect(page.locator(f'tr[data-row="{key}"]')).not_to_have_attribute("data-diff", "1")
    expect(page.locator(f'tr[data-row="{key}"] th')).to_have_text(next(r["label"] for r in rows if r["key"] == key))
    marked = page.locator("tbody tr[data-diff]").evaluate_all("els => els.map(e => e.dataset.row)")
    assert marked == differing_rows(list(pair), rows)
    assert not set(marked) & set(ALWAYS)
    page.get_by_label("只看不同项").check()
    assert page.locator("tbody tr:visible").evaluate_all("els => els.map(e => e.dataset.row)") == \
        kept_by_only_diff(list(pair), rows)
    for key in ALWAYS:
        expect(page.locator(f'tr[data-row="{key}"]')).to_be_visible()


def test_one_product_marks_nothing(page: Page, site_url: str, catalogue):
    page.set_viewport_size(PHONE)
    open_compare(page, site_url, catalogue[:1])
    expect(page.locator("tbody tr")).not_to_have_count(0)
    expect(page.locator("tbody tr[data-diff]")).to_have_count(0)
    expect(page.locator("table.portal-compare .portal-compare__best")).to_have_count(0)
    expect(page.get_by_label("只看不同项")).to_be_hidden()
    expect(page.locator(".portal-cmp__status")).to_contain_text("再添加一款")


def test_contact_links_call_the_bank_and_open_its_site(page: Page, site_url: str, four, catalogue):
    without_url = next(p for p in catalogue if not p["apply_url"])
    products = [four[0], four[1], without_url]
    page.set_viewport_size(PHONE)
    open_compare(page, site_url, products)
    phones = page.locator('tr[data-row="contact_phone"] td')
    for p, cell in zip(products, phones.all(), strict=True):
        link = cell.get_by_role("link")
        expect(link).to_have_text(p["contact_phone"])
        expect(link).to_have_attribute("href", "tel:" + p["contact_phone"].replace("-", ""))
    sites = page.locator('tr[data-row="apply_url"] td')
    for p, cell in zip(products, sites.all(), strict=True):
        if p["apply_url"]:
            link = cell.get_by_role("link")
            expect(link).to_have_attribute("href", p["apply_url"])
            assert set(link.get_attribute("rel").split()) >= {"noopener", "noreferrer", "nofollow"}
        else:
            expect(cell.get_by_role("link")).to_have_count(0)
            expect(cell).to_have_text(p["display"]["apply_url"])
    for p, cell in zip(products, page.locator('tr[data-row="bank"] td').all(), strict=True):
        expect(cell.get_by_role("link")).to_have_attribute("href", f"../banks/{p['bank_id']}/")


# ---- remove, share ----

def test_remove_updates_the_table_the_address_and_the_stored_selection(page: Page, site_url: str, published, four):
    first, second, third = four[:3]
    page.set_viewport_size(PHONE)
    open_compare(page, site_url, [first, second, third])
    assert stored(page) == [first["product_id"], second["product_id"], third["product_id"]]

    # With the keyboard: focus the second product's 移除 and press Enter.
    page.get_by_role("button", name=f"移除 {second['name']}").focus()
    page.keyboard.press("Enter")
    expect(page.locator("table.portal-compare thead th[scope=col]")).to_have_count(3)   # 项目 + 2
    assert shown_names(page) == [first["name"], third["name"]]
    assert address_ids(page) == [first["product_id"], third["product_id"]]
    assert stored(page) == [first["product_id"], third["product_id"]]
    expect(page.locator(".portal-cmp__status")).to_have_text(f"已移除“{second['name']}”，还剩 2 款。")
    # Focus is on the table, not on another 移除: a second Enter removes nothing.
    expect(page.get_by_role("region", name="产品对比表，可左右滚动")).to_be_focused()
    expect(page.locator(".portal-compare__remove:focus")).to_have_count(0)
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert shown_names(page) == [first["name"], third["name"]]
    # The marks follow the products that are left.
    marked = page.locator("tbody tr[data-diff]").evaluate_all("els => els.map(e => e.dataset.row)")
    assert marked == differing_rows([first, third], published["compare_rows"])

    page.get_by_role("button", name=f"移除 {third['name']}").click()
    expect(page.locator(".portal-cmp__status")).to_contain_text(f"已移除“{third['name']}”，还剩 1 款。")
    expect(page.get_by_role("region", name="产品对比表，可左右滚动")).to_be_focused()
    page.get_by_role("button", name=f"移除 {first['name']}").click()
    expect(page.get_by_role("heading", name="还没有要对比的产品")).to_be_focused()
    expect(page.locator("table.portal-compare")).to_be_hidden()
    assert address_ids(page) == [] and stored(page) == []
    expect(page.get_by_role("link", name="去选择产品")).to_have_attribute("href", "../products/")

    # The finder sees the same selection: nothing is ticked.
    page.goto(site_url + "products/")
    expect(page.locator("#compare-bar")).to_be_hidden()


def test_the_page_states_the_products_update_date_not_the_build_date(page: Page, site_url: str, published,
                                                                    catalogue):
    """The date shown is the newest ``updated`` of the products compared, on the page, in the
    footer and on paper (with the print date); it follows a removal."""
    by_date = sorted(catalogue, key=lambda p: p["updated"])
    oldest, newest = by_date[0], by_date[-1]
    older = next(p for p in reversed(by_date) if p["updated"] < newest["updated"])
    assert oldest["updated"] < older["updated"], "the demo catalogue needs three update dates"
    products = [oldest, newest, older]
    assert newest_update(products) == newest["updated"] and newest_update([oldest, older]) == older["updated"]
    page.set_viewport_size(PHONE)
    open_compare(page, site_url, products)
    dates = page.locator(".portal-cmp__dates")
    expect(dates).to_be_visible()
    expect(dates).to_contain_text(f"产品信息更新日期：{date_zh(newest['updated'])}")
    if published["generated"] != newest["updated"]:       # the build date is not presented as data
        expect(dates.locator(".portal-cmp__updated")).not_to_contain_text(date_zh(published["generated"]))
    footer = page.locator(".portal-page-date time")
    expect(footer).to_have_text(date_zh(newest["updated"]))
    expect(footer).to_have_attribute("datetime", newest["updated"])

    page.get_by_role("button", name=f"移除 {newest['name']}").click()
    expect(dates).to_contain_text(f"产品信息更新日期：{date_zh(older['updated'])}")
    expect(footer).to_have_text(date_zh(older["updated"]))

    page.emulate_media(media="print")
    expect(dates).to_contain_text(f"打印日期：{date_zh(dt.date.today().isoformat())}")
    text = "".join(pdf_text(page.pdf(format="A4", print_background=True, prefer_css_page_size=True)))
    assert nfkc(f"产品信息更新日期：{date_zh(older['updated'])}") in text
    assert nfkc("打印日期") in text and "产品数据日期" not in text


def test_the_address_reproduces_the_comparison_in_a_fresh_browser(page: Page, browser: Browser, site_url: str, four):
    page.set_viewport_size(PHONE)
    page.goto(site_url + "compare/")
    page.evaluate(f"localStorage.setItem('{STORE_KEY}', {json.dumps(json.dumps(ids_of(four[:3]).split(',')))})")
    open_compare(page, site_url)                           # no ids in the address: the stored selection
    assert shown_names(page) == [p["name"] for p in four[:3]]
    assert address_ids(page) == [p["product_id"] for p in four[:3]]   # … and the address says it

    page.get_by_role("button", name="复制链接").click()
    expect(page.locator(".portal-cmp__copied")).to_contain_text(re.compile("链接已复制|请复制上面的链接"))
    if page.locator("#compare-url").is_visible():          # no clipboard here: the link is shown, selected
        expect(page.locator("#compare-url")).to_have_value(page.url)

    fresh = browser.new_context(viewport=PHONE)          # nothing stored: only the address tells
    other = fresh.new_page()
    other.goto(page.url)
    expect(other.locator("table.portal-compare")).to_be_visible()
    assert shown_names(other) == shown_names(page)
    for key in ("rate", "amount", "contact_phone"):
        assert other.locator(f'tr[data-row="{key}"] td').all_inner_texts() == \
            page.locator(f'tr[data-row="{key}"] td').all_inner_texts()
    fresh.close()


def test_unknown_ids_in_a_link_are_dropped_and_counted(page: Page, site_url: str, four):
    page.set_viewport_size(PHONE)
    open_compare(page, site_url, query=f"?ids={four[0]['product_id']},withdrawn-product,{four[1]['product_id']}")
    assert shown_names(page) == [four[0]["name"], four[1]["name"]]
    expect(page.locator(".portal-cmp__note")).to_contain_text("1 款")
    assert address_ids(page) == [four[0]["product_id"], four[1]["product_id"]]

    open_compare(page, site_url, query="?ids=gone-1,gone-2")
    expect(page.locator(".portal-cmp__note")).to_contain_text("2 款")
    expect(page.get_by_role("heading", name="还没有要对比的产品")).to_be_visible()


# ---- a phone screen ----

@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_on_a_phone_labels_stay_put_and_names_stay_in_view(page: Page, site_url: str, four, elder: bool):
    if elder:
        start_in_elder_mode(page)
    page.set_viewport_size(PHONE)
    open_compare(page, site_url, four)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    wrap = page.locator(".portal-compare-wrap")
    expect(page.locator(".portal-cmp__hint")).to_be_visible()
    expect(page.locator(".portal-cmp__hint")).to_contain_text("左右滑动查看更多")
    # Two products side by side and the edge of a third (the table itself says there is more),
    # in 适老化 too: at the larger type the second product's rate was cut at the screen's edge.
    box = wrap.bounding_box()
    right = box["x"] + box["width"]
    heads = page.locator("table.portal-compare thead th").all()
    assert heads[2].bounding_box()["x"] + heads[2].bounding_box()["width"] <= right + 1
    assert heads[3].bounding_box()["x"] < right
    # Every rate whole inside its cell: on one line where it fits (normal mode), otherwise broken
    # only after the ～, each bound on a line of its own; the two products in view fully shown.
    rates = page.locator('tr[data-row="rate"] td').all()
    for p, cell in zip(four, rates, strict=True):
        cell_box = cell.bounding_box()
        pieces = cell.locator(".portal-compare__piece").all()
        assert "".join(x.inner_text() for x in pieces) == p["display"]["rate"]
        lines = []
        for piece in pieces:
            b = piece.bounding_box()
            assert cell_box["x"] <= b["x"] and b["x"] + b["width"] <= cell_box["x"] + cell_box["width"] + 0.5
            lines.append(round(b["y"]))
        if not elder:
            assert len(set(lines)) == 1, p["display"]["rate"]
        if "～" in p["display"]["rate"]:
            assert pieces[0].inner_text().endswith("～")
    for cell in rates[:2]:
        b = cell.bounding_box()
        assert b["x"] >= box["x"] and b["x"] + b["width"] <= right + 1

    # Scroll the products sideways: the labels stay at the left edge, the products pass under them.
    wrap.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    label = page.locator('tr[data-row="rate"] th')
    expect(label).to_be_in_viewport()
    assert abs(label.bounding_box()["x"] - box["x"]) <= 2
    first = page.locator('tr[data-row="rate"] td').first.bounding_box()
    assert first["x"] < label.bounding_box()["x"]
    last = page.locator('tr[data-row="rate"] td').last.bounding_box()
    assert last["x"] + last["width"] <= box["x"] + box["width"] + 1

    # Scroll down the rows: the names stay under the site header, lined up with their columns.
    page.locator('tr[data-row="contact_phone"]').scroll_into_view_if_needed()
    page.mouse.wheel(0, 1)
    clone = page.locator(".portal-cmp__clone")
    expect(clone).to_have_class(re.compile("portal-cmp__clone--on"))
    header = page.locator(".md-header").bounding_box()
    row = page.locator(".portal-cmp__clone-row").bounding_box()
    assert abs(row["y"] - (header["y"] + header["height"])) <= 2
    cells = page.locator(".portal-cmp__clone-cell").all()
    assert [c.inner_text() for c in cells] == [p["name"] for p in four]
    real = heads[-1].bounding_box()
    assert abs(cells[-1].bounding_box()["x"] - real["x"]) <= 2


def test_wide_screen_shows_every_product_without_scrolling(page: Page, site_url: str, four):
    page.set_viewport_size(DESKTOP)
    open_compare(page, site_url, four)
    wrap = page.locator(".portal-compare-wrap")
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    expect(page.locator(".portal-cmp__hint")).to_be_hidden()


# ---- print ----

def pdf_text(data: bytes) -> list[str]:
    """The text of each page of a PDF written by Chromium (Skia), normalised with ``nfkc`` (its CJK
    fonts map shared glyphs to look-alikes: 比 -> ⽐, ～ -> 〜): enough to find words, no layout."""
    objects = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S)}

    def stream(num: int) -> bytes:
        body = objects[num]
        start = body.index(b"stream") + 6
        raw = body[start + (2 if body[start:start + 2] == b"\r\n" else 1):body.rindex(b"endstream")]
        return zlib.decompressobj().decompress(raw) if b"FlateDecode" in body[:start] else raw

    def to_unicode(num: int) -> dict[int, str]:
        text, table = stream(num).decode("latin-1"), {}
        for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
            for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                table[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
            for low, high, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                first = int.from_bytes(bytes.fromhex(dst), "big")
                for i, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                    table[code] = chr(first + i)
        return table

    fonts = {}
    for num, body in objects.items():
        unicode_map = re.search(rb"/ToUnicode (\d+) 0 R", body)
        if re.search(rb"/Type\s*/Font\b", body) and unicode_map:
            fonts[num] = (2 if b"/Type0" in body else 1, to_unicode(int(unicode_map.group(1))))
    pages = []
    for _num, body in sorted(objects.items()):
        if not re.search(rb"/Type\s*/Page\b", body):
            continue
        names = {n.decode(): int(r) for n, r in re.findall(rb"/(F\d+) (\d+) 0 R", body)}
        ops = stream(int(re.search(rb"/Contents (\d+) 0 R", body).group(1))).decode("latin-1")
        text, (width, table) = [], (1, {})
        for font, hexstr in re.findall(r"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]*)>", ops):
            if font:
                width, table = fonts.get(names.get(font), (1, {}))
                continue
            raw = bytes.fromhex(hexstr)
            text.append("".join(table.get(int.from_bytes(raw[i:i + width], "big"), "")
                                for i in range(0, len(raw), width)))
        pages.append(nfkc("".join(text)))
    return pages


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text.replace("\u301c", "\uff5e"))


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_four_products_print_on_a4_without_cut_off_columns(page: Page, site_url: str, four, elder: bool):
    if elder:
        start_in_elder_mode(page)
    page.set_viewport_size(PHONE)
    open_compare(page, site_url, four)
    page.emulate_media(media="print")
    # Every column inside the page, nothing to tap, nothing of the site's frame.
    width = page.evaluate("innerWidth")
    for th in page.locator("table.portal-compare thead th").all():
        box = th.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    for hidden in (".portal-cmp__tools", ".portal-compare__remove", ".md-header", ".portal-banner",
                   ".md-footer", ".portal-cmp__clone", ".portal-cmp__hint"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(".portal-disclaimer")).to_be_visible()
    expect(page.locator(".portal-cmp__dates")).to_contain_text("打印日期")

    pages = pdf_text(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
    assert len(pages) == 1                                # the table, the dates and the disclaimer
    text = "".join(pages)
    for p in four:
        assert nfkc(p["name"]) in text, p["name"]
        assert nfkc(p["display"]["rate"]) in text, p["display"]["rate"]
    assert "免责声明" in text and "打印日期" in text and nfkc(f"产品信息更新日期：{date_zh(newest_update(four))}") in text
    assert "产品数据日期" not in text
    assert "移除" not in text and "复制链接" not in text and "风险提示" not in text


def test_print_button_opens_the_print_dialog(page: Page, site_url: str, four):
    page.add_init_script("window.print = () => document.documentElement.setAttribute('data-printed', '1')")
    page.set_viewport_size(PHONE)
    open_compare(page, site_url, four[:2])
    page.get_by_role("button", name="打印").click()
    expect(page.locator("html")).to_have_attribute("data-printed", "1")


# ---- accessibility ----

@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
@pytest.mark.parametrize("count", [2, 4])
def test_axe_finds_nothing(page: Page, site_url: str, four, count: int, viewport: dict, elder: bool):
    page.set_viewport_size(viewport)
    page.goto(site_url + "compare/")
    set_elder_mode(page, elder)
    open_compare(page, site_url, four[:count])
    page.locator('tr[data-row="contact_phone"]').scroll_into_view_if_needed()   # the sticky names shown too
    page.mouse.wheel(0, 1)
    assert audit(page, f"compare {count} {viewport['width']} {'elder' if elder else 'normal'}") == []


# ---- the finder's 加入对比 (moved from test_products_browser.py) ----

def open_finder(page: Page, site_url: str) -> None:
    """The finder with every product shown ("显示更多" until all are there)."""
    page.goto(site_url + "products/")
    expect(page.locator("#finder[data-finder-renders]")).to_have_count(1)
    more, cards = page.locator("#finder-more"), page.locator("[data-product-results] > li")
    while more.is_visible():
        count = cards.count()
        more.click()
        expect(cards).not_to_have_count(count)


def test_compare_two_products_side_by_side(page: Page, site_url: str, catalogue):
    first, second = catalogue[0], catalogue[5]
    page.set_viewport_size(DESKTOP)
    open_finder(page, site_url)
    page.locator(f'.portal-compare-toggle[value="{first["product_id"]}"]').check()
    page.locator(f'.portal-compare-toggle[value="{second["product_id"]}"]').check()
    expect(page.locator("#compare-count")).to_have_text("2")
    page.get_by_role("link", name="对比所选产品").click()
    table = page.locator("table.portal-compare")
    expect(table).to_be_visible()
    assert shown_names(page) == [first["name"], second["name"]]
    for row in table.locator("tbody tr").all():
        key = row.get_attribute("data-row")
        assert row.locator("td .portal-compare__value").all_inner_texts() == \
            [first["display"][key], second["display"][key]], key


def test_at_most_four_products_can_be_compared_and_the_fifth_says_why(page: Page, site_url: str):
    page.set_viewport_size(DESKTOP)
    open_finder(page, site_url)
    toggles = page.locator(".portal-compare-toggle")
    for i in range(4):
        toggles.nth(i).check()
    expect(toggles.nth(4)).to_be_disabled()
    expect(page.locator(".portal-card__compare").nth(4)).to_contain_text("已选满 4 款")
    toggles.nth(0).uncheck()
    expect(toggles.nth(4)).to_be_enabled()


def test_a_renewal_only_products_lowest_rate_says_it_is_only_for_renewal(page: Page, site_url: str, catalogue):
    renewal = min((p for p in catalogue if p["product_type"] == "续贷"), key=lambda p: p["rate_min"])
    dearer = next(p for p in catalogue if p["product_type"] != "续贷" and p["rate_min"] > renewal["rate_min"])
    open_compare(page, site_url, [renewal, dearer])
    cells = page.locator('table.portal-compare tr[data-row="rate"] td')
    expect(cells.nth(0).locator(".portal-compare__best")).to_have_text("最低（仅限续贷）")
    expect(cells.nth(1).locator(".portal-compare__best")).to_have_count(0)
