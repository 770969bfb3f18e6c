"""The loan cost calculator on product pages, in Chromium, against an independent Python reference.

Expected figures are computed here exactly (``fractions``, then half-up to the fen) from the published
catalogue (``downloads/products.json``) and the formulas of the issue, never read back from
the page. Products are chosen by what they offer (a guarantee fee, 等额本息, no computable
method …) so the tests keep working when the demo data changes.
"""

from __future__ import annotations

import json
import math
import sys
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from generator.site.fields import CALCULABLE_METHODS, QUOTED_METHODS
from tests.quality.accessibility import audit, set_elder_mode, start_in_elder_mode
from tests.quality.findings import report

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
FEN = Decimal("0.01")
OUTPUTS = ("first-payment", "last-payment", "total-interest", "total-fee", "total-cost")
ROOT = Path(__file__).resolve().parents[1]


# ---- the reference: the formulas, exact ----
# Fractions, not floats or a fixed-precision Decimal: 1850100 × 4.06 % ÷ 12 is 6259.505 exactly,
# and dividing the rate by 12 first in an 80-digit Decimal already gives 6259.50499…

def money(x: Fraction) -> Decimal:
    """Half-up to the fen."""
    return (Decimal(math.floor(x * 100 + Fraction(1, 2))) / 100).quantize(FEN, rounding=ROUND_HALF_UP)


def expected(amount_wan: str, months: int, rate: str, method: str | None, fee_rate) -> dict[str, str | None]:
    """first and last payment, total interest, fee and total cost as the page must show them ("—" = None)."""
    p = Fraction(amount_wan) * 10000
    n = months
    r = Fraction(rate) / 100 / 12
    fee = money(p * Fraction(str(fee_rate)) / 100 * n / 12) if fee_rate is not None else Decimal("0.00")
    if method == "等额本息":
        growth = (1 + r) ** n
        payment = p * r * growth / (growth - 1)
        first, last, interest = payment, payment, payment * n - p
    elif method == "等额本金":
        # The last period repays the last n-th of the principal and the interest on it only.
        first, last, interest = p / n + p * r, p / n + p / n * r, p * r * (n + 1) / 2
    elif method == "按月付息到期还本":
        # The last period repays the principal too; with one month it is also the first.
        first, last, interest = (p * r if n > 1 else p * r + p), p * r + p, p * r * n
    else:
        return {"first-payment": None, "last-payment": None, "total-interest": None, "total-fee": f"{fee:.2f}",
                "total-cost": None}
    total_interest = money(interest)
    return {"first-payment": f"{money(first):.2f}", "last-payment": f"{money(last):.2f}",
            "total-interest": f"{total_interest:.2f}", "total-fee": f"{fee:.2f}",
            "total-cost": f"{total_interest + fee:.2f}"}


def reference_interest(amount_wan: str, months: int, rate: str) -> str:
    """The no-method reference: simple interest on the full amount for the full term, P·r/12·n."""
    return f"{money(Fraction(amount_wan) * 10000 * Fraction(rate) / 100 / 12 * months):.2f}"


def readable(figure: str) -> str:
    """"84921.63" -> "约 8.49 万元", "1000000.00" -> "即 100 万元", "875.00" -> "" (below 1 万元)."""
    fen = int(Decimal(figure) * 100)
    if fen < 1_000_000:
        return ""
    unit, word = (10**10, "亿元") if fen >= 10**10 else (10**6, "万元")
    hundredths = math.floor(Fraction(fen * 100, unit) + Fraction(1, 2))
    text = f"{Decimal(hundredths) / 100:.2f}"
    if fen * 100 % unit == 0:
        return f"即 {text.rstrip('0').rstrip('.')} {word}"
    return f"约 {text} {word}"


def grouped(figure: str) -> str:
    """"300000.00" -> "300,000.00" (sentences only)."""
    return f"{Decimal(figure):,.2f}"


def number_text(x) -> str:
    """3.0 -> "3", 4.95 -> "4.95": how a person types the figure."""
    return f"{x:.4f}".rstrip("0").rstrip(".")


def methods_of(p: dict) -> list[str]:
    return [m for m in p["repayment_methods"] if m in CALCULABLE_METHODS]


# ---- the catalogue ----

def pick(catalogue: list[dict], test, what: str) -> dict:
    for p in catalogue:
        if test(p):
            return p
    pytest.fail(f"the demo catalogue has no product {what}")


def with_fee(catalogue):
    return pick(catalogue, lambda p: p["guarantee_fee_rate"] and methods_of(p), "with a guarantee fee")


def annuity_without_fee(catalogue):
    return pick(catalogue, lambda p: p["guarantee_fee_rate"] is None and "等额本息" in p["repayment_methods"],
                "without a guarantee fee offering 等额本息")


def two_methods(catalogue):
    return pick(catalogue, lambda p: len(methods_of(p)) >= 2, "offering two computable methods")


# ---- page helpers ----

def open_product(page: Page, site_url: str, p: dict) -> None:
    page.goto(f"{site_url}products/{p['product_id']}/")
    expect(page.locator("#calculator")).to_be_visible()


def fill(page: Page, amount: str, months: int, rate: str, method: str | None = None) -> None:
    page.locator('#calculator input[name="amount"]').fill(amount)
    page.locator('#calculator input[name="months"]').fill(str(months))
    page.locator('#calculator input[name="rate"]').fill(rate)
    if method:
        page.locator('#calculator select[name="method"]').select_option(method)


# Every output at once, in the page: its text ("—" for none) and its data-value ("" for none).
_SHOWN = """names => Object.fromEntries(names.map(n => {
    const node = document.querySelector(`#calculator [data-calc="${n}"]`);
    return [n, node && [node.textContent.replace(/\\s+/g, " ").trim(), node.getAttribute("data-value")]];
}))"""
_MATCH = f"""([names, want]) => {{
    const shown = ({_SHOWN})(names);
    return names.every(n => shown[n] && shown[n][0] === (want[n] ?? "—") && shown[n][1] === (want[n] ?? ""));
}}"""


def expect_figures(page: Page, want: dict[str, str | None], case: object) -> None:
    """Each output shows the expected figure as text and as data-value, waiting (5 s) as expect()
    would; one check in the page instead of three round trips per output."""
    try:
        page.wait_for_function(_MATCH, arg=[list(OUTPUTS), want], timeout=5000)
    except PlaywrightTimeout:
        shown = page.evaluate(_SHOWN, list(OUTPUTS))
        raise AssertionError(f"calculator figures for {case}:\n want  {want}\n shown {shown}") from None


def edge_cases(p: dict) -> list[tuple[str, int, str]]:
    """Amount, months and rate at both ends of the product's ranges (no lower amount: 1 万元)."""
    low_amount = number_text(p["amount_min_wan"]) if p["amount_min_wan"] else "1"
    cases = []
    for amount in (low_amount, number_text(p["amount_max_wan"])):
        for months in (p["term_min_months"] or 1, p["term_max_months"]):
            for rate in (number_text(p["rate_min"]), number_text(p["rate_max"])):
                cases.append((amount, months, rate))
    return cases


# ---- figures ----

@pytest.mark.parametrize("choose", [with_fee, annuity_without_fee, two_methods],
                         ids=["guarantee-fee", "no-fee-annuity", "two-methods"])
def test_figures_match_the_formulas_at_the_range_edges(page: Page, site_url: str, catalogue, choose):
    p = choose(catalogue)
    page.set_viewport_size(PHONE)
    open_product(page, site_url, p)
    for method in methods_of(p):
        for amount, months, rate in edge_cases(p):
            fill(page, amount, months, rate, method)
            case = (p["product_id"], amount, months, rate, method)
            expect_figures(page, expected(amount, months, rate, method, p["guarantee_fee_rate"]), case)
            expect(page.locator("#calculator [aria-invalid]")).to_have_count(0)


def test_every_product_page_computes_an_awkward_middle_case(page: Page, site_url: str, catalogue):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for p in catalogue:
        open_product(page, site_url, p)
        low, high = p["amount_min_wan"] or 0, p["amount_max_wan"]
        amount = number_text(round(low + (high - low) * 0.37, 2) + 0.01)
        months = (p["term_min_months"] or 1) + ((p["term_max_months"] - (p["term_min_months"] or 1)) * 2) // 3
        rate = number_text(round(p["rate_min"] + (p["rate_max"] - p["rate_min"]) * 0.41, 2))
        for method in methods_of(p) or [None]:
            fill(page, amount, months, rate, method)
            expect_figures(page, expected(amount, months, rate, method, p["guarantee_fee_rate"]),
                           (p["product_id"], amount, months, rate, method))
    assert not errors


def test_defaults_are_the_lower_rate_a_sensible_amount_and_a_year(page: Page, site_url: str, catalogue):
    for p in (with_fee(catalogue), annuity_without_fee(catalogue)):
        open_product(page, site_url, p)
        amount = max(min(p["amount_max_wan"], 100), p["amount_min_wan"] or 0)
        months = max(min(12, p["term_max_months"]), p["term_min_months"] or 1)
        calc = page.locator("#calculator")
        expect(calc.locator('input[name="amount"]')).to_have_value(number_text(amount))
        expect(calc.locator('input[name="months"]')).to_have_value(str(months))
        expect(calc.locator('input[name="rate"]')).to_have_value(number_text(p["rate_min"]))
        expect(calc.locator('select[name="method"]')).to_have_value(methods_of(p)[0])
        # The select offers exactly the computable methods, in the bank's order, value = label.
        options = calc.locator('select[name="method"] option')
        assert options.evaluate_all("os => os.map(o => [o.value, o.textContent])") == [[m, m] for m in methods_of(p)]
        want = expected(number_text(amount), months, number_text(p["rate_min"]), methods_of(p)[0],
                        p["guarantee_fee_rate"])
        expect_figures(page, want, p["product_id"])


def test_a_half_fen_rounds_up_not_down_as_binary_floats_would(page: Page, site_url: str, catalogue):
    # 10.54 万元 at 3.45 %: one month's interest is 105400 × 3.45 % ÷ 12 = 303.025 yuan exactly;
    # in binary floats ×100 it is 30302.4999…, so Math.round (even with Number.EPSILON added)
    # would show 303.02.
    p = pick(catalogue, lambda p: "按月付息到期还本" in p["repayment_methods"]
             and p["rate_min"] <= 3.45 <= p["rate_max"] and (p["amount_min_wan"] or 0) <= 10.54 <= p["amount_max_wan"]
             and p["term_max_months"] >= 2, "with 按月付息到期还本 at 3.45 %")
    naive = 10.54 * 10000 * (3.45 / 100 / 12)
    assert math.floor((naive + sys.float_info.epsilon) * 100 + 0.5) / 100 == 303.02     # the trap is real
    open_product(page, site_url, p)
    months = max(p["term_min_months"] or 1, 2)
    fill(page, "10.54", months, "3.45", "按月付息到期还本")
    want = expected("10.54", months, "3.45", "按月付息到期还本", p["guarantee_fee_rate"])
    assert want["first-payment"] == "303.03"
    expect_figures(page, want, p["product_id"])


def test_one_month_interest_only_is_repaid_in_the_first_period(page: Page, site_url: str, catalogue):
    p = pick(catalogue, lambda p: "按月付息到期还本" in p["repayment_methods"] and (p["term_min_months"] or 1) == 1,
             "with 按月付息到期还本 from one month")
    open_product(page, site_url, p)
    fill(page, "10", 1, number_text(p["rate_min"]), "按月付息到期还本")
    want = expected("10", 1, number_text(p["rate_min"]), "按月付息到期还本", p["guarantee_fee_rate"])
    assert Decimal(want["first-payment"]) > 100000      # the principal comes back in that month
    assert want["last-payment"] == want["first-payment"]
    expect_figures(page, want, p["product_id"])


@pytest.mark.parametrize("method", list(CALCULABLE_METHODS))
def test_last_payment_sits_beside_the_first_at_the_range_edges(page: Page, site_url: str, catalogue, method):
    p = pick(catalogue, lambda p: method in p["repayment_methods"], f"offering {method}")
    page.set_viewport_size(PHONE)
    open_product(page, site_url, p)
    calc = page.locator("#calculator")
    first_box = calc.locator('[data-calc-figure="first-payment"]')
    last_box = calc.locator('[data-calc-figure="last-payment"]')
    for amount, months, rate in edge_cases(p):
        fill(page, amount, months, rate, method)
        want = expected(amount, months, rate, method, p["guarantee_fee_rate"])
        expect_figures(page, want, (p["product_id"], amount, months, rate, method))
        first, last = Decimal(want["first-payment"]), Decimal(want["last-payment"])
        expect(last_box.locator("dt")).to_contain_text(f"第 {months} 期")
        if method == "等额本息":
            assert last == first
        elif method == "等额本金":
            assert last < first or months == 1                    # the smallest payment is the last
        elif months > 1:
            principal = Decimal(amount) * 10000
            assert last == first + principal
            # Said in words (not by the frame alone): the last month repays the whole principal.
            expect(last_box.locator("dt")).to_contain_text("含全部本金")
            expect(last_box.locator('[data-calc-why="last-payment"]')).to_contain_text(
                f"本金 {grouped(f'{principal:.2f}')} 元")
    # On a phone the last payment comes right after the first, full width, below it.
    a, b = first_box.bounding_box(), last_box.bounding_box()
    assert 0 <= b["y"] - (a["y"] + a["height"]) <= 20 and abs(a["x"] - b["x"]) < 1


def test_interest_only_thirty_wan_shows_the_principal_coming_back(page: Page, site_url: str, catalogue):
    # The new-user walk's case: 30 万元 按月付息到期还本 showed only the 875.00 元 first payment.
    p = pick(catalogue, lambda p: "按月付息到期还本" in p["repayment_methods"] and (p["amount_min_wan"] or 0) <= 30
             <= p["amount_max_wan"] and (p["term_min_months"] or 1) <= 12 <= p["term_max_months"]
             and p["rate_min"] <= 3.5 <= p["rate_max"], "with 按月付息到期还本 for 30 万元, 12 months at 3.5 %")
    page.set_viewport_size(PHONE)
    open_product(page, site_url, p)
    fill(page, "30", 12, "3.5", "按月付息到期还本")
    want = expected("30", 12, "3.5", "按月付息到期还本", p["guarantee_fee_rate"])
    assert (want["first-payment"], want["last-payment"]) == ("875.00", "300875.00")
    expect_figures(page, want, p["product_id"])
    last = page.locator('#calculator [data-calc-figure="last-payment"]')
    # Whoever sees the first payment on a phone sees the last one on the same screen.
    first, box = page.locator('#calculator [data-calc-figure="first-payment"]').bounding_box(), last.bounding_box()
    assert box["y"] + box["height"] - first["y"] < PHONE["height"] - 120
    expect(last).to_contain_text("最后一期连本带息一次还清")
    expect(last.locator('[data-calc-readable="last-payment"]')).to_have_text("约 30.09 万元")


# ---- readable amounts ----

def test_figures_of_ten_thousand_yuan_or_more_have_a_wan_reading_for_the_eye_only(page: Page, site_url: str,
                                                                                  catalogue):
    p = pick(catalogue, lambda p: "等额本息" in p["repayment_methods"] and p["amount_max_wan"] >= 100
             and (p["amount_min_wan"] or 0) <= 100 and p["term_max_months"] >= 12, "offering 等额本息 for 100 万元")
    open_product(page, site_url, p)
    months, rate = max(12, p["term_min_months"] or 1), number_text(p["rate_max"])
    fill(page, "100", months, rate, "等额本息")
    want = expected("100", months, rate, "等额本息", p["guarantee_fee_rate"])
    expect_figures(page, want, p["product_id"])
    calc = page.locator("#calculator")
    for name in OUTPUTS:
        reading = calc.locator(f'[data-calc-readable="{name}"]')
        wanted = readable(want[name])
        if wanted:
            expect(reading).to_be_visible()
            expect(reading).to_have_text(wanted)
        else:
            expect(reading).to_be_hidden()
        # A screen reader hears the figure once: the reading is hidden from it.
        expect(reading).to_have_attribute("aria-hidden", "true")
        spoken = calc.locator(f'[data-calc-figure="{name}"] dd').aria_snapshot()
        assert want[name] in spoken and "万元" not in spoken, spoken
    assert readable(want["total-interest"])              # the case really exercises a reading
    # The sentence naming the inputs may use separators: it is not a figure read by machines.
    expect(calc.locator("[data-calc-inputs]")).to_contain_text("本金 1,000,000.00 元")


# ---- starting values from the finder's link ----

def open_with_fragment(page: Page, site_url: str, p: dict, fragment: str) -> None:
    page.goto(f"{site_url}products/{p['product_id']}/{fragment}")
    expect(page.locator("#calculator")).to_be_visible()


def ranged(catalogue):
    """A computable product with a lower amount and a lower term above 1, so both ends can be crossed."""
    return pick(catalogue, lambda p: methods_of(p) and p["amount_min_wan"] and (p["term_min_months"] or 1) > 1,
                "with lower bounds on amount and term")


def test_amount_and_term_in_the_fragment_are_the_starting_values(page: Page, site_url: str, catalogue):
    p = ranged(catalogue)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    amount = number_text(round((p["amount_min_wan"] + p["amount_max_wan"]) / 2 + 0.37, 2))
    months = (p["term_min_months"] + p["term_max_months"]) // 2
    open_with_fragment(page, site_url, p, f"#amount={amount}&term={months}")
    calc = page.locator("#calculator")
    expect(calc.locator('input[name="amount"]')).to_have_value(amount)
    expect(calc.locator('input[name="months"]')).to_have_value(str(months))
    note = calc.locator("[data-calc-prefill]")
    expect(note).to_be_visible()
    expect(note).to_contain_text(f"贷款金额 {amount} 万元")
    expect(note).to_contain_text(f"{months} 个月")
    expect(note).not_to_contain_text("超出")
    rate = number_text(p["rate_min"])
    expect_figures(page, expected(amount, months, rate, methods_of(p)[0], p["guarantee_fee_rate"]), p["product_id"])
    # The fragment stays in the browser: no request carries the person's figures.
    assert requests and not [u for u in requests if "amount" in u or "term=" in u], requests


def test_out_of_range_fragment_values_are_clamped_and_said(page: Page, site_url: str, catalogue):
    p = ranged(catalogue)
    too_much = number_text(p["amount_max_wan"] + 500)
    too_short = 1 if p["term_min_months"] > 1 else None
    open_with_fragment(page, site_url, p, f"#amount={too_much}&term={too_short}")
    calc = page.locator("#calculator")
    high, low_term = number_text(p["amount_max_wan"]), p["term_min_months"]
    expect(calc.locator('input[name="amount"]')).to_have_value(high)
    expect(calc.locator('input[name="months"]')).to_have_value(str(low_term))
    note = calc.locator("[data-calc-prefill]")
    expect(note).to_contain_text(
        f"您要的 {too_much} 万元超出本产品额度（{p['display']['amount']}），已按 {high} 万元估算")
    expect(note).to_contain_text(
        f"您要的 {too_short} 个月超出本产品期限（{p['display']['term']}），已按 {low_term} 个月估算")
    expect(calc.locator("[aria-invalid]")).to_have_count(0)
    rate = number_text(p["rate_min"])
    expect_figures(page, expected(high, low_term, rate, methods_of(p)[0], p["guarantee_fee_rate"]), p["product_id"])
    # Once the person types their own amount, the note about the clamped amount goes; the term's stays.
    calc.locator('input[name="amount"]').fill(number_text(p["amount_min_wan"]))
    expect(note).not_to_contain_text("万元超出")
    expect(note).to_contain_text("个月超出本产品期限")


@pytest.mark.parametrize("fragment, unreadable", [
    ("#amount=abc&term=-3", ["abc", "-3"]), ("#amount=1e3&term=12.5", ["1e3", "12.5"]),
    ("#amount=&term=", []), ("#amount=0&term=0", ["0", "0"]), ("#amount=0.001", ["0.001"]),
    ("#calculator", []), ("?amount=50&term=24", []), ("#customer=个体工商户&amount=五十", ["五十"])])
def test_garbage_in_the_fragment_and_the_query_string_are_ignored(page: Page, site_url: str, catalogue, fragment,
                                                                   unreadable):
    """The defaults stay; a value the link carried but that cannot be read is said to be unreadable,
    so nobody takes the default for their own figure."""
    p = with_fee(catalogue)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_with_fragment(page, site_url, p, fragment)
    calc = page.locator("#calculator")
    amount = max(min(p["amount_max_wan"], 100), p["amount_min_wan"] or 0)
    months = max(min(12, p["term_max_months"]), p["term_min_months"] or 1)
    expect(calc.locator('input[name="amount"]')).to_have_value(number_text(amount))
    expect(calc.locator('input[name="months"]')).to_have_value(str(months))
    note = calc.locator("[data-calc-prefill]")
    if unreadable:
        for value in unreadable:
            expect(note).to_contain_text(f"“{value}”无法识别")
        expect(note).to_contain_text(f"已按 {number_text(amount) if 'amount' in fragment else months}")
    else:
        expect(note).to_be_hidden()
    expect(calc.locator('[data-calc="total-cost"]')).not_to_have_text("—")
    assert not errors


def test_a_new_fragment_on_the_open_page_is_applied(page: Page, site_url: str, catalogue):
    p = ranged(catalogue)
    open_product(page, site_url, p)
    amount, months = number_text(p["amount_max_wan"]), p["term_max_months"]
    page.goto(f"{site_url}products/{p['product_id']}/#amount={amount}&term={months}")   # same document: hashchange
    calc = page.locator("#calculator")
    expect(calc.locator('input[name="amount"]')).to_have_value(amount)
    expect(calc.locator('input[name="months"]')).to_have_value(str(months))
    rate = number_text(p["rate_min"])
    expect_figures(page, expected(amount, months, rate, methods_of(p)[0], p["guarantee_fee_rate"]), p["product_id"])
    # Screen readers hear what was taken and the new figures.
    expect(calc.locator("[data-calc-announce]")).to_contain_text(f"贷款金额 {amount} 万元")


# ---- errors ----

def test_out_of_range_values_show_an_error_naming_the_range_and_no_figures(page: Page, site_url: str, catalogue):
    p = with_fee(catalogue)
    page.set_viewport_size(PHONE)
    open_product(page, site_url, p)
    calc = page.locator("#calculator")
    valid = {"amount": number_text(p["amount_max_wan"]), "months": str(p["term_max_months"]),
             "rate": number_text(p["rate_max"])}
    bad = [("amount", number_text(p["amount_max_wan"] + 1), number_text(p["amount_max_wan"])),
           ("amount", "0", number_text(p["amount_max_wan"])),
           ("months", str(p["term_max_months"] + 1), str(p["term_max_months"])),
           ("months", "6.5", str(p["term_max_months"])),
           ("rate", number_text(p["rate_min"] - 0.01), number_text(p["rate_min"])),
           ("rate", "", number_text(p["rate_max"]))]
    for name, value, range_end in bad:
        fill(page, valid["amount"], int(valid["months"]), valid["rate"])
        expect(calc.locator('[data-calc="total-cost"]')).not_to_have_text("—")
        field = calc.locator(f'input[name="{name}"]')
        field.fill(value)
        expect(field).to_have_attribute("aria-invalid", "true")
        error = calc.locator(f"#{field.get_attribute('id')}-error")
        expect(error).to_be_visible()
        expect(error).to_contain_text(range_end)              # the allowed range is named
        assert error.get_attribute("id") in field.get_attribute("aria-describedby").split()
        assert error.get_attribute("aria-live") == "polite"
        expect_figures(page, dict.fromkeys(OUTPUTS), (name, value))
        expect(calc.locator("details.portal-calc__schedule")).to_be_hidden()
        # Corrected, the error goes and the figures come back.
        field.fill(valid[name])
        expect(field).not_to_have_attribute("aria-invalid", "true")
        expect(error).to_have_text("")
        expect(calc.locator('[data-calc="total-cost"]')).not_to_have_text("—")


def test_enter_does_not_navigate(page: Page, site_url: str, catalogue):
    p = with_fee(catalogue)
    open_product(page, site_url, p)
    url = page.url
    page.locator('#calculator input[name="amount"]').press("Enter")
    page.locator('#calculator select[name="method"]').press("Enter")
    assert page.url == url
    expect(page.locator('#calculator [data-calc="first-payment"]')).not_to_have_text("—")


# ---- no computable method ----

def test_product_without_a_computable_method_says_the_bank_quotes(page: Page, site_url: str, catalogue):
    candidates = [p for p in catalogue if not methods_of(p)]
    if not candidates:
        pytest.skip("every demo product offers a computable method")
    p = candidates[0]
    open_product(page, site_url, p)
    calc = page.locator("#calculator")
    expect(calc.locator('select[name="method"]')).to_have_count(0)
    expect(calc.locator("details.portal-calc__schedule")).to_have_count(0)
    expect(calc.locator(".portal-calc__quoted")).to_contain_text("、".join(p["repayment_methods"]))
    expect(calc.locator(".portal-calc__quoted")).to_contain_text("由银行报价")
    amount, months = number_text(p["amount_max_wan"]), p["term_max_months"]
    fill(page, amount, months, number_text(p["rate_min"]))
    expect_figures(page, expected(amount, months, number_text(p["rate_min"]), None, p["guarantee_fee_rate"]),
                   p["product_id"])


def test_every_method_the_bank_quotes_has_its_questions_declared():
    schema = json.loads((ROOT / "catalog" / "schema" / "products.schema.json").read_text(encoding="utf-8"))
    field = next(f for f in schema["fields"] if f["name"] == "repayment_methods")
    assert set(field["x-list"]["enum"]) == set(CALCULABLE_METHODS) | set(QUOTED_METHODS)


def test_without_a_computable_method_a_labelled_reference_interest_and_what_to_ask(page: Page, site_url: str,
                                                                                   catalogue):
    candidates = [p for p in catalogue if not methods_of(p)]
    if not candidates:
        pytest.skip("every demo product offers a computable method")
    page.set_viewport_size(PHONE)
    seen_upper_bound = False
    for p in candidates:
        open_product(page, site_url, p)
        calc = page.locator("#calculator")
        low, high = p["amount_min_wan"] or 0, p["amount_max_wan"]
        amount = number_text(round(low + (high - low) * 0.29, 2) + 0.03)
        months = p["term_max_months"]
        rate = number_text(round(p["rate_min"] + (p["rate_max"] - p["rate_min"]) * 0.57, 2))
        fill(page, amount, months, rate)
        case = (p["product_id"], amount, months, rate)
        expect_figures(page, expected(amount, months, rate, None, p["guarantee_fee_rate"]), case)
        ref = calc.locator('[data-calc="interest-reference"]')
        want = reference_interest(amount, months, rate)
        expect(ref, str(case)).to_have_text(want)
        expect(ref).to_have_attribute("data-value", want)
        box = calc.locator('[data-calc-figure="interest-reference"]')
        expect(box).to_be_visible()
        expect(box).to_contain_text("不是银行报价")
        expect(box).to_contain_text(f"如按年化利率 {rate}% 全额使用 {months} 个月，利息约")
        expect(box).to_contain_text("按日计息等方式会不同，仅供参考")
        if "随借随还" in p["repayment_methods"]:
            seen_upper_bound = True
            expect(box).to_contain_text("上限")
        # Which method, and what to ask the bank about each one.
        quoted = calc.locator(".portal-calc__quoted")
        for method in p["repayment_methods"]:
            expect(quoted.locator("li", has_text=method)).to_contain_text("请问")
        expect(quoted.locator('a[href^="tel:"]')).to_have_text(p["contact_phone"])
    assert seen_upper_bound


def test_computable_products_show_no_reference_figure(page: Page, site_url: str, catalogue):
    open_product(page, site_url, two_methods(catalogue))
    expect(page.locator('#calculator [data-calc="interest-reference"]')).to_have_count(0)


# ---- schedule ----

def table_column(page: Page, index: int) -> list[Decimal]:
    cells = page.locator(f"#calculator tbody[data-calc-rows] tr > :nth-child({index})")
    return [Decimal(t) for t in cells.all_inner_texts()]


@pytest.mark.parametrize("method", list(CALCULABLE_METHODS))
def test_schedule_has_n_rows_repays_the_principal_and_adds_up(page: Page, site_url: str, catalogue, method):
    p = pick(catalogue, lambda p: method in p["repayment_methods"], f"offering {method}")
    page.set_viewport_size(DESKTOP)
    open_product(page, site_url, p)
    # An awkward amount (not a multiple of the months) at the longest term.
    amount = "12.34" if (p["amount_min_wan"] or 0) <= 12.34 else number_text(p["amount_min_wan"] + 0.07)
    months, rate = p["term_max_months"], number_text(p["rate_max"])
    fill(page, amount, months, rate, method)
    want = expected(amount, months, rate, method, p["guarantee_fee_rate"])
    expect_figures(page, want, (p["product_id"], method))
    page.locator("#calculator details.portal-calc__schedule > summary").click()
    rows = page.locator("#calculator tbody[data-calc-rows] tr")
    expect(rows).to_have_count(months)
    principal = Decimal(amount) * 10000
    payments, principals, interests, balances = (table_column(page, i) for i in (2, 3, 4, 5))
    assert table_column(page, 1) == [Decimal(k) for k in range(1, months + 1)]
    assert sum(principals) == principal
    assert sum(interests) == Decimal(want["total-interest"])
    assert all(pay == pr + it for pay, pr, it in zip(payments, principals, interests))
    assert payments[0] == Decimal(want["first-payment"])
    # The schedule rounds cumulative sums; the headline rounds the exact last payment once.
    assert abs(payments[-1] - Decimal(want["last-payment"])) <= FEN
    assert balances[-1] == 0 and balances[0] == principal - principals[0]
    totals = page.locator("#calculator tfoot td")
    assert [Decimal(t) for t in totals.all_inner_texts()[:3]] == [principal + sum(interests), principal, sum(interests)]
    if method == "按月付息到期还本":
        assert principals[:-1] == [0] * (months - 1) and principals[-1] == principal
    if method == "等额本金":
        assert max(principals) - min(principals) <= FEN             # equal up to the rounding fen
    if method == "等额本息":
        assert max(payments) - min(payments) <= FEN


# ---- the section as a whole ----

def test_without_javascript_the_section_says_so_and_shows_no_form(browser, site_url: str, catalogue):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}products/{with_fee(catalogue)['product_id']}/")
    calc = page.locator("#calculator")
    expect(calc.locator("h2")).to_be_visible()
    expect(calc.locator("form")).to_be_hidden()          # no form that cannot work
    # DevTools' switch stops scripts but not the parser's scripting flag, so <noscript> stays raw
    # text here; a browser with JavaScript off renders it.
    assert "需要浏览器启用 JavaScript" in calc.locator("noscript").text_content()
    context.close()


def test_estimate_note_is_visible_and_section_is_not_indexed(page: Page, site_url: str, catalogue):
    open_product(page, site_url, with_fee(catalogue))
    calc = page.locator("#calculator")
    expect(calc.get_by_text("估算，以银行审批为准")).to_be_visible()
    assert calc.get_attribute("data-pagefind-ignore") is not None
    expect(calc.locator(".portal-calc__formula p:visible").first).to_contain_text("每月")


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_phone_layout_full_width_inputs_and_touch_targets(page: Page, site_url: str, catalogue, elder: bool):
    page.set_viewport_size(PHONE)
    if elder:
        start_in_elder_mode(page)
    open_product(page, site_url, two_methods(catalogue))
    calc = page.locator("#calculator")
    inner = calc.locator(".portal-calc__inputs").bounding_box()
    for control in calc.locator("input, select, summary").all():
        box = control.bounding_box()
        assert box["height"] >= 44, control
        if control.evaluate("e => e.tagName") != "SUMMARY":
            assert box["width"] >= inner["width"] - 1, control
    # The section fits the phone (the wide schedule scrolls inside its own box).
    box = calc.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_axe_with_schedule_open_and_an_error_shown(page: Page, site_url: str, catalogue, viewport, elder: bool):
    page.set_viewport_size(viewport)
    p = with_fee(catalogue)
    open_product(page, site_url, p)
    set_elder_mode(page, elder)
    open_product(page, site_url, p)
    page.locator("#calculator details.portal-calc__schedule > summary").click()
    expect(page.locator("#calculator tbody[data-calc-rows] tr").first).to_be_visible()
    # Clicking and filling scroll the page, and Material fades its header tabs and back-to-top
    # button in or out over ~0.4 s: audit() waits for the page to settle, not a half-transparent blend.
    findings = audit(page, f"products/{p['product_id']}/ (schedule open)")
    page.locator('#calculator input[name="months"]').fill("0")
    expect(page.locator("#calc-months-error")).not_to_have_text("")
    findings += audit(page, f"products/{p['product_id']}/ (error shown)")
    # A product the bank quotes, reached from the finder with an amount beyond its range.
    q = next((q for q in catalogue if not methods_of(q)), None)
    if q:
        open_with_fragment(page, site_url, q, f"#amount={number_text(q['amount_max_wan'] + 1)}&term=1")
        expect(page.locator("#calculator [data-calc-prefill]")).to_be_visible()
        findings += audit(page, f"products/{q['product_id']}/ (reference, clamped amount)")
    assert not findings, report(findings)
