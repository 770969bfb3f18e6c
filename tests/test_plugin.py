"""The MkDocs adapter (generator/site/mkdocs_plugin.py): registered in mkdocs.yml, so a plain
``mkdocs build`` of this project cannot publish pages that skipped validation and sanitising."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.core.errors import ConfigError
from generator.core.settings import load_settings, project_paths
from generator.site.mkdocs_plugin import Banner, ThemeInputs, build_site
from tests.conftest import ROOT

PAYLOAD = '<script>alert(1)</script><p onclick="x()">正文</p>'


def plain_project(tmp_path: Path, config_text: str | None = None) -> Path:
    project = tmp_path / "p"
    shutil.copytree(ROOT / "site_templates", project / "site_templates")
    (project / "mkdocs.yml").write_text(config_text or (ROOT / "mkdocs.yml").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text(f"# 首页\n\n{PAYLOAD}\n", encoding="utf-8")
    return project


def test_a_plain_mkdocs_build_refuses_and_publishes_nothing(tmp_path):
    project = plain_project(tmp_path)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=project, capture_output=True, text=True)
    assert result.returncode != 0
    assert "portal build" in result.stderr
    assert not (project / "site").exists()


def test_staff_html_is_sanitised_and_the_theme_gets_its_typed_inputs(tmp_path):
    project = plain_project(tmp_path)
    (project / "docs" / "index.md").write_text(f"---\nportal_content: true\n---\n# 首页\n\n{PAYLOAD}\n", encoding="utf-8")
    settings = load_settings(project / "mkdocs.yml")
    site = tmp_path / "site"
    build_site(project_paths(project), project / "docs", site,
               ThemeInputs(settings, Banner(url="notices/x/", version="abc123")))
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "onclick" not in html and "正文" in html
    assert 'data-notice-version="abc123"' in html                           # the banner
    assert f"主办单位：{settings.footer.sponsor}" in html                  # the footer
    assert not (site / "404.html").exists()


def test_a_config_without_the_plugin_is_refused_before_building(tmp_path):
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("plugins:\n  - portal", "plugins: []")
    assert "plugins: []" in text
    project = plain_project(tmp_path, text)
    with pytest.raises(ConfigError, match="plugins"):
        build_site(project_paths(project), project / "docs", tmp_path / "site",
                   ThemeInputs(load_settings(project / "mkdocs.yml"), None))
    assert not (tmp_path / "site").exists()
