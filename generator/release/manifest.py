"""``manifest.json``: what a release contains, so anyone can check a copy of it.

Every build writes it at the site root: each file with its size and SHA-256, the digests of the
inputs it was built from, and the generator and Pagefind versions. ``portal verify`` and the
levels above (``portal federate``) compare a site or bundle with it. It holds nothing that
changes between two builds of the same inputs (no clock, no absolute path), so it is itself
byte-identical across such builds.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

MANIFEST = "manifest.json"
FORMAT = "portal-release/1"
DISTRIBUTION = "tongchuan-portal"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileEntry:
    path: str       # POSIX, relative to the site root
    size: int
    sha256: str


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def site_files(site_dir: Path) -> list[FileEntry]:
    """Every regular file of the site except the manifest itself, sorted by path."""
    entries = []
    for path in sorted(site_dir.rglob("*")):
        if path.is_file() and not path.is_symlink():
            rel = path.relative_to(site_dir).as_posix()
            if rel != MANIFEST:
                entries.append(FileEntry(rel, path.stat().st_size, file_digest(path)))
    return sorted(entries, key=lambda e: e.path)


def input_digests(roots: dict[str, Path], files: dict[str, Path]) -> dict[str, str]:
    """``{"catalog/banks/icbc/products.csv": sha256, …}``: every file under each named root."""
    digests: dict[str, str] = {}
    for label, root in roots.items():
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
                    digests[f"{label}/{path.relative_to(root).as_posix()}"] = file_digest(path)
    for label, path in files.items():
        if path.is_file():
            digests[label] = file_digest(path)
    return dict(sorted(digests.items()))


def generator_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:   # running from a checkout that is not installed
        return "unknown"


def write_manifest(site_dir: Path, *, inputs: dict[str, str], pagefind: str, released: str,
                   extra: dict[str, object] | None = None) -> Path:
    """Write ``manifest.json`` into ``site_dir`` (last, once every other file is final)."""
    files = site_files(site_dir)
    document = {
        "format": FORMAT,
        "generator": {"name": DISTRIBUTION, "version": generator_version()},
        "pagefind": pagefind,
        "released": released,
        **(extra or {}),
        "inputs": inputs,
        "file_count": len(files),
        "total_bytes": sum(f.size for f in files),
        "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in files],
    }
    target = site_dir / MANIFEST
    target.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target


@dataclass(frozen=True)
class ReleaseManifest:
    """A ``manifest.json`` as read back by ``portal verify``, ``bundle`` and ``federate``."""

    released: str
    files: tuple[FileEntry, ...]

    @property
    def by_path(self) -> dict[str, FileEntry]:
        return {entry.path: entry for entry in self.files}


class ManifestError(ValueError):
    """``manifest.json`` is not one this tool wrote; the message (Chinese) says what is wrong."""


_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_path(name: str) -> str | None:
    """Why ``name`` cannot be a file of a release (None when it is a plain relative POSIX path).

    The same rule for the manifest's paths and a bundle's entries: a path from someone else's
    manifest or zip is opened under our own folder, so it must never lead outside it."""
    if not name or "\x00" in name or any(ord(c) < 32 for c in name):
        return "路径为空或含控制字符"
    if "\\" in name:
        return "路径含反斜杠"
    if name.startswith("/") or _DRIVE.match(name):
        return "是绝对路径"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "路径含“..”、“.”或空段"
    return None


def parse_manifest(raw: bytes) -> ReleaseManifest:
    """Read ``manifest.json`` strictly: every path safe and unique, every size and digest well formed."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ManifestError("manifest.json 不是有效的 UTF-8 JSON 文件") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ManifestError(f"manifest.json 的 format 不是 {FORMAT}，不是本工具生成的发布清单")
    items = document.get("files")
    if not isinstance(items, list):
        raise ManifestError("manifest.json 缺少 files 列表")
    files: list[FileEntry] = []
    seen: set[str] = set()
    for item in items:
        path = item.get("path") if isinstance(item, dict) else None
        size = item.get("size") if isinstance(item, dict) else None
        digest = item.get("sha256") if isinstance(item, dict) else None
        if not isinstance(path, str) or (why := unsafe_path(path)) is not None:
            raise ManifestError(f"manifest.json 中的文件路径“{str(path)[:200]}”不安全（{why or '不是字符串'}）")
        if path == MANIFEST or path in seen:
            raise ManifestError(f"manifest.json 重复列出了文件“{path}”")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0 \
                or not isinstance(digest, str) or not _SHA256.match(digest):
            raise ManifestError(f"manifest.json 中文件“{path}”的大小或 SHA-256 格式不对")
        seen.add(path)
        files.append(FileEntry(path, size, digest))
    released = document.get("released")
    return ReleaseManifest(released if isinstance(released, str) else "", tuple(files))
