"""``portal federate`` at city/province scale, against the floor, in one run.

Synthesises M district projects of P products each (default 200 × 100 = 20,000 products): each is
bench/build_bench.make_project's project (synthetic products over the registry banks, the demo's
notices and pages) with its own region (bench/synthetic_catalog.member_regions: distinct valid
6-digit codes), built in-process with ``build_portal`` and bundled with ``write_bundle`` (two at a
time). A city project (the demo's settings as 四川省示例, the canonical schema, the demo's notices
and pages, no banks) then federates all the bundles.

Measured, one after the other in the same run (the machine is shared: the load average is recorded
with each figure, and only the ratio means much):

- **federate**: the real ``portal federate`` in a subprocess: wall time, its peak RSS (``os.wait4``:
  the largest of the process and the Pagefind runs it waited for) and the peak of the *sum* of the
  process tree's RSS (sampled from /proc every 0.2 s: the build still holds its memory while
  Pagefind runs);
- **floor**: bench/build_bench's floor (bare ``mkdocs build`` of the same generated docs + bare
  Pagefind on its output, one Pagefind run over every page) of the same federated input.

The finder's bytes and milliseconds at this size come from bench/finder_bench.py (``--finder``
runs its ``measure_site`` on the federated site).
Writes bench/results/federation.json and prints a summary.
Usage: ``python bench/federation_bench.py [--members 200] [--per-member 100] [--work DIR] [--finder]``
(``--work`` keeps the built members for the next run.)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.build_bench import Timed, make_project, prepare_floor, run_floor, tree_bytes  # noqa: E402
from bench.synthetic_catalog import member_regions  # noqa: E402

PROVINCE = ("四川省示例", "510000")
GOAL_RATIO = 1.2
GOAL_PEAK_MB = 4096


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


# ------------------------------------------------------------------ members

def build_member(work: Path, index: int, region: str, code: str, products: int) -> Path:
    """Project, site and bundle of one synthetic district; returns the bundle (kept when present)."""
    from generator.commands.build import build_portal
    from generator.core.settings import project_paths
    from generator.release.bundle import write_bundle
    from tests.federation import set_identity

    folder = work / "members" / code
    bundle = folder / f"{code}.zip"
    if bundle.is_file():
        return bundle
    shutil.rmtree(folder, ignore_errors=True)
    project = make_project(folder, products)
    base_url = f"https://www.example.gov.cn/{code}/" if index % 2 == 0 else None   # half have an address
    set_identity(project, region=region, code=code,
                 district=f"四川省{region}", base_url=base_url, office=f"{region}支持小微企业融资协调工作机制办公室",
                 site_name=f"{region}小微企业金融服务产品库")
    result = build_portal(project_paths(project, out=folder / "site"))
    if not result.published:
        raise SystemExit(f"member {code} did not build: {[i.message for i in result.issues.errors]} {result.problems}")
    written = write_bundle(folder / "site", folder / "partial.zip").path
    shutil.rmtree(folder / "site")
    shutil.rmtree(project)
    written.rename(bundle)   # only a complete bundle has the final name (a killed run redoes the member)
    return bundle


def _build_member(args: tuple) -> str:
    return str(build_member(*args))


def build_members(work: Path, count: int, per_member: int, jobs: int) -> list[Path]:
    tasks = [(work, i, name, code, per_member) for i, (name, code) in enumerate(member_regions(count))]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        done = []
        for number, bundle in enumerate(pool.map(_build_member, tasks), start=1):
            done.append(Path(bundle))
            if number % 10 == 0 or number == count:
                print(f"  members: {number}/{count} bundled", flush=True)
    return done


def make_city(work: Path) -> Path:
    """The province project: the demo's settings and theme, the canonical schema, its notices and pages."""
    from tests.federation import set_identity

    city = work / "city"
    shutil.rmtree(city, ignore_errors=True)
    shutil.copytree(ROOT / "site_templates", city / "site_templates")
    shutil.copytree(ROOT / "catalog" / "schema", city / "catalog" / "schema")
    for part in ("notices", "pages"):
        shutil.copytree(ROOT / "content" / part, city / "content" / part)
    for extra in (ROOT / "content").glob("*.yml"):
        shutil.copy(extra, city / "content" / extra.name)
    shutil.copy(ROOT / "mkdocs.yml", city / "mkdocs.yml")
    set_identity(city, region=PROVINCE[0], code=PROVINCE[1], district=PROVINCE[0], base_url=None,
                 office=f"{PROVINCE[0]}支持小微企业融资协调工作机制办公室", site_name=f"{PROVINCE[0]}小微企业金融服务产品库")
    return city


# ------------------------------------------------------------------ measuring

@dataclass
class Measured:
    seconds: float
    peak_rss_mb: float          # os.wait4 ru_maxrss: the largest single process
    peak_tree_mb: float         # sampled: the largest sum over the process tree
    load_before: float
    load_after: float


def _tree_rss_kb(root: int) -> int:
    """Sum of VmRSS over ``root`` and its descendants (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as handle:
                fields = dict(line.split(":", 1) for line in handle if ":" in line)
        except OSError:
            continue
        parents[int(entry)] = int(fields.get("PPid", "0").strip() or 0)
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(rss.get(pid, 0) for pid in tree)


def run_measured(command: list[str], cwd: Path) -> Measured:
    load_before = load_average()
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.2):
            peak[0] = max(peak[0], _tree_rss_kb(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    stop.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command[:4])} … failed:\n{output.decode('utf-8', 'replace')[-3000:]}")
    return Measured(round(seconds, 2), round(usage.ru_maxrss / 1024, 1), round(peak[0] / 1024, 1), load_before,
                    load_average())


def from_timed(timed: Timed, load_before: float) -> Measured:
    return Measured(round(timed.seconds, 2), round(timed.peak_rss_mb, 1), round(timed.peak_rss_mb, 1), load_before,
                    load_average())


def prepare_federated_floor(city: Path, bundles: list[Path], folder: Path) -> Path:
    """build_bench.prepare_floor of the federated input: its loader is swapped for the one
    ``portal federate`` passes to build_portal (same catalogue, content and settings)."""
    import generator.commands.build as build
    from generator.commands.federate import load_federation

    normal = build.load_input
    build.load_input = lambda paths, today: load_federation(paths, bundles, today)
    try:
        return prepare_floor(city, folder)[1]
    finally:
        build.load_input = normal


def federate(city: Path, bundles: list[Path], out: Path) -> Measured:
    shutil.rmtree(out, ignore_errors=True)
    return run_measured([sys.executable, "-m", "generator", "federate", *map(str, bundles), "--quiet",
                         "--out", str(out)], city)


def floor(city: Path, floor_yml: Path, out: Path) -> tuple[Measured, Measured]:
    load_before = load_average()
    mkdocs, pagefind = run_floor(city, floor_yml, out)
    return from_timed(mkdocs, load_before), from_timed(pagefind, load_before)


def site_stats(site: Path) -> dict:
    from generator.site.search import bundle_folders

    return {"html_pages": sum(1 for _ in site.rglob("*.html")), "site_mb": round(tree_bytes(site) / 1e6, 1),
            "pagefind_mb": round(tree_bytes(site / "pagefind") / 1e6, 1),
            "pagefind_parts": len(bundle_folders(site))}


def finder_figures(site: Path, repeat: int) -> dict:
    """bench/finder_bench.py's measurements of the finder (bytes, ms) on the federated site."""
    from playwright.sync_api import sync_playwright

    from bench.finder_bench import measure_site

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            return measure_site(browser, site, repeat)
        finally:
            browser.close()


SEARCH_QUERIES = ("贷款", "信用贷", "应收账款")


def search_figures(site: Path) -> list[dict]:
    """The site search page on the federated site, each query in a new page: milliseconds from
    navigation to results shown, and the Pagefind requests and bytes (uncompressed, as served)."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS, SiteServer

    server = SiteServer(site)
    figures = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for query in SEARCH_QUERIES:
                    page = browser.new_page()
                    fetched: list[int] = []
                    page.on("requestfinished", lambda request, fetched=fetched: fetched.append(
                        request.sizes()["responseBodySize"]) if "/pagefind/" in request.url else None)
                    page.goto(f"{server.url}search/?q={query}")
                    page.wait_for_selector('#portal-ss[data-state="done"]', timeout=120_000)
                    ms = page.evaluate("performance.now()")
                    status = page.locator("#portal-ss-status").inner_text()
                    figures.append({"query": query, "ms_to_results": round(ms), "status": status,
                                    "pagefind_requests": len(fetched), "pagefind_kb": round(sum(fetched) / 1024, 1)})
                    page.close()
            finally:
                browser.close()
    finally:
        server.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--per-member", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2, help="members built at once (at most 2 on this machine)")
    parser.add_argument("--work", type=Path, help="keep members here between runs (default: a temporary folder)")
    parser.add_argument("--finder", action="store_true", help="also run finder_bench.measure_site on the result")
    parser.add_argument("--no-write", action="store_true", help="print only (a trial at a small size)")
    args = parser.parse_args()
    temporary = None if args.work else tempfile.TemporaryDirectory(prefix="portal-federation-bench-")
    work = args.work or Path(temporary.name)
    work.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        bundles = build_members(work, args.members, args.per_member, min(args.jobs, 2))
        synthesis_s = round(time.perf_counter() - started, 1)
        city = make_city(work)
        floor_yml = prepare_federated_floor(city, bundles, work / "floor")
        print(f"  members ready ({synthesis_s} s); federating {len(bundles)} bundles …", flush=True)
        federated = federate(city, bundles, work / "city-site")
        print(f"  federate {federated.seconds} s, peak {federated.peak_rss_mb} MB; floor …", flush=True)
        floor_mkdocs, floor_pagefind = floor(city, floor_yml, work / "floor-site")
        stats = site_stats(work / "city-site")
        searched = search_figures(work / "city-site")
        finder = finder_figures(work / "city-site", 3) if args.finder else None
    finally:
        if temporary:
            temporary.cleanup()
    floor_s = floor_mkdocs.seconds + floor_pagefind.seconds
    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "members": args.members, "per_member": args.per_member, "products": args.members * args.per_member,
        "synthesis_s": synthesis_s,
        "federate": asdict(federated),
        "floor": {"mkdocs": asdict(floor_mkdocs), "pagefind": asdict(floor_pagefind), "seconds": round(floor_s, 2)},
        "ratio": round(federated.seconds / floor_s, 3),
        "goals": {"ratio_max": GOAL_RATIO, "peak_mb_max": GOAL_PEAK_MB},
        "met": {"ratio": federated.seconds / floor_s <= GOAL_RATIO,
                "peak_memory": max(federated.peak_rss_mb, federated.peak_tree_mb) <= GOAL_PEAK_MB},
        "site": stats,
        "floor_note": "bench/build_bench.py's floor: bare mkdocs build of the same generated docs + one bare "
                      "Pagefind run over its output",
    }
    results["search_page"] = searched
    if finder is not None:
        results["finder"] = finder
    print(f"{results['products']} products from {args.members} districts ({stats['html_pages']} pages, "
          f"{stats['pagefind_parts']} search index part(s), site {stats['site_mb']} MB)")
    print(f"  federate {federated.seconds:>7.1f} s  peak {federated.peak_rss_mb:>7.0f} MB (process), "
          f"{federated.peak_tree_mb:>7.0f} MB (tree)  load {federated.load_before}→{federated.load_after}")
    print(f"  floor    {floor_s:>7.1f} s  (mkdocs {floor_mkdocs.seconds:.1f} s, {floor_mkdocs.peak_rss_mb:.0f} MB; "
          f"pagefind {floor_pagefind.seconds:.1f} s, {floor_pagefind.peak_rss_mb:.0f} MB)  "
          f"load {floor_mkdocs.load_before}→{floor_pagefind.load_after}")
    for row in searched:
        print(f"  search “{row['query']}”: {row['ms_to_results']} ms to results, {row['pagefind_requests']} index "
              f"requests, {row['pagefind_kb']} KB ({row['status']})")
    print(f"  ratio {results['ratio']:.2f} (goal ≤ {GOAL_RATIO}); peak memory goal ≤ {GOAL_PEAK_MB} MB: "
          f"{'met' if results['met']['peak_memory'] else 'NOT met'}")
    if not args.no_write:
        target = ROOT / "bench" / "results" / "federation.json"
        target.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"written {target}")


if __name__ == "__main__":
    main()
