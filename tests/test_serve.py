"""``portal serve``: a local preview that rebuilds when content changes.

The preview runs the real command in a new process once (its end-to-end test: the watcher, the
server, the signals); a busy port is checked in-process, and the incremental rebuilds call the
preview engine (generator.commands.preview) in-process."""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import copy_project, edit_product, portal

DEADLINE = 60.0   # seconds for one rebuild on a busy machine; the loop returns as soon as it is seen


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, what: str, timeout: float = DEADLINE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


class Preview:
    """``portal serve --port 0`` in a new process, its temporary folders in ``tmp``; its messages
    (stderr) collected line by line."""

    def __init__(self, project: Path, tmp: Path) -> None:
        tmp.mkdir()
        self.process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", "0"], cwd=project,
                                        stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8",
                                             "TMPDIR": str(tmp)})
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line)

    def said(self, pattern: str, after: int = 0) -> re.Match | None:
        return next((m for line in self.lines[after:] if (m := re.search(pattern, line))), None)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)
        self.reader.join(timeout=10)


def abort_request(url: str) -> None:
    """Ask for a page and reset the connection before reading the answer, as a closed tab does."""
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port)) as conn:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))   # close = RST
        conn.sendall(f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())


def test_serve_previews_and_rebuilds_on_change(tmp_path):
    project = copy_project(tmp_path / "project")
    preview = Preview(project, tmp_path / "tmp")
    try:
        url = wait_for(lambda: preview.said(r"http://127\.0\.0\.1:\d+/"), "the preview address").group(0)
        # Saved right after the first preview is served: the watcher was started before the first
        # build, so the change is not lost.
        about = project / "content" / "pages" / "about.md"
        about.write_text(about.read_text(encoding="utf-8") + "\n\n预览更新测试句子。\n", encoding="utf-8")
        assert "小微企业金融服务产品库" in fetch(url)
        wait_for(lambda: "预览更新测试句子" in fetch(url + "about/"), "the changed page in the preview")
        abort_request(url + "products/")

        # Invalid input keeps the last good preview instead of breaking it: once the rebuild has
        # been tried and refused (its message), the page is still the last good one.
        seen = len(preview.lines)
        policy = project / "content" / "policies" / "tongqu-fuban-2024-23.md"
        text = policy.read_text(encoding="utf-8")
        assert "status: 现行有效" in text
        policy.write_text(text.replace("status: 现行有效", "status: 不存在"), encoding="utf-8")
        wait_for(lambda: preview.said("数据有错误，预览保持上一次成功生成的结果", after=seen),
                 "the refused rebuild's message")
        assert preview.said("status", after=seen), "".join(preview.lines[seen:])
        assert "预览更新测试句子" in fetch(url + "about/")
        assert not (project / "site").exists()
    finally:
        preview.stop()
    # Ended by SIGTERM: the preview's temporary folder is gone, and nothing was a traceback.
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not preview.said("Traceback"), "".join(preview.lines)


def test_serve_on_a_busy_port_says_so_without_traceback(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = portal("serve", "--port", str(port))
    assert result.returncode == 2
    assert "--port" in result.stderr and str(port) in result.stderr


# -- the incremental engine, in-process ----------------------------------------------------------


@pytest.fixture
def engine(tmp_path):
    """A preview of a demo copy, built once; its messages in ``engine.said``."""
    from generator.commands.preview import PreviewEngine
    from generator.core.settings import project_paths

    project = copy_project(tmp_path / "project")
    said: list[str] = []
    preview = PreviewEngine(project_paths(project, out=tmp_path / "unused"), tmp_path / "work", say=said.append)
    preview.project, preview.said = project, said
    assert preview.update().published
    yield preview
    preview.close()


def served(engine, url: str) -> str:  # noqa: ANN001
    path = engine.site_dir / url / "index.html" if not url or url.endswith("/") else engine.site_dir / url
    return path.read_text(encoding="utf-8-sig")


def list_pages(engine) -> list[Path]:  # noqa: ANN001
    """The product list's static pages (products/, products/page/2/ …)."""
    return [engine.site_dir / "products" / "index.html", *(engine.site_dir / "products" / "page").glob("*/index.html")]


def indexed(engine) -> dict[str, str]:  # noqa: ANN001
    from generator.site.search import page_hashes

    return page_hashes(engine.site_dir) if (engine.site_dir / "pagefind").is_dir() else {}


def test_a_changed_product_updates_its_page_the_lists_and_downloads_and_a_withdrawn_one_disappears(engine):
    changed = edit_product(engine.project, "abc", 1, rate_max="9.87")
    withdrawn = edit_product(engine.project, "abc", 2, status="暂停")
    untouched = served(engine, "products/icbc-shuiyi-dai/")
    assert not any("9.87%" in page.read_text(encoding="utf-8") for page in list_pages(engine))
    assert (engine.site_dir / f"products/{withdrawn}/index.html").is_file()

    update = engine.update()

    assert update.published and not update.full
    page = served(engine, f"products/{changed}/")
    assert "9.87%" in page and 'http-equiv="Content-Security-Policy"' in page   # finished like a build
    assert "9.87%" in served(engine, "banks/abc/")
    assert any(changed in text and "9.87%" in text for text in
               (page.read_text(encoding="utf-8") for page in list_pages(engine)))
    rows = {row["产品编号"]: row for row in csv.DictReader(io.StringIO(served(engine, "downloads/products.csv")))}
    assert rows[changed]["年化利率上限(%)"] == "9.87" and withdrawn not in rows
    assert not (engine.site_dir / f"products/{withdrawn}").exists()
    assert withdrawn not in served(engine, "banks/abc/")
    # Only what the change needs was rendered again: an unrelated product page is the same file.
    assert served(engine, "products/icbc-shuiyi-dai/") == untouched
    assert update.changed < 60, update
    # The search index follows in the background, without the withdrawn page.
    wait_for(lambda: f"products/{changed}/" in indexed(engine) and f"products/{withdrawn}/" not in indexed(engine),
             "the search index without the withdrawn product")


def test_a_broken_mkdocs_yml_or_a_folder_named_md_keeps_the_last_preview_until_fixed(engine, capsys):
    from generator.commands.serve import rebuild

    home = served(engine, "")
    settings = engine.project / "mkdocs.yml"
    good = settings.read_text(encoding="utf-8")
    settings.write_text(good.replace("use_directory_urls: true", "use_directory_urls: maybe"), encoding="utf-8")
    assert not rebuild(engine, full=True)
    said = capsys.readouterr().err
    assert "use_directory_urls" in said and "预览保持上一次成功生成的结果" in said and "Traceback" not in said
    assert served(engine, "") == home

    settings.write_text(good, encoding="utf-8")
    folder = engine.project / "content" / "policies" / "x.md"
    folder.mkdir()
    assert not rebuild(engine, full=False)
    said = capsys.readouterr().err
    assert "x.md" in said and "数据有错误，预览保持上一次成功生成的结果" in said and "Traceback" not in said
    assert served(engine, "") == home

    folder.rmdir()
    about = engine.project / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n\n修好之后的句子。\n", encoding="utf-8")
    assert rebuild(engine, full=False)
    assert "修好之后的句子" in served(engine, "about/")
    assert "预览已更新" in capsys.readouterr().err


def test_an_aborted_request_is_not_reported(tmp_path, capsys):
    """A browser that closes the connection mid-answer (a reload, a closed tab) is not an error."""
    from generator.commands.serve import PreviewHandler

    (tmp_path / "index.html").write_text("<p>预览</p>" * 10_000, encoding="utf-8")

    class Gone:
        """A connection whose reader has gone: the request arrives, the answer cannot be sent."""

        def makefile(self, mode: str, *args: object) -> io.BytesIO:
            return io.BytesIO(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")

        def sendall(self, data: bytes) -> None:
            raise BrokenPipeError(32, "Broken pipe")

        def settimeout(self, value: object) -> None:
            pass

    class Server:
        server_name, server_port = "127.0.0.1", 0

    PreviewHandler(Gone(), ("127.0.0.1", 1), Server(), directory=str(tmp_path))
    assert capsys.readouterr().err == ""


def test_a_killed_previews_folder_is_removed_by_the_next_preview(tmp_path):
    from generator.commands.serve import WORKDIR_PREFIX, remove_leftovers

    never_a_process = Path("/proc/sys/kernel/pid_max").read_text().strip()   # process ids stay below it
    killed = tmp_path / f"{WORKDIR_PREFIX}{never_a_process}-abc123"
    running = tmp_path / f"{WORKDIR_PREFIX}{os.getpid()}-def456"
    for folder in (killed, running):
        (folder / "site").mkdir(parents=True)
    remove_leftovers(tmp_path)
    assert not killed.exists() and running.is_dir()
