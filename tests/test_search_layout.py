"""The search index in parts (a large federated site, generator/site/search.py ``index_site``): the
same pages are indexed, the parts are checked like the single index, two runs are byte-identical,
and the search page merges the parts into the results one index would give."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from generator.site import search
from tests.conftest import ROOT, SiteServer


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def index_in_parts(demo_site: Path, site: Path, monkeypatch: pytest.MonkeyPatch, part_pages: int = 25) -> Path:
    """A copy of the demo site re-indexed with at most ``part_pages`` pages a Pagefind run."""
    shutil.copytree(demo_site, site, ignore=shutil.ignore_patterns("pagefind"))
    monkeypatch.setattr(search, "PART_PAGES", part_pages)
    search.index_site(site, ROOT)
    return site


@pytest.fixture(scope="module")
def parted_site(demo_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return index_in_parts(demo_site, tmp_path_factory.mktemp("parted") / "site", monkeypatch)


def test_split_parts_are_even_consecutive_and_never_over_the_size():
    pages = [Path(f"p{i:03d}") for i in range(101)]
    parts = search.split_parts(pages, 40)
    assert [len(p) for p in parts] == [33, 34, 34]
    assert [page for part in parts for page in part] == pages
    assert search.split_parts(pages[:40], 40) == [pages[:40]]


def test_parts_index_the_same_pages_as_one_run_and_pass_the_index_check(parted_site: Path, demo_site: Path):
    entry = json.loads((parted_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    parts = entry[search.PARTS_KEY]
    assert parts and all((parted_site / "pagefind" / part / "pagefind-entry.json").is_file() for part in parts)
    counts = [json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]["zh"]["page_count"]
              for folder in search.bundle_folders(parted_site)]
    assert len(counts) >= 3 and max(counts) <= 25
    assert set(search.page_hashes(parted_site)) == set(search.page_hashes(demo_site)), \
        "the parts together index exactly the pages one run indexes (pages excluded from search stay out)"
    assert search.check_index(parted_site) == []
    assert not list(parted_site.glob(".search-part-*")), "the hard-linked part folders are removed"
    # A district site indexed in one run lists no parts.
    assert search.PARTS_KEY not in json.loads((demo_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))


def test_a_damaged_part_is_reported(parted_site: Path, tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(parted_site, site)
    chunk = next((site / "pagefind" / "part-2" / "index").glob("*"))
    chunk.write_bytes(chunk.read_bytes()[:10])
    problems = search.check_index(site)
    assert any(f"pagefind/part-2/index/{chunk.name}" in p for p in problems), problems


def test_two_parted_indexes_are_byte_identical(parted_site: Path, demo_site: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch):
    again = index_in_parts(demo_site, tmp_path / "site", monkeypatch)
    assert _tree(again / "pagefind") == _tree(parted_site / "pagefind")


def _search(page: Page, url: str, query: str) -> tuple[set[str], dict[str, str]]:
    page.goto(f"{url}search/?q={quote(query)}")
    expect(page.locator("#portal-ss")).to_have_attribute("data-state", "done", timeout=15000)
    more = page.locator("#portal-ss-more")
    while more.is_visible():
        before = page.locator(".portal-ss__item").count()
        more.click()
        expect(page.locator(".portal-ss__item")).not_to_have_count(before)
    hrefs = page.locator(".portal-ss__link").evaluate_all("els => els.map(e => e.href)")
    counts = page.locator("#portal-ss-filters label").evaluate_all(
        "els => els.map(e => [e.querySelector('input').name + ':' + e.querySelector('input').value,"
        " e.querySelector('.portal-ss__count').textContent])")
    return {h.removeprefix(url).split("#")[0] for h in hrefs if h.startswith(url)}, dict(counts)


@pytest.mark.browser
@pytest.mark.parametrize("query", ["贷款", "应收账款"])
def test_search_page_merges_the_parts_into_the_same_results_and_counts(page: Page, site_url: str,
                                                                       parted_site: Path, query: str):
    server = SiteServer(parted_site)
    try:
        parted, parted_counts = _search(page, server.url, query)
        whole, whole_counts = _search(page, site_url, query)
    finally:
        server.stop()
    assert whole and parted == whole
    assert parted_counts == whole_counts
    assert re.search(r"找到 \d+ 条", page.locator("#portal-ss-status").inner_text())
