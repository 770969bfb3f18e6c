"""The change report: what a build publishes compared with the site it replaces.

Publicity staff review this before uploading: new, removed and changed products (with the
fields that changed), and pages that appeared or disappeared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.core import urls

PRODUCTS_JSON = Path(urls.PRODUCTS_JSON)


@dataclass
class ChangeReport:
    first_build: bool = False
    added: list[str] = field(default_factory=list)             # "name（id）"
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)   # (product, field titles)
    pages_added: list[str] = field(default_factory=list)
    pages_removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.pages_added or self.pages_removed)

    def to_text(self) -> str:
        if self.first_build:
            return "变更报告：首次生成，没有可比较的上一版网站。"
        if self.empty:
            return "变更报告：与上一版网站相比，产品和页面没有变化。"
        lines = ["变更报告（与上一版网站相比）："]
        if self.added:
            lines.append(f"  新增产品 {len(self.added)} 款：{'、'.join(self.added)}")
        if self.removed:
            lines.append(f"  不再发布的产品 {len(self.removed)} 款：{'、'.join(self.removed)}")
        for product, fields in self.changed:
            lines.append(f"  产品信息变更：{product}，变更项：{'、'.join(fields)}")
        if self.pages_added:
            lines.append(f"  新增页面 {len(self.pages_added)} 个：{'、'.join(self.pages_added)}")
        if self.pages_removed:
            lines.append(f"  删除页面 {len(self.pages_removed)} 个：{'、'.join(self.pages_removed)}")
        return "\n".join(lines)


def _products(site: Path) -> tuple[dict[str, dict], dict[str, str]] | None:
    try:
        data = json.loads((site / PRODUCTS_JSON).read_text(encoding="utf-8"))
        titles = {f["name"]: f["title"] for f in data["fields"]}
        return {p["product_id"]: p for p in data["products"]}, titles
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _pages(site: Path) -> set[str]:
    return {p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")
            if "pagefind" not in p.parts}


def compare_sites(previous: Path, new: Path) -> ChangeReport:
    old = _products(previous) if previous.is_dir() else None
    current = _products(new)
    if old is None or current is None:
        return ChangeReport(first_build=True)
    (old_products, _), (new_products, titles) = old, current
    label = lambda p: f"{p['name']}（{p['product_id']}）"  # noqa: E731
    report = ChangeReport(
        added=[label(new_products[i]) for i in sorted(new_products.keys() - old_products.keys())],
        removed=[label(old_products[i]) for i in sorted(old_products.keys() - new_products.keys())],
    )
    for product_id in sorted(new_products.keys() & old_products.keys()):
        before, after = old_products[product_id], new_products[product_id]
        fields = [titles.get(k, k) for k in titles if before.get(k) != after.get(k)]
        if fields:
            report.changed.append((label(after), fields))
    old_pages, new_pages = _pages(previous), _pages(new)
    report.pages_added = sorted(new_pages - old_pages - {urls.product(i) for i in new_products})
    report.pages_removed = sorted(old_pages - new_pages - {urls.product(i) for i in old_products})
    return report
