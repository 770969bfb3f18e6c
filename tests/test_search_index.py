"""The Pagefind search index: page hashes, determinism, and a missing binary."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page

from generator.site import search
from generator.site.search import SearchIndexError, page_hashes
from tests.conftest import ROOT, portal


def test_every_product_page_has_a_pagefind_hash(demo_site: Path):
    hashes = page_hashes(demo_site)
    products = json.loads((demo_site / "downloads" / "products.json").read_text(encoding="utf-8"))["products"]
    assert len(products) >= 10
    for product in products:
        assert product["url"] == f"products/{product['product_id']}/"
        assert re.fullmatch(r"zh_[0-9a-f]+", hashes.get(product["url"], "")), product["url"]
    assert all(not url.startswith("/") for url in hashes)
    assert len(set(hashes.values())) == len(hashes), "one hash per page"


@pytest.mark.browser
def test_page_hashes_are_the_ids_of_pagefind_js_results(page: Page, site_url: str, demo_site: Path):
    """应收账款 is the word Pagefind 1.5.2 could not find; 1.6 finds every product that has it."""
    hashes = page_hashes(demo_site)
    products = json.loads((demo_site / "downloads" / "products.json").read_text(encoding="utf-8"))["products"]
    expected = {hashes[p["url"]] for p in products if "应收账款" in p["name"] + p["summary"] + p["eligibility"]}
    assert expected, "the demo data should contain the word"
    page.goto(site_url)   # any page of the site: the same origin as pagefind.js
    ids = page.evaluate("""async (word) => {
        const pf = await import('/pagefind/pagefind.js');
        await pf.options({ basePath: '/pagefind/' });
        const search = await pf.search(word);
        return search.results.map((r) => r.id);
    }""", "应收账款")
    assert expected <= set(ids)
    assert set(ids) <= set(hashes.values())


def _write_fragment(path: Path, document: dict) -> None:
    path.write_bytes(gzip.compress(b"pagefind_dcd" + json.dumps(document).encode("utf-8")))


def test_page_hashes_reads_single_fragments_and_fragment_groups(tmp_path: Path):
    folder = tmp_path / "pagefind" / "fragment"
    folder.mkdir(parents=True)
    _write_fragment(folder / "zh_00aa11.pf_fragment", {"url": "/products/a/", "content": "甲"})
    _write_fragment(folder / "zh_group01.pf_fragment", {"zh_00bb22": {"url": "/products/b/", "content": "乙"},
                                                        "zh_00cc33": {"url": "/", "content": "首页"}})
    assert page_hashes(tmp_path) == {"products/a/": "zh_00aa11", "products/b/": "zh_00bb22", "": "zh_00cc33"}


def test_page_hashes_of_a_real_index_with_fragment_groups(demo_site: Path, tmp_path: Path):
    """Pagefind 1.6 bundles fragments into ``<lang>_group_<hex>`` files past ``--max-fragments``."""
    site = tmp_path / "site"
    shutil.copytree(demo_site, site, ignore=shutil.ignore_patterns("pagefind"))
    binary = search.pagefind_executable(ROOT)
    subprocess.run([str(binary), "--site", str(site), "--force-language", "zh", "--max-fragments", "5",
                    "--quiet"], check=True, capture_output=True)
    files = list((site / "pagefind" / "fragment").glob("*.pf_fragment"))
    assert 0 < len(files) <= 5, "the fragments were grouped"
    assert page_hashes(site) == page_hashes(demo_site), "page hashes do not depend on grouping"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_search_index_is_byte_identical_across_builds(demo_site: Path, rebuilt_demo):
    """The session's demo build and a second build of the same input (tests/conftest.py)."""
    one, two = _tree(demo_site / "pagefind"), _tree(rebuilt_demo[0] / "pagefind")
    assert len(one) > 10
    assert one.keys() == two.keys()
    differing = [name for name in one if one[name] != two[name]]
    assert not differing, f"index files differ between two builds of the same input: {differing[:10]}"


def test_missing_pagefind_binary_is_a_configuration_error(tmp_path: Path):
    out = tmp_path / "out"
    result = portal("build", "--out", str(out), env={"PORTAL_PAGEFIND": str(tmp_path / "no-such-pagefind")})
    assert result.returncode == 2, result.stderr
    assert "PORTAL_PAGEFIND" in result.stderr and "Pagefind" in result.stderr
    assert re.search(r"[\u4e00-\u9fff]", result.stderr)
    assert not out.exists()
    assert not list(tmp_path.glob(".out.staging-*")), "the staging folder is removed"


def test_missing_npm_install_names_npm_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("PORTAL_PAGEFIND", raising=False)
    monkeypatch.setattr(search, "_CHECKOUT", tmp_path / "checkout")
    with pytest.raises(SearchIndexError, match="npm ci"):
        search.pagefind_executable(tmp_path / "project")


def test_binary_is_found_in_the_project_then_in_the_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("PORTAL_PAGEFIND", raising=False)
    project, checkout = tmp_path / "project", tmp_path / "checkout"
    monkeypatch.setattr(search, "_CHECKOUT", checkout)
    in_checkout = search._binary_in(checkout)
    in_checkout.parent.mkdir(parents=True)
    in_checkout.write_bytes(b"")
    assert search.pagefind_executable(project) == in_checkout
    in_project = search._binary_in(project)
    in_project.parent.mkdir(parents=True)
    in_project.write_bytes(b"")
    assert search.pagefind_executable(project) == in_project
    assert "node_modules/@pagefind/" in in_project.as_posix() and in_project.parent.name == "bin"
