"""Chinese messages for cell problems (frictionless has no translations).

frictionless reports a failed cell check as a note keyed by the check ("type", "required",
"enum", "pattern", "minimum", ...). Each maps to one of our stable issue codes (``type-error``
or ``constraint-error``), a message that shows the offending value, and a hint that shows the
expected form, worked out from the value where we can ("4.35%" -> "如 4.35").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from generator.core.schema import FieldSpec

SHOWN_VALUE_CHARS = 60

TYPE_NAMES = {"number": "数字", "integer": "整数", "date": "日期（YYYY-MM-DD）", "boolean": "“是”或“否”",
              "string": "文本"}
TYPE_HINTS = {
    "number": "请填写不带单位的数字，如 4.35。",
    "integer": "请填写整数，如 12。",
    "date": "请按 YYYY-MM-DD 填写，如 2026-01-31；Excel 中也可使用日期格式的单元格。",
    "boolean": "请填写“是”或“否”。",
}
UNIT_SUFFIX = re.compile(r"^\s*([+-]?[\d.]+)\s*(万元|万|元|亿元|个月|月|天|日|年|个工作日|工作日)\s*$")
SLASH_DATE = re.compile(r"^\s*(\d{4})\s*[/.年-]\s*(\d{1,2})\s*[/.月-]\s*(\d{1,2})\s*日?\s*$")
EXCEL_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
BOUND_WORDS = {"minLength": "至少 {} 个字", "maxLength": "不超过 {} 个字", "minimum": "不小于 {}",
               "maximum": "不超过 {}"}


@dataclass(frozen=True)
class CellProblem:
    code: str
    message: str
    hint: str


def shown(cell: str) -> str:
    """The offending value as shown in a report: one line, not too long."""
    text = re.sub(r"\s*\n\s*", " ", cell)
    return text if len(text) <= SHOWN_VALUE_CHARS else text[:SHOWN_VALUE_CHARS] + "…"


def cell_problem(check: str, spec: FieldSpec, cell: str, limit: object = None) -> CellProblem:
    """The issue for one failed check of one cell; ``check`` is frictionless's note key."""
    if check == "type":
        return CellProblem("type-error",
                           f"“{spec.title}”的值“{shown(cell)}”不是有效的{TYPE_NAMES.get(spec.type, spec.type)}。",
                           type_hint(spec.type, cell))
    return CellProblem("constraint-error", *_constraint_text(check, spec, cell, limit))


def type_hint(field_type: str, cell: str) -> str:
    value = cell.strip()
    if field_type in ("number", "integer"):
        bare = value.rstrip("%％").strip()
        if value.endswith(("%", "％")) and re.fullmatch(r"[+-]?[\d.]+", bare):
            return f"请填写不带 % 的数字，如 {bare}。"
        unit = UNIT_SUFFIX.match(value)
        if unit:
            return f"请只填写数字，单位已在表头中，如 {unit.group(1)}。"
        if re.fullmatch(r"[+-]?\d{1,3}([,，]\d{3})+(\.\d+)?", value):
            return f"请去掉千位分隔符，如 {re.sub('[,，]', '', value)}。"
        if re.fullmatch(r"[\d.]+\s*[-~～至到]\s*[\d.]+", value):
            return "一个单元格只填一个数字；范围请分别填在“下限/最低”和“上限/最高”两列。"
        if field_type == "integer" and re.fullmatch(r"[+-]?\d+\.\d+", value):
            whole = value.split(".")[0]
            return f"请填写整数，如 {whole}。"
        return TYPE_HINTS[field_type]
    if field_type == "date":
        parts = SLASH_DATE.match(value)
        if parts:
            year, month, day = (int(p) for p in parts.groups())
            try:
                example = dt.date(year, month, day).isoformat()
            except ValueError:
                return "这一天不存在，请核对年月日，并按 YYYY-MM-DD 填写，如 2026-01-31。"
            return f"请改为 YYYY-MM-DD 格式（年-月-日，用短横线），如 {example}。"
        if EXCEL_SERIAL.match(value):
            return "这像是 Excel 的日期序号：请把单元格格式设为“日期”，或直接填写 YYYY-MM-DD，如 2026-01-31。"
    return TYPE_HINTS.get(field_type, "请按模板说明填写。")


def _constraint_text(check: str, spec: FieldSpec, cell: str, limit: object) -> tuple[str, str]:
    title, value = spec.title, shown(cell)
    if check == "required":
        if spec.enum:
            return f"“{title}”是必填项，不能为空。", f"请填写，可选值：{'、'.join(spec.enum)}。"
        if spec.list_enum:
            return f"“{title}”是必填项，不能为空。", f"请填写，可多选：{'、'.join(spec.list_enum)}。"
        return f"“{title}”是必填项，不能为空。", f"请填写{title}。{spec.description}".rstrip("。") + "。"
    if check == "enum":
        return f"“{title}”的值“{value}”不在可选范围内。", f"请从下拉列表中选择：{'、'.join(spec.enum or ())}。"
    if check == "list-item":
        return (f"“{title}”中的“{value}”不在可选范围内。",
                f"可选值：{'、'.join(spec.list_enum or ())}；多个值用顿号“、”分隔。")
    if check == "positive":
        return f"“{title}”必须大于 0，现为“{value}”。", "请填写大于 0 的数字。"
    if check == "pattern":
        return _pattern_text(spec, cell)
    if check in BOUND_WORDS:
        words = BOUND_WORDS[check].format(limit)
        if check == "maxLength":
            return f"“{title}”应{words}，现有 {len(cell)} 个字。", f"请精简到{words}。"
        if check == "minLength":
            return f"“{title}”应{words}，现有 {len(cell)} 个字。", f"请补充到{words}。"
        note = f"（{spec.description.rstrip('。')}）" if spec.description else ""
        return f"“{title}”的值“{value}”不符合要求：应{words}。", f"请填写{words}的数字{note}。"
    return f"“{title}”的值“{value}”不符合要求。", spec.description or "请按模板说明填写。"


def _pattern_text(spec: FieldSpec, cell: str) -> tuple[str, str]:
    value = shown(cell)
    if spec.name == "product_id":
        hint = "只能用小写字母、数字和连字符，3–64 位，不以连字符开头或结尾，如 icbc-jingying-dai。"
        if cell != cell.lower():
            hint = f"请改用小写字母，如 {cell.lower()}。" if re.fullmatch(r"[A-Za-z0-9-]+", cell) else hint
        return f"产品编号“{value}”格式不正确。", hint
    if spec.name == "contact_phone":
        hint = "请只填写一个号码：固定电话如 0818-2123456，手机号 11 位，或 95xxx/400 客服热线。"
        if re.fullmatch(r"[2-9]\d{9,10}", cell):
            hint = ("固定电话开头的 0 可能被 Excel 去掉了：请把单元格设为“文本”后填写，如 0818-2123456。")
        return f"联系电话“{value}”格式不正确。", hint
    if spec.name == "apply_url":
        return (f"线上申请入口“{value}”不是 https:// 网址。",
                "只接受以 https:// 开头的完整网址，如 https://www.example.com.cn/apply；不接受 http:// 或其他写法。")
    return f"“{spec.title}”的值“{value}”格式不正确。", spec.description or "请按模板说明填写。"
