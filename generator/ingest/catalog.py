"""The whole product catalogue: registry + every bank package + cross-package rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.core.issues import IssueList, display_path
from generator.core.models import BankRecord, Catalog, ProductRecord
from generator.core.schema import CanonicalSchema, load_schema
from generator.core.settings import PortalSettings, ProjectPaths
from generator.ingest.loader import check_loose_file, load_package, read_table
from generator.ingest.registry import load_registry
from generator.ingest.validate import ProductIds, ValidationContext, validate_table


def load_catalog(paths: ProjectPaths, settings: PortalSettings, issues: IssueList,
                 *, today: dt.date | None = None) -> Catalog:
    """Load and validate every bank package under ``catalog/banks/`` (wording is checked by the caller)."""
    schema = load_schema(paths.schema_file)
    banks = load_registry(paths.registry_file, issues, display_root=paths.root)
    products: list[ProductRecord] = []
    banks_dir = paths.banks_dir
    package_dirs = sorted(p for p in banks_dir.iterdir() if p.is_dir()) if banks_dir.is_dir() else []
    ids = ProductIds()  # product_id is unique across the whole catalogue
    for package_dir in package_dirs:
        products.extend(validate_package_dir(package_dir, paths, settings, schema, banks, issues,
                                             today=today, ids=ids))
    return Catalog(banks=banks, products=products, schema=schema)


def validate_package_dir(package_dir: Path, paths: ProjectPaths, settings: PortalSettings,
                         schema: CanonicalSchema, banks: dict[str, BankRecord], issues: IssueList,
                         *, today: dt.date | None = None, ids: ProductIds | None = None) -> list[ProductRecord]:
    shown = display_path(package_dir, paths.root)
    if package_dir.is_symlink():
        issues.error(shown, "unsafe-path", "数据包文件夹是符号链接，出于安全原因不予读取。", "请提交普通文件夹。")
        return []
    ctx = ValidationContext(schema, banks, package_dir.name, settings, today or dt.date.today(),
                            ids if ids is not None else ProductIds())
    try:
        source = load_package(package_dir, issues, display_root=paths.root,
                              max_file_bytes=settings.max_file_bytes)
        if source.table is None:
            return []
        return validate_table(source.table, ctx, issues)
    except Exception as exc:  # noqa: BLE001 - a bank file must never crash the command
        _unexpected(shown, exc, issues)
        return []


def validate_loose_file(path: Path, paths: ProjectPaths, settings: PortalSettings,
                        schema: CanonicalSchema, banks: dict[str, BankRecord], issues: IssueList,
                        *, today: dt.date | None = None, ids: ProductIds | None = None) -> list[ProductRecord]:
    """A CSV/XLSX handed to ``portal validate`` directly, outside a package folder."""
    shown = display_path(path, paths.root)
    ctx = ValidationContext(schema, banks, None, settings, today or dt.date.today(),
                            ids if ids is not None else ProductIds())
    try:
        if not check_loose_file(path, shown, issues):
            return []
        table = read_table(path, issues, display_root=paths.root, max_file_bytes=settings.max_file_bytes)
        if table is None:
            return []
        return validate_table(table, ctx, issues)
    except Exception as exc:  # noqa: BLE001 - a bank file must never crash the command
        _unexpected(shown, exc, issues)
        return []


def _unexpected(shown: str, exc: Exception, issues: IssueList) -> None:
    issues.error(shown, "internal-error", f"读取或校验时发生意外错误（{type(exc).__name__}），本文件未能完成校验。",
                 "请联系工作机制办公室，并附上本报告和所提交的文件。")
