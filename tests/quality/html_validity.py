"""Gate: the Nu HTML Checker (npm vnu-jar, run on system Java) on every generated page."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.quality.findings import Finding
from tests.quality.pages import html_files
from tests.quality.tools import VNU_JAR, java, require


@dataclass(frozen=True)
class KnownQuirk:
    message: re.Pattern[str]
    extract: str
    reason: str


# Errors in markup we cannot change without forking Material's base.html; each is listed with why.
KNOWN_QUIRKS: tuple[KnownQuirk, ...] = (
    KnownQuirk(
        re.compile(r"^Attribute “autocomplete” is only allowed when the input type is"),
        'class="md-toggle"',
        "Material's base.html (outside any overridable block) puts autocomplete=\"off\" on its hidden "
        "drawer/search toggle checkboxes so Firefox does not restore an open drawer on back "
        "navigation; harmless, and removing it needs a full copy of base.html.",
    ),
)


def _known(message: dict) -> bool:
    return any(q.message.search(message.get("message", "")) and q.extract in message.get("extract", "")
               for q in KNOWN_QUIRKS)


def check_html(site_dir: Path) -> list[Finding]:
    """Every vnu error on every page (except the listed Material quirks)."""
    files = [str(p) for p in html_files(site_dir)]
    if not files:
        return [Finding(str(site_dir), "no-pages", "no HTML pages found")]
    # One short run: the quick JIT tier and the single-threaded collector halve its CPU time
    # (3.3 s -> 1.6 s for the demo's pages) and change nothing it reports.
    command = [java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m", "-jar", str(require(VNU_JAR)),
               "--errors-only", "--format", "json", *files]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        return [Finding(str(site_dir), "vnu-crashed", (result.stderr or result.stdout)[:500])]
    findings = []
    for message in messages:
        if message.get("type") not in ("error", "non-document-error") or _known(message):
            continue
        url = message.get("url", "")
        page = url.removeprefix("file:").removeprefix(str(site_dir)).lstrip("/") or url
        line = message.get("lastLine", "?")
        extract = " ".join(message.get("extract", "").split())[:120]
        findings.append(Finding(page, "html-error", f"line {line}: {message['message']} — {extract}"))
    return findings
