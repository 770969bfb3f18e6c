"""Gate 4: a crawl of every page makes no request to another host and logs no error."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SiteServer
from tests.quality.browser_crawl import crawl
from tests.quality.conftest import inject
from tests.quality.findings import report
from tests.quality.pages import every_page, search_with_results

pytestmark = pytest.mark.browser

EXTERNAL_SCRIPT = '<script src="https://cdn.example.com/tracker.js"></script>'


def test_every_page_loads_only_from_the_local_server_without_errors(browser, demo_site, site_url):
    paths = every_page(demo_site) + [search_with_results()]
    assert len(paths) >= 60, paths
    findings = crawl(browser, site_url, paths)
    assert not findings, report(findings)


def _crawl_copy(browser, site_dir, paths):
    server = SiteServer(site_dir)
    try:
        return crawl(browser, server.url, paths)
    finally:
        server.stop()


def test_crawl_gate_records_an_external_script_request(browser, site_copy):
    # Without the CSP the browser really asks for the script: the crawl must record it (the request
    # goes to the dead proxy, never out).
    page = site_copy / "about" / "index.html"
    page.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                           page.read_text(encoding="utf-8")), encoding="utf-8")
    inject(site_copy, "about/index.html", EXTERNAL_SCRIPT)
    findings = _crawl_copy(browser, site_copy, ["about/"])
    assert any(f.check == "external-request" and "cdn.example.com" in f.detail for f in findings), report(findings)


def test_crawl_gate_reports_an_external_script_blocked_by_the_csp(browser, site_copy):
    inject(site_copy, "about/index.html", EXTERNAL_SCRIPT)
    findings = _crawl_copy(browser, site_copy, ["about/"])
    assert any(f.page == "about/" and f.check == "console-error" and "Content Security Policy" in f.detail
               for f in findings), report(findings)
