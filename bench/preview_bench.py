"""Preview latency at catalogue scale: from saving a product's CSV to the served page showing it.

A temporary project with N synthetic products (bench/build_bench.py's ``make_project``: the
registry's 11 banks, the demo's notices and pages) is previewed by the real ``portal serve`` in a
subprocess on a free port. After the first preview (and its search index), one product's annual
rate ceiling is changed in its bank's CSV, ``--edits`` times, each time measuring from the moment
the file is written until

- the product page served over HTTP shows the new value (polled every 20 ms),
- ``downloads/products.csv`` served over HTTP has it,
- the preview says the search index is updated (搜索索引已更新).

Writes bench/results/preview.json and prints a summary. Goal (issue 11): page ≤ 3 s at 2,000 products.
Usage: ``python bench/preview_bench.py [--products 2000] [--edits 3]``
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.build_bench import bank_ids, make_project  # noqa: E402

POLL_SECONDS = 0.02
DEADLINE = 300.0
INDEX_DONE = "搜索索引已更新"


class Preview:
    """``portal serve`` in a subprocess; its console lines with the time each arrived."""

    def __init__(self, project: Path, port: int) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", str(port)],
                                        cwd=project, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"})
        self.lines: list[tuple[float, str]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append((time.monotonic(), line.rstrip()))

    def said_after(self, text: str, since: float) -> float | None:
        return next((at for at, line in list(self.lines) if at >= since and text in line), None)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=120)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8-sig")
    except (urllib.error.URLError, ConnectionError):
        return ""


def wait_until(check, what: str) -> float:  # noqa: ANN001
    """Poll ``check`` (returning a time or a truthy value) until it holds; the monotonic time it did."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value if isinstance(value, float) else time.monotonic()
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"not within {DEADLINE:.0f} s: {what}")


def set_rate_max(project: Path, bank: str, row: int, value: str) -> str:
    """Change one product's 年化利率上限 in its bank's CSV, written in place as an editor would."""
    data = project / "catalog" / "banks" / bank / "products.csv"
    rows = list(csv.DictReader(io.StringIO(data.read_text(encoding="utf-8"))))
    rows[row]["rate_max"] = value
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data.write_text(buffer.getvalue(), encoding="utf-8")
    return rows[row]["product_id"]


def bench(products: int, edits: int, work: Path) -> dict:
    project = make_project(work, products)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    preview = Preview(project, port)
    try:
        first = wait_until(lambda: preview.said_after("预览地址", started), "the first preview")
        first_index = wait_until(lambda: preview.said_after(INDEX_DONE, started), "the first search index")
        runs = []
        banks = bank_ids()
        for number in range(edits):
            bank = banks[number % len(banks)]
            value = f"{23 - number}.{17 + number}"       # a ceiling no synthetic product has
            saved = time.monotonic()
            product_id = set_rate_max(project, bank, 0, value)
            page = wait_until(lambda: value in fetch(f"{url}products/{product_id}/"), "the changed product page")
            download = wait_until(lambda: value in fetch(f"{url}downloads/products.csv"), "the changed download")
            index = wait_until(lambda: preview.said_after(INDEX_DONE, saved), "the updated search index")
            runs.append({"product_id": product_id, "rate_max": value, "page_seconds": round(page - saved, 2),
                         "download_seconds": round(download - saved, 2), "index_seconds": round(index - saved, 2)})
        console = [line for _, line in preview.lines]
    finally:
        preview.stop()
    return {
        "products": products,
        "first_preview_seconds": round(first - started, 1),
        "first_index_seconds": round(first_index - started, 1),
        "edits": runs,
        "console": console,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="preview-bench-") as work:
        result = bench(args.products, args.edits, Path(work))
    result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(),
                         "load_average_1m": round(os.getloadavg()[0], 2)}
    out = ROOT / "bench" / "results" / "preview.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"portal serve at {result['products']} products: first preview {result['first_preview_seconds']} s, "
          f"its search index {result['first_index_seconds']} s")
    for run in result["edits"]:
        print(f"  edit {run['product_id']} rate_max={run['rate_max']}: page {run['page_seconds']} s, "
              f"downloads {run['download_seconds']} s, search index {run['index_seconds']} s")
    worst = max(run["page_seconds"] for run in result["edits"])
    print(f"slowest page update {worst} s (goal ≤ 3 s); written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
