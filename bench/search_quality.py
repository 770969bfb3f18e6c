"""Search word recall: does the built site's own Pagefind index find a product by its words?

For each size, the real ``portal build`` writes a site into a temporary folder: ``demo`` is the
repository's catalogue and content; a number N is a project of N synthetic products
(bench/build_bench.py's ``make_project``). jieba (precise mode) segments the name, summary and
eligibility of every *published* product (those in the built site's ``downloads/products.json``);
each distinct word of 2–6 characters, all of them CJK, is queried through the site's own
``pagefind/pagefind.js`` in headless Chromium. A (word, product) pair is found when the product
page's Pagefind hash (``generator.site.search.page_hashes``) is among the ids of all the results.

Writes bench/results/search_quality.json (per size: Pagefind version, words, pairs, found,
recall, the missed pairs) and prints the recall per size and the missed words.
Usage: ``python bench/search_quality.py [--sizes demo 2000] [--pagefind PATH] [--output FILE]``
(``--pagefind`` indexes with another binary, e.g. a Pagefind 1.5.2 ``pagefind_extended``).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.build_bench import make_project  # noqa: E402
from generator.site.search import ENV_VAR, _read_fragment_file, pagefind_executable, page_hashes  # noqa: E402

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TEXT_FIELDS = ("name", "summary", "eligibility")
# CJK Unified Ideographs, Extension A, Compatibility Ideographs.
WORD = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]{2,6}")
BATCH = 400   # words per page.evaluate call

# Runs in the page: the site's own pagefind.js, every result id of every word.
SEARCH_JS = """
async (words) => {
  if (!window.__pf) {
    const pf = await import('/pagefind/pagefind.js');
    await pf.options({ basePath: '/pagefind/' });
    await pf.init();
    window.__pf = pf;
  }
  const out = {};
  for (const word of words) {
    const search = await window.__pf.search(word);
    out[word] = search ? search.results.map((r) => r.id) : [];
  }
  return out;
}
"""


def build(out: Path, cwd: Path, binary: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", ENV_VAR: str(binary)}
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--out", str(out)], cwd=cwd,
                            capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"portal build in {cwd} failed ({result.returncode}):\n{result.stderr[-3000:]}")


def product_words(site: Path) -> dict[str, set[str]]:
    """Product page URL → the distinct words jieba finds in its name, summary and eligibility."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    products = json.loads((site / "downloads" / "products.json").read_text(encoding="utf-8"))["products"]
    words: dict[str, set[str]] = {}
    for product in products:
        text = "\n".join(str(product.get(name) or "") for name in TEXT_FIELDS)
        words[product["url"]] = {w for w in jieba.lcut(text) if WORD.fullmatch(w)}
    return words


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/__search_quality__":   # an empty page of the site's origin, no site scripts
            body = b"<!doctype html><html lang=\"zh\"><meta charset=\"utf-8\"><title>bench</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


def search_all(site: Path, words: list[str]) -> dict[str, list[str]]:
    from playwright.sync_api import sync_playwright

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/__search_quality__")
                results: dict[str, list[str]] = {}
                for start in range(0, len(words), BATCH):
                    results.update(page.evaluate(SEARCH_JS, words[start:start + BATCH]))
                return results
            finally:
                browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()


def measure(label: str, site: Path) -> dict:
    version = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))["version"]
    hashes = page_hashes(site)
    fragment_files = sorted((site / "pagefind" / "fragment").glob("*.pf_fragment"))
    groups = sum(1 for path in fragment_files if "url" not in _read_fragment_file(path))
    words_by_page = product_words(site)
    unindexed = sorted(url for url in words_by_page if url not in hashes)
    if unindexed:
        raise SystemExit(f"{label}: product pages without a Pagefind fragment: {unindexed[:5]}")
    words = sorted(set().union(*words_by_page.values()))
    started = time.perf_counter()
    results = {word: set(ids) for word, ids in search_all(site, words).items()}
    seconds = time.perf_counter() - started
    pairs = found = 0
    missed: list[list[str]] = []
    for url, page_words in sorted(words_by_page.items()):
        product_id = url.strip("/").split("/")[-1]
        for word in sorted(page_words):
            pairs += 1
            if hashes[url] in results[word]:
                found += 1
            else:
                missed.append([word, product_id])
    missed_words: dict[str, int] = {}
    for word, _ in missed:
        missed_words[word] = missed_words.get(word, 0) + 1
    return {
        "size": label,
        "pagefind_version": version,
        "products": len(words_by_page),
        "indexed_pages": len(hashes),
        "fragment_files": len(fragment_files),
        "fragment_groups": groups,
        "words": len(words),
        "words_without_any_result": sorted(w for w in words if not results[w]),
        "pairs": pairs,
        "found": found,
        "recall": round(found / pairs, 4) if pairs else None,
        "search_seconds": round(seconds, 1),
        "missed_words": dict(sorted(missed_words.items(), key=lambda item: (-item[1], item[0]))),
        "missed_pairs": missed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["demo", "2000"],
                        help="'demo' (the repository's data) and/or numbers of synthetic products")
    parser.add_argument("--pagefind", type=Path, help="another pagefind_extended binary to index with")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "search_quality.json")
    args = parser.parse_args()
    for size in args.sizes:
        if size != "demo" and not size.isdigit():
            parser.error(f"--sizes: {size!r} is neither 'demo' nor a number")
    binary = (args.pagefind or pagefind_executable(ROOT)).resolve()
    if not binary.is_file():
        parser.error(f"--pagefind: {binary} does not exist")
    runs = []
    with tempfile.TemporaryDirectory(prefix="portal-search-quality-") as tmp:
        work = Path(tmp)
        for size in args.sizes:
            site = work / f"site-{size}"
            if size == "demo":
                build(site, ROOT, binary)
            else:
                build(site, make_project(work, int(size)), binary)
            runs.append(measure(size, site))
            run = runs[-1]
            print(f"{size:>6}: Pagefind {run['pagefind_version']}  {run['products']} products  "
                  f"{run['words']} words  {run['found']}/{run['pairs']} pairs  recall {run['recall']:.2%}  "
                  f"({run['search_seconds']} s of searching)", flush=True)
    results = {"binary": str(binary), "fields": list(TEXT_FIELDS), "segmenter": "jieba 0.42.1 lcut (precise)",
               "runs": runs}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    for run in runs:
        missed = "、".join(f"{word}（{count}）" for word, count in run["missed_words"].items()) or "无"
        print(f"{run['size']:>6}: recall {run['recall']:.2%} — missed words (products): {missed}")
    print(f"written {args.output}")


if __name__ == "__main__":
    main()
