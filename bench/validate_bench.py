"""Validation speed: ``portal validate`` (library call) vs bare frictionless on the same data.

For each size a synthetic, valid bank package (bench/synthetic_catalog.py) is written to a
temporary folder, then timed in the same run:

- ``ours``: ``validate_targets`` - exactly what ``portal validate <package>`` runs (safe loader,
  header mapping, frictionless cell readers, business rules, catalogue-wide uniqueness and the
  wording checker), with the file-size cap raised so 100,000 rows fit;
- ``ours_rules_only``: the same without the wording checker (loader + schema + business rules);
- ``frictionless``: ``frictionless.Resource(path, schema=canonical).validate()`` on the same file.

Writes bench/results/validate.json and prints a summary with the ratios.
Usage: ``python bench/validate_bench.py [--sizes 10000 100000] [--xlsx-sizes 10000] [--repeat 1]``
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synthetic_catalog import write_package  # noqa: E402
from generator.ingest.catalog import validate_package_dir  # noqa: E402
from generator.core.settings import load_settings, project_paths  # noqa: E402
from generator.core.issues import IssueList  # noqa: E402
from generator.ingest.registry import load_registry  # noqa: E402
from generator.core.schema import load_schema  # noqa: E402
from generator.commands.validate import validate_targets  # noqa: E402

BANK = "icbc"  # a registry bank, so the synthetic package is a valid submission


def best_of(repeat: int, run) -> tuple[float, object]:  # noqa: ANN001
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def time_ours(package: Path, repeat: int) -> dict:
    paths = project_paths(ROOT)
    settings = dataclasses.replace(load_settings(paths.mkdocs_yml), max_file_bytes=1 << 34)
    seconds, (issues, _) = best_of(repeat, lambda: validate_targets(paths, [package], settings=settings))
    assert issues.valid, [i.to_dict() for i in issues.errors[:3]]

    def rules_only():
        schema = load_schema(paths.schema_file)
        banks = load_registry(paths.registry_file, IssueList(), display_root=paths.root)
        found = IssueList()
        products = validate_package_dir(package, paths, settings, schema, banks, found)
        return found, products

    rules_seconds, (found, products) = best_of(repeat, rules_only)
    assert found.valid
    return {"seconds": round(seconds, 3), "rules_only_seconds": round(rules_seconds, 3),
            "products": len(products), "warnings": len(issues.warnings)}


def time_frictionless(data_file: Path, repeat: int) -> dict:
    import frictionless
    from frictionless import Resource, Schema, system

    descriptor = json.loads((ROOT / "catalog/schema/products.schema.json").read_text(encoding="utf-8"))

    def run():
        # trusted: the file is our own synthetic one in /tmp (frictionless refuses absolute paths otherwise).
        with system.use_context(trusted=True):
            return Resource(str(data_file), schema=Schema.from_descriptor(descriptor)).validate()

    seconds, report = best_of(repeat, run)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:3]
    return {"seconds": round(seconds, 3), "version": frictionless.__version__}


def bench_one(rows: int, xlsx: bool, repeat: int, work: Path) -> dict:
    package = work / f"{rows}-{'xlsx' if xlsx else 'csv'}" / BANK
    data_file = write_package(package, rows, xlsx=xlsx)
    ours = time_ours(package, repeat)
    bare = time_frictionless(data_file, repeat)
    assert ours["products"] == rows
    return {"rows": rows, "format": "xlsx" if xlsx else "csv", "bytes": data_file.stat().st_size,
            "ours_seconds": ours["seconds"], "ours_rules_only_seconds": ours["rules_only_seconds"],
            "frictionless_seconds": bare["seconds"],
            "ratio": round(ours["seconds"] / bare["seconds"], 2),
            "ratio_rules_only": round(ours["rules_only_seconds"] / bare["seconds"], 2),
            "frictionless_version": bare["version"]}


def main() -> None:
    parser = argparse.ArgumentParser(description="portal validate vs bare frictionless")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--xlsx-sizes", type=int, nargs="*", default=[10_000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "validate.json")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="validate-bench-") as tmp:
        for rows, xlsx in [*((n, False) for n in args.sizes), *((n, True) for n in args.xlsx_sizes)]:
            result = bench_one(rows, xlsx, args.repeat, Path(tmp))
            results.append(result)
            print(f"{result['rows']:>7} rows {result['format']:<4} "
                  f"ours {result['ours_seconds']:7.2f} s (rules only {result['ours_rules_only_seconds']:6.2f} s)  "
                  f"frictionless {result['frictionless_seconds']:7.2f} s  "
                  f"ratio {result['ratio']:.2f} (rules only {result['ratio_rules_only']:.2f})", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "validate", "date": dt.datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine(),
        "goal": "ours <= 1.2 x bare frictionless at 100,000 CSV rows", "results": results,
    }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
