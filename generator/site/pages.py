"""Generated pages: products, banks, lists, home, search and the content pages.

Each page is a Markdown file in the staging ``docs`` folder: YAML front matter for MkDocs
plus an HTML body rendered by a Jinja2 template from ``site_templates/pages``. Templates
autoescape, so bank text is always shown as text; bank text is data passed *into* a
template, never compiled as one, so ``{{ }}`` in a cell stays literally ``{{ }}``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import escape

from generator.site import share
from generator.core.settings import PortalSettings
from generator.site.fields import FieldRegistry, date_zh, format_number, yes_no
from generator.core.models import BankRecord, Catalog, ContentDocument, ProductRecord, SiteContent
from generator.content.sanitize import CONTENT_FLAG
from generator.ingest.validate import is_published

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
    office_phone: str = ""                   # the office's phone (footer), for the finder's empty state
    base_url: str | None = None              # the public address ("…/"), for QR codes and share tags

    @functools.cached_property
    def fields(self) -> FieldRegistry:
        return FieldRegistry(self.catalog.schema)

    def public_url(self, path: str) -> str | None:
        """The absolute address of a site path ("products/x/"), when ``base_url`` is set."""
        return self.base_url + path if self.base_url else None

    def bank(self, bank_id: str) -> BankRecord:
        return self.catalog.banks[bank_id]

    def products_of(self, bank_id: str) -> list[ProductRecord]:
        return [p for p in self.products if p.bank_id == bank_id]

    def product(self, product_id: str) -> ProductRecord | None:
        return next((p for p in self.products if p.product_id == product_id), None)

    def cases_of_product(self, product_id: str) -> list[ContentDocument]:
        return [c for c in self.content.cases if product_id in c.meta.get("products", [])]

    def cases_of_bank(self, bank_id: str) -> list[ContentDocument]:
        return [c for c in self.content.cases if c.meta.get("bank_id") == bank_id]

    def policies_of_product(self, product_id: str) -> list[ContentDocument]:
        return [p for p in self.content.policies if product_id in (p.meta.get("related_products") or [])]

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
        dates = [p.updated for p in self.products] + [doc_updated(d) for d in self.content.all()]
        return max(dates, default=self.today)

    def page_date(self, rel_path: str) -> tuple[str, dt.date]:
        """(label, date) shown on the page written to ``rel_path``."""
        slug = rel_path.removesuffix(".md")
        section, _, name = slug.partition("/")
        if section == "products" and name in self._products_by_id:
            return "更新日期", self._products_by_id[name].updated
        if section == "banks" and name in self.catalog.banks:
            return "更新日期", self.bank_updated(name) or self.data_updated
        docs = {"policies": self.content.policies, "cases": self.content.cases, "notices": self.content.notices}
        if name == "index" and section in docs and docs[section]:
            return "更新日期", max(doc_updated(d) for d in docs[section])
        document = self._documents_by_slug.get(slug)
        if document is not None:
            updated = document.meta.get("updated")
            return ("更新日期", updated) if updated else ("发布日期", document.date)
        return "数据更新日期", self.data_updated

    @functools.cached_property
    def _documents_by_slug(self) -> dict[str, ContentDocument]:
        return {d.slug: d for d in self.content.all()}

    # --- policy list filters ---

    @property
    def policy_issuers(self) -> list[str]:
        return sorted({d.meta["issuer"] for d in self.content.policies})

    @property
    def policy_tags(self) -> list[str]:
        return sorted({t for d in self.content.policies for t in d.meta.get("tags") or []})


def doc_updated(document: ContentDocument) -> dt.date:
    return document.meta.get("updated") or document.date


def make_model(catalog: Catalog, content: SiteContent, settings: PortalSettings,
               field_titles: dict[str, str], today: dt.date,
               vocab: dict[str, tuple[str, ...]] | None = None, office_phone: str = "",
               base_url: str | None = None) -> SiteModel:
    order = {b.bank_id: (b.sort_order, b.bank_id) for b in catalog.banks.values()}
    products = sorted((p for p in catalog.products if is_published(p, today)),
                      key=lambda p: (order.get(p.bank_id, (999, p.bank_id)), p.product_id))
    banks = sorted(catalog.banks.values(), key=lambda b: (b.sort_order, b.bank_id))
    return SiteModel(catalog, content, settings, products, banks, field_titles, today, vocab or {},
                     office_phone, base_url)


def make_environment(templates_dir: Path, registry: FieldRegistry) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir / "pages")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # Product wording comes from the field registry (generator/site/fields.py), never from templates.
    env.filters.update(num=format_number, rate_range=registry.rate, amount_range=registry.amount,
                       term_range=registry.term, yes_no=yes_no, date_zh=date_zh,
                       field_text=registry.text)
    return env


class PageWriter:
    """Writes every page of the site into ``docs_dir``."""

    def __init__(self, docs_dir: Path, templates_dir: Path, model: SiteModel) -> None:
        self.docs_dir = docs_dir
        self.env = make_environment(templates_dir, model.fields)
        self.model = model
        self.written: list[str] = []

    def page(self, rel_path: str, template: str, front: dict, **context: object) -> None:
        depth = rel_path.count("/") + (0 if rel_path.endswith("index.md") else 1)
        # Shown by the theme footer on every page (publish or update date).
        label, date = self.model.page_date(rel_path)
        front = {**front, "portal_date": date.isoformat(), "portal_date_label": label}
        body = self.env.get_template(template).render(
            m=self.model, root="../" * depth, today=self.model.today, **context)
        front_text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
        target = self.docs_dir / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\n{front_text}---\n\n{body}", encoding="utf-8")
        self.written.append(rel_path)

    def write_all(self) -> list[str]:
        m = self.model
        sample = m.settings.sample_data
        self.page("index.md", "home.html", {"title": "首页", "hide": ["navigation", "toc"],
                                             "search_exclude": True})
        self.page("search.md", "search.html", {"title": "搜索", "hide": ["navigation", "toc"],
                                                "search_exclude": True})
        # The finder's first page lists the first cards; the rest are static pages for browsers
        # without JavaScript (with it, assets/products.js renders every result from the index).
        page_count = max(1, -(-len(m.products) // LIST_PAGE_SIZE))
        for number in range(1, page_count + 1):
            rel = "products/index.md" if number == 1 else f"products/page/{number}.md"
            start = (number - 1) * LIST_PAGE_SIZE
            title = "金融产品" if number == 1 else f"金融产品（第 {number} 页）"
            self.page(rel, "product_list.html",
                      {"title": title, "hide": ["navigation", "toc"], "search_exclude": True},
                      vocab=m.vocab, page_number=number, page_count=page_count,
                      page_products=m.products[start:start + LIST_PAGE_SIZE], first_index=start)
        self.page("compare.md", "compare.html", {"title": "产品对比", "hide": ["toc"], "search_exclude": True})
        self.page("guide.md", "guide.html", {"title": "帮我选", "hide": ["toc"], "search_exclude": True})
        self.page("downloads/index.md", "downloads.html", {"title": "数据下载", "search_exclude": True})
        for product in m.products:
            bank = m.bank(product.bank_id)
            public_url = m.public_url(f"products/{product.product_id}/")
            summary = share.description(product, bank, m.fields, sample=sample)
            qr = share.qr_svg(public_url, f"{product.name}的网址二维码") if public_url else None
            self.page(f"products/{product.product_id}.md", "product.html",
                      {"title": product.name, "hide": ["toc"], "sample_data": sample,
                       # Material prints page.meta.description unescaped (MkDocs does not autoescape).
                       "description": str(escape(summary)),
                       "portal_share": {"title": share.title(product, bank, m.fields),
                                        "description": summary, "url": public_url}},
                      p=product, bank=bank, public_url=public_url, qr=qr)
        self.page("banks/index.md", "bank_list.html", {"title": "合作银行", "search_exclude": True})
        for bank in m.banks:
            self.page(f"banks/{bank.bank_id}.md", "bank.html",
                      {"title": bank.name, "sample_data": sample}, b=bank)
        self.page("policies/index.md", "policy_list.html", {"title": "政策解读", "search_exclude": True})
        self.page("cases/index.md", "case_list.html", {"title": "典型案例", "search_exclude": True})
        self.page("notices/index.md", "notice_list.html", {"title": "通知公告", "search_exclude": True})
        for doc in m.content.all():
            rel = f"{doc.slug}.md"
            front = {"title": doc.title, CONTENT_FLAG: True}
            if doc.kind == "case":
                front["sample_data"] = sample
            self.page(rel, f"{doc.kind}.html", front, d=doc)
        return self.written


def notice_version(doc: ContentDocument | None) -> str:
    """Changes whenever the warning notice changes, so a dismissed banner returns."""
    if doc is None:
        return ""
    digest = hashlib.sha256(json.dumps([doc.title, str(doc.date), doc.body], ensure_ascii=False)
                            .encode("utf-8")).hexdigest()
    return digest[:12]
