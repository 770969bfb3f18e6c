"""The package layout is the flow: imports only go down it, and only the adapter imports MkDocs.

Layers, in flow order (generator/__init__.py draws them): core → ingest → content → site →
release → commands. A module may import its own layer or one before it; type-only imports count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "generator"
LAYERS = ("core", "ingest", "content", "site", "release", "commands")
ADAPTER = "generator.site.mkdocs_plugin"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file, including those inside functions."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "generator":   # from generator import core
                found += [(node.lineno, f"generator.{alias.name}") for alias in node.names]
    return found


def layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "generator" or len(parts) < 2 or parts[1] not in LAYERS:
        return None
    return LAYERS.index(parts[1])


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_sits_in_a_layer():
    stray = [module_name(p) for p in MODULES if layer(module_name(p)) is None
             and module_name(p) not in ("generator", "generator.__main__")]
    assert not stray, f"modules outside the layers {LAYERS}: {stray}"


def upward_imports(modules: list[Path]) -> list[str]:
    found = []
    for path in modules:
        source = layer(module_name(path))
        if source is None:
            continue
        for line, target in imports(path):
            target_layer = layer(target)
            if target_layer is not None and target_layer > source:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    return found


def test_imports_only_go_down_the_flow():
    assert upward_imports(MODULES) == []


def test_an_upward_import_is_reported(tmp_path):
    # The check itself can fail: a core module importing the site layer is named with its line.
    planted = PACKAGE / "core" / "_planted_upward.py"
    planted.write_text("import json\n\nfrom generator.site.model import SiteModel\n", encoding="utf-8")
    try:
        assert upward_imports([planted]) == ["generator/core/_planted_upward.py:3 imports generator.site.model"]
    finally:
        planted.unlink()


@pytest.mark.parametrize("library", ["mkdocs", "material"])
def test_only_the_adapter_imports_mkdocs_and_material(library):
    users = sorted({module_name(p) for p in MODULES for _, target in imports(p)
                    if target == library or target.startswith(f"{library}.")})
    assert users == ([ADAPTER] if library == "mkdocs" else [])
