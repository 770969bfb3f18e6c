"""``portal serve``: build into a preview folder, serve it on localhost, rebuild on change.

The preview folder is private (a temporary folder, never ``site/``) and removed on every way out
(Ctrl+C, SIGTERM, SIGHUP, an error); one left by a killed preview is removed by the next. Nothing
that goes wrong while previewing stops it: bad data, a broken mkdocs.yml or template, a file that
vanishes mid-read are reported in Chinese and the last good preview stays served. Rebuilds are
incremental (generator.commands.preview).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

import click
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.commands.errors import as_portal_error
from generator.commands.preview import PreviewEngine
from generator.commands.report import to_text
from generator.core.settings import ProjectPaths

QUIET_SECONDS = 0.3   # editors write a file in several steps; wait until they are done
POLL_SECONDS = 0.05
WORKDIR_PREFIX = "portal-preview-"
_WORKDIR_NAME = re.compile(re.escape(WORKDIR_PREFIX) + r"(\d+)-")


class _Changes(FileSystemEventHandler):
    """What changed since the last rebuild: when last, and whether it needs a full rebuild
    (templates or mkdocs.yml). Events arrive on watchdog's thread."""

    def __init__(self, paths: ProjectPaths) -> None:
        self._lock = threading.Lock()
        self._last: float | None = None
        self._full = False
        self._templates = str(paths.templates)
        self._inputs = (str(paths.catalog), str(paths.content))
        self._config = str(paths.mkdocs_yml)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for path in filter(None, (str(event.src_path), str(getattr(event, "dest_path", "") or ""))):
            full = path == self._config or _within(path, self._templates)
            if full or any(_within(path, root) for root in self._inputs):
                with self._lock:
                    self._last = time.monotonic()
                    self._full = self._full or full

    def take(self) -> bool | None:
        """None while nothing changed or changes are still coming; else whether to rebuild in full."""
        with self._lock:
            if self._last is None or time.monotonic() - self._last < QUIET_SECONDS:
                return None
            full, self._last, self._full = self._full, None, False
            return full


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the preview folder; quiet, never cached (the pages change under the browser)."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def handle(self) -> None:
        try:
            super().handle()
        except ConnectionError:
            pass   # the browser went away mid-answer (closed tab, reload): nothing to report


def remove_leftovers(tmp: Path) -> None:
    """Remove preview folders whose process is gone (a killed ``portal serve`` cannot clean up)."""
    for folder in tmp.glob(WORKDIR_PREFIX + "*"):
        match = _WORKDIR_NAME.match(folder.name)
        if match is None or not folder.is_dir():
            continue
        try:
            os.kill(int(match[1]), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass   # alive (someone else's process, or no permission to ask): keep it


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP end the preview as Ctrl+C does, so the temporary folder is removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signals = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    before = {sig: signal.signal(sig, interrupt) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def _say(text: str) -> None:
    click.echo(text, err=True)


def rebuild(engine: PreviewEngine, *, full: bool) -> bool:
    """One rebuild with its console report; never raises for bad input. True if published."""
    try:
        update = engine.update(full=full)
    except Exception as exc:  # noqa: BLE001 - the preview must outlive any failure
        error = as_portal_error(exc)
        if error is None:   # a bug: its traceback helps whoever fixes it, and the preview goes on
            _say(traceback.format_exc().rstrip())
            _say("预览生成时程序出错（见上方信息），预览保持上一次成功生成的结果。")
        else:
            _say(f"{error.label}：{error}；预览保持上一次成功生成的结果。")
        return False
    if not update.published:
        _say(to_text(update.issues))
        _say("数据有错误，预览保持上一次成功生成的结果。")
        return False
    for problem in update.link_problems:
        _say(problem)
    how = "全部重新生成" if update.full else f"更新 {update.changed} 个文件，删除 {update.removed} 个"
    _say(f"预览已更新（{update.pages} 个页面，{how}；页面 {update.pages_seconds:.1f} 秒，"
         f"全部 {update.seconds:.1f} 秒）")
    return True


def serve(paths: ProjectPaths, *, host: str, port: int) -> None:
    tmp = Path(tempfile.gettempdir())
    remove_leftovers(tmp)
    workdir = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
    server: http.server.ThreadingHTTPServer | None = None
    serving = observer = engine = None
    try:
        with _stop_on_signals():
            engine = PreviewEngine(paths, workdir, say=_say)
            # Bind first: a busy port is reported at once, before a build.
            handler = functools.partial(PreviewHandler, directory=str(engine.site_dir))
            server = http.server.ThreadingHTTPServer((host, port), handler)
            # Watch before the first build: an edit saved while it runs is the next rebuild's.
            changes = _Changes(paths)
            observer = Observer()
            for root in (paths.catalog, paths.content, paths.templates):
                if root.is_dir():
                    observer.schedule(changes, str(root), recursive=True)
            observer.schedule(changes, str(paths.mkdocs_yml.parent), recursive=False)
            observer.start()
            if not rebuild(engine, full=True):
                _say("预览还没有成功生成的结果；改正后会自动重新生成。")
            serving = threading.Thread(target=server.serve_forever, daemon=True)
            serving.start()
            _say(f"预览地址：http://{host}:{server.server_address[1]}/  （Ctrl+C 结束）")
            while True:
                time.sleep(POLL_SECONDS)
                full = changes.take()
                if full is not None:
                    rebuild(engine, full=full)
    except KeyboardInterrupt:
        pass
    finally:
        if observer is not None:
            observer.stop()
        if server is not None:
            if serving is not None:
                server.shutdown()
            server.server_close()
        if engine is not None:
            engine.close()
        shutil.rmtree(workdir, ignore_errors=True)
