"""Gate: the site can be used with the keyboard alone, with a visible focus ring."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.quality.findings import Finding
from tests.quality.pages import SEARCH_FIELD, SEARCH_QUERY, SEARCH_RESULT_LINK

MAX_TABS = 120
SEARCH_KIND_PRODUCT = '#portal-ss-filters input[name=kind][value="产品"]'   # a 类别 filter on search/
_FOCUS_RING = """() => {
  const s = getComputedStyle(document.activeElement);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return outline || (s.boxShadow && s.boxShadow !== 'none');
}"""


def tab_to(page: Page, selector: str) -> bool:
    """Press Tab until the focused element matches ``selector``; False if it never does."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return True
    return False


def _reach(page: Page, where: str, selector: str, what: str, findings: list[Finding]) -> bool:
    if not tab_to(page, selector):
        findings.append(Finding(where, "not-keyboard-reachable", f"{what} ({selector}) never gets focus with Tab"))
        return False
    if not page.evaluate(_FOCUS_RING):
        findings.append(Finding(where, "focus-not-visible", f"{what} ({selector}) has no outline or box-shadow when focused"))
    return True


def check_keyboard(context: BrowserContext, site_url: str) -> list[Finding]:
    findings: list[Finding] = []
    page = context.new_page()
    try:
        # Home: reach the search field, type, submit with Enter.
        page.goto(site_url)
        if _reach(page, "(home)", "input[name=q]", "home search field", findings):
            page.keyboard.type(SEARCH_QUERY)
            page.keyboard.press("Enter")
            try:
                page.wait_for_url("**/search/?q=*", timeout=5000)
                page.locator(SEARCH_RESULT_LINK).first.wait_for(timeout=15000)
            except PlaywrightTimeout:
                findings.append(Finding("(home)", "keyboard-search", "Enter in the search field shows no results"))

        # Search page: type into the field, submit with Enter, then Tab (past the filters) to the
        # first result and open it.
        page.goto(site_url + "search/")
        if _reach(page, "search/", SEARCH_FIELD, "search page field", findings):
            page.keyboard.type(SEARCH_QUERY)
            page.keyboard.press("Enter")
            try:
                page.locator(SEARCH_RESULT_LINK).first.wait_for(timeout=15000)
            except PlaywrightTimeout:
                findings.append(Finding("search/", "keyboard-search", "typing a query and Enter shows no results"))
            else:
                # A filter: Space on the 类别 checkbox 产品 filters the results and keeps the focus.
                if _reach(page, "search/", SEARCH_KIND_PRODUCT, "类别 filter 产品", findings):
                    page.keyboard.press("Space")
                    try:
                        page.wait_for_url("**kind=*", timeout=5000)
                        page.locator("#portal-ss[data-state=done]").wait_for(state="attached", timeout=15000)
                    except PlaywrightTimeout:
                        findings.append(Finding("search/", "keyboard-filter", "Space on a filter does not apply it"))
                    if not page.evaluate("s => document.activeElement.matches(s) && document.activeElement.checked",
                                         SEARCH_KIND_PRODUCT):
                        findings.append(Finding("search/", "keyboard-filter", "the filter checkbox loses focus or stays unchecked"))
                first = page.locator(SEARCH_RESULT_LINK).first.get_attribute("href")
                if _reach(page, "search/", SEARCH_RESULT_LINK, "first search result", findings):
                    focused = page.evaluate("document.activeElement.getAttribute('href')")
                    if focused != first:
                        findings.append(Finding("search/", "keyboard-order", f"first result by Tab is {focused}, not {first}"))
                    try:
                        with page.expect_navigation(timeout=5000):
                            page.keyboard.press("Enter")
                    except PlaywrightTimeout:
                        findings.append(Finding("search/", "keyboard-activate", "Enter on a result does not open it"))

        # The 适老化 toggle: Space turns it on (announced by aria-pressed), the mode survives a page
        # change, Enter turns it off.
        page.goto(site_url + "products/")
        if _reach(page, "products/", ".portal-elder-toggle", "适老化 toggle", findings):
            page.keyboard.press("Space")
            state = page.evaluate("[document.documentElement.classList.contains('portal-elder'),"
                                  " document.activeElement.getAttribute('aria-pressed')]")
            if state != [True, "true"]:
                findings.append(Finding("products/", "elder-toggle", f"Space did not switch the mode on: {state}"))
            page.goto(site_url + "banks/")
            pressed = page.locator(".portal-elder-toggle").get_attribute("aria-pressed")
            if not page.evaluate("document.documentElement.classList.contains('portal-elder')") or pressed != "true":
                findings.append(Finding("banks/", "elder-toggle", "the mode is not remembered on the next page"))
            if tab_to(page, ".portal-elder-toggle"):
                page.keyboard.press("Enter")
                if page.evaluate("document.documentElement.classList.contains('portal-elder')"):
                    findings.append(Finding("banks/", "elder-toggle", "Enter did not switch the mode off"))

        # Phones: the menu button opens the drawer, focus moves into it, Escape closes it; while
        # closed, none of its links can take focus.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(site_url + "policies/")
        if _reach(page, "policies/ (phone)", ".portal-menu-button", "menu button", findings):
            page.keyboard.press("Enter")
            page.wait_for_timeout(300)
            inside = page.evaluate("!!document.activeElement.closest('.md-sidebar--primary')"
                                   " && document.getElementById('__drawer').checked")
            if not inside:
                findings.append(Finding("policies/ (phone)", "menu", "Enter on the menu button does not open the "
                                        "navigation with focus inside it"))
            page.keyboard.press("Escape")
            if page.evaluate("document.getElementById('__drawer').checked"):
                findings.append(Finding("policies/ (phone)", "menu", "Escape does not close the navigation"))
        page.goto(site_url)
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("!!document.activeElement.closest('.md-sidebar--primary')"):
                findings.append(Finding("(home, phone)", "hidden-focus", "Tab reaches a link of the closed navigation"))
                break
        page.set_viewport_size({"width": 1280, "height": 720})

        # The warning banner: its close button works from the keyboard.
        page.goto(site_url + "about/")
        if page.locator(".portal-banner").count() and \
                _reach(page, "about/", ".portal-banner__close", "banner close button", findings):
            page.keyboard.press("Enter")
            if page.locator(".portal-banner").is_visible():
                findings.append(Finding("about/", "banner-close", "Enter on the close button leaves the banner visible"))
    finally:
        page.close()
    return findings
