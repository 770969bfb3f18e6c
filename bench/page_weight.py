"""Weight of a product page (and the other discovery pages) before and after a change.

Builds the demo with the current tree and with the tree of ``--before-commit`` (a git worktree
in /tmp, removed at the end; the same Pagefind binary for both), serves each on 127.0.0.1 with
gzip as a production web server sends it (``bench/lighthouse_bench.py``'s handler), and loads
pages in Debian Chromium with an empty cache, 390×844 (a phone). For each page: every request
until the network is idle, its transferred bytes (Playwright ``request.sizes()``: response
headers + gzip body), the HTML alone gzip-compressed, and the request count.

Pages: the same product page in both trees (the calculator, QR code and print sheet land there),
and, in the current tree only, ``guide/`` and ``compare/?ids=<first two products>``.

Writes bench/results/page_weight.json and prints a summary. 1 kB = 1,000 bytes.
Usage: ``python bench/page_weight.py [--before-commit 4f9cf6e] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.lighthouse_bench import GzipSiteServer  # noqa: E402
from generator.site.search import pagefind_executable  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "page_weight.json"
BEFORE_TREE = Path(tempfile.gettempdir()) / "portal-page-weight-before"
PHONE = {"width": 390, "height": 844}


def build(tree: Path, out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(tree), "PORTAL_PAGEFIND": str(pagefind_executable(ROOT))}
    subprocess.run([sys.executable, "-m", "generator", "build", "--out", str(out)], cwd=tree, env=env,
                   check=True, capture_output=True)


def measure(browser, url: str) -> dict:  # noqa: ANN001
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    rows: list[dict] = []

    def finished(request) -> None:  # noqa: ANN001
        sizes = request.sizes()
        rows.append({"url": request.url, "bytes": sizes["responseHeadersSize"] + sizes["responseBodySize"]})

    page.on("requestfinished", finished)
    page.goto(url, wait_until="networkidle")
    context.close()
    return {"bytes": sum(r["bytes"] for r in rows), "requests": len(rows), "resources": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-commit", default="4f9cf6e")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="page-weight-"))
    if BEFORE_TREE.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(BEFORE_TREE)], cwd=ROOT, check=False)
    subprocess.run(["git", "worktree", "add", "--detach", str(BEFORE_TREE), args.before_commit], cwd=ROOT,
                   check=True, capture_output=True)
    try:
        sites = {"before": work / "before", "after": work / "after"}
        build(BEFORE_TREE, sites["before"])
        build(ROOT, sites["after"])
        products = sorted(p.name for p in (sites["before"] / "products").iterdir()
                          if (p / "index.html").is_file() and (sites["after"] / "products" / p.name).is_dir())
        product = f"products/{products[0]}/"
        pages = {"before": {"product": product},
                 "after": {"product": product, "guide": "guide/",
                           "compare": f"compare/?ids={products[0]},{products[1]}"}}
        results: dict = {"product_page": product, "before_commit": args.before_commit, "sites": {}}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for key, site in sites.items():
                server = GzipSiteServer(site)
                try:
                    measured = {}
                    for name, path in pages[key].items():
                        runs = [measure(browser, server.url + path) for _ in range(args.repeat)]
                        html = site / path.split("?")[0] / "index.html"
                        measured[name] = {
                            "path": path,
                            "bytes": statistics.median(r["bytes"] for r in runs),
                            "requests": statistics.median(r["requests"] for r in runs),
                            "html_gzip_bytes": len(gzip.compress(html.read_bytes())),
                            "resources": [{"url": r["url"].removeprefix(server.url), "bytes": r["bytes"]}
                                          for r in runs[-1]["resources"]],
                        }
                    results["sites"][key] = measured
                finally:
                    server.stop()
            browser.close()
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(BEFORE_TREE)], cwd=ROOT, check=False)
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"Page weight at 390×844, empty cache, gzip (median of {args.repeat}); product page {product}")
    for key, measured in results["sites"].items():
        for name, m in measured.items():
            print(f"  {key:6} {name:8} {m['bytes'] / 1000:7.1f} kB in {m['requests']:>4} requests"
                  f"  (HTML {m['html_gzip_bytes'] / 1000:.1f} kB)")
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
