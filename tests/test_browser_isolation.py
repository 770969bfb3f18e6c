"""The ``page`` fixture's shared browser context (tests/conftest.py SharedContext): what one test
stores is gone before the next one starts, so sharing the context cannot make tests depend on
each other."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_what_a_test_stored_is_gone_for_the_next_one(shared_context, site_url):
    first = shared_context.new_page()
    first.goto(site_url)
    first.locator(".portal-elder-toggle").click()          # the site's own use of local storage
    first.evaluate("""() => { sessionStorage.setItem('answered', '1'); document.cookie = 'seen=1';
                             indexedDB.open('portal-test'); }""")
    assert first.evaluate("localStorage.length") > 0
    shared_context.reset()

    assert first.is_closed()
    second = shared_context.new_page()
    second.goto(site_url)
    assert second.evaluate("[localStorage.length, sessionStorage.length, document.cookie]") == [0, 0, ""]
    assert second.evaluate("indexedDB.databases().then(dbs => dbs.map(d => d.name))") == []
    assert not second.evaluate("document.documentElement.classList.contains('portal-elder')")
    shared_context.reset()
