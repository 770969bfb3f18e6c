"""``portal bundle``: one zip of a built site for upload to a portal CMS or to the level above.

Layout: the site under ``site/`` (its manifest at ``site/manifest.json``), the build's HTML change
report as ``change-report.html`` and, when a reviewer signs it off, ``review.json`` (审核人, 审核日期,
and the digests of the manifest and report they saw). ``portal verify`` checks all of it.

The zip is deterministic: entries sorted, every timestamp the release's data date (the manifest's
``released``), fixed permissions and compression, so two bundles of one site are byte-identical and
a recipient can compare digests instead of files. The site is verified against its manifest first:
a site changed after ``portal build`` is never bundled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from generator.core.errors import ConfigError
from generator.release.changes import baseline_files
from generator.release.manifest import MANIFEST
from generator.release.publish import report_path, save_baseline
from generator.release.verify import BUNDLE_SITE, CHANGE_REPORT, REVIEW, Refusal, Review, VerifyError, verify_folder

# DOS timestamps start in 1980; a release dated earlier (never in practice) is stamped then.
_EPOCH_1980 = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644 << 16       # a regular file, rw-r--r--
_UNIX = 3                         # ZipInfo.create_system: the mode bits above are Unix ones
_LEVEL = 9


class NoSiteError(ConfigError):
    """Nothing to bundle: no site folder or no manifest in it (exit 2)."""

    label = "没有可打包的网站"


@dataclass(frozen=True)
class Signoff:
    """``--reviewer`` and ``--reviewed-on`` of ``portal bundle``."""

    reviewer: str
    reviewed_on: dt.date


@dataclass(frozen=True)
class BundleResult:
    path: Path
    files: int                 # site files listed in the manifest (the manifest itself not counted)
    size: int                  # bytes of the zip
    sha256: str
    change_report: Path | None     # None: no report beside the site, the bundle has none
    review: Review | None


def default_bundle_path(site: Path) -> Path:
    """``site/`` -> ``site-bundle.zip`` beside it."""
    return site.with_name(site.name + "-bundle.zip")


def write_bundle(site: Path, out: Path | None = None, *, signoff: Signoff | None = None) -> BundleResult:
    """Verify ``site`` against its manifest and zip it with its change report (and sign-off) into ``out``."""
    site = site.absolute()
    out = (out or default_bundle_path(site)).absolute()
    checked = verify_folder(site)
    if checked.failure is not None and checked.failure.code in (Refusal.NOT_FOUND, Refusal.NO_MANIFEST):
        raise NoSiteError(f"{checked.failure.message}请先运行 portal build 生成网站。")
    if not checked.intact:
        raise VerifyError(checked)
    if out == site or site in out.parents:
        raise ConfigError(f"发布包 {out} 不能放在网站目录 {site} 里面（会成为网站的多余文件），请换一个位置。")
    if out.is_dir():
        raise ConfigError(f"{out} 是一个目录；--out 请指定 .zip 文件名。")
    manifest = checked.manifest
    assert manifest is not None
    stamp = _zip_time(manifest.released)
    report = report_path(site)
    report_bytes = report.read_bytes() if report.is_file() else None
    manifest_bytes = (site / MANIFEST).read_bytes()
    review = None
    if signoff is not None:
        review = Review(signoff.reviewer, signoff.reviewed_on, hashlib.sha256(manifest_bytes).hexdigest(),
                        hashlib.sha256(report_bytes).hexdigest() if report_bytes is not None else None)

    # name -> file on disk or bytes; sorted by name when written.
    members: dict[str, Path | bytes] = {BUNDLE_SITE + e.path: site / e.path for e in manifest.files}
    members[BUNDLE_SITE + MANIFEST] = manifest_bytes
    if report_bytes is not None:
        members[CHANGE_REPORT] = report_bytes
    if review is not None:
        members[REVIEW] = review.to_json()

    expected = {BUNDLE_SITE + e.path: e.sha256 for e in manifest.files}
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_LEVEL) as archive:
            for name in sorted(members):
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.external_attr = _FILE_MODE
                info.create_system = _UNIX
                info.compress_type = zipfile.ZIP_DEFLATED
                content = members[name]
                data = content if isinstance(content, bytes) else content.read_bytes()
                if name in expected and hashlib.sha256(data).hexdigest() != expected[name]:
                    checked.altered.append(name[len(BUNDLE_SITE):])   # changed since the check above
                archive.writestr(info, data, compresslevel=_LEVEL)
        if checked.altered:
            raise VerifyError(checked)
        os.chmod(temp, 0o644)
        os.replace(temp, out)   # a reader never sees half a zip
    finally:
        temp.unlink(missing_ok=True)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    # The next build's review page lists the changes since this bundle (what was uploaded and signed).
    save_baseline(site, baseline_files(site))
    return BundleResult(out, len(manifest.files), out.stat().st_size, digest,
                        report if report_bytes is not None else None, review)


def _zip_time(released: str) -> tuple[int, int, int, int, int, int]:
    """The manifest's ``released`` (RFC 3339, UTC) as a zip timestamp; unreadable -> 1980-01-01."""
    try:
        moment = dt.datetime.fromisoformat(released.replace("Z", "+00:00"))
    except ValueError:
        return _EPOCH_1980
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    return max(stamp, _EPOCH_1980)
