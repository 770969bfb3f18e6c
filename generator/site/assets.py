"""The site's own CSS and JavaScript, copied into the staging docs folder and minified.

The finder's first load has a byte budget (150 kB at 5,000 products, README "Product finder"):
the sources keep their comments for the next engineer, the published files do not. rjsmin and
rcssmin only drop comments and whitespace (no renaming, no rewriting), are deterministic, and
keep ``/*! … */`` comments (licences).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import rcssmin
import rjsmin


def copy_assets(source: Path, target: Path) -> None:
    shutil.copytree(source, target, dirs_exist_ok=True)
    for path in sorted(target.rglob("*")):
        if path.suffix == ".js":
            minify = rjsmin.jsmin
        elif path.suffix == ".css":
            minify = rcssmin.cssmin
        else:
            continue
        path.write_text(minify(path.read_text(encoding="utf-8"), keep_bang_comments=True), encoding="utf-8")
