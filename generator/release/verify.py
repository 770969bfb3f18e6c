"""``portal verify``: is a site folder or a bundle zip exactly the release its ``manifest.json`` lists?

A library API: ``portal bundle`` checks a site before zipping it, and ``portal federate`` checks
each member's bundle or site before reading it. The result names every missing, extra and altered
file, or says why the target could not be checked at all (no manifest, not a zip, unsafe entry).

A bundle is read without extracting it: every entry is hashed while it streams out of the zip.
Entries come from someone else, so before any byte is read the zip's directory is checked:
no absolute paths, ``..``, backslashes, symlinks, encrypted or duplicate entries, and caps on
entry count, total unpacked size and compression ratio (a small zip must not unpack to gigabytes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from generator.core.errors import EXIT_INVALID, PortalError
from generator.release.manifest import MANIFEST, ManifestError, ReleaseManifest, file_digest, parse_manifest, unsafe_path

# A district site is ~20-50 MB and a few thousand files; a province's federation stays far below.
MAX_ENTRIES = 200_000
MAX_TOTAL_BYTES = 2 * 1024 ** 3
# Deflate tops out near 1032:1; HTML, JSON and the search index compress below 20:1, so 200:1 on an
# entry of any real size is a bomb, not a page.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024     # smaller entries are never counted as bombs (tiny files have odd ratios)
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
MAX_REVIEW_BYTES = 64 * 1024
_CHUNK = 1 << 20

# Layout of a bundle (generator/release/bundle.py): the site under site/, two files beside it.
BUNDLE_SITE = "site/"
CHANGE_REPORT = "change-report.html"
REVIEW = "review.json"
REVIEW_FORMAT = "portal-review/1"
BUNDLE_EXTRAS = (CHANGE_REPORT, REVIEW)


class Refusal(StrEnum):
    """Why a target could not be checked file by file."""

    NOT_FOUND = "not-found"
    NO_MANIFEST = "no-manifest"
    BAD_MANIFEST = "bad-manifest"
    NOT_ZIP = "not-zip"
    UNSAFE_ENTRY = "unsafe-entry"
    TOO_LARGE = "too-large"


@dataclass(frozen=True)
class Failure:
    code: Refusal
    message: str      # Chinese, names the entry or file


@dataclass
class Verification:
    """What ``verify`` found; ``intact`` only when every listed file is there, unchanged, and nothing else."""

    target: Path
    is_bundle: bool
    manifest: ReleaseManifest | None = None
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    failure: Failure | None = None
    review: Review | None = None          # a bundle's sign-off (review.json), when it has one

    @property
    def intact(self) -> bool:
        return self.failure is None and not (self.missing or self.extra or self.altered)

    def problems(self) -> list[str]:
        """One Chinese line per problem, each naming its file."""
        if self.failure is not None:
            return [self.failure.message]
        return ([f"缺少文件：{p}" for p in self.missing]
                + [f"多出文件：{p}（清单中没有）" for p in self.extra]
                + [f"文件已被改动：{p}（大小或 SHA-256 与清单不符）" for p in self.altered])

    def summary(self) -> str:
        what = "发布包" if self.is_bundle else "网站目录"
        if self.intact:
            assert self.manifest is not None
            signed = ""
            if self.is_bundle:
                # review.json is not signed cryptographically: it records who reviewed what, not proof.
                signed = (f"审核签字：{self.review.reviewer}，{self.review.reviewed_on.isoformat()}"
                          f"（与本包的 {MANIFEST} 和变更报告对应）。" if self.review is not None
                          else "本发布包没有审核签字（review.json），请确认是否已经审核。")
            return (f"校验通过：{what} {self.target} 的 {len(self.manifest.files)} 个文件与 {MANIFEST} 一致"
                    f"（数据日期 {self.manifest.released or '未注明'}）。{signed}")
        if self.failure is not None:
            return f"无法校验{what} {self.target}。"
        return (f"校验未通过：{what} {self.target} 与 {MANIFEST} 不符（缺少 {len(self.missing)} 个、"
                f"多出 {len(self.extra)} 个、改动 {len(self.altered)} 个文件）。")


@dataclass(frozen=True)
class Review:
    """A bundle's ``review.json``: who signed the release off, when, and exactly what they saw."""

    reviewer: str                          # 审核人
    reviewed_on: dt.date                   # 审核日期
    manifest_sha256: str                   # of site/manifest.json
    change_report_sha256: str | None       # of change-report.html; None when the bundle has none

    def to_json(self) -> bytes:
        document = {"format": REVIEW_FORMAT, "审核人": self.reviewer, "审核日期": self.reviewed_on.isoformat(),
                    "manifest_sha256": self.manifest_sha256, "change_report_sha256": self.change_report_sha256}
        return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Review | None:
        try:
            document = json.loads(raw.decode("utf-8"))
            return cls(str(document["审核人"]), dt.date.fromisoformat(document["审核日期"]),
                       str(document["manifest_sha256"]), document["change_report_sha256"])
        except (UnicodeDecodeError, ValueError, RecursionError, KeyError, TypeError):
            return None


class VerifyError(PortalError):
    """A site or bundle that does not match its manifest: nothing is done with it (exit 1)."""

    exit_code = EXIT_INVALID
    label = "校验未通过"

    def __init__(self, result: Verification) -> None:
        head = result.summary().removeprefix("校验未通过：")   # the label says it already
        super().__init__("\n".join([head, *(f"  ✗ {line}" for line in result.problems())]))
        self.result = result


def verify(target: Path) -> Verification:
    """A folder is checked as a built site, anything else as a bundle zip."""
    if target.is_dir() and not target.is_symlink():
        return verify_folder(target)
    return verify_bundle(target)


def verify_folder(site: Path) -> Verification:
    result = Verification(site, is_bundle=False)
    if not site.is_dir():
        result.failure = Failure(Refusal.NOT_FOUND, f"找不到网站目录 {site}。")
        return result
    manifest_file = site / MANIFEST
    if manifest_file.is_symlink() or not manifest_file.is_file() \
            or manifest_file.stat().st_size > MAX_MANIFEST_BYTES:
        result.failure = Failure(Refusal.NO_MANIFEST, f"{site} 中没有 {MANIFEST}，不是 portal build 生成的网站"
                                                      f"（或生成于加入发布清单之前），请重新运行 portal build。")
        return result
    if not _read_manifest(result, manifest_file.read_bytes()):
        return result
    listed = result.manifest.by_path
    present: set[str] = set()
    for folder, dirs, files in os.walk(site):
        base = Path(folder)
        for name in dirs + files:
            path = base / name
            rel = path.relative_to(site).as_posix()
            if name in dirs and not path.is_symlink():
                continue
            if rel == MANIFEST:
                continue
            present.add(rel)
            entry = listed.get(rel)
            if entry is None:
                result.extra.append(rel)
            elif not stat.S_ISREG(path.lstat().st_mode) or path.lstat().st_size != entry.size \
                    or file_digest(path) != entry.sha256:
                result.altered.append(rel)
    result.missing = [p for p in listed if p not in present]
    result.extra.sort()
    result.altered.sort()
    return result


def verify_bundle(bundle: Path) -> Verification:
    result = Verification(bundle, is_bundle=True)
    if not bundle.is_file():
        result.failure = Failure(Refusal.NOT_FOUND, f"找不到 {bundle}（应为网站目录或 portal bundle 生成的 .zip 文件）。")
        return result
    try:
        with zipfile.ZipFile(bundle) as archive:
            _verify_archive(archive, result)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        result.failure = Failure(Refusal.NOT_ZIP, f"{bundle} 不是有效的 zip 文件（已损坏或不是 portal bundle 生成的发布包）。")
    return result


def _verify_archive(archive: zipfile.ZipFile, result: Verification) -> None:
    infos = archive.infolist()
    failure = check_entries(infos)
    if failure is not None:
        result.failure = failure
        return
    names = {info.filename: info for info in infos}
    prefix = BUNDLE_SITE if BUNDLE_SITE + MANIFEST in names else ""
    manifest_info = names.get(prefix + MANIFEST)
    if manifest_info is None or manifest_info.file_size > MAX_MANIFEST_BYTES:
        result.failure = Failure(Refusal.NO_MANIFEST, f"{result.target} 中没有 {BUNDLE_SITE}{MANIFEST}，"
                                                      f"不是 portal bundle 生成的发布包。")
        return
    manifest_raw = archive.read(manifest_info)
    if not _read_manifest(result, manifest_raw):
        return
    listed = result.manifest.by_path
    seen: set[str] = set()
    digests = {MANIFEST: hashlib.sha256(manifest_raw).hexdigest()}
    for info in infos:
        name = info.filename
        if info.is_dir() or name == prefix + MANIFEST:
            continue
        if not name.startswith(prefix):
            if prefix and name in BUNDLE_EXTRAS:
                digests[name] = _stream_digest(archive, info)[1]
            else:
                result.extra.append(name)
            continue
        rel = name[len(prefix):]
        entry = listed.get(rel)
        if entry is None:
            result.extra.append(name)
            continue
        seen.add(rel)
        size, digest = _stream_digest(archive, info)
        if size != entry.size or digest != entry.sha256:
            result.altered.append(name)
    result.missing = [prefix + p for p in listed if p not in seen]
    if REVIEW in digests:
        result.altered.extend(_review_mismatches(archive, names[REVIEW], digests))
        if names[REVIEW].file_size <= MAX_REVIEW_BYTES:
            result.review = Review.from_json(archive.read(names[REVIEW]))


def check_entries(infos: list[zipfile.ZipInfo]) -> Failure | None:
    """The zip's directory, checked before any entry is read (see the module docstring)."""
    if len(infos) > MAX_ENTRIES:
        return Failure(Refusal.TOO_LARGE, f"zip 文件有 {len(infos)} 个条目，超过上限 {MAX_ENTRIES}。")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        shown = name[:200]
        why = unsafe_path(name[:-1] if info.is_dir() else name)
        if why is not None:
            return Failure(Refusal.UNSAFE_ENTRY, f"zip 条目“{shown}”{why}，出于安全原因拒绝读取此发布包。")
        if stat.S_ISLNK(info.external_attr >> 16):
            return Failure(Refusal.UNSAFE_ENTRY, f"zip 条目“{shown}”是符号链接，出于安全原因拒绝读取此发布包。")
        if info.flag_bits & 0x1:
            return Failure(Refusal.UNSAFE_ENTRY, f"zip 条目“{shown}”已加密，无法校验。")
        if name in seen:
            return Failure(Refusal.UNSAFE_ENTRY, f"zip 条目“{shown}”出现了两次，无法确定以哪个为准。")
        seen.add(name)
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            return Failure(Refusal.TOO_LARGE, f"zip 文件解压后超过 {MAX_TOTAL_BYTES // 1024 ** 3} GB 上限，拒绝读取。")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return Failure(Refusal.TOO_LARGE, f"zip 条目“{shown}”的压缩比超过 {MAX_RATIO}:1（疑似压缩炸弹），拒绝读取。")
    return None


def _stream_digest(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, str]:
    """Size and SHA-256 of one entry, read in chunks (never more than its declared size)."""
    digest = hashlib.sha256()
    size = 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                digest.update(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):   # CRC mismatch, truncated data
        return -1, ""
    return size, digest.hexdigest()


def _read_manifest(result: Verification, raw: bytes) -> bool:
    try:
        result.manifest = parse_manifest(raw)
    except ManifestError as exc:
        result.failure = Failure(Refusal.BAD_MANIFEST, f"{result.target} 的 {exc}。")
        return False
    return True


def _review_mismatches(archive: zipfile.ZipFile, info: zipfile.ZipInfo, digests: dict[str, str]) -> list[str]:
    """A sign-off holds only for the manifest and change report it was given for: name what differs."""
    review = Review.from_json(archive.read(info)) if info.file_size <= MAX_REVIEW_BYTES else None
    if review is None or review.manifest_sha256 != digests[MANIFEST]:
        return [REVIEW]
    return [CHANGE_REPORT] if review.change_report_sha256 != digests.get(CHANGE_REPORT) else []
