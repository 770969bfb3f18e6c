"""``portal serve``: a local preview that rebuilds when content changes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request

from tests.conftest import copy_project


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_serve_previews_and_rebuilds_on_change(tmp_path):
    project = copy_project(tmp_path / "project")
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", "0"], cwd=project,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines: list[str] = []

        def address():
            line = process.stderr.readline()
            lines.append(line)
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            return match.group(0) if match else None

        url = wait_for(address)
        assert "小微企业金融服务产品库" in fetch(url)
        about = project / "content" / "pages" / "about.md"
        about.write_text(about.read_text(encoding="utf-8") + "\n\n预览更新测试句子。\n", encoding="utf-8")
        wait_for(lambda: "预览更新测试句子" in fetch(url + "about/"))
        # Invalid input keeps the last good preview instead of breaking it.
        policy = project / "content" / "policies" / "tongqu-fuban-2024-23.md"
        text = policy.read_text(encoding="utf-8")
        assert "status: 现行有效" in text
        policy.write_text(text.replace("status: 现行有效", "status: 不存在"), encoding="utf-8")
        time.sleep(2.5)
        assert "预览更新测试句子" in fetch(url + "about/")
        assert not (project / "site").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_on_a_busy_port_says_so_without_traceback(tmp_path):
    import socket

    project = copy_project(tmp_path / "project")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "generator", "serve", "--port", str(port)], cwd=project,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "--port" in result.stderr
