"""``portal serve``: build into a preview folder, serve it on localhost, rebuild on change.

The preview folder is private (never ``site/``), and a build with invalid input keeps the
previous preview, exactly as ``portal build`` keeps ``--out``.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import tempfile
import threading
import time
from pathlib import Path

import click
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.commands.errors import as_portal_error
from generator.core.settings import ProjectPaths

QUIET_SECONDS = 0.4   # editors write a file in several steps; wait until they are done


class _ChangeFlag(FileSystemEventHandler):
    def __init__(self, ignored: Path) -> None:
        self.changed_at: float | None = None
        self.ignored = str(ignored)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or str(event.src_path).startswith(self.ignored):
            return
        self.changed_at = time.monotonic()


class _PreviewHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(paths: ProjectPaths, *, host: str, port: int) -> None:
    from generator.commands.build import build_portal
    from generator.commands.report import to_text

    workdir = Path(tempfile.mkdtemp(prefix="portal-preview-"))
    preview = workdir / "site"
    preview_paths = ProjectPaths(paths.root, paths.mkdocs_yml, paths.catalog, paths.content,
                                 paths.templates, preview)

    def rebuild() -> None:
        try:
            result = build_portal(preview_paths)
        except Exception as exc:  # noqa: BLE001 - what is not a known failure keeps its traceback
            error = as_portal_error(exc)
            if error is None:
                raise
            # While previewing, a broken setting or template is shown and the last preview stays.
            click.echo(f"{error.label}：{error}；预览保持上一次成功生成的结果。", err=True)
            return
        if not result.issues.valid:
            click.echo(to_text(result.issues), err=True)
            click.echo("数据有错误，预览保持上一次成功生成的结果。", err=True)
        elif result.problems:
            click.echo("\n".join(result.problems), err=True)
        else:
            click.echo(f"已生成（{result.pages} 个页面，{result.seconds:.1f} 秒）", err=True)

    # Bind first: a busy port is reported at once, before a build.
    handler = functools.partial(_PreviewHandler, directory=str(preview))
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    rebuild()
    preview.mkdir(parents=True, exist_ok=True)
    # The handler resolves paths per request, so the atomically swapped preview is picked up.
    click.echo(f"预览地址：http://{host}:{server.server_address[1]}/  （Ctrl+C 结束）", err=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    flag = _ChangeFlag(ignored=workdir)
    observer = Observer()
    for root in (paths.catalog, paths.content, paths.templates):
        if root.is_dir():
            observer.schedule(flag, str(root), recursive=True)
    observer.schedule(flag, str(paths.mkdocs_yml.parent), recursive=False)
    observer.start()
    try:
        while True:
            time.sleep(0.2)
            if flag.changed_at is not None and time.monotonic() - flag.changed_at > QUIET_SECONDS:
                flag.changed_at = None
                rebuild()
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        server.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
