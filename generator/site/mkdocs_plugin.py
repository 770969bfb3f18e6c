"""The mkdocs-material build of the staging docs folder."""

from __future__ import annotations

import logging
from pathlib import Path

from generator.site import assets
from generator.core.settings import ConfigError, ProjectPaths

# Generated pages stay out of the nav: 3,000 product pages in the nav cost minutes and GBs.
NOT_IN_NAV = "\n".join(["/products/*", "/banks/*", "/policies/*", "/cases/*", "/notices/*",
                        "/about.md", "/compare.md", "/guide.md", "/downloads/*"])


class SiteBuildError(Exception):
    pass


def copy_assets(paths: ProjectPaths, docs_dir: Path) -> None:
    assets.copy_assets(paths.templates / "assets", docs_dir / "assets")


def build_site(paths: ProjectPaths, docs_dir: Path, site_dir: Path, runtime: dict) -> None:
    """Run MkDocs on ``docs_dir`` into ``site_dir`` with the project's mkdocs.yml."""
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.content.sanitize import ContentSanitizer

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(config_file=str(paths.mkdocs_yml), docs_dir=str(docs_dir),
                             site_dir=str(site_dir))
    except exceptions.ConfigurationError as exc:
        raise ConfigError(f"mkdocs.yml 配置有误：{exc}") from exc
    config["not_in_nav"] = _pathspec(NOT_IN_NAV)
    config["extra"]["portal_build"] = runtime
    # Staff Markdown may contain HTML: sanitise it after rendering (see generator.content.sanitize).
    config["plugins"]["portal-sanitize"] = ContentSanitizer()
    try:
        build(config)
    except exceptions.MkDocsException as exc:
        raise SiteBuildError(f"站点生成失败：{exc}") from exc
    # Without site_url MkDocs writes 404.html with site-root links ("/assets/..."), which break
    # under the sub-path a government portal hosts us at; the web server's own 404 page is used.
    (site_dir / "404.html").unlink(missing_ok=True)


def _pathspec(text: str):  # noqa: ANN202
    import pathspec

    return pathspec.gitignore.GitIgnoreSpec.from_lines(text.splitlines())
