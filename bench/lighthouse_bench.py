"""Lighthouse (npm, offline, Debian Chromium) on the home, search and a product page.

Usage: ``.venv/bin/python bench/lighthouse_bench.py [--form-factor mobile|desktop]``
Builds the demo with the real ``portal build`` into a temporary folder, serves it on
127.0.0.1, runs the pinned Lighthouse of tests/quality (``bash tests/install-deps.sh`` first),
writes ``bench/results/lighthouse.json`` and prints the four category scores per page.
Goal (issue "Quality gates"): performance >= 95 on mobile, accessibility, best practices and
SEO 100. A benchmark, not a test: nothing fails when a score is lower.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, SiteServer, run_portal  # noqa: E402
from tests.quality.tools import LIGHTHOUSE, require  # noqa: E402

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
RESULTS = ROOT / "bench" / "results" / "lighthouse.json"


COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Compresses text like any production web server does (Python's test server does not,
    and Lighthouse would then time Material's 137 KB stylesheet uncompressed)."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_head(self):  # noqa: ANN201
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or path.suffix not in COMPRESSIBLE \
                or not path.is_file():
            return super().send_head()  # directories without "/" (redirect), binaries, 404s
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class GzipSiteServer(SiteServer):
    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.httpd.RequestHandlerClass = functools.partial(GzipHandler, directory=str(directory))


def first_product(site_dir: Path) -> str:
    return next(f"products/{p.name}/" for p in sorted((site_dir / "products").iterdir())
                if (p / "index.html").is_file())


def run_lighthouse(url: str, form_factor: str, workdir: Path) -> dict:
    report = workdir / "report.json"
    command = [str(require(LIGHTHOUSE)), url, "--output=json", f"--output-path={report}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
               "--max-wait-for-load=30000"]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(command, check=True, env=env, capture_output=True, text=True)
    data = json.loads(report.read_text(encoding="utf-8"))
    scores = {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
    failing = sorted(
        f"{audit_id}: {audit.get('title', '')}"
        for category in CATEGORIES for ref in data["categories"][category]["auditRefs"] if ref["weight"] > 0
        for audit_id, audit in [(ref["id"], data["audits"][ref["id"]])]
        if audit.get("score") is not None and audit["score"] < 1)
    metrics = {k: round(data["audits"][k]["numericValue"]) for k in
               ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "speed-index")}
    metrics["cumulative-layout-shift"] = round(data["audits"]["cumulative-layout-shift"]["numericValue"], 3)
    return {"scores": scores, "metrics_ms": metrics, "not_passing": failing,
            "lighthouse": data.get("lighthouseVersion")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--form-factor", choices=("mobile", "desktop"), default="mobile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        site_dir = workdir / "site"
        run_portal("build", "--out", str(site_dir), check=True)
        pages = {"home": "", "search": f"search/?q={quote('信用贷款')}",
                 "finder": "products/?q=" + quote("个体户 不要抵押"), "product": first_product(site_dir)}
        server = GzipSiteServer(site_dir)
        try:
            results = {name: {"path": path, **run_lighthouse(server.url + path, args.form_factor, workdir)}
                       for name, path in pages.items()}
        finally:
            server.stop()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"date": dt.datetime.now().isoformat(timespec="seconds"),
                                   "form_factor": args.form_factor, "goals": GOALS, "pages": results},
                                  ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"Lighthouse ({args.form_factor}) — goals: " + ", ".join(f"{c} ≥ {g}" for c, g in GOALS.items()))
    for name, result in results.items():
        scores = "  ".join(f"{c} {s:3d}{'' if s >= GOALS[c] else '!'}" for c, s in result["scores"].items())
        print(f"  {name:8s} {scores}")
        for item in result["not_passing"]:
            print(f"           - {item}")
    print(f"written: {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
