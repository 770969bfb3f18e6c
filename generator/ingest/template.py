"""``portal template``: a blank submission a bank can fill in.

Writes ``datapackage.json``, ``products.csv`` and ``products.xlsx``. Headers are the Chinese
titles of the canonical schema; the XLSX has a dropdown for every single-choice field, an
input message on every column (from the schema descriptions), and a "填写说明" sheet. Row 2 of
both tables is a filled example, marked by its product_id (``example-...``, refused by
validation until it is replaced) and its name (示例).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from generator.core.schema import CanonicalSchema, FieldSpec, load_schema
from generator.core.settings import ProjectPaths

DATA_SHEET = "产品"
GUIDE_SHEET = "填写说明"
TEMPLATE_ROWS = 1000              # rows that carry dropdowns and input messages
BOOLEAN_CHOICES = ("是", "否")
EXAMPLE_BANK = "example-bank"


def example_row(bank_id: str, today: dt.date) -> dict[str, object]:
    """One complete, valid-looking product (apart from its example markers)."""
    return {
        "product_id": "example-xinyong-dai",
        "bank_id": bank_id,
        "name": "示例：小微企业信用贷（请删除或改写本行）",
        "summary": "示例行：面向小微企业和个体工商户的纯信用流动资金贷款，用于日常经营周转。",
        "product_type": "流动资金贷款",
        "guarantee_methods": "信用、政府性融资担保",
        "target_customers": "小型企业、微型企业、个体工商户",
        "industries": "不限",
        "amount_min_wan": 1,
        "amount_max_wan": 300,
        "term_min_months": 1,
        "term_max_months": 12,
        "rate_min": 3.45,
        "rate_max": 4.8,
        "rate_note": "LPR+50BP，单利",
        "guarantee_fee_rate": 0.8,
        "fees": "无",
        "repayment_methods": "按月付息到期还本、随借随还",
        "online_application": "是",
        "renewal_without_repayment": "否",
        "decision_days": 7,
        "programs": "信易贷、银税互动",
        "eligibility": "合规持续经营满2年，有固定经营场所，有真实融资需求，信用状况良好，贷款用途依法合规。",
        "materials": "营业执照、法定代表人身份证件、近一年财务报表、近半年结算流水。",
        "process": "1. 网点或手机银行提交申请\n2. 银行调查审批\n3. 签订合同并放款",
        "contact_name": "普惠金融部",
        "contact_phone": "0818-2123456",
        "branch_address": "四川省达州市通川区示例路1号",
        "apply_url": "https://www.example.com.cn/apply",
        "valid_from": today,
        "valid_until": None,
        "updated": today,
        "status": "在售",
    }


def write_template(paths: ProjectPaths, out_dir: Path, *, bank_id: str | None = None,
                   today: dt.date | None = None) -> list[Path]:
    schema = load_schema(paths.schema_file)
    today = today or dt.date.today()
    example = example_row(bank_id or EXAMPLE_BANK, today)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [_write_descriptor(out_dir / "datapackage.json", bank_id),
               _write_csv(out_dir / "products.csv", schema, example),
               _write_xlsx(out_dir / "products.xlsx", schema, example)]
    return written


def _write_descriptor(path: Path, bank_id: str | None) -> Path:
    descriptor = {
        "name": f"{bank_id or 'bank'}-products",
        "title": "小微企业金融产品数据包",
        "description": ("产品表填在 products.xlsx（或 products.csv）中。提交 Excel 时 path 为 products.xlsx；"
                        "改为提交 CSV 时，请把 path 改为 products.csv。数据包文件夹名即机构编号。"),
        "resources": [{"name": "products", "path": "products.xlsx"}],
    }
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write_csv(path: Path, schema: CanonicalSchema, example: dict[str, object]) -> Path:
    # utf-8-sig: Excel on Windows opens a UTF-8 CSV correctly only with the BOM.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f.title for f in schema.fields])
        writer.writerow([_csv_text(example[f.name]) for f in schema.fields])
    return path


def input_message(spec: FieldSpec) -> str:
    """The Excel input message of a column (Excel allows at most 255 characters)."""
    parts = ["必填。" if spec.required else "选填。"]
    if spec.enum:
        parts.append(f"从下拉列表选择：{'、'.join(spec.enum)}。")
    elif spec.list_enum:
        parts.append(f"可多选，用顿号“、”分隔，可选：{'、'.join(spec.list_enum)}。")
    elif spec.type == "boolean":
        parts.append("从下拉列表选择“是”或“否”。")
    if spec.description and spec.description not in ("单选", "可多选，用顿号分隔", "是 或 否"):
        parts.append(spec.description.rstrip("。") + "。")
    if spec.type == "date":
        parts.append("日期格式单元格，或文本 YYYY-MM-DD。")
    return "".join(parts)[:255]


def _write_xlsx(path: Path, schema: CanonicalSchema, example: dict[str, object]) -> Path:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
    example_fill = PatternFill("solid", fgColor="FFF4CC")
    last_row = TEMPLATE_ROWS + 1
    for column, spec in enumerate(schema.fields, start=1):
        letter = get_column_letter(column)
        head = sheet.cell(row=1, column=column, value=spec.title)
        head.font, head.fill = header_font, header_fill
        head.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[letter].width = max(12, min(40, len(spec.title) * 2 + 4))
        value = example[spec.name]
        cell = sheet.cell(row=2, column=column, value=value)
        cell.fill = example_fill
        if spec.type == "date":
            cell.number_format = "yyyy-mm-dd"
        elif spec.type == "string" and not spec.enum:
            cell.number_format = "@"  # text: keeps phone numbers' leading 0
        choices = spec.enum or (BOOLEAN_CHOICES if spec.type == "boolean" else None)
        if choices:
            validation = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True,
                                        showDropDown=False, showErrorMessage=True, errorStyle="stop",
                                        errorTitle="不在可选范围内", error=f"请从下拉列表中选择：{'、'.join(choices)}")
        else:
            validation = DataValidation(allow_blank=True, showErrorMessage=False)
        validation.showInputMessage = True
        validation.promptTitle = spec.title[:32]
        validation.prompt = input_message(spec)
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)
        if spec.type == "date":
            for row in range(3, last_row + 1):
                sheet.cell(row=row, column=column).number_format = "yyyy-mm-dd"
        elif spec.type == "string" and not spec.enum:
            for row in range(3, last_row + 1):
                sheet.cell(row=row, column=column).number_format = "@"
    sheet["A2"].comment = Comment("第 2 行是示例（产品编号以 example- 开头）。请删除本行，或改写为本行真实产品。", "portal")
    sheet.freeze_panes = "C2"
    sheet.row_dimensions[1].height = 32
    _write_guide(book.create_sheet(GUIDE_SHEET), schema)
    book.save(path)
    return path


def _write_guide(sheet, schema: CanonicalSchema) -> None:  # noqa: ANN001 - openpyxl worksheet
    from openpyxl.styles import Alignment, Font

    notes = [
        "填写说明",
        "1. 在“产品”工作表中每行填写一个产品；第 1 行是表头，请不要修改或删除（列的顺序可以调整）。",
        "2. 第 2 行是示例（黄色底，产品编号以 example- 开头），提交前请删除或改写为真实产品。",
        "3. 多选项用顿号“、”分隔，如“信用、保证”；单选项请从下拉列表选择。",
        "4. 利率、费率填写不带 % 的数字，如 4.35；金额以万元为单位，只填数字，如 500。",
        "5. 日期使用日期格式单元格，或填写 YYYY-MM-DD，如 2026-01-31。",
        "6. 提交后，工作机制办公室用 portal validate 校验，并发回列出行号、列和修改方法的报告；请逐条修改后再次提交。",
        "",
    ]
    for line in notes:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["列（表头）", "字段名", "必填", "类型", "说明与可选值"])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    type_names = {"string": "文本", "number": "数字", "integer": "整数", "date": "日期", "boolean": "是/否"}
    for spec in schema.fields:
        kind = "多选" if spec.list_enum else ("单选" if spec.enum else type_names.get(spec.type, spec.type))
        sheet.append([spec.title, spec.name, "是" if spec.required else "否", kind, input_message(spec)])
    for letter, width in zip("ABCDE", (22, 28, 8, 10, 90)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=header_row + 1):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
