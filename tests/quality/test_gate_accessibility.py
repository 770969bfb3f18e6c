"""Gate 3: axe-core WCAG 2.0/2.1 A+AA on every kind of page, phone and desktop, normal and 适老化."""

from __future__ import annotations

import pytest

from tests.conftest import SiteServer
from tests.quality.accessibility import VIEWPORTS, audit, set_elder_mode, wait_until_settled
from tests.quality.conftest import inject
from tests.quality.findings import report
from tests.quality.pages import representatives

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder-mode"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_kind_of_page_passes_axe(browser, demo_site, site_url, viewport, elder):
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
    page = context.new_page()
    findings = []
    kinds = representatives(demo_site)
    try:
        page.goto(site_url)
        set_elder_mode(page, elder)
        for kind, path in kinds.items():
            page.goto(site_url + path)
            wait_until_settled(page, path)
            mode = page.evaluate("document.documentElement.classList.contains('portal-elder')")
            assert mode == elder, f"{kind}: 适老化 mode should be {'on' if elder else 'off'}"
            findings += audit(page, f"{kind} ({path or 'home'}, {viewport}{', 适老化' if elder else ''})")
    finally:
        context.close()
    assert len(kinds) >= 15, kinds
    assert not findings, report(findings)


def test_axe_gate_reports_an_image_without_alt(browser, site_copy):
    inject(site_copy, "about/index.html", '<img src="../assets/images/favicon.png">')
    server = SiteServer(site_copy)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url + "about/")
        findings = audit(page, "about")
    finally:
        context.close()
        server.stop()
    assert any(f.check == "image-alt" for f in findings), report(findings)
