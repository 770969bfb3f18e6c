"""Staging folders and the swap into ``--out``: a failed build never touches the output."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@contextmanager
def staging_area(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out`` (same file system, so the final rename is cheap)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def publish(built: Path, out: Path) -> None:
    """Make ``built`` the new ``out``. Readers see the old site or the new one, never a mix."""
    if not out.exists():
        os.rename(built, out)
        return
    if out.is_dir() and _exchange(built, out):
        shutil.rmtree(built, ignore_errors=True)   # now holds the previous site
        return
    previous = out.with_name(f".{out.name}.previous")
    shutil.rmtree(previous, ignore_errors=True)
    os.rename(out, previous)
    os.rename(built, out)
    shutil.rmtree(previous, ignore_errors=True)
