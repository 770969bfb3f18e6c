"""Fixtures of the quality gates: a disposable copy of the built demo and one browser context."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def inject(site_dir: Path, page: str, snippet: str, before: str = "</article>") -> Path:
    """Put a deliberate defect into one page of a site copy (just before ``before``)."""
    file = site_dir / page
    html = file.read_text(encoding="utf-8")
    assert before in html, f"{page} has no {before}"
    file.write_text(html.replace(before, snippet + before, 1), encoding="utf-8")
    return file


@pytest.fixture
def site_copy(demo_site: Path, tmp_path: Path) -> Path:
    """A private copy of the built demo, for self-tests that plant defects."""
    return Path(shutil.copytree(demo_site, tmp_path / "site"))


@pytest.fixture
def context(browser):  # noqa: ANN001, ANN201
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield ctx
    ctx.close()
