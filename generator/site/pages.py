"""Generated pages: products, banks, lists, home, search and the content pages.

Each page is a Markdown file in the staging ``docs`` folder: YAML front matter for MkDocs
plus an HTML body rendered by a Jinja2 template from ``site_templates/pages``. Templates
autoescape, so bank text is always shown as text; bank text is data passed *into* a
template, never compiled as one, so ``{{ }}`` in a cell stays literally ``{{ }}``.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import escape

from generator.content.sanitize import CONTENT_FLAG
from generator.core import urls
from generator.site import regions, share
from generator.site.fields import FieldRegistry, date_zh, format_number, yes_no
from generator.site.model import LIST_PAGE_SIZE, SiteModel


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
                       field_text=registry.text, percent=regions.percent)
    env.globals["urls"] = urls
    return env


class PageWriter:
    """Writes every page of the site into ``docs_dir``."""

    def __init__(self, docs_dir: Path, templates_dir: Path, model: SiteModel, *,
                 env: Environment | None = None) -> None:
        self.docs_dir = docs_dir
        # The preview passes the environment of its previous rebuild (same schema and templates
        # folder): compiling the templates again costs more than rendering the pages that changed.
        self.env = env or make_environment(templates_dir, model.fields)
        self.model = model
        self.written: list[str] = []

    def page(self, url: str, template: str, front: dict, **context: object) -> None:
        """Write the page published at ``url`` (from generator.core.urls)."""
        rel_path = urls.source(url)
        # Shown by the theme footer on every page (publish or update date).
        label, date = self.model.page_date(url)
        front = {**front, "portal_date": date.isoformat(), "portal_date_label": label}
        body = self.env.get_template(template).render(
            m=self.model, root="../" * url.count("/"), today=self.model.today, **context)
        front_text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
        target = self.docs_dir / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\n{front_text}---\n\n{body}", encoding="utf-8")
        self.written.append(url)

    def write_all(self) -> list[str]:
        return self.write_pages(product_pages=None)

    def write_pages(self, product_pages: Collection[str] | None) -> list[str]:
        """Write every page, but of the product pages only those whose id is in ``product_pages``
        (None: all of them); returns the URL of every page of the site, written or not.

        The preview keeps the product pages it did not ask for from its previous run: at 2,000
        products they are most of the work (a QR code each), and one edit changes one of them."""
        m = self.model
        sample = m.settings.sample_data
        self.page(urls.HOME, "home.html", {"title": "首页", "hide": ["navigation", "toc"],
                                             "search_exclude": True})
        self.page(urls.SEARCH, "search.html", {"title": "搜索", "hide": ["navigation", "toc"],
                                                "search_exclude": True})
        # The finder's first page lists the first cards; the rest are static pages for browsers
        # without JavaScript (with it, assets/products.js renders every result from the index).
        page_count = max(1, -(-len(m.products) // LIST_PAGE_SIZE))
        for number in range(1, page_count + 1):
            start = (number - 1) * LIST_PAGE_SIZE
            title = "金融产品" if number == 1 else f"金融产品（第 {number} 页）"
            self.page(urls.product_list(number), "product_list.html",
                      {"title": title, "hide": ["navigation", "toc"], "search_exclude": True},
                      vocab=m.vocab, page_number=number, page_count=page_count,
                      page_products=m.products[start:start + LIST_PAGE_SIZE], first_index=start)
        self.page(urls.COMPARE, "compare.html", {"title": "产品对比", "hide": ["toc"], "search_exclude": True})
        self.page(urls.GUIDE, "guide.html", {"title": "帮我选", "hide": ["toc"], "search_exclude": True})
        self.page(urls.DOWNLOADS, "downloads.html", {"title": "数据下载", "search_exclude": True})
        for product in m.products:
            if product_pages is not None and product.product_id not in product_pages:
                self.written.append(urls.product(product.product_id))
                continue
            bank = m.bank(product.bank_id)
            public_url = m.public_url(urls.product(product.product_id))
            summary = share.description(product, bank, m.fields, sample=sample)
            qr = share.qr_svg(public_url, f"{product.name}的网址二维码") if public_url else None
            self.page(urls.product(product.product_id), "product.html",
                      {"title": product.name, "hide": ["toc"], "sample_data": sample,
                       # Material prints page.meta.description unescaped (MkDocs does not autoescape).
                       "description": str(escape(summary)),
                       "portal_share": {"title": share.title(product, bank, m.fields),
                                        "description": summary, "url": public_url}},
                      p=product, bank=bank, public_url=public_url, qr=qr)
        self.page(urls.BANKS, "bank_list.html", {"title": "合作银行", "search_exclude": True})
        for bank in m.banks:
            self.page(urls.bank(bank.bank_id), "bank.html",
                      {"title": bank.name, "sample_data": sample}, b=bank)
        if m.federation is not None:   # a city or province portal (portal federate)
            self.page(urls.REGIONS, "regions.html", {"title": "区县概览", "hide": ["toc"], "search_exclude": True})
        self.page(urls.POLICIES, "policy_list.html", {"title": "政策解读", "search_exclude": True})
        self.page(urls.CASES, "case_list.html", {"title": "典型案例", "search_exclude": True})
        self.page(urls.NOTICES, "notice_list.html", {"title": "通知公告", "search_exclude": True})
        for doc in m.content.all():
            front = {"title": doc.title, CONTENT_FLAG: True}
            if doc.kind == "case":
                front["sample_data"] = sample
            self.page(doc.url, f"{doc.kind}.html", front, d=doc)
        return self.written
