"""Gate: a Playwright crawl of every page that records requests, console errors and page errors.

Requests to any host but the local server are recorded, and sent to a dead proxy on this machine
(a port bound but never listening), so no traffic leaves it even if the site tried. A proxy, not
request interception: intercepting pauses every request of every page, local ones included, and
made the crawl twice as slow.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

from playwright.sync_api import Browser, ConsoleMessage, Request
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.quality.findings import Finding
from tests.quality.pages import SEARCH_RESULT_LINK


@contextlib.contextmanager
def dead_proxy() -> Iterator[str]:
    """A proxy address on 127.0.0.1 that refuses every connection, while the block runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))      # bound, never listening: connecting is refused at once
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def crawl(browser: Browser, site_url: str, paths: list[str]) -> list[Finding]:
    origin = urlsplit(site_url).netloc
    findings: list[Finding] = []
    current = {"path": ""}

    def is_local(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob", "about") or parts.netloc == origin

    def on_request(request: Request) -> None:
        if not is_local(request.url):
            findings.append(Finding(current["path"] or "(home)", "external-request",
                                    f"{request.resource_type} {request.url}"))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            findings.append(Finding(current["path"] or "(home)", "console-error", message.text[:300]))

    with dead_proxy() as proxy:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                      proxy={"server": proxy, "bypass": urlsplit(site_url).hostname})
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
            context.close()
    return findings
