"""Pagefind indexing of the written site (Chinese needs the *extended* binary).

The binary is Pagefind 1.6.0 from npm (``package.json`` / ``package-lock.json`` at the project
root, installed by ``npm ci``; ``make site`` does it): the package ``@pagefind/<platform>`` ships
``bin/pagefind_extended``, a static executable that runs without Node. PyPI only has 1.5.2, which
misses Chinese words such as 应收账款 (README "Search index"). ``PORTAL_PAGEFIND`` overrides the
path (e.g. to compare another version).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gzip
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from generator.core import urls
from generator.core.errors import BuildError

ENV_VAR = "PORTAL_PAGEFIND"
# The folder that holds the ``generator`` package: the checkout ``portal`` is installed from
# (editable install). Its node_modules serve projects elsewhere (copies, benchmarks, tests).
_CHECKOUT = Path(__file__).resolve().parents[2]
_FRAGMENT_SIGNATURE = b"pagefind_dcd"
_PR_SET_PDEATHSIG = 1
_BODY_MARK = b"data-pagefind-body"
PAGEFIND_DIR = urls.PAGEFIND.rstrip("/")
# Pages a single Pagefind run may index: ~1.7 GB at ~290 KB a page (measured, see index_site), so a
# 20,000-product city build stays well under 4 GiB while a district build keeps one index.
PART_PAGES = 6_000
PARTS_KEY = "portal_parts"   # in pagefind-entry.json: the folders of parts 2… (pagefind.js ignores it)


class SearchIndexError(BuildError):
    """Pagefind is missing or failed (exit 2, like any build failure)."""


def npm_platform() -> str:
    """This machine as npm names it in ``@pagefind/<platform>`` (linux-x64, darwin-arm64 …)."""
    if sys.platform.startswith("win"):
        system = "windows"
    elif sys.platform.startswith("freebsd"):
        system = "freebsd"
    else:
        system = sys.platform   # linux, darwin
    machine = platform.machine().lower()
    cpu = {"x86_64": "x64", "amd64": "x64", "x64": "x64",
           "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return f"{system}-{cpu}"


def _binary_in(root: Path) -> Path:
    name = "pagefind_extended.exe" if sys.platform.startswith("win") else "pagefind_extended"
    return root / "node_modules" / "@pagefind" / npm_platform() / "bin" / name


def pagefind_executable(project_root: Path) -> Path:
    """``PORTAL_PAGEFIND`` if set, else the npm-installed extended binary of the project."""
    override = os.environ.get(ENV_VAR)
    if override:
        path = Path(override)
        if not path.is_file():
            raise SearchIndexError(f"环境变量 {ENV_VAR} 指定的 Pagefind 程序不存在：{path}。"
                                   f"请改正该路径，或删除这个环境变量以使用项目自带的版本")
        return path
    candidates = [_binary_in(project_root)]
    if _binary_in(_CHECKOUT) != candidates[0]:
        candidates.append(_binary_in(_CHECKOUT))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise SearchIndexError(
        f"未找到 Pagefind 扩展版程序（中文搜索索引需要它）：{candidates[0]}。"
        f"请在项目文件夹 {project_root} 中运行 npm ci（需要 Node.js/npm；make site 会自动运行），"
        f"然后重新生成")


def pagefind_version(project_root: Path) -> str:
    result = subprocess.run([str(pagefind_executable(project_root)), "--version"], capture_output=True,
                            text=True, check=False)
    return result.stdout.strip()


def _die_with_parent() -> None:
    """In the child, before exec: Linux sends it SIGKILL when the build process dies (even by
    SIGKILL), so Pagefind never outlives a killed build and writes into its abandoned folder."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:   # the parent died before prctl took effect
        os._exit(1)


def _run_pagefind(command: list[str]) -> str:
    linux = sys.platform.startswith("linux")
    try:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 preexec_fn=_die_with_parent if linux else None,   # noqa: PLW1509
                                 start_new_session=not linux)
        try:
            stdout, stderr = child.communicate()
        except BaseException:
            child.kill()   # Ctrl+C or an error while waiting: never leave it running
            child.wait()
            raise
    except OSError as exc:   # not executable, wrong platform
        raise SearchIndexError(f"无法运行 Pagefind 程序 {command[0]}：{exc}") from exc
    if child.returncode != 0:
        raise SearchIndexError(f"建立搜索索引失败：{stderr.strip() or stdout.strip()}")
    return stdout


def index_site(site_dir: Path, project_root: Path) -> str:
    """Index the written site: one Pagefind run (not one API call per page) while it has at most
    ``PART_PAGES`` pages, else one run per part of at most ``PART_PAGES`` searchable pages.

    Pagefind holds the whole index in memory: measured 1.43 GB at 5,000 product pages and 4.97 GB
    at 20,079 (Pagefind 1.6.0, ~250-290 KB a page, growing with the indexed text). Parts bound the
    peak; the browser merges them (``mergeIndex`` in assets/search.js), which sums the filter counts
    and orders all results by score. Part 1 is ``pagefind/`` (with pagefind.js), part k is
    ``pagefind/part-k/``; the entry file lists them under ``PARTS_KEY``.
    """
    executable = str(pagefind_executable(project_root))
    options = ["--force-language", "zh", "--quiet"]
    pages = sorted(site_dir.rglob("*.html"))
    if len(pages) <= PART_PAGES:
        return _run_pagefind([executable, "--site", str(site_dir), *options])
    parts = split_parts(_searchable(pages), PART_PAGES)
    outputs = []
    for number, part in enumerate(parts, start=1):
        farm = site_dir / f".search-part-{number}"
        bundle = site_dir / PAGEFIND_DIR / (part_folder(number) if number > 1 else "")
        try:
            _link_pages(site_dir, part, farm)
            outputs.append(_run_pagefind([executable, "--site", str(farm), "--output-path", str(bundle), *options]))
        finally:
            shutil.rmtree(farm, ignore_errors=True)
    entry_file = site_dir / PAGEFIND_DIR / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    entry[PARTS_KEY] = [part_folder(number) for number in range(2, len(parts) + 1)]
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return "".join(outputs)


def split_parts(pages: list[Path], size: int) -> list[list[Path]]:
    """Consecutive runs of the sorted pages, as even as possible, none over ``size``."""
    count = -(-len(pages) // size) or 1
    bounds = [len(pages) * k // count for k in range(count + 1)]
    return [pages[bounds[k]:bounds[k + 1]] for k in range(count)]


def part_folder(number: int) -> str:
    return f"part-{number}/"


def _searchable(pages: list[Path]) -> list[Path]:
    """The pages one Pagefind run over the whole site would index: those marked
    ``data-pagefind-body`` (main.html marks every page not excluded from search; once any page is
    marked, Pagefind skips unmarked ones). A part holding only unmarked pages would instead be
    indexed whole, so unmarked pages are left out of every part."""
    marked = [page for page in pages if _BODY_MARK in page.read_bytes()]
    return marked or pages


def _link_pages(site_dir: Path, pages: list[Path], farm: Path) -> None:
    """A folder holding just ``pages`` at their site paths (hard links: no copy of the bytes), so
    one Pagefind run sees one part and records the same URLs as a run over the whole site."""
    shutil.rmtree(farm, ignore_errors=True)
    for page in pages:
        target = farm / page.relative_to(site_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(page, target)
        except OSError:   # a file system without hard links
            shutil.copyfile(page, target)


def bundle_folders(site_dir: Path) -> list[Path]:
    """``pagefind/`` and the folders of its further parts (one entry while the site was indexed in
    one run, see ``index_site``)."""
    root = site_dir / PAGEFIND_DIR
    try:
        parts = json.loads((root / "pagefind-entry.json").read_text(encoding="utf-8")).get(PARTS_KEY) or []
    except (OSError, ValueError, AttributeError):
        parts = []
    return [root] + [root / part for part in parts if isinstance(part, str) and re.fullmatch(r"part-\d+/", part)]


def check_index(site_dir: Path) -> list[str]:
    """Problems that would publish a broken search (Chinese), checked before the swap.

    Pagefind exits 0 on a full disk and leaves a 0-byte ``pagefind-entry.json`` or truncated
    chunks. So, in each part of the index: the entry file parses; each language's meta file exists
    and decompresses; every chunk the meta refers to (page fragments, index and filter chunks)
    exists; every chunk file is complete gzip; and the page count matches the fragments.
    """
    problems: list[str] = []
    for folder in bundle_folders(site_dir):
        problems.extend(_check_bundle(folder, folder.relative_to(site_dir).as_posix()))
    if problems and not problems[-1].startswith("搜索索引不完整，未发布"):
        problems.append("搜索索引不完整，未发布（磁盘可能已满）；请腾出空间后重新生成。")
    return problems


def _check_bundle(root: Path, label: str) -> list[str]:
    try:
        entry = json.loads((root / "pagefind-entry.json").read_text(encoding="utf-8"))
        languages = entry["languages"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"搜索索引不完整：{label}/pagefind-entry.json 无法读取（{exc}）。磁盘可能已满，请腾出空间后重新生成。"]
    problems: list[str] = []
    chunks: dict[str, Path] = {}
    for folder in ("fragment", "index", "filter"):
        for path in sorted((root / folder).glob("*")):
            chunks[path.name.split(".")[0]] = path
            try:
                gzip.decompress(path.read_bytes())
            except (OSError, EOFError, ValueError):
                problems.append(f"搜索索引文件不完整：{label}/{folder}/{path.name}。")
    try:
        pages = _bundle_hashes(root)
    except (OSError, EOFError, ValueError) as exc:
        return problems + [f"搜索索引的页面片段无法读取（{exc}）。"]
    known = set(chunks) | set(pages.values())
    for language, info in languages.items():
        meta = root / f"pagefind.{info.get('hash')}.pf_meta"
        try:
            data = gzip.decompress(meta.read_bytes())
        except (OSError, EOFError, ValueError):
            problems.append(f"搜索索引（{language}）的目录文件 {label}/{meta.name} 缺失或不完整。")
            continue
        # Chunk names are CBOR text strings in the meta file: "<language>_<hex>".
        referenced = re.findall(re.escape(language).encode() + rb"_[0-9a-f]{7,}", data)
        missing = sorted({h.decode() for h in referenced} - known)
        problems.extend(f"搜索索引引用的文件不存在：{name}。" for name in missing[:10])
        if info.get("page_count") != len(pages):
            problems.append(f"搜索索引收录了 {info.get('page_count')} 个页面，片段文件中却有 {len(pages)} 个。")
    return problems


def _read_fragment_file(path: Path) -> dict:
    data = path.read_bytes()
    if not data.startswith(_FRAGMENT_SIGNATURE):   # pagefind.js accepts both, like this
        data = gzip.decompress(data)
    if not data.startswith(_FRAGMENT_SIGNATURE):
        raise ValueError(f"{path.name}: not a Pagefind fragment (no {_FRAGMENT_SIGNATURE.decode()} signature)")
    return json.loads(data[len(_FRAGMENT_SIGNATURE):].decode("utf-8"))


def page_hashes(site_dir: Path) -> dict[str, str]:
    """Site-relative URL path of each indexed page (``products/x/``) → its Pagefind page hash,
    over every part of the index.

    The hash is what ``pagefind.js`` search results carry as ``result.id`` (``zh_0102120``).
    ``pagefind/fragment/<hash>.pf_fragment`` is gzip of ``pagefind_dcd`` + JSON: either one
    fragment (an object with ``url``; its hash is the file name) or, in Pagefind 1.6, a fragment
    group (an object mapping page hash → fragment, see ``_loadFragmentGroup`` in pagefind.js).
    """
    hashes: dict[str, str] = {}
    for folder in bundle_folders(site_dir):
        hashes.update(_bundle_hashes(folder))
    return hashes


def _bundle_hashes(root: Path) -> dict[str, str]:
    hashes: dict[str, str] = {}
    for path in sorted((root / "fragment").glob("*.pf_fragment")):
        document = _read_fragment_file(path)
        if isinstance(document.get("url"), str):
            members = {path.name.removesuffix(".pf_fragment"): document}
        else:
            members = {key: value for key, value in document.items()
                       if isinstance(value, dict) and isinstance(value.get("url"), str)}
        for page_hash, fragment in members.items():
            hashes[fragment["url"].lstrip("/")] = page_hash
    return hashes
