"""Gate 1: every generated page is valid HTML (Nu HTML Checker)."""

from __future__ import annotations

from tests.quality.conftest import inject
from tests.quality.findings import report
from tests.quality.html_validity import check_html


def test_every_generated_page_is_valid_html(demo_site):
    findings = check_html(demo_site)
    assert not findings, report(findings)


def test_html_gate_reports_an_image_without_alt(site_copy):
    inject(site_copy, "products/index.html", '<img src="../assets/images/favicon.png">')
    findings = check_html(site_copy)
    assert any(f.page == "products/index.html" and "alt" in f.detail for f in findings), report(findings)
