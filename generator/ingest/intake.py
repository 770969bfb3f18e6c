"""A bank's submission as ``portal accept`` takes it: read, validated as that bank's data, and
turned into the files of a correct package folder.

A submission is what a bank e-mails: a CSV or XLSX file, or a package folder (``datapackage.json``
and its file). Either way it is validated as the data of the bank named by ``--bank``, not of the
folder it happens to sit in: every row's bank_id must be that bank (the ``wrong-bank`` error), and
its product_ids must not collide with any *other* bank's. The file is read once, safely (the
loader's rules: no links, size caps), and the installed package is made from those same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from generator.core.issues import IssueList, display_path
from generator.core.models import BankRecord, ProductRecord
from generator.core.schema import CanonicalSchema
from generator.core.settings import PortalSettings, ProjectPaths
from generator.ingest.loader import (DESCRIPTOR_MAX_BYTES, check_loose_file, decode_csv_bytes, load_package,
                                     read_plain_file, read_table, safe_resource_path)
from generator.ingest.validate import ProductIds, ValidationContext, validate_table

DESCRIPTOR = "datapackage.json"


@dataclass(frozen=True)
class Submission:
    """A validated submission (valid or not: the caller's IssueList says)."""

    table_file: Path                 # the CSV or XLSX that was read
    digest: str                      # SHA-256 of its bytes when read, to refuse a file changed since
    products: list[ProductRecord]

    @property
    def format(self) -> str:
        return self.table_file.suffix.lower().lstrip(".")


@dataclass(frozen=True)
class PackageFiles:
    """The files of the folder to install as ``catalog/banks/<bank_id>/``."""

    data_name: str          # products.csv or products.xlsx
    data: bytes             # CSV: re-encoded as UTF-8 without BOM; XLSX: as submitted
    descriptor: bytes       # datapackage.json


def read_submission(source: Path, bank_id: str, paths: ProjectPaths, settings: PortalSettings,
                    schema: CanonicalSchema, banks: dict[str, BankRecord], issues: IssueList, *,
                    today: dt.date, ids: ProductIds) -> Submission | None:
    """Validate ``source`` (file or package folder) as ``bank_id``'s data; None when unreadable."""
    ctx = ValidationContext(schema, banks, bank_id, settings, today, ids)
    source = source.absolute()
    shown = display_path(source, paths.root)
    if source.is_dir() and not source.is_symlink():
        package = load_package(source, issues, display_root=paths.root, max_file_bytes=settings.max_file_bytes)
        if package.table is None:
            return None
        table_file = _resource_file(source, shown)
        table = package.table
    else:
        if not check_loose_file(source, shown, issues):
            return None
        table_file = source
        table = read_table(source, issues, display_root=paths.root, max_file_bytes=settings.max_file_bytes)
    if table is None or table_file is None:
        return None
    data = read_plain_file(table_file, shown, issues, settings.max_file_bytes)
    if data is None:
        return None
    return Submission(table_file, hashlib.sha256(data).hexdigest(), validate_table(table, ctx, issues))


def _resource_file(package_dir: Path, shown: str) -> Path | None:
    """The ``products`` file of a package the loader has already read and accepted."""
    raw = read_plain_file(package_dir / DESCRIPTOR, shown, IssueList(), DESCRIPTOR_MAX_BYTES)
    try:
        descriptor = json.loads(raw.decode("utf-8-sig")) if raw is not None else {}
    except ValueError:   # replaced since the loader read it
        return None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    resource = next((r for r in resources if isinstance(r, dict) and r.get("name") == "products"), None) \
        if isinstance(resources, list) else None
    return safe_resource_path(resource.get("path"), package_dir, shown, IssueList()) if resource else None


def package_files(submission: Submission, bank: BankRecord, max_file_bytes: int) -> PackageFiles | None:
    """The folder's files, from the submitted file read again; None if it changed since it was validated."""
    data = read_plain_file(submission.table_file, submission.table_file.name, IssueList(), max_file_bytes)
    if data is None or hashlib.sha256(data).hexdigest() != submission.digest:
        return None
    resource: dict[str, str] = {"name": "products", "path": f"products.{submission.format}",
                                "format": submission.format}
    if submission.format == "csv":
        decoded = decode_csv_bytes(data)   # validated, so one of the accepted encodings
        assert decoded is not None
        data = decoded[0].encode("utf-8")
        resource["encoding"] = "utf-8"
    descriptor = {"name": f"{bank.bank_id}-products", "title": f"{bank.short_name}小微企业金融产品",
                  "resources": [resource]}
    return PackageFiles(resource["path"], data,
                        (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
