"""帮我选 (guide/) in Chromium: answered as a user would, handed to the finder without any request
carrying the answers, checked against values computed here in Python.

Expected results, orders and reasons come from the built site's ``downloads/products.json`` and the
canonical schema, with the finder's rules as written out in ``tests/test_products_browser.py``.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import ROOT, LoopbackServer
from tests.quality.accessibility import VIEWPORTS, audit, set_elder_mode, start_in_elder_mode
from tests.test_products_browser import NO_COLLATERAL, matches, rate_order, result_ids

pytestmark = pytest.mark.browser

DESKTOP = VIEWPORTS["desktop"]
PHONE = VIEWPORTS["phone"]
COLLATERAL = {"抵押", "质押"}


@pytest.fixture(scope="module")
def vocab() -> dict[str, list[str]]:
    schema = json.loads((ROOT / "catalog" / "schema" / "products.schema.json").read_text(encoding="utf-8"))
    return {f["name"]: f["x-list"]["enum"] for f in schema["fields"] if "x-list" in f and "enum" in f["x-list"]}


# ---- a server that keeps what it was asked: request lines, headers and bodies ----

class _RecordingHandler(http.server.SimpleHTTPRequestHandler):
    seen: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("latin-1") if length else ""
        self.seen.append(f"{self.requestline}\n{self.headers}\n{body}")

    def do_GET(self) -> None:  # noqa: N802
        self._record()
        super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        self._record()
        super().do_HEAD()

    def do_POST(self) -> None:  # noqa: N802
        self._record()
        self.send_error(405)


@pytest.fixture
def recording_site(demo_site):
    seen: list[str] = []
    handler = type("Handler", (_RecordingHandler,), {"seen": seen})
    server = LoopbackServer(functools.partial(handler, directory=str(demo_site)))
    yield server.url, seen
    server.stop()


def forms_of(text: str) -> set[str]:
    """Every way a value could appear in a request: as is, percent-encoded (either case), form-encoded."""
    encoded = quote(text, safe="")
    return {text, encoded, encoded.lower(), quote(text, safe="").replace("%20", "+")}


# ---- answering the guide as a user would ----

def choose(page: Page, question: str, answer: str) -> None:
    """Click the answer's label inside the question (fieldset named by its legend)."""
    group = page.get_by_role("group", name=re.compile(question))
    group.locator("label.portal-guide__option", has_text=answer).click()


def answer_guide(page: Page, *, customer: str | None = None, amount: str | None = None,
                 term_pick: str | None = None, term: str | None = None, no_collateral: bool = False,
                 online: bool = False, program: str | None = None) -> None:
    if customer:
        choose(page, "您是", customer)
    if amount is not None:
        page.get_by_label("需要借多少钱").fill(amount)
    if term_pick:
        page.get_by_role("button", name=term_pick, exact=True).click()
    if term is not None:
        page.get_by_label("或填写月数").fill(term)
    if no_collateral:
        choose(page, "抵押", "不能或不想提供")
    if online:
        choose(page, "线上|网上", "希望线上申请")
    if program:
        choose(page, "对接机制", program)


def submit(page: Page) -> None:
    page.get_by_role("button", name="查看相符的产品").click()
    page.wait_for_url(re.compile(r"/products/#"))
    expect(page.locator("#finder[data-finder-renders]")).to_have_count(1)


def expected_reasons(p: dict, state: dict, vocab: dict) -> str:
    """The card's "符合您的条件：…" line, written out from the product's own data."""
    parts = []
    if "customer" in state:
        hit = [v for v in vocab["target_customers"] if v in state["customer"] and v in p["target_customers"]]
        parts.append("、".join(hit) + "可申请")
    if "amount" in state:
        parts.append(f"您要借的 {state['amount']:g} 万元在额度内（{p['display']['amount']}）")
    if "term" in state:
        parts.append(f"您要借的 {state['term']} 个月在期限内（{p['display']['term']}）")
    if "guarantee" in state:
        hit = [v for v in vocab["guarantee_methods"] if v in state["guarantee"] and v in p["guarantee_methods"]]
        free = "" if COLLATERAL & set(state["guarantee"]) else "，无需抵押或质押"
        parts.append("担保方式：" + "、".join(hit) + free)
    if state.get("online"):
        assert p["online_application"]
        parts.append("可线上申请")
    if "program" in state:
        hit = [v for v in vocab["programs"] if v in state["program"] and v in p["programs"]]
        parts.append("对接机制：" + "、".join(hit))
    return "符合您的条件：" + " · ".join(parts)


# ---- the hand-over ----

def test_answers_become_the_finder_state_ranked_by_rate_with_reasons(page: Page, site_url: str, catalogue, vocab):
    page.set_viewport_size(PHONE)
    page.goto(site_url + "guide/")
    answer_guide(page, customer="个体工商户", amount="30", term_pick="1 年", no_collateral=True, online=True)
    expect(page.get_by_label("或填写月数")).to_have_value("12")
    expect(page.get_by_role("button", name="1 年", exact=True)).to_have_attribute("aria-pressed", "true")
    submit(page)

    url = urlsplit(page.url)
    assert url.path.endswith("/products/") and url.query == "", page.url   # the state is only in the fragment
    state = {"customer": ["个体工商户"], "amount": 30, "term": 12, "guarantee": sorted(NO_COLLATERAL), "online": True}
    # On the phone: one line says where the list comes from, instead of the search box and chips.
    note = page.locator("#finder-guide")
    expect(note).to_be_visible()
    expect(note).to_contain_text("按您在“帮我选”中的回答列出")
    expect(note.get_by_role("link", name="重新回答")).to_be_visible()
    expect(page.locator("#finder-search")).to_be_hidden()
    expect(page.locator("#finder-chips")).to_be_hidden()
    note.get_by_role("button", name="修改条件").click()
    chips = page.locator("#finder-chips button.portal-chip:not(.portal-chip--all)")
    expect(chips.first).to_be_focused()
    expect(page.locator("#finder-search")).to_be_visible()
    expect(note.get_by_role("button", name="修改条件")).to_be_hidden()
    expect(chips).to_have_count(5)
    for text in ("金额：30 万元", "期限：12 个月", "适用对象：个体工商户", "线上申请：是"):
        expect(chips.filter(has_text=text)).to_have_count(1)
    guarantee_chip = chips.filter(has_text="担保方式").inner_text()
    assert {v for v in vocab["guarantee_methods"] if v in guarantee_chip} == NO_COLLATERAL
    expect(page.locator("#finder-sort")).to_have_value("rate")

    subset = [p for p in catalogue if matches(p, state)]
    assert 1 < len(subset) < len(catalogue)
    ids = result_ids(page)
    assert ids == rate_order(subset)
    by_id = {p["product_id"]: p for p in catalogue}
    for pid in ids:
        why = page.locator(f'[data-product-results] > li[data-product-id="{pid}"] .portal-card__why')
        expect(why).to_have_text(expected_reasons(by_id[pid], state, vocab))
    expect(note).to_be_visible()
    expect(note).to_contain_text("按您在“帮我选”中的回答列出")


def test_no_answer_leaves_the_browser(page: Page, recording_site, catalogue):
    """Neither the browser's requests nor what the server received carry an answer, in any encoding,
    while answering, on the finder, on a product page, and back again."""
    url, seen = recording_site
    requests: list[str] = []
    page.on("request", lambda r: requests.append(f"{r.method} {r.url.split('#')[0]}\n{r.post_data or ''}"))
    page.set_viewport_size(PHONE)
    page.goto(url + "guide/")
    answer_guide(page, customer="家庭农场", amount="37.5", term="27", no_collateral=True, program="乡村振兴贷")
    submit(page)
    assert "乡村振兴贷" in page.locator("#finder-chips").inner_text()
    first = page.locator("[data-product-results] > li h3 a").first
    if first.count():
        first.click()
        page.wait_for_load_state("load")
        # The product page's calculator gets the amount and term in its fragment, never a query.
        assert urlsplit(page.url).query == "" and urlsplit(page.url).fragment == "amount=37.5&term=27", page.url
        page.go_back()
        expect(page.locator("#finder[data-finder-renders]")).to_have_count(1)
    page.locator("#finder-guide").get_by_role("link", name="重新回答").click()
    page.wait_for_url(re.compile(r"/guide/#"))
    expect(page.get_by_label("需要借多少钱")).to_have_value("37.5")

    answers = ["家庭农场", "乡村振兴贷", "37.5", "amount=", "term=", "customer=", "guarantee=", "program=",
               *NO_COLLATERAL]
    assert len(requests) > 5 and len(seen) > 5
    for text in answers:
        for form in forms_of(text):
            leaked = [r for r in requests + seen if form in r]
            assert not leaked, f"{form!r} left the browser:\n{leaked[0]}"
    # The 27-month term: as a parameter in any form (a bare "27" could be part of a file hash).
    assert not [r for r in requests + seen if re.search(r"\b27\s*(个月|%E4%B8%AA|months?)", r)]


def test_back_returns_to_the_answered_guide_and_the_link_comes_back_prefilled(page: Page, site_url: str, catalogue):
    page.set_viewport_size(PHONE)
    page.goto(site_url + "guide/")
    answer_guide(page, customer="小微企业主", amount="50", term_pick="3 年", online=True)
    submit(page)
    page.go_back()
    page.wait_for_url(re.compile(r"/guide/"))
    expect(page.get_by_role("radio", name=re.compile("^小微企业主"))).to_be_checked()
    expect(page.get_by_label("需要借多少钱")).to_have_value("50")
    expect(page.get_by_label("或填写月数")).to_have_value("36")
    expect(page.get_by_role("radio", name=re.compile("^希望线上申请"))).to_be_checked()
    page.go_forward()
    expect(page.locator("#finder[data-finder-renders]")).to_have_count(1)
    expect(page.locator("#finder-chips")).to_contain_text("小微企业主")

    # On the finder, another condition (a bank) is added; 修改条件 keeps it and says so.
    bank = next(p["bank_id"] for p in catalogue if matches(p, {"customer": ["小微企业主"], "amount": 50, "term": 36, "online": True}))
    before = page.locator("#finder").get_attribute("data-finder-renders")
    if page.locator("#finder-toggle").is_visible():
        page.locator("#finder-toggle").click()
    page.locator(f'#finder-panel input[name="bank"][value="{bank}"]').check()
    expect(page.locator("#finder")).not_to_have_attribute("data-finder-renders", before)
    assert urlsplit(page.url).query == "" and "bank=" + bank in urlsplit(page.url).fragment
    page.locator("#finder-guide").get_by_role("link", name="重新回答").click()
    page.wait_for_url(re.compile(r"/guide/#"))
    expect(page.get_by_label("需要借多少钱")).to_have_value("50")
    expect(page.locator("#guide-kept")).to_contain_text("银行")
    page.get_by_label("需要借多少钱").fill("10")
    submit(page)
    state = {"customer": ["小微企业主"], "amount": 10, "term": 36, "online": True, "bank": [bank]}
    assert result_ids(page) == rate_order([p for p in catalogue if matches(p, state)])


def test_an_answer_set_without_products_shows_the_empty_state_and_its_way_out(page: Page, site_url: str, catalogue):
    page.set_viewport_size(PHONE)
    big = max(p["amount_max_wan"] for p in catalogue if "个体工商户" in p["target_customers"]) + 1
    page.goto(site_url + "guide/")
    answer_guide(page, customer="个体工商户", amount=f"{big:g}")
    submit(page)
    empty = page.locator("#finder-empty")
    expect(empty).to_be_visible()
    expect(page.locator("[data-product-results] > li")).to_have_count(0)
    expect(page.locator("#finder-empty-why")).to_contain_text("金额")
    relax = page.locator("#finder-relax button").filter(has_text="金额")
    owners = [p for p in catalogue if "个体工商户" in p["target_customers"]]
    expect(relax).to_contain_text(f"可看到 {len(owners)} 款")
    before = page.locator("#finder").get_attribute("data-finder-renders")
    relax.click()
    expect(page.locator("#finder")).not_to_have_attribute("data-finder-renders", before)
    assert result_ids(page) == rate_order(owners)
    assert urlsplit(page.url).query == "" and "amount" not in page.url   # still private
    page.go_back()
    expect(empty).to_be_visible()


def test_when_no_single_answer_is_the_obstacle_the_empty_state_offers_pairs(page: Page, site_url: str,
                                                                           catalogue, vocab):
    """Who you are and the programme exclude each other, and the amount is above every product:
    dropping any one answer still finds nothing, so the finder offers to drop two."""
    customer, program = next((c, g) for c in vocab["target_customers"] for g in vocab["programs"]
                             if not any(c in p["target_customers"] and g in p["programs"] for p in catalogue)
                             and any(c in p["target_customers"] for p in catalogue)
                             and any(g in p["programs"] for p in catalogue))
    big = max(p["amount_max_wan"] for p in catalogue) + 1
    page.set_viewport_size(PHONE)
    page.goto(site_url + "guide/")
    answer_guide(page, customer=customer, amount=f"{big:g}", program=program)
    submit(page)
    expect(page.locator("#finder-empty")).to_be_visible()
    expect(page.locator("#finder-empty-why")).to_contain_text("至少要去掉两个")
    # Dropping amount and one of the two others leaves the products of the remaining one.
    with_program = [p for p in catalogue if program in p["programs"]]
    for_customer = [p for p in catalogue if customer in p["target_customers"]]
    best, keep = max(((with_program, program), (for_customer, customer)), key=lambda x: len(x[0]))
    buttons = page.locator("#finder-relax button")
    expect(buttons).to_have_count(3)                       # two pairs, then 清除全部条件
    first = buttons.first
    expect(first).to_contain_text("金额")
    expect(first).to_contain_text(f"可看到 {len(best)} 款产品")
    before = page.locator("#finder").get_attribute("data-finder-renders")
    first.click()
    expect(page.locator("#finder")).not_to_have_attribute("data-finder-renders", before)
    assert result_ids(page) == rate_order(best)
    expect(page.locator("#finder-chips")).to_contain_text(keep)
    assert urlsplit(page.url).query == ""


def submit_refused(page: Page, field: str, message: str) -> None:
    """Submitting names what to correct next to the field, focuses it, and opens nothing."""
    page.get_by_role("button", name="查看相符的产品").click()
    box = page.get_by_label(field)
    error = page.locator("#" + box.get_attribute("id") + "-error")
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(error).to_be_visible()
    expect(error).to_contain_text(message)
    expect(page.locator("#guide-status")).to_contain_text("需要修改")
    expect(page.locator("#guide-status")).to_contain_text(message)      # announced (role=status)
    assert urlsplit(page.url).path.endswith("/guide/") and not urlsplit(page.url).fragment


def test_wrong_numbers_are_explained_and_nothing_is_opened(page: Page, site_url: str):
    page.set_viewport_size(PHONE)
    page.goto(site_url + "guide/")
    page.get_by_label("需要借多少钱").fill("-5")
    submit_refused(page, "需要借多少钱", "大于 0")
    # Written in words: said how to write it instead of silently ignored.
    page.get_by_label("需要借多少钱").fill("三十万")
    submit_refused(page, "需要借多少钱", "请用数字填写")
    page.get_by_label("需要借多少钱").fill("")
    # Months are whole: a fraction is named (0.4 is more than 0), never rounded.
    for months in ("0.4", "1.5"):
        page.get_by_label("或填写月数").fill(months)
        submit_refused(page, "或填写月数", "请填写整数月数，例如 12")
        expect(page.get_by_label("或填写月数")).to_have_value(months)
    page.get_by_label("或填写月数").fill("0")
    submit_refused(page, "或填写月数", "大于 0 的整数月数")


@pytest.mark.parametrize(("typed", "amount"), [("1.5", 1.5), ("30万", 30), ("３０ 万元", 30)])
def test_amounts_as_people_write_them_are_understood(page: Page, site_url: str, catalogue, typed: str,
                                                     amount: float):
    page.set_viewport_size(PHONE)
    page.goto(site_url + "guide/")
    answer_guide(page, amount=typed, term="18")
    submit(page)
    fragment = dict(parse_qsl(urlsplit(page.url).fragment))
    assert fragment["amount"] == f"{amount:g}" and fragment["term"] == "18", page.url
    expect(page.locator("#finder-chips")).to_contain_text(f"金额：{amount:g} 万元")
    assert result_ids(page) == rate_order([p for p in catalogue if matches(p, {"amount": amount, "term": 18})])


def test_the_questions_offer_the_schema_vocabulary(page: Page, site_url: str, vocab):
    page.set_viewport_size(DESKTOP)
    page.goto(site_url + "guide/")
    for name, field in (("customer", "target_customers"), ("program", "programs")):
        values = page.locator(f'input[type=radio][name="{name}"]').evaluate_all("els => els.map(e => e.value)")
        assert values == vocab[field] + [""], name          # every value, then 不确定
        expect(page.locator(f'input[type=radio][name="{name}"][value=""]')).to_be_checked()
    no_collateral = page.locator('input[name="guarantee"]:not([value=""])').get_attribute("value")
    assert set(no_collateral.split(",")) == NO_COLLATERAL
    expect(page.locator(".portal-guide")).to_contain_text("不会发送给政府部门或银行")


def test_without_javascript_the_page_says_so_and_links_to_the_list(browser, site_url: str):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + "guide/")
    expect(page.locator("#guide-form")).to_be_hidden()
    note = page.locator(".portal-guide__nojs")
    expect(note).to_be_visible()
    expect(note).to_contain_text("JavaScript")
    note.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/products/$"))
    context.close()


def test_reasons_show_for_any_conditions_and_plain_links_stay_in_the_query(page: Page, site_url: str, catalogue, vocab):
    page.set_viewport_size(DESKTOP)
    page.goto(site_url + "products/?guarantee=" + quote("抵押") + "&amount=50&sort=rate")
    expect(page.locator("#finder[data-finder-renders]")).to_have_count(1)
    state = {"guarantee": ["抵押"], "amount": 50}
    subset = [p for p in catalogue if matches(p, state)]
    ids = result_ids(page)
    assert ids == rate_order(subset)
    by_id = {p["product_id"]: p for p in catalogue}
    for pid in ids:
        expect(page.locator(f'li[data-product-id="{pid}"] .portal-card__why')).to_have_text(
            expected_reasons(by_id[pid], state, vocab))
    expect(page.locator("#finder-guide")).to_be_hidden()      # not from 帮我选
    link = page.locator(".portal-finder__guide-link")
    expect(link).to_have_attribute("href", re.compile(r"guide/#guarantee=.*amount=50"))
    page.locator("#finder-clear").click()
    expect(page.locator(".portal-card__why")).to_have_count(0)
    assert "guarantee" not in page.url


LAYOUT_SHIFTS = """
window.portalShifts = [];
new PerformanceObserver(list => list.getEntries().forEach(e => {
  if (!e.hadRecentInput) window.portalShifts.push(e.value);
  window.portalShiftFrom = (window.portalShiftFrom || []).concat(
    e.sources.map(s => s.node ? s.node.id || s.node.className || s.node.nodeName : "?"));
})).observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_after_the_guide_the_first_result_is_on_the_first_phone_screen(page: Page, site_url: str, catalogue,
                                                                       elder: bool):
    """The answers' conditions fold into one line (修改条件 brings them back), so the owner sees a
    product, its rate included, without scrolling, and nothing jumps while the finder starts."""
    page.set_viewport_size(PHONE)
    if elder:
        start_in_elder_mode(page)
    page.add_init_script(LAYOUT_SHIFTS)
    page.goto(site_url + "guide/")
    # Four answers (chips would take several rows) and results that include 续贷 products (the
    # sort note shows too): the tallest stack above the list.
    answer_guide(page, customer="个体工商户", amount="30", term_pick="1 年", no_collateral=True)
    submit(page)
    state = {"customer": ["个体工商户"], "amount": 30, "term": 12, "guarantee": sorted(NO_COLLATERAL)}
    expected = rate_order([p for p in catalogue if matches(p, state)])
    assert expected
    first = page.locator("[data-product-results] > li").first
    expect(first).to_have_attribute("data-product-id", expected[0])
    rate = first.locator(".portal-card__rate").bounding_box()
    assert rate is not None and rate["y"] + rate["height"] <= PHONE["height"], rate
    page.wait_for_timeout(300)
    shifts = page.evaluate("window.portalShifts")
    assert sum(shifts) < 0.01, (shifts, page.evaluate("window.portalShiftFrom"))
    # Nothing the owner needs is lost: 修改条件 shows the removable conditions and the search box.
    page.get_by_role("button", name="修改条件").click()
    expect(page.locator("#finder-chips button.portal-chip").first).to_be_focused()
    expect(page.locator("#finder-chips button.portal-chip:not(.portal-chip--all)")).to_have_count(4)
    expect(page.locator("#finder-q")).to_be_visible()


def test_a_shared_link_does_not_claim_the_recipient_answered(page: Page, site_url: str, catalogue):
    """Only the tab that came from 帮我选 says "您在帮我选中的回答"; another tab, or another browser,
    opening the same link reads a neutral line (and on a desktop the list needs no summary)."""
    page.set_viewport_size(PHONE)
    page.goto(site_url + "guide/")
    answer_guide(page, customer="小微企业主", online=True)
    submit(page)
    note = page.locator("#finder-guide")
    expect(note).to_contain_text("按您在“帮我选”中的回答列出")
    page.reload()
    expect(page.locator("#finder[data-finder-renders]")).to_have_count(1)
    expect(note).to_contain_text("按您在“帮我选”中的回答列出")           # the same tab, reloaded
    # A condition removed on the finder: the list no longer follows the answers, and says so.
    page.get_by_role("button", name="修改条件").click()
    page.locator("#finder-chips button.portal-chip:not(.portal-chip--all)").first.click()
    expect(note).to_contain_text("已在您“帮我选”的回答基础上修改了条件")
    page.go_back()
    expect(note).to_contain_text("按您在“帮我选”中的回答列出")
    shared = page.url
    for viewport in (PHONE, DESKTOP):
        other = page.context.new_page()                                # another tab: its own session
        other.set_viewport_size(viewport)
        other.goto(shared)
        expect(other.locator("#finder[data-finder-renders]")).to_have_count(1)
        other_note = other.locator("#finder-guide")
        expect(other_note).to_be_visible()
        expect(other_note).to_have_text(re.compile(r"^已按链接中的条件筛选。"))
        expect(other_note).not_to_contain_text("您在")
        expect(other_note.get_by_role("link", name="重新回答")).to_be_hidden()
        expect(other.get_by_role("button", name="修改条件")).to_be_visible() if viewport is PHONE else \
            expect(other.get_by_role("button", name="修改条件")).to_be_hidden()
        state = {"customer": ["小微企业主"], "online": True}
        assert result_ids(other) == rate_order([p for p in catalogue if matches(p, state)])
        other.close()


def test_the_guide_has_the_sites_skip_link(page: Page, site_url: str):
    """The theme's skip link (跳转至, as on the content pages) is the first stop of the keyboard and
    lands before the questions."""
    page.set_viewport_size(DESKTOP)
    page.goto(site_url + "guide/")
    page.keyboard.press("Tab")
    skip = page.locator("a.md-skip")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("跳转至")
    expect(skip).to_have_attribute("href", "#guide-title")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="帮我选")).to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(page.locator('input[name="customer"]:checked')).to_be_focused()   # question 1, not the header
    # Answering after the jump still works (its anchor is not a state).
    answer_guide(page, customer="个体工商户")
    submit(page)
    expect(page.locator("#finder-chips")).to_contain_text("个体工商户")


def test_the_skip_link_keeps_a_private_state(page: Page, site_url: str):
    page.set_viewport_size(DESKTOP)
    page.goto(site_url + "products/#customer=" + quote("家庭农场") + "&sort=rate")
    expect(page.locator("#finder[data-finder-renders]")).to_have_count(1)
    kept = page.url
    page.locator(".portal-skip").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#finder-results-heading")).to_be_focused()
    assert page.url == kept
    expect(page.locator("#finder-chips")).to_contain_text("家庭农场")


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_guide_and_its_results_pass_axe(page: Page, site_url: str, viewport: str, elder: bool):
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(site_url + "guide/")
    set_elder_mode(page, elder)
    page.reload()
    assert page.evaluate("document.documentElement.classList.contains('portal-elder')") == elder
    findings = audit(page, f"guide/ {viewport}")
    page.get_by_label("需要借多少钱").fill("0")
    page.get_by_role("button", name="查看相符的产品").click()        # the error state
    expect(page.locator("#guide-amount-error")).to_be_visible()
    # Focusing the field scrolled the page, and Material fades its tabs out while scrolled down:
    # audit the error at the top, with the tabs settled (audit() waits), as axe would see any page.
    page.evaluate("window.scrollTo(0, 0)")
    findings += audit(page, f"guide/ error {viewport}")
    answer_guide(page, customer="个体工商户", amount="30", term_pick="1 年", no_collateral=True)
    submit(page)
    findings += audit(page, f"finder from guide {viewport}")
    wide = page.evaluate("document.documentElement.scrollWidth")
    if viewport == "phone":
        page.get_by_role("button", name="修改条件").click()
        findings += audit(page, f"finder from guide, conditions shown {viewport}")
        wide = max(wide, page.evaluate("document.documentElement.scrollWidth"))
    assert findings == [], "\n".join(str(f) for f in findings)
    assert wide <= VIEWPORTS[viewport]["width"]
