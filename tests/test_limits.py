"""Hostile or broken input that used to crash or hang the build: YAML alias bombs, huge Markdown,
a folder named like a page, and every kind of MkDocs configuration error. Each gets a Chinese
message naming the file and line (or key), the contract's exit code, no traceback, and the
published site is untouched."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import copy_project, portal

BOMB = "\n".join(["a: &a [x, x, x, x, x, x, x, x, x]"] + [
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
    for i in range(8)])


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


@pytest.fixture
def published(project, demo_site):
    """A copy of the demo site as the live site each bad build must leave alone."""
    out = shutil.copytree(demo_site, project.parent / "site")
    return out, sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))


def first_policy(project):
    return sorted((project / "content" / "policies").glob("*.md"))[0]


@pytest.mark.parametrize("key", ["status", "checker"])
def test_an_alias_bomb_in_front_matter_is_refused_with_its_line(key, project, published):
    out, before = published
    policy = first_policy(project)
    text = policy.read_text(encoding="utf-8")
    bomb = BOMB + f"\n{key}: *i\n"
    policy.write_text(text.replace("---\n", "---\n" + bomb, 1), encoding="utf-8")
    result = portal("build", "--out", str(out), cwd=project)
    assert result.returncode == 1
    assert policy.name in result.stderr and "锚点" in result.stderr and "第 2 行" in result.stderr
    assert len(result.stderr) < 5000           # before: a 34.7 MB report after ~32 s
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before


def test_an_alias_bomb_in_mkdocs_yml_is_a_configuration_error(project):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\n" + BOMB + "\n", encoding="utf-8")
    result = portal("build", cwd=project)
    assert result.returncode == 2 and "mkdocs.yml" in result.stderr and "锚点" in result.stderr


def test_a_huge_markdown_page_is_refused_with_the_limit_and_the_setting(project, published):
    out, before = published
    page = project / "content" / "pages" / "huge.md"
    page.write_text("---\ntitle: 很长\ndate: 2026-01-01\n---\n" + "很长的正文。" * 200_000, encoding="utf-8")
    result = portal("build", "--out", str(out), cwd=project)
    assert result.returncode == 1
    assert "huge.md" in result.stderr and "file-too-large" in result.stderr
    assert "max_document_bytes" in result.stderr and "2.1 MB" in result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before


def test_the_document_size_cap_is_a_checked_setting(project):
    config = project / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^  portal:\n", "  portal:\n    max_document_bytes: 十兆\n",
                             config.read_text(encoding="utf-8")), encoding="utf-8")
    result = portal("build", cwd=project)
    assert result.returncode == 2 and "extra.portal.max_document_bytes" in result.stderr


def test_a_folder_named_like_a_page_is_an_input_error_not_a_crash(project, published):
    out, before = published
    (project / "content" / "policies" / "x.md").mkdir()
    result = portal("build", "--out", str(out), cwd=project)
    assert result.returncode == 1 and "x.md" in result.stderr and "不是普通文件" in result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before


@pytest.mark.parametrize("change, key, words", [
    (("custom_dir: site_templates/theme", "custom_dir: site_templates/missing"), "theme", "不存在"),
    (("use_directory_urls: true", "use_directory_urls: maybe"), "use_directory_urls", "true 或 false"),
    (("markdown_extensions:\n", "markdown_extensions:\n  - no_such_extension\n"), "markdown_extensions",
     "no_such_extension"),
    (("use_directory_urls: true", "use_directory_urls: true\nuse_directry_urls: false"), "use_directry_urls",
     "拼写错误"),
])
def test_every_mkdocs_configuration_error_exits_2_naming_the_key(change, key, words, project, published):
    out, before = published
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert change[0] in text
    config.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    result = portal("build", "--out", str(out), cwd=project)
    assert result.returncode == 2, result.stderr
    assert f"mkdocs.yml 中 {key} 有误" in result.stderr and words in result.stderr
    assert "Config value" not in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
