"""``portal serve``: a local preview that rebuilds when content changes.

The preview runs the real command in a new process (its end-to-end test); a busy port is checked
in-process."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request

from tests.conftest import copy_project, portal

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
    """``portal serve --port 0`` in a new process; its messages (stderr) collected line by line."""

    def __init__(self, project) -> None:  # noqa: ANN001
        self.process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", "0"], cwd=project,
                                        stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"})
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line)

    def said(self, pattern: str, after: int = 0) -> re.Match | None:
        return next((m for line in self.lines[after:] if (m := re.search(pattern, line))), None)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def test_serve_previews_and_rebuilds_on_change(tmp_path):
    project = copy_project(tmp_path / "project")
    preview = Preview(project)
    try:
        url = wait_for(lambda: preview.said(r"http://127\.0\.0\.1:\d+/"), "the preview address").group(0)
        assert "小微企业金融服务产品库" in fetch(url)
        about = project / "content" / "pages" / "about.md"
        assert "预览更新测试句子" not in fetch(url + "about/")
        about.write_text(about.read_text(encoding="utf-8") + "\n\n预览更新测试句子。\n", encoding="utf-8")
        wait_for(lambda: "预览更新测试句子" in fetch(url + "about/"), "the changed page in the preview")

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


def test_serve_on_a_busy_port_says_so_without_traceback(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = portal("serve", "--port", str(port))
    assert result.returncode == 2
    assert "--port" in result.stderr and str(port) in result.stderr
