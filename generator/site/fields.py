"""The product field registry: how every product field is shown, declared once.

The canonical schema (``catalog/schema/products.schema.json``) says what a field *is* (name,
Chinese title, type, vocabulary); this module says how it is *shown*: label, unit, empty
wording, and the few combined figures (annual rate range, amount, term) that cards and pages
lead with. Every view reads it: the product page's table, the cards (server-rendered and the
finder's), the compare rows, the ``display`` block of ``products.json`` and the downloads. So
"0.8%（年化）" on the page and "0.8%" in compare cannot drift apart again.

To add a field: add it to the schema, to ``ProductRecord`` (models.py) and, if it needs more
than the defaults derived from its type, a ``Display`` entry in ``DISPLAY`` below.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from generator.core.models import ProductRecord
from generator.core.schema import CanonicalSchema

# Shown where a value is empty and the field declares no wording of its own.
DEFAULT_EMPTY = "未填写"
# 万元, 个月, 天 read with a space before them; % and the like follow the figure directly.
SPACED_UNITS = ("万元", "个月", "天")


@dataclass(frozen=True)
class Display:
    """Overrides of a field's default display (defaults come from the schema type)."""

    unit: str = ""               # appended to numbers: "万元", "个月", "%"
    empty: str = DEFAULT_EMPTY   # wording when the cell is empty
    zero: str | None = None      # wording for 0, when 0 means "no limit" rather than a figure
    template: str = "{value}"    # wording around the formatted value, e.g. "{value}（年化）"


# Only what differs from the defaults. Titles (labels) come from the schema.
DISPLAY: dict[str, Display] = {
    "industries": Display(empty="不限"),
    "amount_min_wan": Display(unit="万元", empty="不限", zero="不限"),
    "amount_max_wan": Display(unit="万元"),
    "term_min_months": Display(unit="个月", empty="不限"),
    "term_max_months": Display(unit="个月"),
    "rate_min": Display(unit="%"),
    "rate_max": Display(unit="%"),
    "rate_note": Display(empty="无"),
    "guarantee_fee_rate": Display(unit="%", empty="不涉及", template="{value}（年化）"),
    "fees": Display(empty="未说明"),
    "decision_days": Display(unit="天", template="{value}内"),
    "programs": Display(empty="无"),
    "process": Display(empty="未说明"),
    "contact_name": Display(empty="未说明"),
    "branch_address": Display(empty="未说明"),
    "apply_url": Display(empty="无"),
    "valid_until": Display(empty="长期"),
}

# The fields of the product page's table, in order (texts with their own headings follow it).
PAGE_TABLE = ("product_type", "guarantee_methods", "target_customers", "industries", "amount_min_wan",
              "amount_max_wan", "term_min_months", "term_max_months", "rate_min", "rate_max", "rate_note",
              "guarantee_fee_rate", "fees", "repayment_methods", "online_application",
              "renewal_without_repayment", "decision_days", "programs", "valid_from", "valid_until", "status")

# Compare rows: (key, label) where key is a combined figure or a field name.
COMPARE_ROWS = ("rate", "bank", "product_type", "amount", "term", "guarantee_methods", "target_customers",
                "repayment_methods", "decision_days", "online_application", "renewal_without_repayment",
                "guarantee_fee_rate", "fees", "rate_note", "contact_phone", "apply_url")

# Compare rows that say whose product it is and how to reach the bank rather than what it
# offers. Two products almost always differ here, so marking them 不同 would bury the rows that
# matter; they are never marked, and 只看不同项 keeps them (a borrower still needs to know whose
# column is whose and whom to call).
COMPARE_ALWAYS = ("bank", "contact_phone", "apply_url")

# Compare rows where one value is plainly better for a borrower, and the raw field that decides:
# the lowest rate lower bound, the highest amount, the fewest days to a decision. The compare page
# names that product with the word (ties all named), so the cue is never colour alone.
# A 续贷-only product is not a new loan's offer: when it holds the lowest rate, the word says so
# (the finder's rate sort ranks it last for the same reason).
@dataclass(frozen=True)
class Best:
    field: str               # raw field that decides
    best: str                # "min" or "max"
    word: str                # shown beside the winner
    renewal_word: str = ""   # shown instead when the winner is a 续贷-only product


COMPARE_BEST = {"rate": Best("rate_min", "min", "最低", renewal_word="最低（仅限续贷）"),
                "amount": Best("amount_max_wan", "max", "额度最大"),
                "decision_days": Best("decision_days", "min", "最快")}

# Combined figures and their labels.
COMBINED_LABELS = {"rate": "年化利率", "amount": "贷款额度", "term": "贷款期限", "bank": "银行"}


@dataclass(frozen=True)
class Range:
    """A figure shown as a range of two fields: "3.3%～4.8%", "最高 300 万元"."""

    low: str          # field name of the lower bound (optional: empty or 0 means no lower limit)
    high: str         # field name of the upper bound
    unit: str
    prefix: str = ""  # said before the upper bound alone: 最高, 最长


# The combined figures cards and page headers lead with; the finder gets them via browser_formats.
RANGES = {"rate": Range("rate_min", "rate_max", "%"),
          "amount": Range("amount_min_wan", "amount_max_wan", "万元", "最高"),
          "term": Range("term_min_months", "term_max_months", "个月", "最长")}

# A 续贷 product is only for an existing borrower whose loan falls due: a finder that ranks by
# rate must not let it pass for a new loan's cheapest offer without saying so.
RENEWAL_TYPE = "续贷"
RENEWAL_NOTE = "续贷产品：仅适用于贷款即将到期、需要续期的企业"

# Repayment methods whose schedule follows from amount, term and rate alone, so the product
# page's cost calculator (assets/calculator.js) can compute it; any other method (随借随还,
# 按季付息到期还本, 分期还本, 其他) depends on how the loan is drawn and is quoted by the bank.
CALCULABLE_METHODS = ("等额本息", "等额本金", "按月付息到期还本")


@dataclass(frozen=True)
class QuotedMethod:
    """A repayment method the calculator cannot compute, in a borrower's words."""

    how: str                 # how the bank charges for it
    ask: str                 # what to ask the bank before signing
    # Interest on the full amount for the full term (the calculator's reference figure) is the
    # most this method can cost: principal used for less time, or repaid early, costs less.
    full_use_is_upper_bound: bool


# What the product page's calculator says instead of a schedule for every other method of the
# schema's vocabulary (tests/test_calculator_browser.py checks none is missing).
QUOTED_METHODS = {
    "随借随还": QuotedMethod("额度内随用随借，按实际用款金额和天数计息，早还就少付利息",
                         "日利率怎么算（年化利率 ÷ 360 还是 ÷ 365）、额度有效期多长、提前还款或再次借款是否收费", True),
    "按季付息到期还本": QuotedMethod("每季度付一次利息，到期一次还清本金",
                             "每季度哪天结息、每次大约付多少利息、到期还本的日期和到期后能否续贷", False),
    "分期还本": QuotedMethod("本金分几次归还，利息按还没还的本金计算",
                         "本金分几次还、每次还多少、哪几个月还，利息按月还是按季付", True),
    "其他": QuotedMethod("按合同约定的方式还款",
                       "具体怎么还款、每期还多少、利息怎么计算、除利息外还有哪些费用", False),
}


def format_number(value: float | int | None) -> str:
    """4.35 -> "4.35", 300.0 -> "300", None -> "" (no float noise, no trailing zeros)."""
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def with_unit(text: str, unit: str) -> str:
    if not unit:
        return text
    return f"{text} {unit}" if unit in SPACED_UNITS else f"{text}{unit}"


def date_zh(value: dt.date | None) -> str:
    return "" if value is None else f"{value.year}年{value.month}月{value.day}日"


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def plain_label(title: str) -> str:
    """"最高额度(万元)" -> "最高额度": the unit is shown with the value instead."""
    return re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", title)


@dataclass(frozen=True)
class FieldView:
    name: str
    label: str
    type: str           # schema type: string, number, integer, boolean, date; "list" for x-list
    display: Display

    def text(self, value: object) -> str:
        """The value as every view shows it."""
        d = self.display
        if value is None or value == "" or value == ():
            return d.empty
        if self.type == "list":
            return "、".join(value)  # type: ignore[arg-type]
        if self.type == "boolean":
            return yes_no(bool(value))
        if self.type == "date":
            return date_zh(value)  # type: ignore[arg-type]
        if self.type in ("number", "integer"):
            if value == 0 and d.zero is not None:
                return d.zero
            return d.template.format(value=with_unit(format_number(value), d.unit))  # type: ignore[arg-type]
        return d.template.format(value=str(value))


@dataclass(frozen=True)
class FieldRegistry:
    """Every product field's view, derived from the canonical schema plus ``DISPLAY``."""

    schema: CanonicalSchema

    @cached_property
    def fields(self) -> dict[str, FieldView]:
        views = {}
        for spec in self.schema.fields:
            kind = "list" if spec.is_list else spec.type
            views[spec.name] = FieldView(spec.name, plain_label(spec.title), kind,
                                         DISPLAY.get(spec.name, Display()))
        return views

    def label(self, key: str) -> str:
        return COMBINED_LABELS.get(key) or self.fields[key].label

    def text(self, product: ProductRecord, name: str) -> str:
        return self.fields[name].text(getattr(product, name))

    # --- combined figures: what cards and page headers lead with ---

    def range(self, product: ProductRecord, key: str) -> str:
        r = RANGES[key]
        return range_text(getattr(product, r.low), getattr(product, r.high), r.unit, prefix=r.prefix)

    def rate(self, product: ProductRecord) -> str:
        return self.range(product, "rate")

    def amount(self, product: ProductRecord) -> str:
        return self.range(product, "amount")

    def term(self, product: ProductRecord) -> str:
        return self.range(product, "term")

    def combined(self, product: ProductRecord, key: str, bank_name: str = "") -> str:
        if key == "bank":
            return bank_name
        if key in RANGES:
            return self.range(product, key)
        return self.text(product, key)

    def display_block(self, product: ProductRecord, bank_name: str) -> dict[str, str]:
        """Every field's wording plus the combined figures (``products.json`` ``display``)."""
        block = {name: self.text(product, name) for name in self.fields}
        block.update({key: self.combined(product, key, bank_name) for key in COMBINED_LABELS})
        return block

    renewal_note = RENEWAL_NOTE

    @staticmethod
    def is_renewal_only(product: ProductRecord) -> bool:
        return product.product_type == RENEWAL_TYPE

    @staticmethod
    def calculable_methods(product: ProductRecord) -> tuple[str, ...]:
        """The product's repayment methods the calculator computes, in the bank's order."""
        return tuple(m for m in product.repayment_methods if m in CALCULABLE_METHODS)

    @staticmethod
    def quoted_methods(product: ProductRecord) -> list[tuple[str, QuotedMethod]]:
        """The product's repayment methods the bank quotes, each with what to ask, in the bank's order."""
        return [(m, QUOTED_METHODS[m]) for m in product.repayment_methods if m in QUOTED_METHODS]

    @property
    def page_table(self) -> tuple[str, ...]:
        return PAGE_TABLE

    def compare_rows(self) -> list[tuple[str, str]]:
        return [(key, self.label(key)) for key in COMPARE_ROWS]

    def compare_best(self) -> dict[str, dict[str, str]]:
        """``COMPARE_BEST`` for the compare page's script (row key -> field, min/max, word)."""
        return {key: {"field": b.field, "best": b.best, "word": b.word,
                      "renewal_word": b.renewal_word or b.word, "renewal_type": RENEWAL_TYPE}
                for key, b in COMPARE_BEST.items()}

    def compare_always(self) -> list[str]:
        """``COMPARE_ALWAYS`` for the compare page's script, in row order."""
        return [key for key in COMPARE_ROWS if key in COMPARE_ALWAYS]

    def compare_lists(self) -> list[str]:
        """Compare rows showing a list field (schema ``x-list``): the page compares their raw values
        as sets, so 随借随还、等额本息 and 等额本息、随借随还 are the same offer."""
        return [key for key in COMPARE_ROWS if key in self.fields and self.fields[key].type == "list"]

    def browser_formats(self) -> dict:
        """The range wording for the finder's cards, so JavaScript formats as Python does."""
        return {**{key: {"unit": r.unit, "prefix": r.prefix} for key, r in RANGES.items()},
                "days": {"unit": DISPLAY["decision_days"].unit, "template": DISPLAY["decision_days"].template},
                "renewal_type": RENEWAL_TYPE,
                "renewal_note": RENEWAL_NOTE}


def range_text(low: float | int | None, high: float | int, unit: str, *, prefix: str = "") -> str:
    """"3.3%～4.8%", "10～300 万元", "最高 300 万元" (no lower limit: empty or 0), "3.5%" (one value).

    The finder's JavaScript (``assets/products.js``, ``rangeText``) implements the same rule
    from ``browser_formats``; a browser test compares the two on every product.
    """
    high_text = format_number(high)
    if not low:
        return f"{prefix} {with_unit(high_text, unit)}" if prefix else with_unit(high_text, unit)
    low_text = format_number(low)
    if low_text == high_text:
        return with_unit(high_text, unit)
    if unit in SPACED_UNITS:
        return f"{low_text}～{high_text} {unit}"
    return f"{low_text}{unit}～{high_text}{unit}"
