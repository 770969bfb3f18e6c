"""Checks on the written site before it is published."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

# Attributes that make the browser fetch something (outbound <a href> is fine).
FETCHING = {("script", "src"), ("link", "href"), ("img", "src"), ("img", "srcset"), ("iframe", "src"),
            ("source", "src"), ("source", "srcset"), ("video", "src"), ("audio", "src"),
            ("embed", "src"), ("object", "data"), ("video", "poster"), ("input", "src"),
            ("form", "action")}
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
CSS_EXTERNAL = re.compile(r"url\(\s*['\"]?\s*(https?:)?//|@import\s+['\"]?(https?:)?//", re.IGNORECASE)


# The start tags the page check reads: <html> (lang), the tags of FETCHING, and any tag with a style
# attribute. Comments and script/style bodies are skipped and every tag is matched whole, as
# HTMLParser reads them, so "<img" inside an attribute value or a comment is not a tag. Parsing
# whole pages with HTMLParser cost ~7 ms each (35 s at 5,000 products); the parser now reads only
# these tags, so it still decodes attributes (character references, quoting) exactly as before.
_ATTRS = r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+"""   # possessive: no backtracking on a broken tag
_WATCHED = "|".join(sorted({tag for tag, _ in FETCHING} | {"html"}))
_TAGS = re.compile(   # one leading "<" lets the regex engine skip text fast; groups start after it
    rf"<(?:!--.*?-->"                                                    # comment: skipped
    rf"|((?P<raw>script|style)\b{_ATTRS}>).*?</\s*(?P=raw)\s*>"          # start tag kept, body skipped
    rf"|((?:{_WATCHED})\b{_ATTRS}>)"                                     # kept
    rf"|([a-zA-Z]{_ATTRS}>)"                                              # kept if it has a style
    rf"|/[a-zA-Z]{_ATTRS}>)",                                            # end tag: skipped
    re.IGNORECASE | re.DOTALL)


def checked_tags(html: str) -> str:
    """The start tags of ``html`` that ``_PageScan`` looks at, concatenated in page order."""
    return "".join("<" + (raw or watched or other) for raw, _, watched, other in _TAGS.findall(html)
                   if raw or watched or "style" in other.lower())


class _PageScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.external: list[str] = []

    def set_cdata_mode(self, elem: str) -> None:
        # Fed start tags only: after <script src=…> the next tag is a tag, not script text.
        pass

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        for name, value in attrs:
            if value and (tag, name) in FETCHING and EXTERNAL.match(value):
                if tag == "link" and dict(attrs).get("rel") in ("canonical", "alternate"):
                    continue
                self.external.append(f"<{tag} {name}={value}>")
            if value and name == "style" and CSS_EXTERNAL.search(value):
                self.external.append(f"<{tag} style> {value[:80]}")


def check_site(site_dir: Path) -> list[str]:
    """Problems that would make the published site break its promises (Chinese messages)."""
    problems: list[str] = []
    for page in sorted(site_dir.rglob("*.html")):
        rel = page.relative_to(site_dir).as_posix()
        scan = _PageScan()
        scan.feed(checked_tags(page.read_text(encoding="utf-8", errors="replace")))
        scan.close()
        if scan.lang != "zh":
            problems.append(f"{rel}：<html lang> 为“{scan.lang}”，应为 zh。")
        problems.extend(f"{rel}：引用了外部资源 {item}" for item in scan.external)
    for sheet in sorted(site_dir.rglob("*.css")):
        if CSS_EXTERNAL.search(sheet.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{sheet.relative_to(site_dir).as_posix()}：样式表引用了外部资源。")
    return problems


class _LinkScan(HTMLParser):
    """Every id of a page, and the links inside its ``<article>`` (where page content is rendered)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self._depth = 0          # >0 while inside <article>, where staff content is rendered

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "article":
            self._depth += 1
        if tag == "a" and self._depth and values.get("href"):
            self.links.append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self._depth:
            self._depth -= 1


def _page_ids(target: Path, cache: dict[Path, set[str]]) -> set[str]:
    if target not in cache:
        scan = _LinkScan()
        scan.feed(target.read_text(encoding="utf-8", errors="replace"))
        cache[target] = scan.ids
    return cache[target]


def check_content_links(site_dir: Path, pages: dict[str, str]) -> list[str]:
    """Dead links in staff-written pages: ``pages`` maps a page URL ("policies/x/") to its source.

    Government sites are inspected for dead links; generated pages are covered by tests, staff
    Markdown is not, so its links are resolved against the written site before publishing.
    """
    from urllib.parse import unquote, urlsplit

    problems: list[str] = []
    ids: dict[Path, set[str]] = {}
    for url, source in sorted(pages.items()):
        page = site_dir / url / "index.html"
        if not page.is_file():
            continue
        scan = _LinkScan()
        scan.feed(page.read_text(encoding="utf-8", errors="replace"))
        ids[page] = scan.ids
        for href in scan.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "tel:")):
                continue
            if parts.path:
                target = (page.parent / unquote(parts.path)).resolve()
                if target.is_dir():
                    target = target / "index.html"
                try:
                    target.relative_to(site_dir.resolve())
                except ValueError:
                    problems.append(f"{source}：链接“{href}”指向网站之外。")
                    continue
                if not target.is_file():
                    problems.append(f"{source}：链接“{href}”指向的页面不存在，请修改或删除该链接。")
                    continue
            else:
                target = page
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in _page_ids(target, ids):
                problems.append(f"{source}：链接“{href}”指向的页内位置“#{fragment}”不存在。")
    return problems
