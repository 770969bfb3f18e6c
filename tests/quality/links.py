"""Gate: every internal link and fragment resolves (npm linkinator against the served site)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from html.parser import HTMLParser
from urllib.parse import unquote

from tests.quality.findings import Finding
from tests.quality.pages import html_files, page_path
from tests.quality.tools import LINKINATOR, require


def _pages_linking(site_dir: Path, fragment: str) -> list[str]:
    needle = f'#{fragment}"'
    return [page_path(site_dir, p) or "(home)" for p in html_files(site_dir) if needle in p.read_text(encoding="utf-8")]


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if values.get("name") and tag == "a":
            self.ids.add(values["name"])
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"])


def check_fragments(site_dir: Path) -> list[Finding]:
    """Every ``#fragment`` of a local link names an element of its target page.

    linkinator checks fragments too, but when the same page is fetched concurrently with and
    without a fragment it sometimes skips the check (seen here 2 runs in 8), so this pass over
    the written files makes the result deterministic.
    """
    scans: dict[Path, _Anchors] = {}

    def scan(page: Path) -> _Anchors:
        if page not in scans:
            scans[page] = _Anchors()
            scans[page].feed(page.read_text(encoding="utf-8", errors="replace"))
        return scans[page]

    findings = []
    root = site_dir.resolve()
    for page in html_files(root):
        rel = page.relative_to(root).as_posix()
        for href in scan(page).hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.fragment:
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if target.suffix != ".html" or not target.is_file():
                continue            # a missing page is linkinator's broken-link finding
            if unquote(parts.fragment) not in scan(target).ids:
                findings.append(Finding(rel.removesuffix("index.html") or "(home)", "missing-fragment",
                                        f"{href}: no element with id “{unquote(parts.fragment)}”"))
    return findings


def check_links(site_url: str, site_dir: Path | None = None) -> list[Finding]:
    """Crawl from ``site_url`` (a local server); links to other hosts are skipped, never fetched.

    linkinator names the site root as the parent of every missing fragment; with ``site_dir``
    the pages that hold the link are named instead.
    """
    local = re.escape(site_url.rstrip("/"))
    command = [str(require(LINKINATOR)), site_url, "--recurse", "--check-fragments", "--check-css",
               "--skip", f"^(?!{local})", "--format", "json", "--concurrency", "8"]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    try:
        links = json.loads(result.stdout)["links"]
    except (json.JSONDecodeError, KeyError):
        return [Finding(site_url, "linkinator-crashed", (result.stderr or result.stdout)[:500])]
    findings = []
    for link in links:
        if link.get("state") != "BROKEN":
            continue
        parent = urlsplit(link.get("parent") or site_url).path.lstrip("/") or "(home)"
        target = link["url"].removeprefix(site_url)
        if "#" in target and link.get("status") == 200:
            fragment = target.split("#", 1)[1]
            pages = _pages_linking(site_dir, fragment) if site_dir else []
            findings.extend(Finding(page, "missing-fragment", f"{target}: no element with id “{fragment}”")
                            for page in (pages or [parent]))
            continue
        failure = link.get("status") or "; ".join(str(d.get("message", d)) for d in link.get("failureDetails", []))[:200]
        findings.append(Finding(parent, "broken-link", f"{target} (HTTP {failure})"))
    if site_dir is not None:
        key = lambda f: (f.page, f.detail.rsplit("no element with id", 1)[-1])  # noqa: E731
        seen = {key(f) for f in findings if f.check == "missing-fragment"}
        findings.extend(f for f in check_fragments(site_dir) if key(f) not in seen)
    return findings
