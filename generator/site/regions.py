"""The 区县概览 of a federated portal (``portal federate``): per member district, the figures the
office's 评估督导 compares — banks, products, newest data date, the share of products with online
application and with 无还本续贷, and the annual rate range — and the bars of the chart drawn from
them. Computed here once; the template (site_templates/pages/regions.html) only lays them out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.core.models import BankRecord, Federation, Member, ProductRecord, Region
from generator.site.fields import RANGES, range_text


@dataclass(frozen=True)
class RegionSummary:
    """One district's row of the overview."""

    region: Region
    member: Member | None
    banks: int                      # banks in the district's registry
    products: int                   # its products on sale (as published in this build)
    newest: dt.date | None          # max 更新日期 of those products
    online: int                     # products with 线上申请
    renewal: int                    # products with 支持无还本续贷
    rate_min: float | None          # lowest rate_min of its products
    rate_max: float | None          # highest rate_max

    @property
    def online_share(self) -> float:
        return self.online / self.products if self.products else 0.0

    @property
    def renewal_share(self) -> float:
        return self.renewal / self.products if self.products else 0.0

    @property
    def rate_text(self) -> str:
        """"3.45%～18%" (the field registry's range wording), "—" without products."""
        if self.rate_min is None or self.rate_max is None:
            return "—"
        return range_text(self.rate_min, self.rate_max, RANGES["rate"].unit)


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, the figure written beside it, and its length (0–100)."""

    label: str
    text: str
    length: float


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]


def percent(share: float) -> str:
    """0.4 -> "40%", 1/3 -> "33.3%" (one decimal at most, no trailing zero)."""
    return f"{share * 100:.1f}".removesuffix(".0") + "%"


def summarise(federation: Federation, banks: list[BankRecord],
              products: list[ProductRecord]) -> list[RegionSummary]:
    """One row per district, in the order the members were given (a city release: each of its districts)."""
    # Grouped once (a province: 200 districts, 20,000 products), then one pass per district.
    products_in: dict[str, list[ProductRecord]] = {}
    for product in products:
        if product.region is not None:
            products_in.setdefault(product.region.code, []).append(product)
    banks_in: dict[str, int] = {}
    for bank in banks:
        if bank.region is not None:
            banks_in[bank.region.code] = banks_in.get(bank.region.code, 0) + 1
    rows = []
    for region in federation.regions:
        code = region.code
        own = products_in.get(code, [])
        rows.append(RegionSummary(
            region=region, member=federation.member(code),
            banks=banks_in.get(code, 0),
            products=len(own),
            newest=max((p.updated for p in own), default=None),
            online=sum(1 for p in own if p.online_application),
            renewal=sum(1 for p in own if p.renewal_without_repayment),
            rate_min=min((p.rate_min for p in own), default=None),
            rate_max=max((p.rate_max for p in own), default=None)))
    return rows


def charts(rows: list[RegionSummary]) -> list[Chart]:
    """The overview's bar charts: products per district (scaled to the largest), and the two shares
    (scaled to 100%)."""
    most = max((r.products for r in rows), default=0) or 1
    return [
        Chart("在售产品数（款）",
              tuple(Bar(r.region.name, f"{r.products} 款", 100 * r.products / most) for r in rows)),
        Chart("可线上申请的产品占比",
              tuple(Bar(r.region.name, percent(r.online_share), 100 * r.online_share) for r in rows)),
        Chart("支持无还本续贷的产品占比",
              tuple(Bar(r.region.name, percent(r.renewal_share), 100 * r.renewal_share) for r in rows)),
    ]
