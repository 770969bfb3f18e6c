"""Safe reading of one bank data package into raw rows.

frictionless 5.x, used naively, fetches URLs named in a descriptor and follows symlinks, so
this module parses ``datapackage.json`` itself and only ever opens a plain CSV/XLSX file that
lies inside the package folder. Rows come out as strings; typing is ``validate``'s job.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.issues import IssueList

ALLOWED_SUFFIXES = {".csv", ".xlsx"}
URL_LIKE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://|^//")


@dataclass
class RawTable:
    """A bank's table as read from disk: header cells and data rows, all strings."""

    file: str                      # path shown in reports (relative to the project)
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (spreadsheet row, cells)


@dataclass
class PackageSource:
    package_dir: Path
    bank_folder: str
    descriptor_file: str
    table: RawTable | None


def display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_package(package_dir: Path, issues: IssueList, *, display_root: Path,
                 max_file_bytes: int) -> PackageSource:
    """Read ``package_dir/datapackage.json`` and its ``products`` resource."""
    descriptor_path = package_dir / "datapackage.json"
    shown = display_path(descriptor_path, display_root)
    source = PackageSource(package_dir, package_dir.name, shown, None)
    if descriptor_path.is_symlink():
        issues.error(shown, "unsafe-path", "datapackage.json 是符号链接，出于安全原因不予读取。",
                     "请提交普通文件，不要使用快捷方式或链接。")
        return source
    try:
        raw = descriptor_path.read_bytes()
    except FileNotFoundError:
        issues.error(shown, "missing-file", "数据包缺少 datapackage.json。",
                     "请使用 portal template 生成的模板，保留 datapackage.json。")
        return source
    if len(raw) > 1024 * 1024:
        issues.error(shown, "file-too-large", "datapackage.json 超过 1 MB。", "描述文件只需列出产品表，请删除多余内容。")
        return source
    try:
        descriptor = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        issues.error(shown, "invalid-json", f"datapackage.json 不是有效的 JSON：{exc}",
                     "请检查括号、引号和逗号，或用 portal template 重新生成。")
        return source
    resource = _products_resource(descriptor, shown, issues)
    if resource is None:
        return source
    table_path = _safe_resource_path(resource.get("path"), package_dir, shown, issues,
                                     max_file_bytes)
    if table_path is None:
        return source
    source.table = read_table(table_path, issues, display_root=display_root)
    return source


def _products_resource(descriptor: object, shown: str, issues: IssueList) -> dict | None:
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        issues.error(shown, "invalid-descriptor", "datapackage.json 中没有 resources 列表。",
                     '请包含 "resources": [{"name": "products", "path": "products.csv"}]。')
        return None
    for resource in descriptor["resources"]:
        if isinstance(resource, dict) and resource.get("name") == "products":
            return resource
    issues.error(shown, "missing-resource", "datapackage.json 中没有名为 products 的资源。",
                 '请把产品表的资源命名为 "products"。')
    return None


def _safe_resource_path(path_value: object, package_dir: Path, shown: str, issues: IssueList,
                        max_file_bytes: int) -> Path | None:
    if not isinstance(path_value, str) or not path_value.strip():
        issues.error(shown, "invalid-descriptor", "products 资源缺少 path（文件名）。",
                     '请填写 "path": "products.csv" 或 "products.xlsx"。', field="path")
        return None
    value = path_value.strip()
    if URL_LIKE.match(value):
        issues.error(shown, "remote-path", f"products 资源指向网址“{value}”，系统不会下载网络文件。",
                     "请把产品表文件放在数据包文件夹内，path 只写文件名。", field="path")
        return None
    pure = PurePosixPath(value.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or re.match(r"^[a-zA-Z]:", value):
        issues.error(shown, "unsafe-path", f"products 资源路径“{value}”指向数据包文件夹之外。",
                     "path 只写数据包文件夹内的文件名，如 products.csv。", field="path")
        return None
    if pure.suffix.lower() not in ALLOWED_SUFFIXES:
        issues.error(shown, "unsupported-format", f"不支持的文件类型“{pure.suffix or value}”。",
                     "只接受 .csv 或 .xlsx 文件（不要压缩）。", field="path")
        return None
    candidate = package_dir.joinpath(*pure.parts)
    # Any symlink on the way (file or folder) could lead outside the package.
    probe = candidate
    while probe != package_dir and probe != probe.parent:
        if probe.is_symlink():
            issues.error(shown, "unsafe-path", f"“{value}”是符号链接，出于安全原因不予读取。",
                         "请提交普通文件，不要使用快捷方式或链接。", field="path")
            return None
        probe = probe.parent
    if not candidate.is_file():
        issues.error(shown, "missing-file", f"找不到产品表文件“{value}”。",
                     "请确认文件已放入数据包文件夹，文件名与 path 一致。", field="path")
        return None
    try:
        candidate.resolve().relative_to(package_dir.resolve())
    except ValueError:
        issues.error(shown, "unsafe-path", f"products 资源路径“{value}”指向数据包文件夹之外。",
                     "path 只写数据包文件夹内的文件名。", field="path")
        return None
    size = candidate.stat().st_size
    if size > max_file_bytes:
        issues.error(shown, "file-too-large",
                     f"产品表文件 {size / 1024 / 1024:.1f} MB，超过上限 {max_file_bytes / 1024 / 1024:.0f} MB。",
                     "请删除空行和无关工作表，或拆分后联系工作机制办公室。", field="path")
        return None
    return candidate


def read_table(path: Path, issues: IssueList, *, display_root: Path) -> RawTable | None:
    shown = display_path(path, display_root)
    data = path.read_bytes()
    if not data.strip():
        issues.error(shown, "empty-file", "产品表文件是空的。", "请至少填写表头和一行产品。")
        return None
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(data, shown, issues)
    return _read_csv(data, shown, issues)


def decode_csv_bytes(data: bytes) -> tuple[str, str] | None:
    """UTF-8 (with or without BOM) first, then GB18030, a superset of GBK (Excel on Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def _read_csv(data: bytes, shown: str, issues: IssueList) -> RawTable | None:
    if b"\x00" in data[:4096]:
        issues.error(shown, "encoding-error", "文件不是文本格式的 CSV（可能是二进制文件或其他格式改了扩展名）。",
                     "请在 Excel 中“另存为 CSV UTF-8（逗号分隔）”，或直接提交 .xlsx 文件。")
        return None
    decoded = decode_csv_bytes(data)
    if decoded is None:
        issues.error(shown, "encoding-error", "无法识别文件编码。",
                     "请在 Excel 中“另存为 CSV UTF-8（逗号分隔）”后重新提交。")
        return None
    text, _ = decoded
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        issues.error(shown, "csv-format-error", f"CSV 格式错误：{exc}",
                     "通常是引号没有成对出现，请在 Excel 中打开后重新另存为 CSV。")
        return None
    return _table_from_records(records, shown)


def _read_xlsx(data: bytes, shown: str, issues: IssueList) -> RawTable | None:
    import openpyxl  # imported here: only XLSX submissions pay for it

    try:
        # data_only: a formula cell yields its cached value, never the formula text.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for corrupt files
        issues.error(shown, "corrupt-file", "无法打开 Excel 文件，文件可能已损坏或不是 .xlsx 格式。",
                     "请在 Excel 中打开并“另存为 Excel 工作簿(.xlsx)”后重新提交。")
        return None
    sheet = book["products"] if "products" in book.sheetnames else book.worksheets[0]
    records = [[_xlsx_cell_text(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return _table_from_records(records, shown)


def _xlsx_cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        # Phone numbers and whole amounts stored as numbers: 13812345678.0 -> "13812345678".
        return str(int(value))
    return str(value)


def _table_from_records(records: list[list[str]], shown: str) -> RawTable:
    header = records[0] if records else []
    rows = []
    for index, cells in enumerate(records[1:], start=2):
        rows.append((index, [c if isinstance(c, str) else str(c) for c in cells]))
    # Excel leaves trailing empty rows behind; they are not products.
    while rows and not any(cell.strip() for cell in rows[-1][1]):
        rows.pop()
    return RawTable(file=shown, header=[str(h) for h in header], rows=rows)
