"""Build speed against the floor, and output size, at catalogue scale.

For each size, a temporary project gets the repository's registry, schema, theme and settings,
N synthetic valid products spread over the 11 registry banks (bench/synthetic_catalog.py), the
demo's notices and pages, and C synthetic staff documents (policies and notices with headings, a
table, a list, an admonition and raw HTML; the demo's policies and cases name demo products).

Two things are timed, each in its own subprocess, interleaved and repeated (the machine is shared,
so only ratios within one run mean anything):

- **build**: the real ``portal build`` (load, validate, pages, MkDocs, CSP, Pagefind, checks, manifest,
  publish); its peak memory is the subprocess's ``ru_maxrss`` (``os.wait4``, Pagefind included);
- **floor**: what any MkDocs + Pagefind site of the same pages costs: a bare ``mkdocs build`` of the
  same generated ``docs`` folder (same mkdocs.yml, theme and Markdown extensions; instead of the
  ``portal`` plugin a hook that only hands the theme its ``portal`` global and keeps generated pages out
  of the nav) plus bare Pagefind (same binary and options) on its output.

``--profile N`` adds a cProfile of one N-product build (top functions by own and cumulative time).
Writes bench/results/build.json and prints a summary.
Usage: ``python bench/build_bench.py [--sizes 500 2000 5000] [--content 200] [--repeat 3] [--profile 2000]``
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synthetic_catalog import write_content, write_package  # noqa: E402

# The floor's MkDocs hook: the theme reads the `portal` global (settings, banner); nothing else.
FLOOR_HOOK = """
from pathlib import Path

from generator.core.settings import load_settings
from generator.site.mkdocs_plugin import ThemeInputs


def on_env(env, config, files):
    env.globals["portal"] = ThemeInputs(load_settings(Path(config["config_file_path"])), None)
    return env
"""


def bank_ids() -> list[str]:
    with (ROOT / "catalog" / "registry" / "banks.csv").open(encoding="utf-8-sig") as handle:
        return [row["bank_id"] for row in csv.DictReader(handle)]


def make_project(work: Path, products: int, content_pages: int = 0) -> Path:
    """A project of ``products`` synthetic products, the demo's notices and pages, and
    ``content_pages`` synthetic staff documents."""
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
    write_content(project / "content", content_pages)
    return project


def tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@dataclass
class Timed:
    seconds: float
    peak_rss_mb: float


def run_timed(command: list[str], cwd: Path) -> Timed:
    """Run ``command``; its wall time and peak RSS (``os.wait4``: this child and what it waited for)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output.decode('utf-8', 'replace')[-3000:]}")
    return Timed(seconds, usage.ru_maxrss / 1024)


def prepare_floor(project: Path, work: Path) -> tuple[Path, Path]:
    """The generated docs folder of ``project`` (as portal build writes it) and a bare mkdocs.yml."""
    from generator.commands.build import build_date, load_input, render_docs
    from generator.core.settings import project_paths
    from generator.site.mkdocs_plugin import NOT_IN_NAV
    from generator.site.model import make_model

    paths = project_paths(project)
    today = build_date()
    loaded = load_input(paths, today=today)
    schema = loaded.catalog.schema
    model = make_model(loaded.catalog, loaded.content, loaded.settings, schema.titles, today, schema.vocab)
    docs = work / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    docs.mkdir(parents=True)
    render_docs(docs, paths, loaded, model)
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(plugins=[], hooks=["floor_hook.py"], not_in_nav="\n".join(NOT_IN_NAV), docs_dir=str(docs))
    config["theme"]["custom_dir"] = str(project / "site_templates" / "theme")
    (project / "floor_hook.py").write_text(FLOOR_HOOK, encoding="utf-8")
    floor_yml = project / "mkdocs-floor.yml"
    floor_yml.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return docs, floor_yml


def run_build(project: Path, out: Path) -> Timed:
    return run_timed([sys.executable, "-m", "generator", "build", "--quiet", "--out", str(out)], project)


def run_floor(project: Path, floor_yml: Path, out: Path) -> tuple[Timed, Timed]:
    from generator.site.search import pagefind_executable

    shutil.rmtree(out, ignore_errors=True)
    mkdocs = run_timed([sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", str(floor_yml),
                        "--site-dir", str(out)], project)
    pagefind = run_timed([str(pagefind_executable(ROOT)), "--site", str(out), "--force-language", "zh",
                          "--quiet"], project)
    return mkdocs, pagefind


def output_stats(out: Path) -> dict:
    return {
        "html_pages": sum(1 for _ in out.rglob("*.html")),
        "site_mb": round(tree_bytes(out) / 1e6, 2),
        "pagefind_mb": round(tree_bytes(out / "pagefind") / 1e6, 2),
        "product_list_kb": round((out / "products" / "index.html").stat().st_size / 1e3, 1),
    }


def profile_build(project: Path, out: Path, top: int = 40) -> dict:
    """cProfile of one build in a subprocess: the top functions by cumulative and by own time."""
    stats_file = out.parent / f"{out.name}.prof"
    run_timed([sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "generator", "build", "--quiet",
               "--out", str(out)], project)
    stats = pstats.Stats(str(stats_file), stream=io.StringIO())
    total = stats.total_tt
    rows = {}
    for key in ("cumulative", "tottime"):
        entries = sorted(stats.stats.items(), key=lambda item: item[1][3 if key == "cumulative" else 2],
                         reverse=True)
        rows[key] = [{"function": f"{Path(file).name}:{line}({name})", "calls": calls,
                      "own_s": round(own, 2), "cumulative_s": round(cumulative, 2)}
                     for (file, line, name), (_, calls, own, cumulative, _) in entries[:top]]
    return {"total_s": round(total, 2), "by_cumulative": rows["cumulative"], "by_own_time": rows["tottime"]}


def summarise(products: int, content: int, builds: list[Timed], floors: list[tuple[Timed, Timed]],
              stats: dict) -> dict:
    build_s = [b.seconds for b in builds]
    floor_s = [m.seconds + p.seconds for m, p in floors]
    # Each repetition's build and floor ran back to back: the ratio per repetition cancels most of
    # the load of a shared machine; the median of those is reported.
    ratios = [b / f for b, f in zip(build_s, floor_s)]
    return {
        "products": products, "content_pages": content,
        "build_s": round(statistics.median(build_s), 2), "floor_s": round(statistics.median(floor_s), 2),
        "floor_mkdocs_s": round(statistics.median(m.seconds for m, _ in floors), 2),
        "floor_pagefind_s": round(statistics.median(p.seconds for _, p in floors), 2),
        "ratio": round(statistics.median(ratios), 3), "ratios": [round(r, 3) for r in ratios],
        "build_runs_s": [round(s, 2) for s in build_s], "floor_runs_s": [round(s, 2) for s in floor_s],
        "peak_rss_mb": round(max(b.peak_rss_mb for b in builds), 1),
        "floor_peak_rss_mb": round(max(max(m.peak_rss_mb, p.peak_rss_mb) for m, p in floors), 1),
        **stats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--content", type=int, default=200, help="synthetic staff documents per project")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="also profile an N-product build")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-build-bench-") as tmp:
        work = Path(tmp)
        projects = {n: make_project(work, n, args.content) for n in args.sizes}
        floor_ymls = {n: prepare_floor(projects[n], work / f"floor-{n}")[1] for n in args.sizes}
        builds: dict[int, list[Timed]] = {n: [] for n in args.sizes}
        floors: dict[int, list[tuple[Timed, Timed]]] = {n: [] for n in args.sizes}
        for repetition in range(args.repeat):
            for n in args.sizes:
                # Interleaved, alternating which goes first, so a slow spell hits both alike.
                steps = [lambda: builds[n].append(run_build(projects[n], work / f"site-{n}")),
                         lambda: floors[n].append(run_floor(projects[n], floor_ymls[n], work / f"floor-site-{n}"))]
                for step in steps if repetition % 2 == 0 else reversed(steps):
                    step()
                print(f"  run {repetition + 1}/{args.repeat} {n} products: build {builds[n][-1].seconds:.1f} s, "
                      f"floor {sum(t.seconds for t in floors[n][-1]):.1f} s", flush=True)
        runs = [summarise(n, args.content, builds[n], floors[n], output_stats(work / f"site-{n}"))
                for n in args.sizes]
        profile = None
        if args.profile:
            project = projects.get(args.profile) or make_project(work, args.profile, args.content)
            profile = {"products": args.profile, "content_pages": args.content,
                       **profile_build(project, work / f"profile-site-{args.profile}")}
    results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
               "floor": "bare mkdocs build of the same generated docs (same mkdocs.yml, theme, Markdown "
                        "extensions; no portal plugin) + bare Pagefind 'pagefind_extended --site … "
                        "--force-language zh' on its output",
               "goal": "build_s / floor_s <= 1.2 at 5,000 products + 200 content pages",
               "runs": runs}
    if profile:
        results["profile"] = profile
    target = ROOT / "bench" / "results" / "build.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{'products':>8} {'content':>7} {'build s':>8} {'floor s':>8} {'ratio':>6} {'peak MB':>8} "
          f"{'floor MB':>8} {'pages':>6} {'site MB':>8}")
    for run in runs:
        print(f"{run['products']:>8} {run['content_pages']:>7} {run['build_s']:>8.2f} {run['floor_s']:>8.2f} "
              f"{run['ratio']:>6.2f} {run['peak_rss_mb']:>8.1f} {run['floor_peak_rss_mb']:>8.1f} "
              f"{run['html_pages']:>6} {run['site_mb']:>8.2f}")
    if profile:
        print(f"profile of a {profile['products']}-product build ({profile['total_s']} s under cProfile), "
              f"top by cumulative time:")
        # The command's own wrappers (runpy, click, cli.build) hold the whole time: start below them.
        inner = [row for row in profile["by_cumulative"] if row["cumulative_s"] < 0.98 * profile["total_s"]]
        for row in inner[:15]:
            print(f"  {row['cumulative_s']:>7.2f} s  {row['function']}")
    print(f"written {target}")


if __name__ == "__main__":
    main()
