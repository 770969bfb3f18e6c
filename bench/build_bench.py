"""Build speed and output size at catalogue scale: the whole ``portal build`` on N products.

For each size, a temporary project gets the repository's registry, schema, theme and settings,
N synthetic valid products spread over the 11 registry banks (bench/synthetic_catalog.py), and
the demo's notices and pages (policies and cases are left out: they name demo products). The
real command runs in a subprocess; wall time, peak memory, pages and bytes are recorded.

Writes bench/results/build.json and prints a summary.
Usage: ``python bench/build_bench.py [--sizes 36 300 3000]``
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synthetic_catalog import write_package  # noqa: E402


def bank_ids() -> list[str]:
    with (ROOT / "catalog" / "registry" / "banks.csv").open(encoding="utf-8-sig") as handle:
        return [row["bank_id"] for row in csv.DictReader(handle)]


def make_project(work: Path, products: int) -> Path:
    project = work / f"project-{products}"
    shutil.copytree(ROOT / "site_templates", project / "site_templates")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    for part in ("registry", "schema"):
        shutil.copytree(ROOT / "catalog" / part, project / "catalog" / part)
    banks = bank_ids()
    for index, bank_id in enumerate(banks):
        count = products // len(banks) + (1 if index < products % len(banks) else 0)
        write_package(project / "catalog" / "banks" / bank_id, count, seed=index)
    for part in ("notices", "pages"):
        shutil.copytree(ROOT / "content" / part, project / "content" / part)
    for extra in (ROOT / "content").glob("*.yml"):
        shutil.copy(extra, project / "content" / extra.name)
    return project


def tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench_one(products: int, work: Path) -> dict:
    project = make_project(work, products)
    out = work / f"site-{products}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--out", str(out)], cwd=project,
                            capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build of {products} products failed:\n{result.stderr[-3000:]}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "products": products,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(max(peak_kb, before) / 1024, 1),
        "html_pages": sum(1 for _ in out.rglob("*.html")),
        "site_mb": round(tree_bytes(out) / 1e6, 2),
        "pagefind_mb": round(tree_bytes(out / "pagefind") / 1e6, 2),
        "product_list_kb": round((out / "products" / "index.html").stat().st_size / 1e3, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[36, 300, 3000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-build-bench-") as tmp:
        runs = [bench_one(n, Path(tmp)) for n in args.sizes]
    results = {"machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
               "runs": runs}
    target = ROOT / "bench" / "results" / "build.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    base = runs[0]
    for run in runs:
        print(f"{run['products']:>6} products  {run['seconds']:>7.2f} s ({run['seconds'] / base['seconds']:.1f}x)  "
              f"peak {run['peak_rss_mb']:>6.1f} MB  {run['html_pages']:>5} pages  site {run['site_mb']:>7.2f} MB  "
              f"pagefind {run['pagefind_mb']:>6.2f} MB  list page {run['product_list_kb']:>7.1f} kB")
    print(f"written {target}")


if __name__ == "__main__":
    main()
