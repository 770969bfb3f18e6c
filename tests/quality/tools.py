"""Locations of the pinned npm tools (tests/quality/package-lock.json) and Java."""

from __future__ import annotations

import shutil
from pathlib import Path

QUALITY_DIR = Path(__file__).resolve().parent
NODE_MODULES = QUALITY_DIR / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LINKINATOR = NODE_MODULES / ".bin" / "linkinator"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"


class ToolMissing(RuntimeError):
    pass


def require(path: Path) -> Path:
    if not path.exists():
        raise ToolMissing(f"{path} is missing: run `bash tests/install-deps.sh` (npm ci in tests/quality)")
    return path


def java() -> str:
    found = shutil.which("java")
    if not found:
        raise ToolMissing("java not found: run `bash tests/install-deps.sh` (installs default-jre-headless)")
    return found
