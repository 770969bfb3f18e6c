"""The URL map: every page and file the site publishes, as a path relative to the site root.

Pages, templates (the ``urls`` global), downloads, feeds, the sitemap, the finder, share tags
and the change report all take their addresses from here. Templates prefix ``root`` (relative
links work under any sub-path); feeds, the sitemap and QR codes prefix ``base_url``.
Directory URLs (``products/x/``) are MkDocs' ``use_directory_urls``: ``source()`` names the
Markdown file that MkDocs turns into the page.
"""

from __future__ import annotations

HOME = ""
SEARCH = "search/"
PRODUCTS = "products/"          # the finder; static pages of 30 for browsers without JavaScript
COMPARE = "compare/"
GUIDE = "guide/"                # 帮我选
BANKS = "banks/"
POLICIES = "policies/"
CASES = "cases/"
NOTICES = "notices/"
DOWNLOADS = "downloads/"
ABOUT = "about/"
REGIONS = "regions/"            # 区县概览: only on a federated (city or province) portal

# Where each kind of staff document lives; pages ("page") sit at the site root.
DOCUMENT_SECTIONS = {"policy": "policies", "case": "cases", "notice": "notices", "page": ""}


def product(product_id: str) -> str:
    return f"{PRODUCTS}{product_id}/"


def product_list(number: int) -> str:
    """Page ``number`` (from 1) of the static product list."""
    return PRODUCTS if number == 1 else f"{PRODUCTS}page/{number}/"


def bank(bank_id: str) -> str:
    return f"{BANKS}{bank_id}/"


def document_slug(kind: str, name: str) -> str:
    """The path of a staff document (``policies/2026-x``) from its kind and file name."""
    section = DOCUMENT_SECTIONS[kind]
    return f"{section}/{name}" if section else name


def document(slug: str) -> str:
    return f"{slug}/"


# The open-data downloads (generator.site.exports).
PRODUCTS_CSV = f"{DOWNLOADS}products.csv"
PRODUCTS_XLSX = f"{DOWNLOADS}products.xlsx"
PRODUCTS_JSON = f"{DOWNLOADS}products.json"     # also read by the compare page and the change report
DATAPACKAGE = f"{DOWNLOADS}datapackage.json"
BANKS_CSV = f"{DOWNLOADS}banks.csv"             # the bank registry, as the levels above need it
CONTENT_JSON = f"{DOWNLOADS}content.json"       # policies, cases and notices: titles, dates, addresses


# The finder's data (generator.site.finder) and the Pagefind bundle (generator.site.search).
FINDER_INDEX = "assets/data/finder.json"
FINDER_SEARCH_MAP = "assets/data/finder-search.json"
FINDER_QUERIES = "assets/data/finder-queries.json"
FINDER_CARDS = "assets/data/finder-cards-{n}.json"    # {n} is filled in by the browser
FINDER_PART = "assets/data/finder-{part}.json"        # a federated finder's filter/sort columns
PAGEFIND = "pagefind/"


def feed(section: str) -> str:
    return f"{section}/feed.xml"


# Section landing pages are written as folder/index.md (MkDocs' section index).
SECTION_INDEXES = {PRODUCTS, BANKS, POLICIES, CASES, NOTICES, DOWNLOADS}


def source(url: str) -> str:
    """The Markdown file (relative to MkDocs' docs_dir) that becomes the page at ``url``."""
    if url == HOME:
        return "index.md"
    path = url.removesuffix("/")
    return f"{path}/index.md" if url in SECTION_INDEXES else f"{path}.md"
