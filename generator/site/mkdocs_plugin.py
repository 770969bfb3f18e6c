"""The one adapter to MkDocs and mkdocs-material: the ``portal`` plugin and the build call.

Nothing else in the package imports ``mkdocs``. The plugin is registered in ``mkdocs.yml``
(``plugins: [portal]``, entry point in ``pyproject.toml``), so it takes part in every MkDocs
build of this project, including a plain ``mkdocs build``:

- ``on_config`` refuses to build unless ``portal build`` handed it its inputs (a plain
  ``mkdocs build`` would publish unvalidated data and unsanitised staff HTML), and keeps the
  generated pages out of the navigation;
- ``on_env`` gives the theme templates their typed inputs as the ``portal`` global: the settings
  (footer, office, sample-data flag) and the warning banner;
- ``on_page_markdown``/``on_page_content`` skip Python-Markdown for generated pages (their body is
  already HTML) and sanitise the HTML rendered from staff Markdown (generator.content.sanitize);
- ``on_post_page`` puts the Content-Security-Policy into each page as it is written (generator.site.csp);
- ``on_post_build`` writes ``_headers`` and removes MkDocs' 404 page.

Moving to a successor of MkDocs/Material touches this module and ``site_templates/theme`` only:
the pages it renders are Markdown files with HTML bodies written by generator.site.pages.
"""

from __future__ import annotations

import contextlib
import logging
import re
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
from generator.site import csp

# Generated pages stay out of the nav: 3,000 product pages in the nav cost minutes and GBs.
NOT_IN_NAV = ("/products/*", "/banks/*", "/policies/*", "/cases/*", "/notices/*", "/about.md", "/compare.md",
              "/guide.md", "/downloads/*", "/regions.md")
PLUGIN_NAME = "portal"
# An ATX heading ("# 帮我选 { #id }") at the start of a line: the one Markdown a page template uses.
_MARKDOWN_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]", re.MULTILINE)


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
        self._html_bodies: dict[str, str] = {}    # generated page (src_uri) → its HTML body
        self._script_hashes: set[str] = set()     # every inline script the CSP allows, for _headers
        self._copied_pages: list[Path] = []       # .html files in docs: copied as they are, not rendered

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

    def on_pre_build(self, config) -> None:  # noqa: ANN001 - MkDocs API
        # `portal serve` builds again with the same plugin object: start each build empty.
        self._html_bodies.clear()
        self._script_hashes.clear()

    def on_files(self, files, config):  # noqa: ANN001, ANN201 - MkDocs API
        # static_pages() also lists .json/.xml files; only HTML takes a CSP.
        self._copied_pages = [Path(file.abs_dest_path) for file in files.static_pages()
                              if file.src_uri.endswith((".html", ".htm"))]
        return files

    def on_page_markdown(self, markdown: str, page, config, files):  # noqa: ANN001, ANN201 - MkDocs API
        # A generated page's body is finished HTML (generator.site.pages). Python-Markdown would only
        # pass it through its raw-HTML stash, at ~40 % of the MkDocs time; it gets an empty document
        # and the body comes back in on_page_content. Headings in HTML never fed the table of
        # contents, so its TOC stays empty; a template that writes a Markdown heading (guide.html:
        # its TOC gives Material's skip link) is still converted.
        if page.meta.get(CONTENT_FLAG) or _MARKDOWN_HEADING.search(markdown):
            return markdown
        self._html_bodies[page.file.src_uri] = markdown
        return ""

    def on_page_content(self, html: str, page, config, files):  # noqa: ANN001, ANN201 - MkDocs API
        # Staff Markdown may contain HTML; generated pages hold bank text only through autoescaping.
        if page.meta.get(CONTENT_FLAG):
            return clean_html(html)
        return self._html_bodies.pop(page.file.src_uri, html).strip()

    def on_post_page(self, output: str, page, config):  # noqa: ANN001, ANN201 - MkDocs API
        # The policy goes in while MkDocs holds the page, instead of re-reading every written file.
        output, hashes = csp.add_policy(output)
        self._script_hashes |= hashes
        return output

    def on_post_build(self, config) -> None:  # noqa: ANN001 - MkDocs API
        site_dir = Path(config["site_dir"])
        # Without site_url MkDocs writes 404.html with site-root links ("/assets/..."), which break
        # under the sub-path a government portal hosts us at; the web server's own 404 page is used.
        (site_dir / "404.html").unlink(missing_ok=True)
        # An .html file in docs is copied, not rendered, so on_post_page never saw it.
        self._script_hashes |= csp.apply_policy([path for path in self._copied_pages if path.is_file()])
        csp.write_headers(site_dir, self._script_hashes)


def build_site(paths: ProjectPaths, docs_dir: Path, site_dir: Path, inputs: ThemeInputs, *,
               dirty: bool = False) -> None:
    """Run MkDocs with the project's mkdocs.yml on ``docs_dir`` into ``site_dir``.

    ``dirty`` (the preview's rebuilds): keep ``site_dir`` and render only the pages whose source is
    newer than their output; the caller rewrites only changed sources and removes vanished pages."""
    with _mkdocs_log_level(logging.WARNING):
        records = _ConfigProblems()
        config_log = logging.getLogger("mkdocs.config")
        config_log.addHandler(records)
        try:
            config = load_config(config_file=str(paths.mkdocs_yml), docs_dir=str(docs_dir),
                                 site_dir=str(site_dir))
        except (exceptions.ConfigurationError, exceptions.Abort) as exc:
            raise ConfigError(config_error_message(paths.mkdocs_yml.name, records.problems, str(exc))) from None
        finally:
            config_log.removeHandler(records)
        if records.problems:   # only warnings, e.g. a misspelt key MkDocs would silently ignore
            raise ConfigError(config_error_message(paths.mkdocs_yml.name, records.problems, ""))
        plugin = config["plugins"].get(PLUGIN_NAME)
        if not isinstance(plugin, PortalPlugin):
            raise ConfigError("mkdocs.yml 中缺少 plugins: [portal]：没有它，内容页面中的 HTML 不会被净化。"
                              "请在 mkdocs.yml 的 plugins 下写 - portal。")
        plugin.inputs = inputs
        build_log = logging.getLogger("mkdocs.commands.build")
        quiet = _DirtyWarning()
        build_log.addFilter(quiet)
        try:
            build(config, dirty=dirty)
        except exceptions.MkDocsException as exc:
            raise BuildError(f"MkDocs 报错：{exc}") from exc
        finally:
            build_log.removeFilter(quiet)


class _DirtyWarning(logging.Filter):
    """MkDocs warns on every dirty build that navigation may be stale: ours is fixed in mkdocs.yml,
    and a change to it makes the preview rebuild in full, so the line is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


class _ConfigProblems(logging.Handler):
    """Collects MkDocs' "Config value 'key': problem" lines: its only report of configuration errors
    (it logs them, then raises Abort, a SystemExit with code 1)."""

    PATTERN = re.compile(r"^Config value '(?P<key>[^']+)': (?P<problem>.*)$", re.DOTALL)

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.problems: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        match = self.PATTERN.match(record.getMessage())
        if match is None:
            return
        problem = match["problem"]
        # Deprecation notes are MkDocs' business; errors and unknown keys are the project's.
        if record.levelno >= logging.ERROR or problem.startswith("Unrecognised"):
            self.problems.append((match["key"], problem))


_TYPE_ZH = {"bool": "true 或 false", "str": "文字", "int": "整数", "float": "数字", "list": "列表",
            "dict": "“键: 值”设置", "NoneType": "空值"}
# MkDocs' wording (English) → what the staff member should know, in Chinese.
_PROBLEMS_ZH = (
    (re.compile(r"Expected type: <class '(\w+)'> but received: <class '(\w+)'>"),
     lambda m: f"应为 {_TYPE_ZH.get(m[1], m[1])}，实际写的是{_TYPE_ZH.get(m[2], m[2])}"),
    (re.compile(r"The path set in custom_dir \('(.+?)'\) does not exist"),
     lambda m: f"custom_dir 指定的文件夹 {m[1]} 不存在；本项目应为 site_templates/theme"),
    (re.compile(r"Failed to load extension '(.+?)'"),
     lambda m: f"无法加载 Markdown 扩展“{m[1]}”：名称写错了或没有安装"),
    (re.compile(r"Unrecognised configuration name: (\S+)"),
     lambda m: "MkDocs 没有这个设置项（可能是拼写错误），这一项不会生效；请改正或删除"),
    (re.compile(r"Unrecognised theme name: '(.+?)'"), lambda m: f"主题“{m[1]}”不存在；本项目使用 material"),
    (re.compile(r"The configuration option '(.+?)' was not found|Required configuration not provided"),
     lambda m: "缺少这一必填设置"),
)


def config_error_message(file_name: str, problems: list[tuple[str, str]], fallback: str) -> str:
    """One Chinese sentence per problem, each naming the mkdocs.yml key."""
    lines = []
    for key, problem in problems:
        first = problem.strip().splitlines()[0] if problem.strip() else problem
        for pattern, say in _PROBLEMS_ZH:
            match = pattern.search(first)
            if match:
                lines.append(f"{file_name} 中 {key} 有误：{say(match)}。")
                break
        else:
            lines.append(f"{file_name} 中 {key} 有误（MkDocs 提示：{first}）。")
    if not lines:
        lines.append(f"{file_name} 配置有误（MkDocs 提示：{fallback}）。")
    return "".join(lines) + "请对照 README“站点设置”一节改正。"


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
