"""Validation of one bank's product table against the canonical schema, then the business rules
of DESIGN.md section 3 that Table Schema cannot express.

Where is a product field checked? Type, required, enum, pattern, length and range: in
``catalog/schema/products.schema.json``, applied cell by cell with frictionless's own cell
readers (``Field.create_cell_reader``; messages in ``messages``). List items, > 0, cross-field,
registry and catalogue-wide uniqueness: ``check_rules`` and ``ProductIds`` below.

Why cell readers and not ``frictionless.Resource(...).validate()``: the loader has already read
the file safely (frictionless never sees a path), and the Resource pipeline rebuilds a Row object
per line and runs table-level checks we replace with richer ones (header by Chinese title, list
items, uniqueness across every bank). The cell readers are the same code that pipeline uses for
types and constraints, without that overhead (bench/validate_bench.py measures both).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from generator.core.issues import IssueList
from generator.core.models import BankRecord, ProductRecord
from generator.core.schema import CanonicalSchema, CellReader, FieldSpec, normalise_header, split_list
from generator.core.settings import PortalSettings
from generator.ingest.loader import RawTable
from generator.ingest.messages import cell_problem, shown

EXAMPLE_PREFIX = "example-"
WRONG_SEPARATORS = {"，": "中文逗号“，”", ";": "分号“;”", "；": "中文分号“；”", "\t": "制表符（Tab）",
                    "|": "竖线“|”"}


@dataclass
class ProductIds:
    """Where each product_id was first used, across every table of one validation run."""

    first: dict[str, tuple[str, int]] = field(default_factory=dict)
    owner: dict[str, str | None] = field(default_factory=dict)          # product_id -> bank_id
    replaceable: dict[str, str | None] = field(default_factory=dict)    # ids of data being replaced

    def as_current_data(self) -> ProductIds:
        """These ids are the catalogue's current data: a submission by the same bank replaces them."""
        self.replaceable = dict(self.owner)
        return self

    def claim(self, product_id: str, file: str, row: int, issues: IssueList, bank: str | None = None) -> None:
        if bank is not None and self.replaceable.get(product_id) == bank:
            # A bank's new file re-uses its own current ids: an update, not a duplicate.
            del self.replaceable[product_id], self.first[product_id]
        earlier = self.first.setdefault(product_id, (file, row))
        self.owner.setdefault(product_id, bank)
        if earlier == (file, row):
            return
        where = f"第 {earlier[1]} 行" if earlier[0] == file else f" {earlier[0]} 第 {earlier[1]} 行"
        issues.error(file, "duplicate-product", f"产品编号“{product_id}”已在{where}使用。",
                     "产品编号在整个产品库中必须唯一；如是同一产品请删除重复行，否则请换一个编号。",
                     row=row, field="product_id")


@dataclass(frozen=True)
class ValidationContext:
    schema: CanonicalSchema
    banks: dict[str, BankRecord]
    bank_folder: str | None        # the package folder name, None for a loose file
    settings: PortalSettings
    today: dt.date
    ids: ProductIds = field(default_factory=ProductIds)


@dataclass(frozen=True)
class Column:
    """A canonical field found in the table, with its compiled checks."""

    index: int                     # position in the table's rows
    spec: FieldSpec
    reader: CellReader | None      # None: plain text, nothing beyond "required" to check
    syntax: re.Pattern | None


def map_header(table: RawTable, schema: CanonicalSchema, issues: IssueList) -> list[str | None] | None:
    """Header cell -> canonical field name (None for an ignored column); None when unusable."""
    mapping: list[str | None] = []
    seen: dict[str, int] = {}
    duplicate = False
    unknown: list[tuple[int, str]] = []
    for column, cell in enumerate(table.header, start=1):
        key = normalise_header(cell)
        name = schema.header_lookup.get(key) if key else None
        if key and name is None:
            unknown.append((column, cell))
        elif name in seen:
            issues.error(table.file, "duplicate-column",
                         f"第 {seen[name]} 列和第 {column} 列都是“{schema.by_name[name].title}”。",
                         "请删除重复的列。", row=1, field=name)
            duplicate = True
        elif name is not None:
            seen[name] = column
        mapping.append(name if name is not None and seen.get(name) == column else None)
    if not seen:
        _diagnose_missing_header(table, schema, issues)
        return None
    for column, cell in unknown:
        issues.warning(table.file, "unknown-column", f"第 {column} 列的表头“{shown(cell)}”不是标准字段，已忽略。",
                       "请使用模板中的表头（中文标题或字段名）；如是备注列可删除。", row=1)
    missing = [f for f in schema.fields if f.required and f.name not in seen]
    for spec in missing:
        issues.error(table.file, "missing-column", f"缺少必填列“{spec.title}”（{spec.name}）。",
                     "请使用模板中的表头，不要删除或改名。", row=1, field=spec.name)
    return None if missing or duplicate else mapping


def _diagnose_missing_header(table: RawTable, schema: CanonicalSchema, issues: IssueList) -> None:
    """No standard field in row 1: say why, instead of listing every column as missing."""
    cells = [c for c in table.header if c.strip()]
    if len(cells) == 1:
        for separator, label in WRONG_SEPARATORS.items():
            parts = cells[0].split(separator)
            known = [p for p in parts if normalise_header(p) in schema.header_lookup]
            if len(known) >= 2:
                issues.error(table.file, "wrong-separator",
                             f"表头只有一个单元格，里面是用{label}隔开的多个字段名（如“{shown(known[0])}”“{shown(known[1])}”）。",
                             "CSV 文件必须用英文逗号分隔：请在 Excel 中打开后“另存为”→“CSV UTF-8（逗号分隔）”，"
                             "或直接提交 .xlsx 文件。", row=1)
                return
    if table.encoding == "gb18030":
        issues.error(table.file, "encoding-error", "文件编码无法识别，表头读出来是乱码。",
                     "请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）(*.csv)”后重新提交。", row=1)
        return
    # A title row above the header ("XX银行产品信息表") is what Excel users often add.
    for row_number, row in table.rows[:5]:
        if sum(normalise_header(c) in schema.header_lookup for c in row) >= 3:
            issues.error(table.file, "missing-header",
                         f"第一行不是表头；表头似乎在第 {row_number} 行，上面是标题或说明。",
                         ("请删除第 1 行" if row_number == 2 else f"请删除第 1 至第 {row_number - 1} 行")
                         + "，让表头位于第一行（表格标题可写在文件名里）。",
                         row=1)
            return
    issues.error(table.file, "missing-header", "第一行不是表头：没有找到任何标准字段。",
                 "第一行必须是模板中的表头（中文标题或字段名），产品从第二行开始填写。", row=1)


def validate_table(table: RawTable, ctx: ValidationContext, issues: IssueList) -> list[ProductRecord]:
    mapping = map_header(table, ctx.schema, issues)
    if mapping is None:
        return []
    readers, syntax = ctx.schema.row_readers, ctx.schema.syntax
    columns = [Column(i, ctx.schema.by_name[name], readers[name], syntax.get(name))
               for i, name in enumerate(mapping) if name is not None]
    width = len(mapping)
    empty_values = dict.fromkeys(ctx.schema.names)
    products: list[ProductRecord] = []
    rows_seen = 0
    for row_number, cells in table.rows:
        if not any(c.strip() for c in cells):
            issues.warning(table.file, "blank-row", "空行，已忽略。", "可删除此行。", row=row_number)
            continue
        rows_seen += 1
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            issues.error(table.file, "extra-cell",
                         f"这一行有 {len(cells)} 个单元格，比表头多 {len(cells) - width} 个。",
                         "通常是内容里有未加引号的英文逗号，或用了错误的分隔符；请在 Excel 中打开后重新另存为 CSV。",
                         row=row_number)
            continue
        values = empty_values.copy()
        bad: set[str] = set()
        for column in columns:
            cell = cells[column.index].strip() if column.index < len(cells) else ""
            spec = column.spec
            if not cell:
                if spec.required:
                    _cell_error(issues, table.file, row_number, "required", spec, cell)
                    bad.add(spec.name)
                continue
            if column.syntax is not None and not column.syntax.match(cell):
                _cell_error(issues, table.file, row_number, "type", spec, cell)
                bad.add(spec.name)
                continue
            if column.reader is None:
                values[spec.name] = cell
                continue
            try:
                value, notes = column.reader(cell)
            except Exception:  # noqa: BLE001 - a value frictionless cannot even compare
                value, notes = None, {"type": ""}
            if notes:
                # A type failure makes constraint notes meaningless; report it alone.
                for check in (("type",) if "type" in notes else notes):
                    _cell_error(issues, table.file, row_number, check, spec, cell)
                bad.add(spec.name)
                continue
            values[spec.name] = value
        product = check_rules(values, bad, table.file, row_number, ctx, issues)
        if product is not None:
            products.append(product)
    if not rows_seen:
        issues.error(table.file, "no-products", "产品表中没有产品。", "请在表头下面至少填写一行产品。")
    return products


def _cell_error(issues: IssueList, file: str, row: int, check: str, spec: FieldSpec, cell: str) -> None:
    problem = cell_problem(check, spec, cell, spec.constraints.get(check))
    issues.error(file, problem.code, problem.message, problem.hint, row=row, field=spec.name)


def check_rules(values: dict, bad: set[str], file: str, row: int, ctx: ValidationContext,
                issues: IssueList) -> ProductRecord | None:
    """Business rules on one typed row (cells in ``bad`` already failed and are None).

    Every rule whose inputs are valid runs, so a bank sees all of a row's problems at once;
    the record is returned only when the row has no error at all.
    """
    before = len(issues.items)
    lists: dict[str, tuple[str, ...]] = {}
    for spec in ctx.schema.fields:
        if spec.is_list:
            items = tuple(split_list(values[spec.name] or ""))
            for item in items:
                if spec.list_enum and item not in spec.list_enum:
                    _cell_error(issues, file, row, "list-item", spec, item)
            lists[spec.name] = items
        elif spec.positive and values[spec.name] is not None and values[spec.name] <= 0:
            _cell_error(issues, file, row, "positive", spec, str(values[spec.name]))

    product_id = values["product_id"]
    if product_id is not None:
        if product_id.startswith(EXAMPLE_PREFIX):
            issues.error(file, "example-row", f"产品编号“{product_id}”是模板中的示例行。",
                         "请删除示例行，或把它改成本行真实的产品（包括产品编号和产品名称）。",
                         row=row, field="product_id")
        ctx.ids.claim(product_id, file, row, issues, values["bank_id"])
    bank_id = values["bank_id"]
    if bank_id is not None:
        if bank_id not in ctx.banks:
            issues.error(file, "unknown-bank", f"机构编号“{shown(bank_id)}”不在机构注册表中。",
                         "请使用工作机制办公室分配的机构编号（见 catalog/registry/banks.csv），"
                         "与数据包文件夹同名。", row=row, field="bank_id")
        elif ctx.bank_folder is not None and bank_id != ctx.bank_folder:
            issues.error(file, "wrong-bank", f"机构编号“{bank_id}”与数据包文件夹“{ctx.bank_folder}”不一致。",
                         f"每家银行只能提交本行的产品；请把机构编号改为“{ctx.bank_folder}”。",
                         row=row, field="bank_id")

    _order(values, "amount_min_wan", "amount_max_wan", file, row, ctx, issues)
    _order(values, "term_min_months", "term_max_months", file, row, ctx, issues)
    _order(values, "rate_min", "rate_max", file, row, ctx, issues)
    _order(values, "valid_from", "valid_until", file, row, ctx, issues)
    rate_max = values["rate_max"]
    if rate_max is not None and rate_max > ctx.settings.rate_ceiling:
        issues.error(file, "rate-too-high",
                     f"年化利率上限 {rate_max}% 超过本站上限 {ctx.settings.rate_ceiling:g}%。",
                     "请核对是否把月利率或日利率当成了年化利率；年化利率上限（%）不能超过 "
                     f"{ctx.settings.rate_ceiling:g}。", row=row, field="rate_max")
    fee = values["guarantee_fee_rate"]
    if fee is not None and "政府性融资担保" in lists.get("guarantee_methods", ()) and fee > 1:
        issues.error(file, "guarantee-fee-too-high",
                     f"政府性融资担保的担保费率 {fee}% 超过 1%。",
                     "按规定政府性融资担保年化担保费率不超过 1%，请填写不超过 1 的数字。",
                     row=row, field="guarantee_fee_rate")
    if bad or any(i.severity == "error" for i in issues.items[before:]):
        return None

    status = values["status"]
    if status != "在售":
        issues.warning(file, "paused-product", f"产品“{values['name']}”状态为“{status}”，不会发布。",
                       "如产品已恢复办理，请把状态改为“在售”。", row=row, field="status")
    valid_until = values["valid_until"]
    if valid_until is not None and valid_until < ctx.today:
        issues.warning(file, "expired-product", f"产品“{values['name']}”已于 {valid_until} 下架，不会发布。",
                       "如产品仍在售，请更新下架日期。", row=row, field="valid_until")
    if (ctx.today - values["updated"]).days > ctx.settings.stale_after_days:
        issues.warning(file, "stale-data", f"数据可能已过期：更新日期为 {values['updated']}。",
                       f"超过 {ctx.settings.stale_after_days} 天未更新，请核实后更新“更新日期”。",
                       row=row, field="updated")
    return ProductRecord(
        product_id=product_id, bank_id=bank_id, name=values["name"],
        summary=values["summary"], product_type=values["product_type"],
        guarantee_methods=lists["guarantee_methods"], target_customers=lists["target_customers"],
        industries=lists["industries"], amount_min_wan=_num(values["amount_min_wan"]),
        amount_max_wan=float(values["amount_max_wan"]), term_min_months=values["term_min_months"],
        term_max_months=values["term_max_months"], rate_min=float(values["rate_min"]),
        rate_max=float(rate_max), rate_note=values["rate_note"] or "", guarantee_fee_rate=_num(fee),
        fees=values["fees"] or "", repayment_methods=lists["repayment_methods"],
        online_application=values["online_application"],
        renewal_without_repayment=values["renewal_without_repayment"],
        decision_days=values["decision_days"], programs=lists["programs"],
        eligibility=values["eligibility"], materials=values["materials"],
        process=values["process"] or "", contact_name=values["contact_name"] or "",
        contact_phone=values["contact_phone"], branch_address=values["branch_address"] or "",
        apply_url=values["apply_url"] or "", valid_from=values["valid_from"],
        valid_until=valid_until, updated=values["updated"], status=status,
        source_file=file, source_row=row,
    )


def _order(values: dict, low: str, high: str, file: str, row: int, ctx: ValidationContext,
           issues: IssueList) -> None:
    lo, hi = values[low], values[high]
    if lo is not None and hi is not None and hi < lo:
        lo_title, hi_title = ctx.schema.by_name[low].title, ctx.schema.by_name[high].title
        issues.error(file, "range-order", f"“{hi_title}”（{hi}）早于或小于“{lo_title}”（{lo}）。",
                     f"请确认“{hi_title}”不小于“{lo_title}”，必要时把两列对调。", row=row, field=high)


def _num(value: object) -> float | None:
    return None if value is None else float(value)
