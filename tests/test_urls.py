"""The URL map (generator/core/urls.py) against the built demo: every address it produces is a file
the site has, and every page the site has is an address the map produces."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.commands.build import load_input
from generator.core import urls
from generator.core.settings import project_paths
from generator.site import feeds
from generator.site.model import LIST_PAGE_SIZE, SiteModel, make_model
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def model() -> SiteModel:
    loaded = load_input(project_paths(ROOT))
    schema = loaded.catalog.schema
    return make_model(loaded.catalog, loaded.content, loaded.settings, schema.titles, dt.date.today(), schema.vocab)


def page_urls(model: SiteModel) -> set[str]:
    pages = {urls.HOME, urls.SEARCH, urls.COMPARE, urls.GUIDE, urls.BANKS, urls.POLICIES, urls.CASES, urls.NOTICES,
             urls.DOWNLOADS}
    pages |= {urls.product_list(n) for n in range(1, -(-len(model.products) // LIST_PAGE_SIZE) + 1)}
    pages |= {urls.product(p.product_id) for p in model.products}
    pages |= {urls.bank(b.bank_id) for b in model.banks}
    pages |= {d.url for d in model.content.all()}
    return pages


def file_urls() -> set[str]:
    files = {urls.PRODUCTS_CSV, urls.PRODUCTS_XLSX, urls.PRODUCTS_JSON, urls.DATAPACKAGE, urls.FINDER_INDEX,
             urls.FINDER_SEARCH_MAP, urls.FINDER_QUERIES, urls.FINDER_CARDS.format(n=0), f"{urls.PAGEFIND}pagefind.js"}
    return files | {urls.feed(section) for section in feeds.FEEDS}


def test_every_page_the_map_produces_exists(demo_site: Path, model: SiteModel):
    missing = sorted(u for u in page_urls(model) if not (demo_site / u / "index.html").is_file())
    assert not missing
    assert len(page_urls(model)) > len(model.products) + len(model.banks) > 40


def test_every_file_the_map_produces_exists(demo_site: Path):
    assert sorted(u for u in file_urls() if not (demo_site / u).is_file()) == []


def test_every_page_of_the_site_comes_from_the_map(demo_site: Path, model: SiteModel):
    built = {p.parent.relative_to(demo_site).as_posix().removeprefix(".") + "/" for p in demo_site.rglob("index.html")}
    built = {u.removeprefix("/") for u in built}
    assert built - page_urls(model) == set()


@pytest.mark.parametrize(("url", "source"), [
    (urls.HOME, "index.md"), (urls.PRODUCTS, "products/index.md"), (urls.product_list(2), "products/page/2.md"),
    (urls.product("icbc-x"), "products/icbc-x.md"), (urls.SEARCH, "search.md"), (urls.bank("abc"), "banks/abc.md"),
    (urls.document(urls.document_slug("policy", "2026-x")), "policies/2026-x.md"),
    (urls.document(urls.document_slug("page", "about")), "about.md"),
])
def test_each_url_is_written_from_the_markdown_file_mkdocs_turns_into_it(url: str, source: str):
    assert urls.source(url) == source
