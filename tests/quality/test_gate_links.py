"""Gate 2: every internal link and fragment resolves (linkinator on the served site)."""

from __future__ import annotations

from tests.conftest import SiteServer
from tests.quality.conftest import inject
from tests.quality.findings import report
from tests.quality.links import check_links


def test_every_internal_link_and_fragment_resolves(site_url, demo_site):
    findings = check_links(site_url, demo_site)
    assert not findings, report(findings)


def test_link_gate_reports_a_missing_page_and_a_missing_fragment(site_copy):
    inject(site_copy, "about/index.html",
           '<p><a href="../no-such-page/">死链</a> <a href="../mechanism/#no-such-heading">坏锚点</a></p>')
    server = SiteServer(site_copy)
    try:
        findings = check_links(server.url, site_copy)
    finally:
        server.stop()
    assert any(f.page == "about/" and f.check == "broken-link" and "no-such-page/" in f.detail
               for f in findings), report(findings)
    assert any(f.page == "about/" and f.check == "missing-fragment" and "no-such-heading" in f.detail
               for f in findings), report(findings)
