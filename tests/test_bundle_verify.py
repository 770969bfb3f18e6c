"""``portal bundle`` and ``portal verify``: a release staff can upload and a recipient can check.

In-process (``portal()``) over copies of the session's demo build; the hostile zips are made here
with zipfile and checked through the library, one of them through the command."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from generator.release.verify import Refusal, verify_bundle
from tests.conftest import portal


@pytest.fixture
def site(demo_site: Path, tmp_path: Path) -> Path:
    """A private copy of the demo build with its change report beside it, as ``portal build`` leaves them."""
    copy = Path(shutil.copytree(demo_site, tmp_path / "site"))
    report = demo_site.with_name(demo_site.name + "-report.html")
    if report.is_file():
        shutil.copy(report, tmp_path / "site-report.html")
    else:   # the build writes it; a stand-in keeps this test about bundling
        (tmp_path / "site-report.html").write_text("<p>变更报告</p>", encoding="utf-8")
    return copy


def _rewrite(bundle: Path, target: Path, *, drop: str = "", change: str = "", add: str = "") -> Path:
    """A copy of ``bundle`` with one entry dropped, one entry's bytes changed, one entry added."""
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            if info.filename == drop:
                continue
            data = source.read(info)
            out.writestr(info, data + b"<!-- x -->" if info.filename == change else data)
        if add:
            out.writestr(add, "extra")
    return target


def test_bundle_of_a_built_site_verifies_and_is_byte_identical_when_made_again(site, tmp_path):
    printed = portal("bundle", "--site", str(site), check=True).stdout
    bundle = tmp_path / "site-bundle.zip"          # default: beside the site
    assert f"已生成发布包 {bundle}" in printed
    again = portal("bundle", "--site", str(site), "--out", str(tmp_path / "again.zip"), check=True)
    assert again.returncode == 0
    assert bundle.read_bytes() == (tmp_path / "again.zip").read_bytes()

    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        infos = archive.infolist()
    assert names == sorted(names)
    assert set(names) == {f"site/{f['path']}" for f in manifest["files"]} | {"site/manifest.json", "change-report.html"}
    released = tuple(int(x) for x in manifest["released"][:10].split("-"))
    assert {i.date_time[:3] for i in infos} == {released}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}

    checked = portal("verify", str(bundle))
    assert checked.returncode == 0, checked.stderr
    assert f"{len(manifest['files'])} 个文件与 manifest.json 一致" in checked.stdout
    assert portal("verify", str(site)).returncode == 0


def test_a_changed_site_folder_is_named_file_by_file_and_never_bundled(site, tmp_path):
    (site / "index.html").write_text("改过的首页", encoding="utf-8")
    (site / "products" / "extra.html").write_text("多出来的", encoding="utf-8")
    (site / "sitemap.xml").unlink()
    result = portal("verify", str(site))
    assert result.returncode == 1
    assert "缺少文件：sitemap.xml" in result.stderr
    assert "多出文件：products/extra.html" in result.stderr
    assert "文件已被改动：index.html" in result.stderr

    refused = portal("bundle", "--site", str(site))
    assert refused.returncode == 1
    assert "文件已被改动：index.html" in refused.stderr and "缺少文件：sitemap.xml" in refused.stderr
    assert not (tmp_path / "site-bundle.zip").exists()


def test_a_changed_bundle_is_named_entry_by_entry(site, tmp_path):
    bundle = tmp_path / "site-bundle.zip"
    portal("bundle", "--site", str(site), "--out", str(bundle), check=True)
    tampered = _rewrite(bundle, tmp_path / "tampered.zip", drop="site/sitemap.xml",
                        change="site/index.html", add="site/evil.js")
    result = portal("verify", str(tampered))
    assert result.returncode == 1
    assert "缺少文件：site/sitemap.xml" in result.stderr
    assert "多出文件：site/evil.js" in result.stderr
    assert "文件已被改动：site/index.html" in result.stderr


def test_a_reviewer_signs_off_what_they_saw(site, tmp_path):
    bundle = tmp_path / "signed.zip"
    printed = portal("bundle", "--site", str(site), "--out", str(bundle), "--reviewer", "张三",
                     "--reviewed-on", "2026-11-20", check=True).stdout
    assert "审核签字：张三，2026-11-20" in printed
    with zipfile.ZipFile(bundle) as archive:
        review = json.loads(archive.read("review.json"))
    assert (review["审核人"], review["审核日期"]) == ("张三", "2026-11-20")
    assert portal("verify", str(bundle)).returncode == 0
    # The change report the reviewer signed was swapped for another one.
    swapped = _rewrite(bundle, tmp_path / "swapped.zip", change="change-report.html")
    result = portal("verify", str(swapped))
    assert result.returncode == 1 and "文件已被改动：change-report.html" in result.stderr


def test_no_built_site_is_exit_2_asking_for_portal_build(tmp_path):
    missing = portal("bundle", "--site", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "portal build" in missing.stderr
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "index.html").write_text("x", encoding="utf-8")
    no_manifest = portal("bundle", "--site", str(tmp_path / "plain"))
    assert no_manifest.returncode == 2 and "manifest.json" in no_manifest.stderr
    assert portal("verify", str(tmp_path / "nowhere.zip")).returncode == 2


def _zip(path: Path, *entries: tuple[zipfile.ZipInfo | str, bytes], level: int | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("site/manifest.json", '{"format": "portal-release/1", "files": []}')
        for name, data in entries:
            archive.writestr(name, data)
    return path


def _symlink_entry() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("site/passwd")
    info.external_attr = 0o120777 << 16
    return info


@pytest.mark.parametrize("entries, code, named", [
    ([("../outside.html", b"x")], Refusal.UNSAFE_ENTRY, "../outside.html"),
    ([("site/../../outside.html", b"x")], Refusal.UNSAFE_ENTRY, "site/../../outside.html"),
    ([("/etc/cron.d/x", b"x")], Refusal.UNSAFE_ENTRY, "/etc/cron.d/x"),
    ([("site\\..\\x.html", b"x")], Refusal.UNSAFE_ENTRY, "site\\..\\x.html"),
    ([(_symlink_entry(), b"/etc/passwd")], Refusal.UNSAFE_ENTRY, "site/passwd"),
    ([("site/a.html", b"1"), ("site/a.html", b"2")], Refusal.UNSAFE_ENTRY, "site/a.html"),
    ([("site/big.html", b"\0" * (8 << 20))], Refusal.TOO_LARGE, "site/big.html"),
], ids=["dotdot", "dotdot-inside", "absolute", "backslash", "symlink", "duplicate", "ratio-bomb"])
def test_hostile_bundles_are_refused_before_any_entry_is_read(tmp_path, entries, code, named):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # zipfile warns about the duplicate name
        bundle = _zip(tmp_path / "hostile.zip", *entries, level=9)
    result = verify_bundle(bundle)
    assert result.failure is not None and result.failure.code is code
    assert named in result.failure.message
    assert not (tmp_path / "outside.html").exists()


def test_verify_refuses_what_is_not_a_bundle(tmp_path):
    not_zip = tmp_path / "site.zip"
    not_zip.write_text("plain text", encoding="utf-8")
    result = portal("verify", str(not_zip))
    assert result.returncode == 1 and "不是有效的 zip 文件" in result.stderr
    no_manifest = tmp_path / "other.zip"
    with zipfile.ZipFile(no_manifest, "w") as archive:
        archive.writestr("index.html", "x")
    assert verify_bundle(no_manifest).failure.code is Refusal.NO_MANIFEST
    evil_manifest = _zip(tmp_path / "evil.zip")
    with zipfile.ZipFile(evil_manifest, "w") as archive:
        archive.writestr("site/manifest.json", json.dumps(
            {"format": "portal-release/1", "files": [{"path": "../../etc/passwd", "size": 1, "sha256": "0" * 64}]}))
    refused = verify_bundle(evil_manifest)
    assert refused.failure.code is Refusal.BAD_MANIFEST and "../../etc/passwd" in refused.failure.message


def test_verify_names_the_reviewer_of_a_signed_bundle_and_says_when_there_is_none(demo_site, tmp_path):
    site = shutil.copytree(demo_site, tmp_path / "site")
    signed = portal("bundle", "--site", str(site), "--out", str(tmp_path / "signed.zip"), "--reviewer", "张三",
                    "--reviewed-on", "2026-11-20", check=True)
    assert "张三" in signed.stdout
    result = portal("verify", str(tmp_path / "signed.zip"), check=True)
    assert "审核签字：张三，2026-11-20" in result.stdout
    portal("bundle", "--site", str(site), "--out", str(tmp_path / "unsigned.zip"), check=True)
    assert "没有审核签字" in portal("verify", str(tmp_path / "unsigned.zip"), check=True).stdout
