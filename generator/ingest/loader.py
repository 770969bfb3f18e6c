"""Safe reading of one bank data package into raw rows.

frictionless 5.x, used naively, fetches URLs named in a descriptor, follows symlinks, unpacks
archives without limits and has no size cap. So this module parses ``datapackage.json`` itself
and only ever opens a plain ``.csv`` / ``.xlsx`` file that lies inside the package folder, is no
symlink (nor reached through one) and is under the size cap. frictionless never sees a path.
Rows come out as strings with their spreadsheet row numbers; typing is ``validate``'s job.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.core.issues import IssueList, display_path

ALLOWED_SUFFIXES = (".csv", ".xlsx")
DESCRIPTOR_MAX_BYTES = 1024 * 1024
# A scheme of two or more letters ("https:", "file:", "data:", "javascript:"); one letter is a
# Windows drive ("C:"), handled as an absolute path.
URL_LIKE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]+:|^//|^\\\\")
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
# Excel keeps formatted but empty rows; after this many in a row the sheet is taken as ended.
XLSX_MAX_BLANK_RUN = 1000
# Uncompressed XLSX content may be this many times the size cap (XML is verbose), no more.
XLSX_EXPANSION_LIMIT = 20
XLSX_SHEET_NAMES = ("products", "产品")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ZIP_MAGIC = b"PK\x03\x04"

SAVE_AS_CSV_HINT = "请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）(*.csv)”后重新提交，或直接提交 .xlsx 文件。"
NO_LINK_HINT = "请提交普通文件，不要使用快捷方式或符号链接。"


@dataclass
class RawTable:
    """A bank's table as read from disk: header cells and data rows, all strings."""

    file: str                      # path shown in reports (relative to the project)
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (spreadsheet row, cells)
    encoding: str | None = None    # CSV only: "utf-8-sig" or "gb18030"


@dataclass
class PackageSource:
    package_dir: Path
    bank_folder: str
    descriptor_file: str
    table: RawTable | None


def load_package(package_dir: Path, issues: IssueList, *, display_root: Path,
                 max_file_bytes: int) -> PackageSource:
    """Read ``package_dir/datapackage.json`` and its ``products`` resource."""
    descriptor_path = package_dir / "datapackage.json"
    shown = display_path(descriptor_path, display_root)
    source = PackageSource(package_dir, package_dir.name, shown, None)
    if not descriptor_path.exists() and not descriptor_path.is_symlink():
        issues.error(shown, "missing-file", "数据包缺少 datapackage.json。",
                     "请使用 portal template 生成的模板，保留 datapackage.json。")
        return source
    raw = read_plain_file(descriptor_path, shown, issues, DESCRIPTOR_MAX_BYTES)
    if raw is None:
        return source
    try:
        descriptor = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        issues.error(shown, "invalid-json", "datapackage.json 不是 UTF-8 编码的文本文件。",
                     "请用 portal template 重新生成 datapackage.json，只修改其中的文件名。")
        return source
    except json.JSONDecodeError as exc:
        issues.error(shown, "invalid-json",
                     f"datapackage.json 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近有误。",
                     "请检查括号、英文引号和逗号是否成对、齐全，或用 portal template 重新生成。", row=exc.lineno)
        return source
    except RecursionError:
        issues.error(shown, "invalid-json", "datapackage.json 的括号嵌套层级过深，不是正常的数据包描述文件。",
                     "请用 portal template 重新生成 datapackage.json，只修改其中的文件名。")
        return source
    resource = _products_resource(descriptor, shown, issues)
    if resource is None:
        return source
    if "schema" in resource or (isinstance(descriptor, dict) and "schema" in descriptor):
        # Never read, never fetched: the canonical schema decides (DESIGN.md section 3).
        issues.warning(shown, "ignored-schema", "数据包中自带的 schema 不会被使用，校验以本站标准模式为准。",
                       "可删除 datapackage.json 中的 schema 部分。", field="schema")
    table_path = safe_resource_path(resource.get("path"), package_dir, shown, issues)
    if table_path is None:
        return source
    source.table = read_table(table_path, issues, display_root=display_root,
                              max_file_bytes=max_file_bytes)
    return source


def _products_resource(descriptor: object, shown: str, issues: IssueList) -> dict | None:
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        issues.error(shown, "invalid-descriptor", "datapackage.json 中没有 resources 列表。",
                     '请包含 "resources": [{"name": "products", "path": "products.csv"}]。', field="resources")
        return None
    for resource in descriptor["resources"]:
        if isinstance(resource, dict) and resource.get("name") == "products":
            return resource
    issues.error(shown, "missing-resource", "datapackage.json 中没有名为 products 的资源。",
                 '请把产品表的资源命名为 "products"。', field="resources")
    return None


def safe_resource_path(path_value: object, package_dir: Path, shown: str,
                       issues: IssueList) -> Path | None:
    """The resource file inside ``package_dir``, or None (with an issue) when it is unsafe."""
    if isinstance(path_value, list):
        issues.error(shown, "invalid-descriptor", "products 资源的 path 是列表（多个文件），不受支持。",
                     '请只写一个文件名，如 "path": "products.csv"。', field="path")
        return None
    if not isinstance(path_value, str) or not path_value.strip():
        issues.error(shown, "invalid-descriptor", "products 资源缺少 path（文件名）。",
                     '请填写 "path": "products.csv" 或 "products.xlsx"（不支持内嵌 data）。', field="path")
        return None
    value = path_value.strip()
    shown_value = CONTROL_CHARS.sub("?", value)[:200]
    if URL_LIKE.match(value):
        issues.error(shown, "remote-path", f"products 资源指向网址“{shown_value}”，系统不会下载网络文件。",
                     "请把产品表文件放在数据包文件夹内，path 只写文件名，如 products.csv。", field="path")
        return None
    pure = PurePosixPath(value.replace("\\", "/"))
    if (CONTROL_CHARS.search(value) or pure.is_absolute() or ".." in pure.parts
            or re.match(r"^[a-zA-Z]:", value)):
        issues.error(shown, "unsafe-path", f"products 资源路径“{shown_value}”指向数据包文件夹之外。",
                     "path 只写数据包文件夹内的文件名，如 products.csv。", field="path")
        return None
    if pure.suffix.lower() not in ALLOWED_SUFFIXES:
        issues.error(shown, "unsupported-format", f"不支持的文件类型“{pure.suffix or shown_value}”。",
                     "只接受 .csv 或 .xlsx 文件（不要压缩，不要用 .xls 或 .zip）。", field="path")
        return None
    candidate = package_dir.joinpath(*pure.parts)
    # Any symlink on the way (file or folder) could lead outside the package.
    probe = candidate
    while probe != package_dir and probe != probe.parent:
        if probe.is_symlink():
            issues.error(shown, "unsafe-path", f"“{shown_value}”（或它所在的文件夹）是符号链接，出于安全原因不予读取。",
                         NO_LINK_HINT, field="path")
            return None
        probe = probe.parent
    if not candidate.exists():
        issues.error(shown, "missing-file", f"找不到产品表文件“{shown_value}”。",
                     "请确认文件已放入数据包文件夹，文件名与 datapackage.json 中的 path 一致。", field="path")
        return None
    if not candidate.is_file():  # a folder, a pipe or a device: never opened
        issues.error(shown, "unreadable-file", f"“{shown_value}”不是普通文件。",
                     "请提交普通的 CSV 或 XLSX 文件。", field="path")
        return None
    try:
        candidate.resolve().relative_to(package_dir.resolve())
    except ValueError:
        issues.error(shown, "unsafe-path", f"products 资源路径“{shown_value}”指向数据包文件夹之外。",
                     "path 只写数据包文件夹内的文件名。", field="path")
        return None
    return candidate


def read_plain_file(path: Path, shown: str, issues: IssueList, max_bytes: int) -> bytes | None:
    """The bytes of a regular file, refusing symlinks (O_NOFOLLOW, no check-then-open race)
    and anything bigger than ``max_bytes`` (checked on the open file, then while reading)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if path.is_symlink():
            issues.error(shown, "unsafe-path", f"“{path.name}”是符号链接，出于安全原因不予读取。", NO_LINK_HINT)
        elif isinstance(exc, FileNotFoundError):
            issues.error(shown, "missing-file", f"找不到文件“{path.name}”。", "请确认文件名和位置。")
        else:
            issues.error(shown, "unreadable-file", f"无法读取文件“{path.name}”。", "请确认这是一个普通文件。")
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            issues.error(shown, "unreadable-file", f"“{path.name}”不是普通文件。", "请提交普通的 CSV 或 XLSX 文件。")
            return None
        if info.st_size > max_bytes:
            _too_large(shown, info.st_size, max_bytes, issues)
            return None
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        _too_large(shown, len(data), max_bytes, issues)
        return None
    return data


def _too_large(shown: str, size: int, max_bytes: int, issues: IssueList) -> None:
    issues.error(shown, "file-too-large",
                 f"文件大小 {_megabytes(size)}，超过上限 {_megabytes(max_bytes)}。",
                 "请删除空行、图片和无关工作表后重新保存；仍然过大请联系工作机制办公室。")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 100 * 1024 else f"{size} 字节"


def check_loose_file(path: Path, shown: str, issues: IssueList) -> bool:
    """A CSV/XLSX named on the command line: same rules as a package resource, minus the folder."""
    if path.is_symlink():
        issues.error(shown, "unsafe-path", f"“{path.name}”是符号链接，出于安全原因不予读取。", NO_LINK_HINT)
        return False
    if path.suffix.lower() not in ALLOWED_SUFFIXES:
        issues.error(shown, "unsupported-format", f"不支持的文件类型“{path.suffix or path.name}”。",
                     "只接受 .csv 或 .xlsx 文件（不要压缩，不要用 .xls 或 .zip）。")
        return False
    return True


def read_table(path: Path, issues: IssueList, *, display_root: Path,
               max_file_bytes: int) -> RawTable | None:
    shown = display_path(path, display_root)
    data = read_plain_file(path, shown, issues, max_file_bytes)
    if data is None:
        return None
    if not data.strip():
        issues.error(shown, "empty-file", "产品表文件是空的。", "请至少填写表头和一行产品。")
        return None
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(data, shown, issues, max_file_bytes)
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
    if data.startswith(UTF16_BOMS):
        issues.error(shown, "encoding-error", "文件是 UTF-16 编码（Excel 的“Unicode 文本”），不是 CSV。",
                     SAVE_AS_CSV_HINT)
        return None
    if data.startswith(ZIP_MAGIC):
        issues.error(shown, "corrupt-file", "这是一个 Excel 或压缩文件，但扩展名是 .csv。",
                     "如是 Excel 文件，请把文件名改为 .xlsx 并同时修改 datapackage.json 中的 path。")
        return None
    if b"\x00" in data[:65536]:
        issues.error(shown, "corrupt-file", "文件不是文本格式的 CSV（可能是二进制文件或其他格式改了扩展名）。",
                     SAVE_AS_CSV_HINT)
        return None
    decoded = decode_csv_bytes(data)
    if decoded is None:
        issues.error(shown, "encoding-error", "无法识别文件编码（既不是 UTF-8，也不是 GBK/GB18030）。",
                     SAVE_AS_CSV_HINT)
        return None
    text, encoding = decoded
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        row = len(records) + 1
        if "end of data" in str(exc) or "expected after" in str(exc):
            message = f"第 {row} 行起有引号没有成对出现，之后的内容无法读取。"
        else:
            message = f"第 {row} 行 CSV 格式错误，无法读取。"
        issues.error(shown, "csv-format-error", message,
                     "单元格内容里的英文双引号要写成两个（\"\"）；最简单的办法是在 Excel 中打开后重新另存为 CSV。",
                     row=row)
        return None
    return _table_from_records(records, shown, encoding)


def _read_xlsx(data: bytes, shown: str, issues: IssueList, max_file_bytes: int) -> RawTable | None:
    import openpyxl  # imported here: only XLSX submissions pay for it

    corrupt_hint = "请在 Excel 中打开并“另存为”→“Excel 工作簿(*.xlsx)”后重新提交。"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        issues.error(shown, "corrupt-file", "无法打开 Excel 文件：文件已损坏或不是 .xlsx 格式。", corrupt_hint)
        return None
    if "xl/workbook.xml" not in names:
        issues.error(shown, "corrupt-file", "文件是压缩包，但不是 Excel 工作簿（.xlsx）。", corrupt_hint)
        return None
    if unpacked > max(max_file_bytes * XLSX_EXPANSION_LIMIT, 64 * 1024 * 1024):
        issues.error(shown, "file-too-large", f"Excel 文件解压后达 {_megabytes(unpacked)}，超过允许的大小。",
                     "请删除无关工作表、图片和格式化的空行后重新保存。")
        return None
    try:
        # data_only: a formula cell yields its cached value, never the formula text.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = next((book[name] for name in XLSX_SHEET_NAMES if name in book.sheetnames),
                         book.worksheets[0])
            records = _xlsx_records(sheet)
        finally:
            book.close()
    except Exception:  # noqa: BLE001 - openpyxl raises many types for corrupt files
        issues.error(shown, "corrupt-file", "无法读取 Excel 文件内容，文件可能已损坏。", corrupt_hint)
        return None
    return _table_from_records(records, shown, None)


def _xlsx_records(sheet) -> list[list[str]]:  # noqa: ANN001 - openpyxl read-only worksheet
    records: list[list[str]] = []
    blank_run = 0
    for row in sheet.iter_rows():
        cells = [_xlsx_cell_text(cell.value, getattr(cell, "number_format", None)) for cell in row]
        if any(cells):
            blank_run = 0
        else:
            blank_run += 1
            if blank_run >= XLSX_MAX_BLANK_RUN:
                break
        records.append(cells)
    return records


def _xlsx_cell_text(value: object, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # Excel TRUE/FALSE cells
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if number_format and "%" in number_format:
            # A percentage cell holds 0.0435 but shows 4.35%: ambiguous, so keep what the bank sees
            # and let validation ask for the bare number.
            return f"{value * 100:.10g}%"
        if isinstance(value, float) and value.is_integer():
            # Phone numbers and whole amounts stored as numbers: 13812345678.0 -> "13812345678".
            return str(int(value))
        return str(value)
    return str(value)


def _table_from_records(records: list[list[str]], shown: str, encoding: str | None) -> RawTable:
    header = records[0] if records else []
    rows = [(index, cells) for index, cells in enumerate(records[1:], start=2)]
    # Excel leaves trailing empty rows behind; they are not products.
    while rows and not any(cell.strip() for cell in rows[-1][1]):
        rows.pop()
    return RawTable(file=shown, header=[str(h) for h in header], rows=rows, encoding=encoding)
