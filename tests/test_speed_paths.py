"""The build's fast paths give what the slow ones gave: the pre-publish page check and the CSP read
only the tags that matter (not a full HTML parse of every page), and generated pages skip
Python-Markdown (their bodies are HTML already). bench/build_bench.py measures the speed."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import markdown
import yaml

from generator.content.sanitize import CONTENT_FLAG
from generator.release import checks
from generator.site import csp
from generator.site.mkdocs_plugin import PortalPlugin
from tests.conftest import ROOT


def _site(tmp_path: Path, pages: dict[str, str]) -> Path:
    for rel, html in pages.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(html, encoding="utf-8")
    return tmp_path


def test_site_check_finds_external_fetches_however_written_and_only_real_tags(tmp_path):
    fetches = ('<html lang="zh"><head><link rel="canonical" href="https://portal.example/x/">'
               '<LINK REL=stylesheet HREF="//cdn.example/a.css"></head><body>'
               '<img/src="&#104;ttps://evil.example/p.png">'          # a character reference
               '<source srcset=" http://evil.example/s.webp">'
               '<div data-x="a>b" style="background: url(//evil.example/bg.png)">x</div>'
               '<form action="https://evil.example/post"></form>'
               '<a href="https://bank.example/apply">申请</a></body></html>')
    inert = ('<html lang="zh"><body><!-- <img src="https://evil.example/c.png"> -->'
             '<div title="<img src=//evil.example/attr.png>">x</div>'
             '<script>document.write("<img src=//evil.example/js.png>")</script>'
             '<script src="../assets/portal.js"></script></body></html>')
    site = _site(tmp_path, {"a/index.html": fetches, "b/index.html": inert,
                            "c/index.html": '<html lang="en"><body></body></html>'})
    assert checks.check_site(site) == [
        "a/index.html：引用了外部资源 <link href=//cdn.example/a.css>",
        "a/index.html：引用了外部资源 <img src=https://evil.example/p.png>",
        "a/index.html：引用了外部资源 <source srcset= http://evil.example/s.webp>",
        "a/index.html：引用了外部资源 <div style> background: url(//evil.example/bg.png)",
        "a/index.html：引用了外部资源 <form action=https://evil.example/post>",
        "c/index.html：<html lang> 为“en”，应为 zh。",
    ]


def test_csp_hashes_only_theme_scripts_outside_the_article():
    html = ('<html><head><meta charset="utf-8"><SCRIPT>theme()</SCRIPT><!-- <script>comment()</script> -->'
            '</head><body><div title="</article>"></div><article class="md-content__inner">'
            '<p title="</article>">x</p><script>injected()</script></article>'
            '<script type="application/json">{}</script><script src="a.js"></script></body></html>')
    scripts = csp.inline_scripts(html)
    assert scripts.theme == ["theme()"] and scripts.in_article == ["injected()"]
    page, hashes = csp.add_policy(html)
    assert hashes == {csp.script_hash("theme()")}
    assert page.startswith(f'<html><head><meta charset="utf-8">{csp.meta_element(hashes)}<SCRIPT>')


def test_every_built_page_allows_exactly_its_theme_scripts_and_headers_allow_them_all(demo_site):
    meta = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
    every: set[str] = set()
    for page in sorted(demo_site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        policies = meta.findall(html)
        assert len(policies) == 1, page
        hashes = {csp.script_hash(text) for text in csp.inline_scripts(html).theme}
        assert policies[0] == csp.policy(hashes), page
        assert re.search(r'<meta charset="utf-8">\s*<meta http-equiv="Content-Security-Policy"', html), page
        every |= hashes
    assert every, "Material's inline scripts are allowed by hash"
    headers = (demo_site / csp.HEADERS_FILE).read_text(encoding="utf-8")
    assert f"Content-Security-Policy: {csp.policy(every, for_header=True)}\n" in headers


def _between_tags(html: str) -> str:
    # Python-Markdown puts a line break between some adjacent blocks; browsers ignore that space.
    return re.sub(r">\s+<", "><", html.strip())


def _assert_generated_pages_render_as_markdown_would(project: Path, docs: Path) -> None:
    from generator.commands.build import build_date, load_input, render_docs
    from generator.core.settings import project_paths
    from generator.site.model import make_model

    paths = project_paths(project)
    loaded = load_input(paths, today=build_date())
    schema = loaded.catalog.schema
    model = make_model(loaded.catalog, loaded.content, loaded.settings, schema.titles, build_date(), schema.vocab)
    written = render_docs(docs, paths, loaded, model)
    extensions = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))["markdown_extensions"]
    names = [next(iter(e)) if isinstance(e, dict) else e for e in extensions]
    configs = {next(iter(e)): e[next(iter(e))] for e in extensions if isinstance(e, dict)}
    plugin = PortalPlugin()
    skipped = 0
    for source in sorted(docs.rglob("*.md")):
        _, front, body = source.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        if meta.get(CONTENT_FLAG):
            continue
        page = SimpleNamespace(meta=meta, file=SimpleNamespace(src_uri=source.relative_to(docs).as_posix()))
        given = plugin.on_page_markdown(body, page, None, None)
        skipped += given == ""
        rendered = plugin.on_page_content(markdown.markdown(given, extensions=names, extension_configs=configs),
                                          page, None, None)
        expected = markdown.markdown(body, extensions=names, extension_configs=configs)
        assert _between_tags(rendered) == _between_tags(expected), source
    assert skipped >= len(written) - len(loaded.content.all()) - 1   # all but guide.html (a Markdown heading)


def test_generated_pages_skip_markdown_and_render_as_markdown_would(tmp_path):
    _assert_generated_pages_render_as_markdown_would(ROOT, tmp_path)


def test_bank_text_with_markup_renders_as_markdown_would_on_generated_pages(hostile_site, tmp_path):
    # XSS payloads, formulas, <b>, {{ }} and Markdown-looking text in every bank field and the registry.
    _assert_generated_pages_render_as_markdown_would(hostile_site.project, tmp_path)
