"""The site model: every published record and derived fact the pages, finder, exports and feeds need,
resolved once from the validated inputs. Views read it; nothing here renders."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field

from generator.core import urls
from generator.core.models import (BankRecord, Catalog, ContentDocument, Federation, Member, MemberDocument,
                                   PolicyStatus, ProductRecord, Region, SiteContent)
from generator.core.settings import PortalSettings
from generator.site import regions
from generator.site.fields import FieldRegistry

# Cards per static page of the product list (without JavaScript) and per "显示更多" step with it.
LIST_PAGE_SIZE = 30


@dataclass(frozen=True)
class SiteModel:
    """Everything the templates need, resolved once."""

    catalog: Catalog
    content: SiteContent
    settings: PortalSettings
    products: list[ProductRecord]            # published products, sorted
    banks: list[BankRecord]                  # registry order
    field_titles: dict[str, str]
    today: dt.date
    vocab: dict[str, tuple[str, ...]] = field(default_factory=dict)   # allowed values per field

    @functools.cached_property
    def fields(self) -> FieldRegistry:
        return FieldRegistry(self.catalog.schema)

    @property
    def office_phone(self) -> str:
        """The office's phone (footer), for the finder's empty state."""
        return self.settings.footer.contact_phone

    @property
    def base_url(self) -> str | None:
        """The public address ("…/"), for QR codes, share tags, feeds and the sitemap."""
        return self.settings.base_url

    def offer_key(self, product: ProductRecord) -> tuple[str, str]:
        """One bank product offered in several districts shares this key: the bank group (registry
        short name) and the product name. The finder shows each key once ("N 个区县可办理")."""
        bank = self.bank(product.bank_id)
        return bank.short_name or bank.name, product.name

    @functools.cached_property
    def offer_count(self) -> int:
        """How many products an enterprise can choose from: district rows of one offer count once."""
        if self.catalog.federation is None:
            return len(self.products)
        return len({self.offer_key(p) for p in self.products})

    def public_url(self, path: str) -> str | None:
        """The absolute address of a site path ("products/x/"), when ``base_url`` is set."""
        return self.base_url + path if self.base_url else None

    def bank(self, bank_id: str) -> BankRecord:
        return self.catalog.banks[bank_id]

    def products_of(self, bank_id: str) -> list[ProductRecord]:
        return self._products_by_bank.get(bank_id, [])

    @functools.cached_property
    def _products_by_bank(self) -> dict[str, list[ProductRecord]]:
        # Grouped once: a province has thousands of bank pages, each listing its bank's products.
        grouped: dict[str, list[ProductRecord]] = {}
        for product in self.products:
            grouped.setdefault(product.bank_id, []).append(product)
        return grouped

    def product(self, product_id: str) -> ProductRecord | None:
        return next((p for p in self.products if p.product_id == product_id), None)

    def cases_of_product(self, product_id: str) -> list[ContentDocument]:
        return [c for c in self.content.cases if product_id in c.meta.products]

    def cases_of_bank(self, bank_id: str) -> list[ContentDocument]:
        return [c for c in self.content.cases if c.meta.bank_id == bank_id]

    def policies_of_product(self, product_id: str) -> list[ContentDocument]:
        return [p for p in self.content.policies if product_id in p.meta.related_products]

    @property
    def warning_notice(self) -> ContentDocument | None:
        target = self.settings.warning_notice
        return next((d for d in self.content.notices if f"{d.source}" == target), None)

    @property
    def announcements(self) -> list[ContentDocument]:
        return [d for d in self.content.notices if d is not self.warning_notice]

    # --- dates shown on every page (an undated page counts as "not updated") ---

    @functools.cached_property
    def _products_by_id(self) -> dict[str, ProductRecord]:
        return {p.product_id: p for p in self.products}

    def bank_updated(self, bank_id: str) -> dt.date | None:
        """A bank page is as new as its newest published product."""
        return max((p.updated for p in self.products_of(bank_id)), default=None)

    @functools.cached_property
    def data_updated(self) -> dt.date:
        """When anything published last changed: the date of list pages and the home page."""
        dates = [p.updated for p in self.products] + [d.updated for d in self.content.all()]
        return max(dates, default=self.today)

    def page_date(self, url: str) -> tuple[str, dt.date]:
        """(label, date) shown on the page at ``url``."""
        slug = url.removesuffix("/")
        section, _, name = slug.partition("/")
        if section == "products" and name in self._products_by_id:
            return "更新日期", self._products_by_id[name].updated
        if section == "banks" and name in self.catalog.banks:
            return "更新日期", self.bank_updated(name) or self.data_updated
        docs = {"policies": self.content.policies, "cases": self.content.cases, "notices": self.content.notices}
        if name == "" and section in docs and docs[section]:
            return "更新日期", max(d.updated for d in docs[section])
        document = self._documents_by_slug.get(slug)
        if document is not None:
            updated = document.meta.updated
            return ("更新日期", updated) if updated else ("发布日期", document.date)
        return "数据更新日期", self.data_updated

    @functools.cached_property
    def _documents_by_slug(self) -> dict[str, ContentDocument]:
        return {d.slug: d for d in self.content.all()}

    # --- a federated portal (portal federate): members, regions and their documents ---

    @property
    def federation(self) -> Federation | None:
        """The member districts of a city or province portal; None for a district's own portal."""
        return self.catalog.federation

    def member_of(self, product: ProductRecord) -> Member | None:
        if self.federation is None or product.region is None:
            return None
        return self.federation.member(product.region.code)

    def district_page(self, product: ProductRecord) -> str | None:
        """The product's page on its district's own site, when that site's address is known."""
        member = self.member_of(product)
        if member is None:
            return None
        # A district carried in a city's release has its page on the city's site, under its key.
        own = product.own_id if member.region == product.region else product.product_id
        return member.page_url(urls.product(own))

    @functools.cached_property
    def banks_by_region(self) -> list[tuple[Region | None, list[BankRecord]]]:
        """Banks grouped by district, in the members' order (a district portal: one group, None)."""
        if self.federation is None:
            return [(None, self.banks)]
        grouped: dict[str, list[BankRecord]] = {}
        for bank in self.banks:
            if bank.region is not None:
                grouped.setdefault(bank.region.code, []).append(bank)
        return [(region, grouped.get(region.code, [])) for region in self.federation.regions]

    @functools.cached_property
    def region_summaries(self) -> list[regions.RegionSummary]:
        """The 区县概览 rows (empty for a district portal)."""
        if self.federation is None:
            return []
        return regions.summarise(self.federation, self.banks, self.products)

    @functools.cached_property
    def region_charts(self) -> list[regions.Chart]:
        return regions.charts(self.region_summaries)

    def member_documents(self, kind: str) -> list[MemberDocument]:
        """The members' policies or cases (``kind``), newest first: listed with a link, never copied."""
        if self.federation is None:
            return []
        found = [d for member in self.federation.members for d in member.documents if d.kind == kind]
        return sorted(found, key=lambda d: (d.date, d.region.code), reverse=True)

    # --- policy list filters ---

    @property
    def policy_issuers(self) -> list[str]:
        return sorted({d.meta.issuer for d in self.content.policies})

    @property
    def policy_statuses(self) -> list[str]:
        """Every status, whether or not a policy has it yet: the filter's choices stay stable."""
        return [status.value for status in PolicyStatus]

    @property
    def policy_tags(self) -> list[str]:
        return sorted({t for d in self.content.policies for t in d.meta.tags})


def make_model(catalog: Catalog, content: SiteContent, settings: PortalSettings,
               field_titles: dict[str, str], today: dt.date,
               vocab: dict[str, tuple[str, ...]] | None = None) -> SiteModel:
    order = {b.bank_id: (b.sort_order, b.bank_id) for b in catalog.banks.values()}
    products = sorted((p for p in catalog.products if p.is_published(today)),
                      key=lambda p: (order.get(p.bank_id, (999, p.bank_id)), p.product_id))
    banks = sorted(catalog.banks.values(), key=lambda b: (b.sort_order, b.bank_id))
    return SiteModel(catalog, content, settings, products, banks, field_titles, today, vocab or {})


def notice_version(doc: ContentDocument | None) -> str:
    """Changes whenever the warning notice changes, so a dismissed banner returns."""
    if doc is None:
        return ""
    digest = hashlib.sha256(json.dumps([doc.title, str(doc.date), doc.body], ensure_ascii=False)
                            .encode("utf-8")).hexdigest()
    return digest[:12]
