"""``portal serve``: build into a preview folder, serve it on localhost, rebuild on change."""

from __future__ import annotations

import functools
import http.server
import tempfile
import threading
import time
from pathlib import Path

import click

from generator.config import ProjectPaths


def _snapshot(roots: list[Path]) -> dict[str, float]:
    stamps = {}
    for root in roots:
        if root.is_file():
            stamps[str(root)] = root.stat().st_mtime
        elif root.is_dir():
            for path in root.rglob("*"):
                if path.is_file():
                    stamps[str(path)] = path.stat().st_mtime
    return stamps


def serve(paths: ProjectPaths, *, host: str, port: int, interval: float = 1.0) -> None:
    from generator.build import build_portal
    from generator.report import to_text

    preview = Path(tempfile.mkdtemp(prefix="portal-preview-")) / "site"
    preview_paths = ProjectPaths(paths.root, paths.mkdocs_yml, paths.catalog, paths.content,
                                 paths.templates, preview)

    def rebuild() -> None:
        result = build_portal(preview_paths)
        if not result.issues.valid:
            click.echo(to_text(result.issues), err=True)
            click.echo("数据有错误，预览保持上一次的结果。", err=True)
        else:
            click.echo(f"已重新生成（{result.seconds:.1f} 秒）")

    rebuild()
    handler = functools.partial(_PreviewHandler, directory=str(preview))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    click.echo(f"预览地址：http://{host}:{server.server_address[1]}/  （Ctrl+C 结束）")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    watched = [paths.catalog, paths.content, paths.templates, paths.mkdocs_yml]
    last = _snapshot(watched)
    try:
        while True:
            time.sleep(interval)
            now = _snapshot(watched)
            if now != last:
                last = now
                rebuild()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


class _PreviewHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass
