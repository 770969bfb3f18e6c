"""Gate 5: search, results, the 适老化 toggle and the banner work by keyboard, focus visible."""

from __future__ import annotations

import pytest

from tests.conftest import SiteServer
from tests.quality.findings import report
from tests.quality.keyboard import check_keyboard
from tests.quality.pages import html_files

pytestmark = pytest.mark.browser


def test_keyboard_alone_reaches_and_operates_every_control(context, site_url):
    findings = check_keyboard(context, site_url)
    assert not findings, report(findings)


def test_keyboard_gate_reports_an_unreachable_toggle_and_an_invisible_focus(context, site_copy):
    for page in html_files(site_copy):
        html = page.read_text(encoding="utf-8")
        page.write_text(html.replace('class="portal-elder-toggle"', 'class="portal-elder-toggle" tabindex="-1"'),
                        encoding="utf-8")
    (site_copy / "assets" / "portal.css").write_text(
        (site_copy / "assets" / "portal.css").read_text(encoding="utf-8")
        + "\n*:focus, *:focus-visible { outline: none !important; box-shadow: none !important; }\n",
        encoding="utf-8")
    server = SiteServer(site_copy)
    try:
        findings = check_keyboard(context, server.url)
    finally:
        server.stop()
    checks = {f.check for f in findings}
    assert "not-keyboard-reachable" in checks and "focus-not-visible" in checks, report(findings)
