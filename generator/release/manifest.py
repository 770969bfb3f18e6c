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
