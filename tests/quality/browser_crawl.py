"""Gate: a Playwright crawl of every page that records requests, console errors and page errors.

Requests to any host but the local server are recorded and aborted (no traffic leaves the
machine even if the site tried).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, ConsoleMessage, Request, Route
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.quality.findings import Finding
from tests.quality.pages import SEARCH_RESULT_LINK


def crawl(context: BrowserContext, site_url: str, paths: list[str]) -> list[Finding]:
    origin = urlsplit(site_url).netloc
    findings: list[Finding] = []
    current = {"path": ""}

    def is_local(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob", "about") or parts.netloc == origin

    def on_route(route: Route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            route.abort()

    def on_request(request: Request) -> None:
        if not is_local(request.url):
            findings.append(Finding(current["path"] or "(home)", "external-request",
                                    f"{request.resource_type} {request.url}"))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            findings.append(Finding(current["path"] or "(home)", "console-error", message.text[:300]))

    context.route("**/*", on_route)
    page = context.new_page()
    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda error: findings.append(
        Finding(current["path"] or "(home)", "page-error", str(error)[:300])))
    try:
        for path in paths:
            current["path"] = path
            response = page.goto(site_url + path, wait_until="load")
            if response is None or response.status >= 400:
                findings.append(Finding(path or "(home)", "http-status",
                                        f"{response.status if response else 'no response'}"))
            if path.startswith("search/?q="):
                try:
                    page.locator(SEARCH_RESULT_LINK).first.wait_for(timeout=15000)
                except PlaywrightTimeout:
                    findings.append(Finding(path, "search-no-results", "no result within 15 s"))
    finally:
        page.close()
        context.unroute("**/*")
    return findings
