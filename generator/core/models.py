"""Typed records: what the pages, search index and exports are made from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, timezone
from enum import StrEnum
from typing import TYPE_CHECKING

from generator.core import urls

if TYPE_CHECKING:
    from generator.core.schema import CanonicalSchema


# The offices work in China Standard Time (no daylight saving); servers often run in UTC. Times a
# person reads (the review page, a sign-off date, history folders) are in this zone.
BEIJING = timezone(timedelta(hours=8), "北京时间")


@dataclass(frozen=True)
class Region:
    """An administrative region (区县): what the levels above (``portal federate``) know a district by."""

    name: str        # 通川区
    code: str        # 511702 (行政区划代码, GB/T 2260)

    def to_json(self) -> dict[str, str]:
        """As the manifest, the open-data package, content.json and products.json write it."""
        return {"name": self.name, "code": self.code}


@dataclass(frozen=True)
class BankRecord:
    bank_id: str
    name: str
    short_name: str
    bank_type: str
    address: str
    hotline: str
    website: str
    sort_order: int
    region: Region | None = None    # set in a federated catalogue: the district this branch serves


@dataclass(frozen=True)
class ProductRecord:
    product_id: str
    bank_id: str
    name: str
    summary: str
    product_type: str
    guarantee_methods: tuple[str, ...]
    target_customers: tuple[str, ...]
    industries: tuple[str, ...]
    amount_min_wan: float | None
    amount_max_wan: float
    term_min_months: int | None
    term_max_months: int
    rate_min: float
    rate_max: float
    rate_note: str
    guarantee_fee_rate: float | None
    fees: str
    repayment_methods: tuple[str, ...]
    online_application: bool
    renewal_without_repayment: bool
    decision_days: int
    programs: tuple[str, ...]
    eligibility: str
    materials: str
    process: str
    contact_name: str
    contact_phone: str
    branch_address: str
    apply_url: str
    valid_from: date
    valid_until: date | None
    updated: date
    status: str
    source_file: str = ""
    source_row: int = 0
    # A federated catalogue (portal federate) joins districts whose product_ids are unique only within
    # each district: there ``product_id`` is the region-scoped key "<region_code>/<id>" (so pages live
    # at products/<region_code>/<id>/), ``source_id`` the district's own id, ``region`` the district.
    region: Region | None = None
    source_id: str = ""

    @property
    def own_id(self) -> str:
        """The product_id the district published (what downloads and bank submissions carry)."""
        return self.source_id or self.product_id

    def is_published(self, today: date) -> bool:
        """On sale and not past its end date: shown on the site, in the finder and downloads."""
        return self.status == "在售" and (self.valid_until is None or self.valid_until >= today)


class PolicyStatus(StrEnum):
    CURRENT = "现行有效"
    REPEALED = "已废止"


class NoticeKind(StrEnum):
    WARNING = "warning"      # the notice against illegal loan intermediaries (site-wide banner)


# Front matter, validated by generator.content.documents; templates read attributes, never string keys.

@dataclass(frozen=True)
class DocumentMeta:
    """Keys every Markdown document may carry (a page carries only these)."""

    summary: str = ""
    updated: date | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicyMeta(DocumentMeta):
    doc_number: str = ""                     # 文号
    issuer: str = ""                         # 发文机关
    status: PolicyStatus = PolicyStatus.CURRENT
    effective: date | None = None
    expires: date | None = None
    related_products: tuple[str, ...] = ()

    @property
    def repealed(self) -> bool:
        return self.status is PolicyStatus.REPEALED


@dataclass(frozen=True)
class CaseMeta(DocumentMeta):
    bank_id: str = ""
    products: tuple[str, ...] = ()
    customer_type: str = ""
    amount_wan: float = 0


@dataclass(frozen=True)
class NoticeMeta(DocumentMeta):
    kind: NoticeKind | None = None

    @property
    def is_warning(self) -> bool:
        return self.kind is NoticeKind.WARNING


@dataclass(frozen=True)
class ContentDocument:
    """A Markdown document under ``content/`` with its validated front matter."""

    kind: str            # "policy" | "case" | "notice" | "page"
    slug: str            # URL path inside the site, without slashes at the ends
    source: str          # path relative to the content folder
    title: str
    date: date
    body: str
    meta: DocumentMeta = DocumentMeta()

    @property
    def url(self) -> str:
        return urls.document(self.slug)

    @property
    def updated(self) -> date:
        """The date the document last changed: ``updated`` when given, else its publish date."""
        return self.meta.updated or self.date


@dataclass(frozen=True)
class MemberDocument:
    """A policy, case or notice of a member district (from its ``downloads/content.json``): a city or
    province portal lists it with a link to the district's site, never copies it."""

    kind: str                # "policy" | "case" | "notice"
    title: str
    date: date
    region: Region
    url: str | None          # absolute, on the district's site; None when its base_url is unknown
    summary: str = ""
    doc_number: str = ""     # a policy's 文号
    repealed: bool = False   # a policy the district marked 已废止


@dataclass(frozen=True)
class Member:
    """One district release that a federated portal is built from (``portal federate``)."""

    region: Region
    source: str                      # the bundle or folder as given on the command line
    district: str = ""               # 达州市通川区 (the member's extra.portal.district)
    base_url: str | None = None      # the district site's public address, "…/"
    released: str = ""               # the member's data date (manifest "released")
    documents: tuple[MemberDocument, ...] = ()

    def page_url(self, path: str) -> str | None:
        """The absolute address of a page of the district's own site, when its address is known."""
        return self.base_url + path if self.base_url else None


@dataclass(frozen=True)
class Federation:
    """The members of a federated catalogue, in the order given (their products carry ``region``).

    A member is usually one district; a city's release federated again by a province carries several,
    so the site's districts (facet, overview, bank groups) are ``regions``, not the members."""

    members: tuple[Member, ...]
    covered: tuple[tuple[Region, str], ...] = ()    # (district, code of the member that carried it)

    @property
    def regions(self) -> tuple[Region, ...]:
        """Every district covered, in the members' order (a member without ``covered``: its own region)."""
        if not self.covered:
            return tuple(m.region for m in self.members)
        return tuple(region for region, _ in self.covered)

    def member(self, code: str) -> Member | None:
        """The member whose release carried district ``code`` (itself, or the city release it was in)."""
        own = next((m for m in self.members if m.region.code == code), None)
        if own is not None:
            return own
        carrier = next((member for region, member in self.covered if region.code == code), None)
        return next((m for m in self.members if m.region.code == carrier), None) if carrier else None


@dataclass
class Catalog:
    banks: dict[str, BankRecord]
    products: list[ProductRecord]
    schema: "CanonicalSchema"        # the canonical schema the products were validated against
    federation: Federation | None = None   # set by portal federate: a city/province catalogue

    def products_of(self, bank_id: str) -> list[ProductRecord]:
        return [p for p in self.products if p.bank_id == bank_id]

    @property
    def product_ids(self) -> set[str]:
        return {p.product_id for p in self.products}


@dataclass
class SiteContent:
    policies: list[ContentDocument]
    cases: list[ContentDocument]
    notices: list[ContentDocument]
    pages: list[ContentDocument]

    def all(self) -> list[ContentDocument]:
        return [*self.policies, *self.cases, *self.notices, *self.pages]
