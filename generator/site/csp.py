"""Content-Security-Policy of the published site.

Every page gets a ``<meta http-equiv="Content-Security-Policy">`` as the first element after
``<meta charset>``, so the policy holds on any static host, and ``_headers`` carries the same
policy (plus ``frame-ancestors``, which browsers ignore in a meta element) for web servers
that can send it as a header (see README "Quality gates").

Material emits a few small inline scripts (scope/storage helpers in the head, a tab-restoring
snippet after the content). They are allowed by their sha256 hash, and only when they sit
outside the page's ``<article>``: a script inside the article would come from page content,
and hashing it would whitelist exactly the injection the policy exists to stop.

The MkDocs plugin adds the policy to each page as it is rendered (``add_policy``, on the HTML string
MkDocs already holds) and writes ``_headers`` at the end of the build; ``apply_policy`` does the same
for files already written (static ``.html`` files MkDocs copies without rendering).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

# Pagefind compiles its WebAssembly search core in the page: 'wasm-unsafe-eval' allows that
# and nothing else ('unsafe-eval' stays forbidden). Material's icons are data: SVG masks.
BASE_DIRECTIVES: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("worker-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)
# Only meaningful as an HTTP header (ignored, with a console error, in a meta element).
HEADER_ONLY_DIRECTIVES: tuple[tuple[str, str], ...] = (("frame-ancestors", "'self'"),)

HEADERS_FILE = "_headers"
EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}
_CHARSET_META = re.compile(r"<meta\s+charset=[\"']?utf-8[\"']?\s*/?>", re.IGNORECASE)


def policy(script_hashes: set[str] | frozenset[str] = frozenset(), *, for_header: bool = False) -> str:
    """The policy text; ``script_hashes`` are ``sha256-…`` sources for allowed inline scripts."""
    directives = list(BASE_DIRECTIVES) + (list(HEADER_ONLY_DIRECTIVES) if for_header else [])
    parts = []
    for name, sources in directives:
        if name == "script-src" and script_hashes:
            sources = sources + " " + " ".join(f"'{h}'" for h in sorted(script_hashes))
        parts.append(f"{name} {sources}")
    return "; ".join(parts)


def script_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


@dataclass
class InlineScripts:
    """Inline executable scripts of one page, split by where they sit."""

    theme: list[str] = field(default_factory=list)
    in_article: list[str] = field(default_factory=list)


class _ScriptScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found = InlineScripts()
        self._article_depth = 0
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "article":
            self._article_depth += 1
        elif tag == "script" and "src" not in values:
            if (values.get("type") or "").strip().lower() in EXECUTABLE_TYPES:
                self._script = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self._article_depth:
            self._article_depth -= 1
        elif tag == "script" and self._script is not None:
            text = "".join(self._script)
            (self.found.in_article if self._article_depth else self.found.theme).append(text)
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)


# What decides which inline scripts a page has: comments (skipped), whole <script> elements,
# <article> boundaries, and every other tag taken whole so that text inside an attribute value is
# never read as a tag. Python's HTMLParser over a 30 kB page costs ~8 ms (40 s for 5,000 products);
# this regex walks it in C and leaves the parser a few hundred bytes with the same tokens.
_ATTRS = r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+"""   # possessive: no backtracking on a broken tag
_SCRIPT_TOKENS = re.compile(   # one leading "<" lets the regex engine skip text fast; groups start after it
    rf"<(?:!--.*?-->|(script\b{_ATTRS}>.*?</\s*script\s*>)|(/?article\b{_ATTRS}>)|/?[a-zA-Z]{_ATTRS}>)",
    re.IGNORECASE | re.DOTALL)


def inline_scripts(html: str) -> InlineScripts:
    # Only script elements and <article> tags matter; the parser reads just those, in order.
    condensed = "".join("<" + (script or article) for script, article in _SCRIPT_TOKENS.findall(html)
                        if script or article)
    scan = _ScriptScan()
    scan.feed(condensed)
    scan.close()
    return scan.found


def meta_element(script_hashes: set[str]) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{policy(script_hashes)}">'


def add_policy(html: str) -> tuple[str, set[str]]:
    """The page with its CSP meta first in ``<head>``, and the hashes of its allowed inline scripts."""
    hashes = {script_hash(text) for text in inline_scripts(html).theme}
    meta = meta_element(hashes)
    charset = _CHARSET_META.search(html)
    if charset:
        return html[:charset.end()] + meta + html[charset.end():], hashes
    # a page without <meta charset> (none today): put the policy first in <head>
    return re.sub(r"<head>", lambda _: "<head>" + meta, html, count=1, flags=re.IGNORECASE), hashes


def write_headers(site_dir: Path, script_hashes: set[str]) -> None:
    """``_headers``: the policy of every page (all their hashes) for servers that send headers."""
    headers = (f"/*\n  Content-Security-Policy: {policy(script_hashes, for_header=True)}\n"
               "  X-Content-Type-Options: nosniff\n  Referrer-Policy: same-origin\n")
    (site_dir / HEADERS_FILE).write_text(headers, encoding="utf-8")


def apply_policy(pages: list[Path]) -> set[str]:
    """Add the CSP meta to written ``pages``; returns every hash they allow."""
    all_hashes: set[str] = set()
    for page in sorted(pages):
        html, hashes = add_policy(page.read_bytes().decode("utf-8"))
        all_hashes |= hashes
        page.write_bytes(html.encode("utf-8"))
    return all_hashes
