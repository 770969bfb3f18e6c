"""Validation of one bank's product table: frictionless against the canonical schema,
then the business rules of DESIGN.md section 3 that Table Schema cannot express.

Where is a product field checked? Type, required, enum, pattern, length and range: in
``catalog/schema/products.schema.json`` (run by frictionless, messages in ``messages``);
list items, cross-field and registry rules: ``check_rules`` below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from frictionless import Resource

from generator import messages
from generator.config import PortalSettings
from generator.issues import IssueList
from generator.loader import RawTable
from generator.models import BankRecord, ProductRecord
from generator.schema import CanonicalSchema, normalise_header, split_list


@dataclass(frozen=True)
class ValidationContext:
    schema: CanonicalSchema
    banks: dict[str, BankRecord]
    bank_folder: str | None        # the package folder name, None for a loose file
    settings: PortalSettings
    today: dt.date


def map_header(table: RawTable, schema: CanonicalSchema, issues: IssueList) -> list[str | None] | None:
    """Header cell -> canonical field name (None for an ignored column)."""
    mapping: list[str | None] = []
    seen: dict[str, int] = {}
    for column, cell in enumerate(table.header, start=1):
        key = normalise_header(cell)
        if not key:
            mapping.append(None)
            continue
        name = schema.header_lookup.get(key)
        if name is None:
            issues.warning(table.file, "unknown-column", f"第 {column} 列的表头“{cell}”不是标准字段，已忽略。",
                           "请使用模板中的表头（字段名或中文标题）。", row=1)
            mapping.append(None)
            continue
        if name in seen:
            issues.error(table.file, "duplicate-column",
                         f"第 {seen[name]} 列和第 {column} 列都是“{schema.by_name[name].title}”。",
                         "请删除重复的列。", row=1, field=name)
            return None
        seen[name] = column
        mapping.append(name)
    missing = [f for f in schema.fields if f.required and f.name not in seen]
    for spec in missing:
        issues.error(table.file, "missing-column", f"缺少必填列“{spec.title}”（{spec.name}）。",
                     "请使用模板中的表头，不要删除列。", row=1, field=spec.name)
    return None if missing else mapping


def validate_table(table: RawTable, ctx: ValidationContext, issues: IssueList) -> list[ProductRecord]:
    mapping = map_header(table, ctx.schema, issues)
    if mapping is None:
        return []
    names = ctx.schema.names
    position = {name: i for i, name in enumerate(names)}
    canonical_rows: list[list[str]] = []
    row_numbers: list[int] = []
    for row_number, cells in table.rows:
        if not any(c.strip() for c in cells):
            issues.warning(table.file, "blank-row", "空行，已忽略。", "可删除此行。", row=row_number)
            continue
        if len(cells) > len(mapping) and any(c.strip() for c in cells[len(mapping):]):
            issues.error(table.file, "extra-cell",
                         f"这一行有 {len(cells)} 个单元格，比表头多 {len(cells) - len(mapping)} 个。",
                         "通常是内容里有未加引号的英文逗号，或用了错误的分隔符；请在 Excel 中打开后重新另存为 CSV。",
                         row=row_number)
            continue
        out = [""] * len(names)
        for cell, name in zip(cells, mapping):
            if name is not None:
                out[position[name]] = cell.strip()
        canonical_rows.append(out)
        row_numbers.append(row_number)
    if not canonical_rows:
        issues.error(table.file, "no-products", "产品表中没有产品。", "请至少填写一行产品。")
        return []

    products: list[ProductRecord] = []
    resource = Resource(data=[names, *canonical_rows], schema=ctx.schema.frictionless_schema())
    with resource:
        for row in resource.row_stream:
            sheet_row = row_numbers[row.row_number - 2]
            for error in row.errors:
                messages.report_frictionless_error(error, table.file, sheet_row, ctx.schema, issues)
            if row.errors:
                continue
            values = row.to_dict()
            product = check_rules(values, table.file, sheet_row, ctx, issues)
            if product is not None:
                products.append(product)
    return products


def check_rules(values: dict, file: str, row: int, ctx: ValidationContext,
                issues: IssueList) -> ProductRecord | None:
    """Business rules on one typed row; returns the record when the row has no error."""
    before = len(issues.errors)
    lists: dict[str, tuple[str, ...]] = {}
    for spec in ctx.schema.fields:
        if not spec.is_list:
            continue
        items = tuple(split_list(values.get(spec.name) or ""))
        if spec.required and not items:
            issues.error(file, "constraint-error", f"“{spec.title}”是必填项。",
                         f"请填写，可多选：{'、'.join(spec.list_enum or ())}。", row=row, field=spec.name)
        for item in items:
            if spec.list_enum and item not in spec.list_enum:
                issues.error(file, "constraint-error", f"“{spec.title}”中的“{item}”不在可选范围内。",
                             f"可选值：{'、'.join(spec.list_enum)}；多个值用顿号“、”分隔。",
                             row=row, field=spec.name)
        lists[spec.name] = items
    for spec in ctx.schema.fields:
        if spec.positive and values.get(spec.name) is not None and values[spec.name] <= 0:
            issues.error(file, "constraint-error", f"“{spec.title}”必须大于 0，现为 {values[spec.name]}。",
                         "请填写大于 0 的数字。", row=row, field=spec.name)

    bank_id = values["bank_id"]
    if bank_id not in ctx.banks:
        issues.error(file, "unknown-bank", f"机构编号“{bank_id}”不在机构注册表中。",
                     "请使用工作机制办公室分配的机构编号，见 catalog/registry/banks.csv。", row=row, field="bank_id")
    elif ctx.bank_folder is not None and bank_id != ctx.bank_folder:
        issues.error(file, "wrong-bank", f"机构编号“{bank_id}”与数据包文件夹“{ctx.bank_folder}”不一致。",
                     "每家银行只能提交本行的产品；请把机构编号改为本行编号。", row=row, field="bank_id")

    _order(values, "amount_min_wan", "amount_max_wan", file, row, ctx, issues)
    _order(values, "term_min_months", "term_max_months", file, row, ctx, issues)
    _order(values, "rate_min", "rate_max", file, row, ctx, issues)
    _order(values, "valid_from", "valid_until", file, row, ctx, issues)
    if values["rate_max"] is not None and values["rate_max"] > ctx.settings.rate_ceiling:
        issues.error(file, "rate-too-high",
                     f"年化利率上限 {values['rate_max']}% 超过本站上限 {ctx.settings.rate_ceiling:g}%。",
                     "请核对年化利率（不是月利率或日利率）。", row=row, field="rate_max")
    fee = values.get("guarantee_fee_rate")
    if fee is not None and "政府性融资担保" in lists.get("guarantee_methods", ()) and fee > 1:
        issues.error(file, "guarantee-fee-too-high",
                     f"政府性融资担保的担保费率 {fee}% 超过 1%。",
                     "按规定政府性融资担保年化担保费率不超过 1%，请核对。", row=row, field="guarantee_fee_rate")
    if len(issues.errors) > before:
        return None

    status = values["status"]
    if status != "在售":
        issues.warning(file, "paused-product", f"产品“{values['name']}”状态为{status}，不会发布。", "",
                       row=row, field="status")
    valid_until = values.get("valid_until")
    if valid_until is not None and valid_until < ctx.today:
        issues.warning(file, "expired-product", f"产品“{values['name']}”已于 {valid_until} 下架，不会发布。",
                       "如产品仍在售，请更新下架日期。", row=row, field="valid_until")
    if (ctx.today - values["updated"]).days > ctx.settings.stale_after_days:
        issues.warning(file, "stale-data", f"数据可能已过期：更新日期为 {values['updated']}。",
                       f"超过 {ctx.settings.stale_after_days} 天未更新，请核实后更新“更新日期”。",
                       row=row, field="updated")

    text = {k: (values.get(k) or "") for k in (
        "rate_note", "fees", "process", "contact_name", "branch_address", "apply_url")}
    return ProductRecord(
        product_id=values["product_id"], bank_id=bank_id, name=values["name"],
        summary=values["summary"], product_type=values["product_type"],
        guarantee_methods=lists["guarantee_methods"], target_customers=lists["target_customers"],
        industries=lists.get("industries", ()), amount_min_wan=_num(values.get("amount_min_wan")),
        amount_max_wan=float(values["amount_max_wan"]), term_min_months=values.get("term_min_months"),
        term_max_months=values["term_max_months"], rate_min=float(values["rate_min"]),
        rate_max=float(values["rate_max"]), guarantee_fee_rate=_num(fee),
        repayment_methods=lists["repayment_methods"], online_application=values["online_application"],
        renewal_without_repayment=values["renewal_without_repayment"],
        decision_days=values["decision_days"], programs=lists.get("programs", ()),
        eligibility=values["eligibility"], materials=values["materials"],
        contact_phone=values["contact_phone"], valid_from=values["valid_from"],
        valid_until=valid_until, updated=values["updated"], status=status,
        source_file=file, source_row=row, **text,
    )


def is_published(product: ProductRecord, today: dt.date) -> bool:
    return product.status == "在售" and (product.valid_until is None or product.valid_until >= today)


def _order(values: dict, low: str, high: str, file: str, row: int, ctx: ValidationContext,
           issues: IssueList) -> None:
    lo, hi = values.get(low), values.get(high)
    if lo is not None and hi is not None and hi < lo:
        lo_title, hi_title = ctx.schema.by_name[low].title, ctx.schema.by_name[high].title
        issues.error(file, "range-order", f"“{hi_title}”（{hi}）小于“{lo_title}”（{lo}）。",
                     f"请确认“{hi_title}”不小于“{lo_title}”。", row=row, field=high)


def _num(value: object) -> float | None:
    return None if value is None else float(value)
