"""Gate: every internal link and fragment resolves (npm linkinator against the served site)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from tests.quality.findings import Finding
from tests.quality.tools import LINKINATOR, require


def _pages_linking(site_dir: Path, fragment: str) -> list[str]:
    needle = f'#{fragment}"'
    return [p.relative_to(site_dir).as_posix().removesuffix("index.html") or "(home)"
            for p in sorted(site_dir.rglob("*.html")) if needle in p.read_text(encoding="utf-8")]


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
    return findings
