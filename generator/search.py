"""Pagefind indexing of the written site (Chinese needs the *extended* binary)."""

from __future__ import annotations

import subprocess
from pathlib import Path


class SearchIndexError(Exception):
    pass


def pagefind_executable() -> Path:
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as exc:  # the standard binary does not segment Chinese
        raise SearchIndexError("未安装 pagefind 扩展版（pagefind[extended]），无法建立中文搜索索引。") from exc
    return get_executable()


def pagefind_version() -> str:
    result = subprocess.run([str(pagefind_executable()), "--version"], capture_output=True, text=True,
                            check=False)
    return result.stdout.strip()


def index_site(site_dir: Path) -> str:
    """Index the whole written site at once (one process, not one API call per page)."""
    command = [str(pagefind_executable()), "--site", str(site_dir), "--force-language", "zh",
               "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SearchIndexError(f"建立搜索索引失败：{result.stderr.strip() or result.stdout.strip()}")
    return result.stdout
