"""The whole product catalogue: registry + every bank package + cross-package rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.config import PortalSettings, ProjectPaths
from generator.issues import IssueList
from generator.loader import load_package, read_table
from generator.models import BankRecord, Catalog, ProductRecord
from generator.registry import load_registry
from generator.schema import CanonicalSchema, load_schema
from generator.validate import ValidationContext, validate_table


def load_catalog(paths: ProjectPaths, settings: PortalSettings, issues: IssueList,
                 *, today: dt.date | None = None) -> Catalog:
    """Load and validate every bank package under ``catalog/banks/``."""
    schema = load_schema(paths.schema_file)
    banks = load_registry(paths.registry_file, issues, display_root=paths.root)
    products: list[ProductRecord] = []
    banks_dir = paths.banks_dir
    package_dirs = sorted(p for p in banks_dir.iterdir() if p.is_dir()) if banks_dir.is_dir() else []
    for package_dir in package_dirs:
        products.extend(validate_package_dir(package_dir, paths, settings, schema, banks, issues,
                                             today=today))
    check_unique_products(products, issues)
    return Catalog(banks=banks, products=products)


def validate_package_dir(package_dir: Path, paths: ProjectPaths, settings: PortalSettings,
                         schema: CanonicalSchema, banks: dict[str, BankRecord], issues: IssueList,
                         *, today: dt.date | None = None) -> list[ProductRecord]:
    if package_dir.is_symlink():
        issues.error(str(package_dir.relative_to(paths.root)) if package_dir.is_relative_to(paths.root)
                     else str(package_dir), "unsafe-path", "数据包文件夹是符号链接，出于安全原因不予读取。",
                     "请提交普通文件夹。")
        return []
    source = load_package(package_dir, issues, display_root=paths.root,
                          max_file_bytes=settings.max_file_bytes)
    if source.table is None:
        return []
    ctx = ValidationContext(schema, banks, package_dir.name, settings, today or dt.date.today())
    return validate_table(source.table, ctx, issues)


def validate_loose_file(path: Path, paths: ProjectPaths, settings: PortalSettings,
                        schema: CanonicalSchema, banks: dict[str, BankRecord], issues: IssueList,
                        *, today: dt.date | None = None) -> list[ProductRecord]:
    """A CSV/XLSX handed to ``portal validate`` directly, outside a package folder."""
    table = read_table(path, issues, display_root=paths.root)
    if table is None:
        return []
    ctx = ValidationContext(schema, banks, None, settings, today or dt.date.today())
    return validate_table(table, ctx, issues)


def check_unique_products(products: list[ProductRecord], issues: IssueList) -> None:
    first: dict[str, ProductRecord] = {}
    for product in products:
        earlier = first.get(product.product_id)
        if earlier is None:
            first[product.product_id] = product
            continue
        if earlier.source_file == product.source_file:
            where = f"第 {earlier.source_row} 行"
        else:
            where = f"{earlier.source_file} 第 {earlier.source_row} 行"
        issues.error(product.source_file, "duplicate-product",
                     f"产品编号“{product.product_id}”已在{where}使用。",
                     "产品编号在整个产品库中必须唯一；如是同一产品请删除重复行，否则请换一个编号。",
                     row=product.source_row, field="product_id")
