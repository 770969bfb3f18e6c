"""Gate 6: XSS payloads are inert and shown as typed, the CSP is strict and the site works
under it, and downloads carry no live spreadsheet formulas."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from generator.site import csp
from tests.conftest import SiteServer, copy_project, portal
from tests.quality.conftest import inject
from tests.quality.findings import Finding, report
from tests.quality.pages import SEARCH_RESULT_LINK, every_page, search_with_results
from tests.quality.security import (REJECTED_APPLY_URLS, XSS_PAYLOADS, check_csp, check_inert,
                                    check_spreadsheets, policy_findings, set_apply_url)

pytestmark = pytest.mark.browser


def test_at_least_twenty_distinct_payloads():
    assert len(set(XSS_PAYLOADS)) >= 20


def test_xss_payloads_in_bank_fields_and_content_are_inert_and_shown_as_typed(browser, hostile_site):
    site_dir, content_pages = hostile_site.site, hostile_site.content_pages
    shown: dict[str, list[str]] = dict(hostile_site.bank_pages)
    for item in hostile_site.placed:
        shown.setdefault(f"products/{item.product_id}/", []).append(item.payload)
    assert set(content_pages) <= set(every_page(site_dir))
    paths = every_page(site_dir) + [search_with_results("window"), search_with_results("点我")]
    # bypass_csp: the payloads must be inert because they are escaped, not only because the
    # CSP would block them (the CSP is checked on its own below).
    context = browser.new_context(bypass_csp=True)
    server = SiteServer(site_dir)
    try:
        findings = check_inert(context, server.url, paths, shown)
    finally:
        context.close()
        server.stop()
    assert not findings, report(findings)


def test_xss_gate_reports_a_payload_that_fires(browser, site_copy):
    inject(site_copy, "about/index.html", '<img src="x" onerror="window.__xss=1">')
    inject(site_copy, "mechanism/index.html", '<img src="x" onerror="alert(1)">')
    # Fires only at the rendering update after "load": the crawl must wait for it.
    inject(site_copy, "downloads/index.html", '<input autofocus onfocus="window.__xss=3">')
    context = browser.new_context(bypass_csp=True)
    server = SiteServer(site_copy)
    try:
        findings = check_inert(context, server.url, ["about/", "mechanism/", "downloads/"],
                               shown={"about/": ["<b>shown as typed</b>"]})
    finally:
        context.close()
        server.stop()
    checks = {(f.page, f.check) for f in findings}
    assert {("about/", "xss-script-ran"), ("mechanism/", "xss-dialog"), ("downloads/", "xss-script-ran"),
            ("about/", "payload-not-shown-as-typed")} <= checks, report(findings)


@pytest.mark.parametrize("url", REJECTED_APPLY_URLS)
def test_unsafe_apply_url_is_rejected_and_nothing_is_published(tmp_path, url):
    project = copy_project(tmp_path)
    set_apply_url(project, url)
    out = project / "site"
    result = portal("build", "--out", str(out), cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "apply_url" in result.stdout + result.stderr
    assert not out.exists()


def test_every_page_carries_a_strict_csp_before_anything_it_loads(demo_site):
    findings = check_csp(demo_site)
    assert not findings, report(findings)
    headers = (demo_site / csp.HEADERS_FILE).read_text(encoding="utf-8")
    header_policy = re.search(r"Content-Security-Policy: (.*)", headers).group(1)
    assert "frame-ancestors 'self'" in header_policy
    assert not policy_findings("_headers", header_policy.replace("frame-ancestors 'self'", ""))


def test_csp_gate_reports_a_weak_policy_and_a_page_without_one(site_copy):
    weak = "default-src *; script-src 'self' 'unsafe-inline' 'unsafe-eval' https://cdn.example.com; object-src 'self'"
    checks = {(f.check, f.detail.split(" ")[0]) for f in policy_findings("x.html", weak)}
    assert {("csp-directive", "default-src"), ("csp-directive", "object-src"), ("csp-directive", "base-uri"),
            ("csp-directive", "form-action"), ("csp-source", "script-src")} <= checks
    about = site_copy / "about" / "index.html"
    about.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                            about.read_text(encoding="utf-8")), encoding="utf-8")
    assert Finding("about/index.html", "csp-missing",
                   'no <meta http-equiv="Content-Security-Policy">') in check_csp(site_copy)


def test_inline_script_inside_page_content_is_not_allowed_by_the_csp():
    html = ('<html><head><script>theme()</script></head><body><article>'
            '<script>injected()</script></article><script type="application/json">{}</script></body></html>')
    scripts = csp.inline_scripts(html)
    assert scripts.theme == ["theme()"] and scripts.in_article == ["injected()"]


def test_search_banner_and_elder_toggle_work_under_the_csp(context, site_url):
    violations: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(site_url + search_with_results())
    page.locator(SEARCH_RESULT_LINK).first.wait_for(timeout=15000)
    page.locator(".portal-banner__close").click()
    assert page.locator(".portal-banner").is_hidden()
    page.locator(".portal-elder-toggle").click()
    assert page.evaluate("document.documentElement.classList.contains('portal-elder')")
    assert page.locator(".portal-elder-toggle").get_attribute("aria-pressed") == "true"
    page.goto(site_url)
    assert page.locator(".portal-banner").is_hidden()  # dismissal remembered
    assert page.evaluate("document.documentElement.classList.contains('portal-elder')")
    page.close()
    assert not violations, violations


def test_downloads_hold_no_live_spreadsheet_formulas(demo_site):
    findings = check_spreadsheets(demo_site)
    assert not findings, report(findings)


def test_formulas_in_bank_fields_reach_the_downloads_inert(hostile_site):
    site_dir = hostile_site.site
    assert list(site_dir.rglob("*.csv")) or list(site_dir.rglob("*.xlsx")), "the site offers no download"
    findings = check_spreadsheets(site_dir)
    assert not findings, report(findings)


def test_spreadsheet_gate_reports_formula_cells(site_copy: Path):
    (site_copy / "injected.csv").write_text("name,note\n产品,=HYPERLINK(\"http://x\",\"点我\")\n产品2,-1.5\n",
                                            encoding="utf-8")
    book = Workbook()
    book.active["A1"] = "=1+1"
    book.save(site_copy / "injected.xlsx")
    findings = check_spreadsheets(site_copy)
    checks = {(f.page, f.check) for f in findings}
    assert checks == {("injected.csv", "csv-formula"), ("injected.xlsx", "xlsx-formula")}, report(findings)
