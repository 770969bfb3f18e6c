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


class _PageScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.external: list[str] = []

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
        scan.feed(page.read_text(encoding="utf-8", errors="replace"))
        if scan.lang != "zh":
            problems.append(f"{rel}：<html lang> 为“{scan.lang}”，应为 zh。")
        problems.extend(f"{rel}：引用了外部资源 {item}" for item in scan.external)
    for sheet in sorted(site_dir.rglob("*.css")):
        if CSS_EXTERNAL.search(sheet.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{sheet.relative_to(site_dir).as_posix()}：样式表引用了外部资源。")
    return problems
