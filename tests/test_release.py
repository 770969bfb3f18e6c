"""Releases staff can trust: reproducible output, valid open data, a manifest, one build per --out,
leftovers of killed builds cleaned, a complete search index, Chinese OS-error messages and the
HTML review page. (Killing builds at each stage: tests/test_crash.py.)"""

from __future__ import annotations

import datetime as dt
import errno
import json
import shutil
from pathlib import Path

import pytest

import generator
from generator.commands.build import build_portal
from generator.commands.errors import as_portal_error
from generator.core.settings import project_paths
from generator.release import publish
from generator.release.manifest import MANIFEST
from generator.site import search
from tests.conftest import build_project, copy_project, edit_product, file_digests, portal


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """The demo built twice from copies in two different folders."""
    first = copy_project(tmp_path_factory.mktemp("a") / "one" / "project")
    second = copy_project(tmp_path_factory.mktemp("b") / "another-folder" / "copy")
    return build_project(first, first / "site"), build_project(second, second / "out")


def test_the_same_inputs_in_another_folder_give_byte_identical_output(two_builds):
    first, second = two_builds
    a, b = file_digests(first), file_digests(second)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
    assert "downloads/products.xlsx" in a and MANIFEST in a


def test_the_build_date_does_not_change_the_downloads(tmp_path):
    """Dates in downloads come from the data, not the clock (before: four files changed)."""
    project = copy_project(tmp_path / "project")
    today = dt.date.today()
    build_portal(project_paths(project, out=tmp_path / "today"), today=today)
    build_portal(project_paths(project, out=tmp_path / "tomorrow"), today=today + dt.timedelta(days=1))
    assert file_digests(tmp_path / "today" / "downloads") == file_digests(tmp_path / "tomorrow" / "downloads")


def test_source_date_epoch_sets_the_release_stamp(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "project")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")   # 2026-01-01T00:00:00Z
    site = build_project(project, tmp_path / "site")
    package = json.loads((site / "downloads" / "datapackage.json").read_text(encoding="utf-8"))
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    assert package["created"] == manifest["released"] == "2026-01-01T00:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = portal("build", "--out", str(tmp_path / "other"), cwd=project)
    assert result.returncode == 2 and "SOURCE_DATE_EPOCH" in result.stderr


def test_the_open_data_package_validates_with_frictionless(demo_site):
    from frictionless import Package, validate

    descriptor = demo_site / "downloads" / "datapackage.json"
    report = validate(str(descriptor))
    assert report.valid, report.flatten(["type", "message"])[:5]
    package = Package(str(descriptor))
    assert [r.name for r in package.resources] == ["products", "products-xlsx", "banks"]
    dt.datetime.fromisoformat(json.loads(descriptor.read_text(encoding="utf-8"))["created"])
    header = (demo_site / "downloads" / "products.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    fields = package.resources[0].schema.fields
    assert header.split(",") == [f.name for f in fields]          # what Excel and pandas show
    assert header.startswith("产品编号,机构编号,产品名称") and header.endswith("地区,行政区划代码")
    assert fields[0].to_descriptor()["canonical_name"] == "product_id"
    rows = package.get_resource("products-xlsx").read_rows()
    assert len(rows) == len(json.loads((demo_site / "downloads" / "products.json").read_text("utf-8"))["products"])


def test_the_manifest_lists_every_file_with_its_digest_and_no_absolute_path(demo_site):
    manifest = json.loads((demo_site / MANIFEST).read_text(encoding="utf-8"))
    files = {f["path"]: f for f in manifest["files"]}
    on_disk = file_digests(demo_site)
    on_disk.pop(MANIFEST)
    assert files.keys() == on_disk.keys()
    assert all(files[p]["sha256"] == on_disk[p] for p in on_disk)
    assert all(files[p]["size"] == (demo_site / p).stat().st_size for p in on_disk)
    assert manifest["pagefind"].endswith("1.6.0") and manifest["generator"]["version"]
    assert "catalog/banks/icbc/products.csv" in manifest["inputs"] and "mkdocs.yml" in manifest["inputs"]
    assert "/tmp" not in (demo_site / MANIFEST).read_text(encoding="utf-8")


def test_a_second_build_into_the_same_folder_stops_with_a_clear_message(tmp_path, demo_site):
    project = copy_project(tmp_path / "project")
    out = shutil.copytree(demo_site, tmp_path / "site")
    before = file_digests(out)
    with publish.output_lock(out):   # another build is running
        result = portal("build", "--out", str(out), cwd=project)
    assert result.returncode == 2
    assert "另一个生成任务" in result.stderr and "正在生成并发布到" in result.stderr
    assert file_digests(out) == before
    assert portal("build", "--out", str(out), cwd=project).returncode == 0   # lock released


def test_leftovers_of_killed_builds_are_removed_by_the_next_build(tmp_path, demo_site):
    project = copy_project(tmp_path / "project")
    out = shutil.copytree(demo_site, tmp_path / "site")
    for name in (".site.staging-dead1/site", ".site.staging-dead2/docs", ".site.previous/x"):
        (tmp_path / name).mkdir(parents=True)
        (tmp_path / name / "page.html").write_text("old", encoding="utf-8")
    unrelated = tmp_path / ".other.staging-live"   # another output folder's build: not ours
    unrelated.mkdir()
    build_project(project, out)
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert left == [".other.staging-live", ".site.lock"]


def test_an_incomplete_search_index_is_never_published(tmp_path, demo_site):
    site = shutil.copytree(demo_site, tmp_path / "site")
    assert search.check_index(site) == []
    chunk = sorted((site / "pagefind" / "index").iterdir())[0]
    chunk.write_bytes(chunk.read_bytes()[:20])            # a write cut short by a full disk
    assert any(chunk.name in p for p in search.check_index(site))
    (site / "pagefind" / "pagefind-entry.json").write_bytes(b"")   # Pagefind exits 0 with this on ENOSPC
    problems = search.check_index(site)
    assert problems and "磁盘可能已满" in problems[0]
    shutil.rmtree(site / "pagefind" / "fragment")
    shutil.copytree(demo_site / "pagefind", site / "pagefind", dirs_exist_ok=True)
    (sorted((site / "pagefind" / "fragment").iterdir())[0]).unlink()
    assert any("不存在" in p or "片段" in p for p in search.check_index(site))


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "磁盘空间不足"), (errno.EACCES, "没有权限"),
                                         (errno.EROFS, "只读")])
def test_os_errors_are_their_own_chinese_message_never_a_configuration_error(code, words, tmp_path):
    error = as_portal_error(OSError(code, "English text", str(tmp_path / "site" / "x.html")), tmp_path / "site")
    assert error is not None and error.exit_code == 2
    assert error.label != "配置错误" and words in str(error) and "x.html" in str(error)
    assert "English text" not in str(error)


def test_a_full_disk_during_the_build_leaves_the_site_alone(tmp_path, demo_site, monkeypatch):
    from generator.site import exports

    project = copy_project(tmp_path / "project")
    out = shutil.copytree(demo_site, tmp_path / "site")
    before = file_digests(out)

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "downloads/products.xlsx")

    monkeypatch.setattr(exports, "_write_xlsx", full_disk)
    result = portal("build", "--out", str(out), cwd=project)
    assert result.returncode == 2
    assert "磁盘空间不足" in result.stderr and "配置错误" not in result.stderr
    assert file_digests(out) == before
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]


def test_the_review_page_shows_old_and_new_values_beside_the_site(tmp_path, demo_site):
    project = copy_project(tmp_path / "project")
    out = shutil.copytree(demo_site, tmp_path / "site")
    product = edit_product(project, "icbc", 0, rate_max="7.77")
    policy = sorted((project / "content" / "policies").glob("*.md"))[0]
    policy.write_text(policy.read_text(encoding="utf-8") + "\n补充一句说明。\n", encoding="utf-8")
    result = portal("build", "--out", str(out), cwd=project, check=True)
    report = publish.report_path(out)
    assert str(report) in result.stdout
    assert report.parent == out.parent and not (out / report.name).exists()
    html = report.read_text(encoding="utf-8")
    assert product in html and "年化利率上限(%)" in html and "7.77%" in html
    assert f"content/policies/{policy.name}" in html and "修改的内容" in html
    assert 'id="reviewer"' in html and 'id="reviewed-on"' in html and "审核人" in html
    assert "<script" not in html and "http" not in html.replace("http://www.w3.org", "")
    assert "7.77%" in result.stdout   # the terminal report says old → new too


def test_progress_and_stage_times_show_on_a_terminal_only(tmp_path):
    """One real process on a pseudo-terminal; piped output (CI, scripts) stays free of it."""
    import os
    import pty
    import subprocess
    import sys

    project = copy_project(tmp_path / "project")
    primary, secondary = pty.openpty()
    build = subprocess.Popen([sys.executable, "-m", "generator", "build", "--out", str(tmp_path / "tty-site")],
                             cwd=project, stdin=secondary, stdout=secondary, stderr=secondary,
                             env={**os.environ, "COLUMNS": "100", "PYTHONIOENCODING": "utf-8",
                                  "PYTHONPATH": str(Path(generator.__file__).parents[1])})
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:   # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    shown = b"".join(chunks).decode("utf-8", errors="replace")
    assert build.wait() == 0, shown
    assert "各阶段用时：读取并校验数据" in shown and "建立搜索索引" in shown
    piped = portal("build", "--out", str(tmp_path / "piped-site"), cwd=project, check=True)
    assert "各阶段用时" not in piped.stdout + piped.stderr
    quiet = portal("build", "-q", "--out", str(tmp_path / "piped-site"), cwd=project, check=True)
    assert "各阶段用时" not in quiet.stdout + quiet.stderr


def test_the_review_page_keeps_every_change_since_the_last_bundle(tmp_path, demo_site):
    """Staff rebuild after a typo fix: the page still shows what the reviewer must see before the
    next bundle; after that bundle it starts again from what was bundled."""
    project = copy_project(tmp_path / "project")
    out = shutil.copytree(demo_site, project / "site")
    portal("bundle", cwd=project, check=True)
    product = edit_product(project, "icbc", 0, rate_max="7.77")
    portal("build", cwd=project, check=True)
    again = portal("build", cwd=project, check=True).stdout     # a second build, nothing new
    assert "与上次打包的版本" in again and "7.77%" in again
    html = publish.report_path(out).read_text(encoding="utf-8")
    assert product in html and "7.77%" in html
    portal("bundle", cwd=project, check=True)
    after = portal("build", cwd=project, check=True).stdout
    assert "产品和页面没有变化" in after and "7.77%" not in after
