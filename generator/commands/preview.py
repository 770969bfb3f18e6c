"""The preview's incremental rebuild: one work folder kept between rebuilds, only what a change needs.

``portal build`` makes every page from nothing (about 30 s at 2,000 products). The preview keeps::

    workdir/docs/   MkDocs' input. A rebuild renders the pages into a scratch folder and moves in only
                    the files whose bytes changed, so their modification time tells MkDocs' dirty
                    build which pages to render again; unchanged product pages are not even rendered
                    (their inputs are compared: the product, its bank, the cases and policies naming it)
    workdir/build/  MkDocs' output, kept between rebuilds (dirty builds add to it; vanished pages are
                    removed by us)
    workdir/site/   what the preview serves. Each changed output file is copied to a staging folder,
                    finished there (build.finish_site) and moved in with os.replace, so a reader
                    never sees a half-written page

A rebuild does the pages first, then (if products, banks or settings changed) the downloads: the
XLSX alone takes longer than the changed pages at 2,000 products.

Pagefind (a few seconds at 2,000 pages) runs afterwards in a background thread on a hard-link
snapshot of ``site/`` (files there are only ever replaced, never rewritten in place, so the snapshot
cannot change under it); the old index is served meanwhile and the new one swapped in.

A change to ``site_templates/`` or ``mkdocs.yml``, the site settings, the schema, the banner's notice
or the date renders everything and runs MkDocs in full, as does the first rebuild.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from jinja2 import Environment

from generator.commands.build import (LoadedInput, banner, build_date, content_index, finish_site, index_site,
                                      load_input, release_stamp, render_downloads, render_pages)
from generator.commands.errors import as_portal_error
from generator.core import urls
from generator.core.issues import IssueList
from generator.core.schema import CanonicalSchema
from generator.core.settings import PortalSettings, ProjectPaths, check_warning_notice
from generator.release import checks
from generator.site import csp
from generator.site.mkdocs_plugin import ThemeInputs, build_site
from generator.site.model import SiteModel, make_model

Say = Callable[[str], None]
T = TypeVar("T")
# Files the search indexer owns in the served site; a rebuild never removes them.
INDEX_OWNED = (urls.PAGEFIND.rstrip("/"), urls.FINDER_SEARCH_MAP)


@dataclass
class Update:
    """What one rebuild did (``published`` False: invalid input, the served preview unchanged)."""

    issues: IssueList
    published: bool = False
    full: bool = False
    pages: int = 0
    changed: int = 0          # files replaced or added in the served site
    removed: int = 0
    pages_seconds: float = 0.0   # until the pages were served (the downloads follow)
    seconds: float = 0.0
    link_problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Inputs:
    """What decides whether every page must be rendered again (anything but products and documents)."""

    settings: PortalSettings
    schema: CanonicalSchema
    today: dt.date
    theme: ThemeInputs


def _product_inputs(model: SiteModel) -> dict[str, tuple]:
    """Per product page, everything it is rendered from besides ``_Inputs`` and the templates."""
    return {p.product_id: (p, model.bank(p.bank_id), tuple(model.cases_of_product(p.product_id)),
                           tuple(model.policies_of_product(p.product_id))) for p in model.products}


def output_of(doc: str) -> str:
    """The file MkDocs writes for a docs file (directory URLs): ``products/x.md`` → ``products/x/index.html``."""
    if not doc.endswith(".md"):
        return doc
    stem = doc.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return f"{stem}.html"
    return f"{stem}/index.html"


def _files(root: Path) -> dict[str, os.stat_result]:
    """Every file under ``root`` by its relative path (``/`` separated)."""
    found: dict[str, os.stat_result] = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, root).replace(os.sep, "/")] = os.stat(path)
    return found


def _prune_empty_dirs(root: Path) -> None:
    """Remove the folders a removed page leaves empty (bottom-up, so emptied parents go too)."""
    for folder, _dirs, names in os.walk(root, topdown=False):
        if folder != str(root) and not names:
            try:
                os.rmdir(folder)
            except OSError:
                pass   # not empty: it still holds a folder


def _is_download(rel: str) -> bool:
    """A file of the open-data downloads (written by exports), not the downloads page."""
    return rel.startswith(urls.DOWNLOADS) and not rel.endswith(".md")


def _index_owned(rel: str) -> bool:
    return any(rel == owned or rel.startswith(owned + "/") for owned in INDEX_OWNED)


class PreviewEngine:
    """Rebuilds the preview in ``workdir`` (see the module docstring); ``site_dir`` is what to serve.

    ``update`` runs in one thread at a time (the serve loop); the search indexer and the web server
    read ``site_dir`` concurrently."""

    def __init__(self, paths: ProjectPaths, workdir: Path, *, say: Say) -> None:
        self.paths = paths
        self.workdir = workdir
        self.docs_dir = workdir / "docs"
        self.build_dir = workdir / "build"
        self.site_dir = workdir / "site"
        for folder in (self.docs_dir, self.build_dir, self.site_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self._say = say
        self._counter = itertools.count(1)
        self._inputs: _Inputs | None = None               # None: the next update is a full one
        self._products: dict[str, tuple] = {}
        self._env: Environment | None = None                # the page templates, compiled once
        self._downloads: tuple | None = None                # what the downloads were written from
        self._built: dict[str, tuple[int, int]] = {}       # MkDocs' output: path → (mtime_ns, size)
        self.publish_lock = threading.Lock()               # publishing vs. the indexer's snapshot
        self.indexer = SearchIndexer(self, say=say)

    def update(self, *, full: bool = False) -> Update:
        """Load and validate the input; if valid, bring the served site up to date.

        Two passes: the pages first (what the person who saved a file is looking at), then the
        downloads (the XLSX alone takes longer than the pages at 2,000 products).

        Raises what ``portal build`` would stop on (PortalError, OSError …); the served site then
        still holds the last good preview, and the next update is a full one if the work folder
        was already being changed."""
        started = time.perf_counter()
        today = build_date()
        loaded = load_input(self.paths, today=today)
        check_warning_notice(loaded.settings, self.paths.content)
        result = Update(issues=loaded.issues)
        if not loaded.issues.valid:
            return result
        schema = loaded.catalog.schema
        model = make_model(loaded.catalog, loaded.content, loaded.settings, schema.titles, today, schema.vocab)
        inputs = _Inputs(loaded.settings, schema, today, ThemeInputs(loaded.settings, banner(model)))
        full = full or inputs != self._inputs
        products = _product_inputs(model)
        render = None if full else {pid for pid, key in products.items() if self._products.get(pid) != key}
        if full:
            self._env = None          # a new schema or new templates: compile them again
        self._inputs = None           # until this update is through: a failure below makes the next one full

        kept = set() if render is None else {urls.source(urls.product(pid)) for pid in products if pid not in render}
        written = self._render(lambda scratch: self._write_pages(scratch, loaded, model, render), kept=kept)
        html = self._build_and_publish(model, written, inputs.theme, full=full, result=result)
        if html:
            self.indexer.request(model)
        result.pages_seconds = time.perf_counter() - started
        # content.json is a download too: a new title or date of a document changes it, a body edit does not.
        downloads = (inputs, model.products, loaded.catalog.banks, release_stamp(model), content_index(loaded))
        if full or downloads != self._downloads:   # a staff page body edit leaves the downloads as they are
            self._downloads = None
            self._render(lambda scratch: render_downloads(scratch, loaded, model), kept=set(), downloads=True)
            self._build_and_publish(model, written, inputs.theme, full=False, result=result)

        self._inputs, self._products, self._downloads = inputs, products, downloads
        content_pages = {doc.url: f"{self.paths.content.name}/{doc.source}" for doc in loaded.content.all()}
        result.link_problems = checks.check_content_links(self.site_dir, content_pages)
        result.published, result.full, result.pages = True, full, len(written)
        result.seconds = time.perf_counter() - started
        return result

    def close(self) -> None:
        self.indexer.stop()

    # -- the steps ---------------------------------------------------------------------------

    def _write_pages(self, scratch: Path, loaded: LoadedInput, model: SiteModel,
                     product_pages: Collection[str] | None) -> list[str]:
        writer = render_pages(scratch, self.paths, loaded, model, product_pages=product_pages, env=self._env)
        self._env = writer.env
        return writer.written

    def _render(self, write: Callable[[Path], T], *, kept: set[str], downloads: bool = False) -> T:
        """``write`` into a scratch folder, then move into ``docs/`` only the files that changed.

        Pass one (``downloads`` False) owns every file but the downloads and the ``kept`` product
        pages (not rendered again); pass two only the downloads. A file its pass owns and did not
        write is removed, with its page."""
        scratch = self.workdir / f"scratch-{next(self._counter)}"
        scratch.mkdir()
        try:
            written = write(scratch)
            fresh = _files(scratch)
            for rel in fresh:
                target, source = self.docs_dir / rel, scratch / rel
                if target.is_file() and target.stat().st_size == fresh[rel].st_size \
                        and target.read_bytes() == source.read_bytes():
                    continue   # same bytes: keep the old file and its time, so MkDocs skips the page
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        for rel in _files(self.docs_dir).keys() - fresh.keys():
            if _is_download(rel) != downloads or rel in kept:
                continue
            (self.docs_dir / rel).unlink()
            # MkDocs' dirty build never removes an output; the page must go with its source.
            (self.build_dir / output_of(rel)).unlink(missing_ok=True)
        _prune_empty_dirs(self.docs_dir)
        return written

    def _build_and_publish(self, model: SiteModel, written: list[str], theme: ThemeInputs, *, full: bool,
                           result: Update) -> bool:
        """MkDocs over ``docs/``, then its changed output into the served site; True if a page changed."""
        build_site(self.paths, self.docs_dir, self.build_dir, theme, dirty=not full)
        changed, removed = self._built_changes()
        published, gone = self._publish(model, written, changed, removed, full=full)
        result.changed += published
        result.removed += gone
        return any(rel.endswith(".html") for rel in changed | removed)

    def _built_changes(self) -> tuple[set[str], set[str]]:
        now = {rel: (st.st_mtime_ns, st.st_size) for rel, st in _files(self.build_dir).items()}
        changed = {rel for rel, stamp in now.items() if self._built.get(rel) != stamp}
        removed = self._built.keys() - now.keys()
        self._built = now
        return changed, removed

    def _publish(self, model: SiteModel, written: list[str], changed: set[str], removed: set[str], *,
                 full: bool) -> tuple[int, int]:
        """Finish the changed files in a staging folder, then move them into the served site."""
        stage = self.workdir / f"stage-{next(self._counter)}"
        try:
            for rel in changed:
                target = stage / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.build_dir / rel, target)
            finish_site(stage, model, written)
            staged = set(_files(stage))
            if not full:
                # The policy's header file lists the hashes of every page; a partial one would be wrong.
                staged.discard(csp.HEADERS_FILE)
            with self.publish_lock:
                for rel in sorted(staged):
                    target = self.site_dir / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(stage / rel, target)
                gone = set(removed)
                if full:
                    gone |= {rel for rel in _files(self.site_dir) if rel not in staged and not _index_owned(rel)}
                for rel in gone - staged:
                    (self.site_dir / rel).unlink(missing_ok=True)
                _prune_empty_dirs(self.site_dir)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        return len(staged), len(gone - staged)


class SearchIndexer:
    """Pagefind over a snapshot of the served site, in a background thread; one run at a time, and
    one more if the site changed while it ran."""

    def __init__(self, engine: PreviewEngine, *, say: Say) -> None:
        self.engine = engine
        self._say = say
        self._condition = threading.Condition()
        self._wanted: SiteModel | None = None
        self._stopping = False
        self.runs = 0                      # finished runs (tests and the benchmark wait on it)
        self._thread = threading.Thread(target=self._run, name="portal-preview-index", daemon=True)
        self._thread.start()

    def request(self, model: SiteModel) -> None:
        with self._condition:
            self._wanted = model
            self._condition.notify()

    def stop(self) -> None:
        """Wait for a running Pagefind (its files are in the work folder about to be removed)."""
        with self._condition:
            self._stopping = True
            self._condition.notify()
        self._thread.join(timeout=120)

    def _run(self) -> None:
        while True:
            with self._condition:
                while self._wanted is None and not self._stopping:
                    self._condition.wait()
                if self._stopping:
                    return
                model, self._wanted = self._wanted, None
            self._say("搜索索引更新中…")
            started = time.perf_counter()
            try:
                self._index(model)
            except Exception as exc:  # noqa: BLE001 - the preview goes on; the old index stays
                if self._stopping:
                    return   # Ctrl+C reached Pagefind too: not a failure worth a message
                error = as_portal_error(exc)
                self._say(f"搜索索引更新失败：{error if error is not None else repr(exc)}；搜索仍使用上一次的索引。")
                continue
            self.runs += 1
            self._say(f"搜索索引已更新（{time.perf_counter() - started:.1f} 秒）")

    def _index(self, model: SiteModel) -> None:
        engine = self.engine
        snapshot = engine.workdir / f"index-{self.runs}-{time.monotonic_ns()}"
        try:
            with engine.publish_lock:
                for rel in _files(engine.site_dir):
                    if not _index_owned(rel):
                        target = snapshot / rel
                        target.parent.mkdir(parents=True, exist_ok=True)
                        try:
                            os.link(engine.site_dir / rel, target)
                        except OSError:   # a file system without hard links: a copy does too
                            shutil.copyfile(engine.site_dir / rel, target)
            index_site(snapshot, engine.paths, model)
            with engine.publish_lock:
                served, old = engine.site_dir / urls.PAGEFIND.rstrip("/"), snapshot / "old-pagefind"
                if served.exists():
                    os.rename(served, old)
                os.rename(snapshot / urls.PAGEFIND.rstrip("/"), served)
                os.replace(snapshot / urls.FINDER_SEARCH_MAP, engine.site_dir / urls.FINDER_SEARCH_MAP)
        finally:
            shutil.rmtree(snapshot, ignore_errors=True)
