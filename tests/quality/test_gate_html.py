"""Gate 1: every generated page is valid HTML (Nu HTML Checker)."""

from __future__ import annotations

import shutil

from tests.quality.conftest import inject
from tests.quality.findings import report
from tests.quality.html_validity import check_html


def test_every_generated_page_is_valid_html(demo_site):
    findings = check_html(demo_site)
    assert not findings, report(findings)


def test_html_gate_reports_an_image_without_alt(demo_site, tmp_path):
    # A site of one page is enough to show that the gate reports what vnu finds (it checks every
    # page alike) and names the page; vnu over a copy of the whole site took 5 s of CPU.
    site_copy = tmp_path / "site"
    (site_copy / "products").mkdir(parents=True)
    shutil.copy(demo_site / "products" / "index.html", site_copy / "products" / "index.html")
    inject(site_copy, "products/index.html", '<img src="../assets/images/favicon.png">')
    findings = check_html(site_copy)
    assert any(f.page == "products/index.html" and "alt" in f.detail for f in findings), report(findings)
