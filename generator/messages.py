"""Chinese messages for frictionless errors (frictionless has no translations).

Each frictionless error type maps to one of our stable issue codes, a message that shows the
offending value, and a hint with the expected form.
"""

from __future__ import annotations

import re

from generator.issues import IssueList
from generator.schema import CanonicalSchema

TYPE_NAMES = {"number": "数字", "integer": "整数", "date": "日期（YYYY-MM-DD）", "boolean": "“是”或“否”",
              "string": "文本"}
TYPE_HINTS = {
    "number": "请填写不带单位的数字，如 4.35。",
    "integer": "请填写整数，如 12。",
    "date": "请按 YYYY-MM-DD 填写，如 2026-01-31；Excel 中也可使用日期格式的单元格。",
    "boolean": "请填写“是”或“否”。",
}


def type_hint(field_type: str, cell: str) -> str:
    if field_type in ("number", "integer"):
        if cell.endswith(("%", "％")):
            return "请填写不带 % 的数字，如 4.35。"
        if re.search(r"[万元月天年]$", cell):
            return "请只填写数字，单位已在表头中，如 500。"
        if "," in cell or "，" in cell:
            return "请去掉千位分隔符，如 1000。"
    if field_type == "date" and re.match(r"^\d{4}[/.年]\d{1,2}[/.月]\d{1,2}日?$", cell):
        return "请改为 YYYY-MM-DD 格式（用短横线），如 2026-01-31。"
    return TYPE_HINTS.get(field_type, "请按模板说明填写。")


def report_frictionless_error(error, file: str, row: int, schema: CanonicalSchema,
                              issues: IssueList) -> None:  # noqa: ANN001 - frictionless error
    name = getattr(error, "field_name", None)
    spec = schema.by_name.get(name) if name else None
    title = spec.title if spec else (name or "")
    cell = "" if getattr(error, "cell", None) is None else str(error.cell)
    note = getattr(error, "note", "") or ""
    kind = error.type
    if kind == "type-error" and spec:
        issues.error(file, "type-error", f"“{title}”的值“{cell}”不是有效的{TYPE_NAMES.get(spec.type, spec.type)}。",
                     type_hint(spec.type, cell), row=row, field=name)
    elif kind == "constraint-error" and spec:
        message, hint = _constraint_text(note, spec, cell)
        issues.error(file, "constraint-error", message, hint, row=row, field=name)
    elif kind in ("unique-error", "primary-key"):
        issues.error(file, "duplicate-product", f"产品编号“{cell or _pk(error)}”在本表中重复。",
                     "每个产品的产品编号必须唯一。", row=row, field="product_id")
    else:
        issues.error(file, kind, f"第 {row} 行“{title}”有误：{note or kind}", "请按模板说明修改。",
                     row=row, field=name)


def _pk(error) -> str:  # noqa: ANN001
    cells = getattr(error, "cells", None) or []
    return str(cells[0]) if cells else ""


def _constraint_text(note: str, spec, cell: str) -> tuple[str, str]:  # noqa: ANN001
    title = spec.title
    if "required" in note:
        hint = f"请填写{title}。"
        if spec.enum:
            hint = f"请填写，可选值：{'、'.join(spec.enum)}。"
        return f"“{title}”是必填项，不能为空。", hint
    if "enum" in note:
        return f"“{title}”的值“{cell}”不在可选范围内。", f"可选值：{'、'.join(spec.enum or ())}。"
    if "pattern" in note:
        if spec.name == "product_id":
            return (f"产品编号“{cell}”格式不正确。",
                    "只能用小写字母、数字和连字符，3–64 位，不以连字符开头或结尾，如 icbc-jingying-dai。")
        if spec.name == "contact_phone":
            return (f"联系电话“{cell}”格式不正确。",
                    "请填写一个号码：固定电话如 0818-2123456，手机号 11 位，或 95xxx/400 客服热线。")
        if spec.name == "apply_url":
            return f"线上申请入口“{cell}”不是 https:// 网址。", "只接受以 https:// 开头的完整网址。"
        return f"“{title}”的值“{cell}”格式不正确。", spec.description or "请按模板说明填写。"
    bound = re.search(r'"(\w+)" is "([^"]*)"', note)
    if bound:
        which, limit = bound.groups()
        text = {"minLength": f"至少 {limit} 个字", "maxLength": f"不超过 {limit} 个字",
                "minimum": f"不小于 {limit}", "maximum": f"不超过 {limit}"}.get(which, f"{which} {limit}")
        return f"“{title}”的值“{cell}”不符合要求：应{text}。", f"请修改为{text}的值。"
    return f"“{title}”的值“{cell}”不符合要求：{note}", "请按模板说明填写。"
