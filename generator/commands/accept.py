"""``portal accept``: take a bank's submission into ``catalog/banks/<bank_id>/``.

Three steps, each usable alone: ``check_submission`` validates it as ``portal validate`` would
(same loader, rules, wording checks and catalogue-wide product_id uniqueness) and compares it
field by field with the bank's current data; ``install`` writes a correct package folder beside
the catalogue and swaps it in with one rename, moving the previous folder to
``catalog/history/<bank_id>/<YYYYMMDD-HHMMSS>/``. An invalid submission never reaches ``install``,
so the catalogue stays byte-for-byte as it was.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.commands.validate import catalogue_ids
from generator.content.wording import check_product_wording
from generator.core.errors import PortalError
from generator.core.issues import IssueList, display_path
from generator.core.models import BEIJING, BankRecord, ProductRecord
from generator.core.schema import CanonicalSchema, load_schema
from generator.core.settings import PortalSettings, ProjectPaths, load_settings
from generator.ingest.catalog import validate_package_dir
from generator.ingest.intake import DESCRIPTOR, Submission, package_files, read_submission
from generator.ingest.registry import load_registry
from generator.release.changes import ChangeReport, diff_products
from generator.release.publish import replace_keeping
from generator.site.fields import FieldRegistry

HISTORY = "history"


class AcceptError(PortalError):
    """The submission was not installed for a reason other than its content (exit 2)."""

    label = "未安装"


@dataclass
class Intake:
    """A checked submission: its issues, and (when readable) how it differs from the current data."""

    bank: BankRecord
    target: Path                       # catalog/banks/<bank_id>
    issues: IssueList
    titles: dict[str, str]             # field name -> Chinese title, for the report
    settings: PortalSettings
    submission: Submission | None
    changes: ChangeReport | None = None
    unchanged: int = 0
    current_count: int | None = None   # None: the bank has no folder yet

    @property
    def valid(self) -> bool:
        return self.issues.valid and self.submission is not None

    @property
    def same_as_current(self) -> bool:
        """The submission holds exactly the bank's current products (a re-sent file)."""
        return self.changes is not None and self.changes.empty and self.current_count is not None

    def diff_text(self, root: Path) -> str:
        """The field-level difference, in Chinese, as staff confirm it."""
        where = display_path(self.target, root)
        assert self.submission is not None
        count = len(self.submission.products)
        if self.current_count is None:
            return f"{self.bank.short_name}目前没有数据，将新建 {where}/，共 {count} 款产品。"
        report = self.changes
        assert report is not None
        lines = [f"与 {where}/ 的现有数据（{self.current_count} 款产品）相比，提交的数据（{count} 款产品）："]
        if report.empty:
            lines.append("  产品数据没有变化。")
        else:   # the build's change report wording, without its heading about the previous site
            lines.extend(report.to_text().splitlines()[1:])
            if self.unchanged:
                lines.append(f"  其余 {self.unchanged} 款产品没有变化。")
        return "\n".join(lines)


@dataclass(frozen=True)
class Installed:
    target: Path
    history: Path | None               # where the previous folder went; None for a new bank


def check_submission(paths: ProjectPaths, source: Path, bank_id: str, *,
                     today: dt.date | None = None) -> Intake:
    """Validate ``source`` as ``bank_id``'s data and compare it with the bank's current folder."""
    today = today or dt.date.today()
    settings = load_settings(paths.mkdocs_yml)
    schema = load_schema(paths.schema_file)
    issues = IssueList()
    banks = load_registry(paths.registry_file, issues, display_root=paths.root)
    bank = banks.get(bank_id)
    if bank is None:
        registry = display_path(paths.registry_file, paths.root)
        raise AcceptError(f"机构编号“{bank_id}”不在机构注册表 {registry} 中；请检查 --bank 的拼写，"
                          f"新机构请先在注册表中登记。")
    if not source.exists() and not source.is_symlink():
        raise AcceptError(f"找不到要安装的文件或文件夹：{source}")
    ids = catalogue_ids(paths, settings, schema, banks, skip={bank_id}, today=today)
    submission = read_submission(source, bank_id, paths, settings, schema, banks, issues, today=today, ids=ids)
    if submission is not None:
        check_product_wording(submission.products, paths, issues, schema.titles)
    intake = Intake(bank, paths.banks_dir / bank_id, issues, schema.titles, settings, submission)
    if intake.valid and intake.target.is_dir():
        current = validate_package_dir(intake.target, paths, settings, schema, banks, IssueList(), today=today)
        _compare(intake, schema, current)
    return intake


def _compare(intake: Intake, schema: CanonicalSchema, current: list[ProductRecord]) -> None:
    """Field by field, each value worded as the product page shows it (the field registry)."""
    assert intake.submission is not None
    registry = FieldRegistry(schema)
    values = lambda products: {p.product_id: {n: getattr(p, n) for n in schema.names} for p in products}  # noqa: E731
    shown = lambda products: {p.product_id: {n: registry.text(p, n) for n in registry.fields}  # noqa: E731
                              for p in products}
    new = intake.submission.products
    intake.changes = diff_products(values(current), values(new), schema.titles,
                                   old_display=shown(current), new_display=shown(new))
    intake.current_count = len(current)
    intake.unchanged = len({p.product_id for p in new} & {p.product_id for p in current}) - len(intake.changes.changed)


def install(paths: ProjectPaths, intake: Intake, *, now: dt.datetime | None = None) -> Installed:
    """Write the new package folder beside the catalogue and swap it in; keep the previous one."""
    if not intake.valid:
        raise ValueError("only a valid submission is installed")
    assert intake.submission is not None
    files = package_files(intake.submission, intake.bank, intake.settings.max_file_bytes)
    if files is None:
        raise AcceptError(f"{intake.submission.table_file} 在校验之后被修改或已无法读取，未安装；请重新运行 portal accept。")
    paths.banks_dir.mkdir(parents=True, exist_ok=True)
    # Beside catalog/banks/, not in it (the build reads every folder there), on the same file system.
    stage = paths.catalog / f".accept-{intake.bank.bank_id}-{secrets.token_hex(4)}"
    stage.mkdir()
    try:
        (stage / files.data_name).write_bytes(files.data)
        (stage / DESCRIPTOR).write_bytes(files.descriptor)
        keep = _history_folder(paths, intake.bank.bank_id, now or dt.datetime.now(BEIJING))
        kept = replace_keeping(stage, intake.target, keep)
    finally:
        shutil.rmtree(stage, ignore_errors=True)   # only left when the swap did not happen
    return Installed(intake.target, keep if kept else None)


def _history_folder(paths: ProjectPaths, bank_id: str, now: dt.datetime) -> Path:
    base = paths.catalog / HISTORY / bank_id / now.strftime("%Y%m%d-%H%M%S")
    candidate, n = base, 1
    while candidate.exists():   # two installs within one second
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate
