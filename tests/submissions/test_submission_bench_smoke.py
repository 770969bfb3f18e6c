"""The validation benchmark runs (at a tiny size; real figures come from running it by hand)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_validate_bench_runs_at_200_rows(tmp_path: Path):
    out = tmp_path / "validate.json"
    completed = subprocess.run([sys.executable, "bench/validate_bench.py", "--sizes", "200", "--xlsx-sizes", "50",
                                "--out", str(out)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert [(r["rows"], r["format"]) for r in results] == [(200, "csv"), (50, "xlsx")]
    assert all(r["ours_seconds"] > 0 and r["frictionless_seconds"] > 0 for r in results)
    assert "ratio" in completed.stdout
