"""Gate: axe-core (WCAG 2.0/2.1 A and AA rules) in Chromium, normal and 适老化 mode."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page

from tests.quality.findings import Finding
from tests.quality.pages import SEARCH_RESULT_LINK

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
ELDER_STORAGE_KEY = "portal-elder-mode"   # assets/elder.js
_AXE = Axe()


def audit(page: Page, label: str) -> list[Finding]:
    """axe violations of the page once its transitions have ended (``label`` names the page)."""
    settle_animations(page)
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = _AXE.run(page, options=options)
    findings = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            target = ", ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")[:200]
            findings.append(Finding(label, violation["id"],
                                    f"{violation['help']} at {target}: {summary}"))
    return findings


def wait_until_settled(page: Page, path: str) -> None:
    """Search results render after Pagefind loads: audit them, not the empty form."""
    page.wait_for_load_state("load")
    if path.startswith("search/?q="):
        page.locator(SEARCH_RESULT_LINK).first.wait_for(timeout=15000)
    if path.startswith("compare/?ids="):
        page.locator("table.portal-compare").wait_for(timeout=15000)
    if path == "products/" or path.startswith("products/?"):
        page.locator("#finder[data-finder-renders]").wait_for(timeout=15000)
    # Running transitions are audit()'s own first step.


def settle_animations(page: Page) -> None:
    """Wait for running CSS transitions/animations (finite ones) to end.

    Material fades its tabs and back-to-top button in or out after a scroll; audited half-way
    (more likely on a busy machine) a fading text fails colour contrast."""
    # Two frames first (scroll handlers toggle the classes that start the transitions), then wait;
    # again, up to three rounds, for transitions that one ending set off (the header's title).
    page.evaluate("""async () => {
        const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
        for (let round = 0; round < 3; round++) {
            await frames();
            const running = document.getAnimations().filter(
                a => a.playState === "running" && a.effect && a.effect.getComputedTiming().iterations !== Infinity);
            if (!running.length) return;
            await Promise.all(running.map(a => a.finished.catch(() => null)));
        }
    }""")


def start_in_elder_mode(target: Page | BrowserContext) -> None:
    """Every page ``target`` loads from now on starts in 适老化 mode, as for a visitor who chose it
    on an earlier visit (assets/elder.js reads the choice before the first paint)."""
    target.add_init_script(f"localStorage.setItem('{ELDER_STORAGE_KEY}', 'on')")


def set_elder_mode(page: Page, on: bool) -> None:
    """Remember the mode the way the header toggle does; applies from the next page load."""
    script = (f"localStorage.setItem('{ELDER_STORAGE_KEY}', 'on')" if on
              else f"localStorage.removeItem('{ELDER_STORAGE_KEY}')")
    page.evaluate(script)
