"""The change report: what a build publishes compared with the site it replaces.

Publicity staff review this before uploading: new, removed and changed products with each changed
field's old and new wording (as the product page shows it, from the field registry via
``products.json``), content pages added, changed and removed (from the two manifests' input
digests), banks whose data is stale, and the build's warnings. It is printed after every build
and written as an HTML page beside ``--out`` (never inside it) with a sign-off block.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from jinja2 import Environment, select_autoescape

from generator.core import urls
from generator.core.issues import Issue
from generator.release.publish import baseline_path

PRODUCTS_JSON = Path(urls.PRODUCTS_JSON)
MANIFEST = "manifest.json"
CONTENT_PREFIX = "content/"
CONTENT_KINDS = {"policies": "政策解读", "cases": "典型案例", "notices": "通知公告", "pages": "页面"}


@dataclass(frozen=True)
class FieldChange:
    title: str       # the field's Chinese title
    old: str         # as the product page words it
    new: str


@dataclass(frozen=True)
class ProductChange:
    label: str                       # "name（id）"
    fields: tuple[FieldChange, ...]

    @property
    def titles(self) -> list[str]:
        return [f.title for f in self.fields]


@dataclass(frozen=True)
class StaleBank:
    name: str
    newest: dt.date
    days: int


@dataclass
class ChangeReport:
    first_build: bool = False
    added: list[str] = field(default_factory=list)             # "name（id）"
    removed: list[str] = field(default_factory=list)
    changed: list[ProductChange] = field(default_factory=list)
    pages_added: list[str] = field(default_factory=list)
    pages_removed: list[str] = field(default_factory=list)
    content_added: list[str] = field(default_factory=list)     # "政策解读 content/policies/x.md"
    content_changed: list[str] = field(default_factory=list)
    content_removed: list[str] = field(default_factory=list)
    stale_banks: list[StaleBank] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    since_bundle: str = ""    # the data date of the last bundle when compared with it, else "" (previous site)

    @property
    def compared_with(self) -> str:
        return f"与上次打包的版本（数据日期 {self.since_bundle[:10]}）相比" if self.since_bundle else "与上一版网站相比"

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.pages_added or self.pages_removed
                    or self.content_added or self.content_changed or self.content_removed)

    def to_text(self) -> str:
        if self.first_build:
            lines = ["变更报告：首次生成，没有可比较的上一版网站。"]
        elif self.empty:
            lines = [f"变更报告：{self.compared_with}，产品和页面没有变化。"]
        else:
            lines = [f"变更报告：{self.compared_with}，有以下变化："]
            if self.added:
                lines.append(f"  新增产品 {len(self.added)} 款：{'、'.join(self.added)}")
            if self.removed:
                lines.append(f"  不再发布的产品 {len(self.removed)} 款：{'、'.join(self.removed)}")
            for product in self.changed:
                lines.append(f"  产品信息变更：{product.label}，变更项：{'、'.join(product.titles)}")
                lines.extend(f"      {f.title}：{_short(f.old)} → {_short(f.new)}" for f in product.fields)
            for label, items in (("新增内容", self.content_added), ("修改内容", self.content_changed),
                                 ("删除内容", self.content_removed)):
                if items:
                    lines.append(f"  {label} {len(items)} 篇：{'、'.join(items)}")
            if self.pages_added:
                lines.append(f"  新增页面 {len(self.pages_added)} 个：{'、'.join(self.pages_added)}")
            if self.pages_removed:
                lines.append(f"  删除页面 {len(self.pages_removed)} 个：{'、'.join(self.pages_removed)}")
        for bank in self.stale_banks:
            lines.append(f"  数据可能已过期：{bank.name}，最新更新日期 {bank.newest.isoformat()}（{bank.days} 天前）")
        return "\n".join(lines)

    def to_html(self, *, site: str, generated: dt.datetime, released: str) -> str:
        """A self-contained page (inline CSS, no script, no external resource) to review and sign."""
        env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
        source = resources.files("generator.release").joinpath("report_templates/change_report.html").read_text(encoding="utf-8")
        return env.from_string(source).render(r=self, site=site, released=released,
                                              generated=generated.strftime("%Y-%m-%d %H:%M"))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def diff_products(old: Mapping[str, Mapping[str, object]], new: Mapping[str, Mapping[str, object]],
                  titles: Mapping[str, str], *, old_display: Mapping[str, Mapping[str, str]] | None = None,
                  new_display: Mapping[str, Mapping[str, str]] | None = None) -> ChangeReport:
    """Products by id → their field values (canonical names), before and after.

    ``*_display``: the same products' values as the page words them (field registry); raw values are
    shown where a display text is missing. Only the fields named in ``titles`` are compared, in order.
    """
    label = lambda record: f"{record.get('name')}（{record.get('product_id')}）"  # noqa: E731
    report = ChangeReport(added=[label(new[i]) for i in sorted(new.keys() - old.keys())],
                          removed=[label(old[i]) for i in sorted(old.keys() - new.keys())])
    for product_id in sorted(new.keys() & old.keys()):
        before, after = old[product_id], new[product_id]
        shown_before = (old_display or {}).get(product_id, {})
        shown_after = (new_display or {}).get(product_id, {})
        fields = tuple(FieldChange(title, _text(shown_before.get(name, before.get(name))),
                                   _text(shown_after.get(name, after.get(name))))
                       for name, title in titles.items() if before.get(name) != after.get(name))
        if fields:
            report.changed.append(ProductChange(label(after), fields))
    return report


def _text(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def _products(site: Path) -> tuple[dict[str, dict], dict[str, str]] | None:
    try:
        data = json.loads((site / PRODUCTS_JSON).read_text(encoding="utf-8"))
        titles = {f["name"]: f["title"] for f in data["fields"]}
        return {p["product_id"]: p for p in data["products"]}, titles
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _content_inputs(site: Path) -> dict[str, str] | None:
    try:
        inputs = json.loads((site / MANIFEST).read_text(encoding="utf-8"))["inputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {path: digest for path, digest in inputs.items()
            if path.startswith(CONTENT_PREFIX) and path.endswith(".md")}


def _content_label(path: str) -> str:
    kind = CONTENT_KINDS.get(path.removeprefix(CONTENT_PREFIX).split("/")[0], "内容")
    return f"{kind} {path}"


PAGE_LIST = "pages.txt"    # a baseline's list of pages (it holds no HTML)


def _pages(site: Path) -> set[str]:
    listed = site / PAGE_LIST
    if listed.is_file():
        return set(listed.read_text(encoding="utf-8").split())
    return {p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")
            if "pagefind" not in p.parts}


def baseline_files(site: Path) -> dict[str, bytes]:
    """What a bundle's baseline keeps of ``site`` for the next review page (see publish.baseline_path)."""
    return {str(PRODUCTS_JSON): (site / PRODUCTS_JSON).read_bytes(), MANIFEST: (site / MANIFEST).read_bytes(),
            PAGE_LIST: "\n".join(sorted(_pages(site))).encode("utf-8")}


def compare_with_release(out: Path, new: Path) -> ChangeReport:
    """Changes since the last bundle of ``out`` if there is one, else since the site in ``out``."""
    baseline = baseline_path(out)
    if (baseline / PRODUCTS_JSON).is_file():
        report = compare_sites(baseline, new)
        try:
            report.since_bundle = json.loads((baseline / MANIFEST).read_text(encoding="utf-8"))["released"]
        except (OSError, ValueError, KeyError, TypeError):
            report.since_bundle = "未知"
        return report
    return compare_sites(out, new)


def compare_sites(previous: Path, new: Path) -> ChangeReport:
    old = _products(previous) if previous.is_dir() else None
    current = _products(new)
    if old is None or current is None:
        return ChangeReport(first_build=True)
    (old_products, _), (new_products, titles) = old, current
    report = diff_products(old_products, new_products, titles,
                           old_display={i: p.get("display", {}) for i, p in old_products.items()},
                           new_display={i: p.get("display", {}) for i, p in new_products.items()})
    old_pages, new_pages = _pages(previous), _pages(new)
    report.pages_added = sorted(new_pages - old_pages - {urls.product(i) for i in new_products})
    report.pages_removed = sorted(old_pages - new_pages - {urls.product(i) for i in old_products})
    before, after = _content_inputs(previous), _content_inputs(new)
    if before is not None and after is not None:   # a site built before manifests existed: pages only
        report.content_added = [_content_label(p) for p in sorted(after.keys() - before.keys())]
        report.content_removed = [_content_label(p) for p in sorted(before.keys() - after.keys())]
        report.content_changed = [_content_label(p) for p in sorted(after.keys() & before.keys())
                                  if after[p] != before[p]]
    return report
