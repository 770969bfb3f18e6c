"""``portal template``: a blank submission a bank can fill in."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from generator.config import ProjectPaths
from generator.schema import load_schema


def write_template(paths: ProjectPaths, out_dir: Path) -> list[Path]:
    schema = load_schema(paths.schema_file)
    out_dir.mkdir(parents=True, exist_ok=True)
    descriptor = {"name": "bank-products", "title": "小微企业金融产品数据包",
                  "resources": [{"name": "products", "path": "products.csv", "format": "csv",
                                 "encoding": "utf-8"}]}
    descriptor_path = out_dir / "datapackage.json"
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    csv_path = out_dir / "products.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerow([f.title for f in schema.fields])
    return [descriptor_path, csv_path]
