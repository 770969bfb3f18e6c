"""Which pages of a built site the browser gates visit."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

SEARCH_QUERY = "信用贷款"
# The site search page (search/, assets/search.js): its field and one link per result.
SEARCH_FIELD = "#portal-ss-q"
SEARCH_RESULT_LINK = ".portal-ss__link"


def html_files(site_dir: Path) -> list[Path]:
    """Every HTML page of a built site, in a stable order (Pagefind's folder holds only its index).

    The one list of pages every gate and check walks: a page kind added to the site is audited
    by all of them at once."""
    return [page for page in sorted(site_dir.rglob("*.html"))
            if page.relative_to(site_dir).parts[0] != "pagefind"]


def page_path(site_dir: Path, page: Path) -> str:
    """The URL path ("", "products/", …) of one of :func:`html_files`."""
    return page.relative_to(site_dir).as_posix().removesuffix("index.html")


def every_page(site_dir: Path) -> list[str]:
    """URL paths ("", "products/", …) of every HTML page, in a stable order."""
    return [page_path(site_dir, page) for page in html_files(site_dir)]


def search_with_results(query: str = SEARCH_QUERY) -> str:
    return f"search/?q={quote(query)}"


def _first_child_page(site_dir: Path, section: str, exclude: tuple[str, ...] = ()) -> str | None:
    folder = site_dir / section
    if not folder.is_dir():
        return None
    for child in sorted(folder.iterdir()):
        if child.name not in exclude and (child / "index.html").is_file():
            return f"{section}/{child.name}/"
    return None


def representatives(site_dir: Path) -> dict[str, str]:
    """One page of every kind the site has (kind -> URL path); new kinds appear as they land."""
    kinds: dict[str, str | None] = {
        "home": "",
        "search-results": search_with_results(),
        "product-list": "products/",
        "product": _first_child_page(site_dir, "products"),
        "bank-list": "banks/",
        "bank": _first_child_page(site_dir, "banks"),
        "policy-list": "policies/",
        "policy": _first_child_page(site_dir, "policies"),
        "case-list": "cases/",
        "case": _first_child_page(site_dir, "cases"),
        "notice-list": "notices/",
        "notice": _first_child_page(site_dir, "notices", exclude=("illegal-intermediaries",)),
        "intermediary-notice": "notices/illegal-intermediaries/",
        "mechanism": "mechanism/",
        "about": "about/",
    }
    known = {path.split("/")[0] for path in kinds.values() if path}
    # Any other top-level page (compare/, downloads/, …) is a kind of its own.
    for child in sorted(site_dir.iterdir()):
        if child.is_dir() and child.name not in known and (child / "index.html").is_file() \
                and child.name not in ("search", "pagefind", "assets"):
            kinds[child.name] = f"{child.name}/"
    products = sorted(p.name for p in (site_dir / "products").iterdir() if (p / "index.html").is_file()) \
        if (site_dir / "products").is_dir() else []
    if (site_dir / "compare" / "index.html").is_file() and len(products) >= 2:
        # The comparison table is built in the browser; audit it filled, not only its empty state.
        kinds["compare-table"] = f"compare/?ids={products[0]},{products[1]}"
        kinds["product-list-filtered"] = "products/?customer=" + quote("家庭农场") + "&sort=rate"
        # Plain-language query (chips, the interpretation note) and the empty state's suggestions.
        kinds["product-list-query"] = "products/?q=" + quote("不要抵押 个体户")
        kinds["product-list-empty"] = "products/?online=1&amount=99999999"
    return {kind: path for kind, path in kinds.items()
            if path is not None and (site_dir / path.split("?")[0] / "index.html").is_file()}
