"""In the browser: the warning banner stays dismissed across pages and reloads and returns when
the notice changes; the policy filters work with the keyboard, without inline scripts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import SiteServer, copy_project, portal

pytestmark = pytest.mark.browser


def test_banner_dismissal_persists_until_the_notice_changes(page: Page, tmp_path: Path, demo_site: Path):
    project = copy_project(tmp_path / "p")
    out = Path(shutil.copytree(demo_site, tmp_path / "out"))    # what `portal build` wrote for this input
    server = SiteServer(out, rebuilt=True)
    try:
        page.goto(server.url + "products/")
        banner = page.locator(".portal-banner")
        expect(banner).to_be_visible()
        expect(banner.get_by_role("link")).to_have_attribute("href", "../notices/illegal-intermediaries/")
        banner.get_by_role("button", name="关闭风险提示").click()
        expect(banner).to_be_hidden()
        page.reload()
        expect(page.locator(".portal-banner")).to_be_hidden()
        page.goto(server.url + "policies/")
        expect(page.locator(".portal-banner")).to_be_hidden()
        page.goto(server.url)
        expect(page.locator(".portal-banner")).to_be_hidden()

        notice = project / "content" / "notices" / "illegal-intermediaries.md"
        notice.write_text(notice.read_text(encoding="utf-8") + "\n新增提示：近期有人冒充工作人员收取“保证金”。\n",
                          encoding="utf-8")
        portal("build", "--out", str(out), cwd=project, check=True)
        page.goto(server.url + "policies/")
        expect(page.locator(".portal-banner")).to_be_visible()
        page.locator(".portal-banner").get_by_role("link").click()
        expect(page.get_by_text("新增提示：近期有人冒充工作人员")).to_be_visible()
    finally:
        server.stop()


def test_policy_filters_work_by_keyboard(page: Page, site_url: str):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site_url + "policies/")
    items = page.locator("#policy-list > li")
    total = items.count()
    assert total >= 3
    status = page.get_by_label("状态")
    expect(status).to_be_visible()
    status.focus()
    page.keyboard.press("ArrowDown")      # 全部 -> 现行有效
    page.keyboard.press("ArrowDown")      # 现行有效 -> 已废止
    expect(status).to_have_value("已废止")
    expect(page.locator("#policy-list > li:visible")).to_have_count(1)
    expect(page.locator("#policy-list > li:visible")).to_contain_text("已废止")
    expect(page.locator(".portal-doc-filter__count")).to_have_text(f"显示 1 篇，共 {total} 篇")

    page.get_by_label("主题标签").select_option("融资担保")
    expect(page.locator("#policy-list > li:visible")).to_have_count(0)
    expect(page.locator("#policy-list-empty")).to_be_visible()

    page.get_by_role("button", name="清除筛选").click()
    expect(page.locator("#policy-list > li:visible")).to_have_count(total)
    page.get_by_label("发文机关").select_option("达州市通川区财政局")
    expect(page.locator("#policy-list > li:visible")).to_have_count(1)
    assert errors == []
