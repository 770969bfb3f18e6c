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
from generator.site.fields import FieldRegistry, date_zh, format_number, yes_no
from generator.site.model import LIST_PAGE_SIZE, SiteModel
from generator.content.sanitize import CONTENT_FLAG

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
