"""The one adapter to MkDocs and mkdocs-material: the ``portal`` plugin and the build call.

Nothing else in the package imports ``mkdocs``. The plugin is registered in ``mkdocs.yml``
(``plugins: [portal]``, entry point in ``pyproject.toml``), so it takes part in every MkDocs
build of this project, including a plain ``mkdocs build``:

- ``on_config`` refuses to build unless ``portal build`` handed it its inputs (a plain
  ``mkdocs build`` would publish unvalidated data and unsanitised staff HTML), and keeps the
  generated pages out of the navigation;
- ``on_env`` gives the theme templates their typed inputs as the ``portal`` global: the settings
  (footer, office, sample-data flag) and the warning banner;
- ``on_page_content`` sanitises the HTML rendered from staff Markdown (generator.content.sanitize);
- ``on_post_build`` removes MkDocs' 404 page.

Moving to a successor of MkDocs/Material touches this module and ``site_templates/theme`` only:
the pages it renders are Markdown files with HTML bodies written by generator.site.pages.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mkdocs import exceptions
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.plugins import BasePlugin

from generator.content.sanitize import CONTENT_FLAG, clean_html
from generator.core.errors import BuildError, ConfigError
from generator.core.settings import PortalSettings, ProjectPaths

# Generated pages stay out of the nav: 3,000 product pages in the nav cost minutes and GBs.
NOT_IN_NAV = ("/products/*", "/banks/*", "/policies/*", "/cases/*", "/notices/*", "/about.md", "/compare.md",
              "/guide.md", "/downloads/*")
PLUGIN_NAME = "portal"


@dataclass(frozen=True)
class Banner:
    """The site-wide warning banner: the notice it links to and a version that changes with it."""

    url: str
    version: str


@dataclass(frozen=True)
class ThemeInputs:
    """What the theme templates (main.html, portal-footer.html) read, as the ``portal`` global."""

    settings: PortalSettings
    banner: Banner | None


class PortalPlugin(BasePlugin):
    """MkDocs plugin ``portal``; ``inputs`` is set by ``build_site`` before the build runs."""

    def __init__(self) -> None:
        self.inputs: ThemeInputs | None = None

    def on_config(self, config):  # noqa: ANN001, ANN201 - MkDocs API
        if self.inputs is None:
            raise exceptions.PluginError(
                "本站只能用 portal build（或 make site）生成：它先校验银行数据和内容、净化内容中的 HTML，"
                "直接运行 mkdocs build 会跳过这些步骤。")
        import pathspec

        config["not_in_nav"] = pathspec.gitignore.GitIgnoreSpec.from_lines(NOT_IN_NAV)
        return config

    def on_env(self, env, config, files):  # noqa: ANN001, ANN201 - MkDocs API
        env.globals["portal"] = self.inputs
        return env

    def on_page_content(self, html: str, page, config, files):  # noqa: ANN001, ANN201 - MkDocs API
        # Staff Markdown may contain HTML; generated pages hold bank text only through autoescaping.
        return clean_html(html) if page.meta.get(CONTENT_FLAG) else html

    def on_post_build(self, config) -> None:  # noqa: ANN001 - MkDocs API
        # Without site_url MkDocs writes 404.html with site-root links ("/assets/..."), which break
        # under the sub-path a government portal hosts us at; the web server's own 404 page is used.
        (Path(config["site_dir"]) / "404.html").unlink(missing_ok=True)


def build_site(paths: ProjectPaths, docs_dir: Path, site_dir: Path, inputs: ThemeInputs) -> None:
    """Run MkDocs with the project's mkdocs.yml on ``docs_dir`` into ``site_dir``."""
    with _mkdocs_log_level(logging.WARNING):
        try:
            config = load_config(config_file=str(paths.mkdocs_yml), docs_dir=str(docs_dir),
                                 site_dir=str(site_dir))
        except exceptions.ConfigurationError as exc:
            raise ConfigError(f"mkdocs.yml 配置有误：{exc}") from exc
        plugin = config["plugins"].get(PLUGIN_NAME)
        if not isinstance(plugin, PortalPlugin):
            raise ConfigError("mkdocs.yml 中缺少 plugins: [portal]：没有它，内容页面中的 HTML 不会被净化。"
                              "请在 mkdocs.yml 的 plugins 下写 - portal。")
        plugin.inputs = inputs
        try:
            build(config)
        except exceptions.MkDocsException as exc:
            raise BuildError(f"MkDocs 报错：{exc}") from exc


@contextlib.contextmanager
def _mkdocs_log_level(level: int) -> Iterator[None]:
    """MkDocs' INFO lines are noise in our report; restore the level so other code is unaffected."""
    logger = logging.getLogger("mkdocs")
    before = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(before)
