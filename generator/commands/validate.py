"""``portal validate``: validate chosen bank packages, files and content, or everything."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.content.documents import KINDS, load_content, load_document
from generator.content.queries import load_queries
from generator.content.wording import check_product_wording
from generator.core.issues import IssueList
from generator.core.models import ProductRecord
from generator.core.schema import CanonicalSchema, load_schema
from generator.core.settings import PortalSettings, ProjectPaths, load_settings
from generator.ingest.catalog import load_catalog, validate_loose_file, validate_package_dir
from generator.ingest.registry import load_registry
from generator.ingest.validate import ProductIds


def validate_targets(paths: ProjectPaths, targets: list[Path], *, today: dt.date | None = None,
                     settings: PortalSettings | None = None) -> tuple[IssueList, dict[str, str]]:
    """Validate ``targets`` (no targets: everything); ``settings`` overrides mkdocs.yml (benchmarks)."""
    settings = settings or load_settings(paths.mkdocs_yml)
    schema = load_schema(paths.schema_file)
    titles = schema.titles
    issues = IssueList()
    if not targets:
        catalog = load_catalog(paths, settings, issues, today=today)
        check_product_wording(catalog.products, paths, issues, titles)
        load_queries(paths.content, catalog.banks, catalog.schema)   # a broken queries.yml: exit 2
        load_content(paths.content, catalog, issues, display_root=paths.root)
        return issues, titles

    for target in targets:
        if not target.exists() and not target.is_symlink():
            raise FileNotFoundError(str(target))
    banks = load_registry(paths.registry_file, issues, display_root=paths.root)
    products: list[ProductRecord] = []
    content_targets: list[Path] = []
    content_root = paths.content.resolve()
    package_targets = [_package_dir(t) for t in targets]
    ids = catalogue_ids(paths, settings, schema, banks,
                         skip={p.name for p in package_targets if p is not None}, today=today)
    for target, package_dir in zip(targets, package_targets):
        resolved = target.resolve() if not target.is_symlink() else target.absolute()
        if package_dir is None and target.is_dir() and not any(target.glob("*.md")):
            package_dir = target.absolute()   # a package folder without datapackage.json: reported
        if resolved == content_root or content_root in resolved.parents:
            content_targets.append(resolved)
        elif package_dir is not None:
            products.extend(validate_package_dir(package_dir, paths, settings, schema, banks,
                                                 issues, today=today, ids=ids))
        elif target.suffix.lower() == ".md" or target.is_dir():
            content_targets.append(resolved)
        else:
            products.extend(validate_loose_file(target.absolute(), paths, settings, schema, banks,
                                                issues, today=today, ids=ids))
    if content_targets:
        # References in content are checked against the whole catalogue.
        catalog = load_catalog(paths, settings, IssueList(), today=today)
        for target in content_targets:
            files = sorted(target.rglob("*.md")) if target.is_dir() else [target]
            for md in files:
                kind = KINDS.get(md.parent.name, "page")
                load_document(md, kind, catalog, issues, display_root=paths.root)
    check_product_wording(products, paths, issues, titles)
    return issues, titles


def _package_dir(target: Path) -> Path | None:
    if target.is_dir() and (target / "datapackage.json").exists():
        return target.absolute()
    if target.name == "datapackage.json" and not target.is_dir():
        return target.absolute().parent
    return None


def catalogue_ids(paths: ProjectPaths, settings: PortalSettings, schema: CanonicalSchema,
                   banks: dict, *, skip: set[str], today: dt.date | None) -> ProductIds:
    """product_ids already used in the catalogue.

    A bank's package replaces its folder in ``catalog/banks/``, so its product_ids must not
    collide with any *other* bank's; a package's own folder is skipped, and a loose file may re-use
    the ids its own bank (its rows' bank_id) uses today.
    """
    ids = ProductIds()
    if not paths.banks_dir.is_dir():
        return ids
    for package_dir in sorted(p for p in paths.banks_dir.iterdir() if p.is_dir() and p.name not in skip):
        validate_package_dir(package_dir, paths, settings, schema, banks, IssueList(), today=today, ids=ids)
    return ids.as_current_data()
