"""``portal validate``: validate chosen bank packages, files and content, or everything."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.catalog import check_unique_products, load_catalog, validate_loose_file, validate_package_dir
from generator.config import ProjectPaths, load_settings
from generator.content import KINDS, load_content, load_document
from generator.issues import IssueList
from generator.models import Catalog, ProductRecord
from generator.registry import load_registry
from generator.schema import load_schema


def validate_targets(paths: ProjectPaths, targets: list[Path], *,
                     today: dt.date | None = None) -> tuple[IssueList, dict[str, str]]:
    settings = load_settings(paths.mkdocs_yml)
    schema = load_schema(paths.schema_file)
    titles = {f.name: f.title for f in schema.fields}
    issues = IssueList()
    if not targets:
        catalog = load_catalog(paths, settings, issues, today=today)
        load_content(paths.content, catalog, issues, display_root=paths.root)
        return issues, titles

    for target in targets:
        if not target.exists() and not target.is_symlink():
            raise FileNotFoundError(str(target))
    banks = load_registry(paths.registry_file, issues, display_root=paths.root)
    products: list[ProductRecord] = []
    content_targets: list[Path] = []
    content_root = paths.content.resolve()
    for target in targets:
        resolved = target.resolve() if not target.is_symlink() else target.absolute()
        if resolved == content_root or content_root in resolved.parents:
            content_targets.append(resolved)
        elif target.is_dir() and (target / "datapackage.json").exists() or target.is_dir() and not any(
                target.glob("*.md")):
            products.extend(validate_package_dir(target.absolute(), paths, settings, schema, banks,
                                                 issues, today=today))
        elif target.name == "datapackage.json":
            products.extend(validate_package_dir(target.absolute().parent, paths, settings, schema,
                                                 banks, issues, today=today))
        elif target.suffix.lower() == ".md" or target.is_dir():
            content_targets.append(resolved)
        else:
            products.extend(validate_loose_file(target.absolute(), paths, settings, schema, banks,
                                                issues, today=today))
    if content_targets:
        # References in content are checked against the whole catalogue.
        catalog = load_catalog(paths, settings, IssueList(), today=today)
        for target in content_targets:
            files = sorted(target.rglob("*.md")) if target.is_dir() else [target]
            for md in files:
                kind = KINDS.get(md.parent.name, "page")
                load_document(md, kind, catalog, issues, display_root=paths.root)
    check_unique_products(products, issues)
    return issues, titles
