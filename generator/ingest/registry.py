"""The office's bank registry: ``catalog/registry/banks.csv``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from generator.core.issues import IssueList, display_path
from generator.core.models import BankRecord
from generator.ingest.loader import read_plain_file

REGISTRY_COLUMNS = ("bank_id", "name", "short_name", "bank_type", "address", "hotline",
                    "website", "sort_order")


# The registry is a short list kept by the office; anything bigger is the wrong file.
MAX_REGISTRY_BYTES = 5 * 1024 * 1024


def load_registry(path: Path, issues: IssueList, *, display_root: Path) -> dict[str, BankRecord]:
    shown = display_path(path, display_root)
    if not path.exists() and not path.is_symlink():
        issues.error(shown, "missing-file", "找不到机构注册表文件。",
                     "请在 catalog/registry/ 下提供 banks.csv。")
        return {}
    # The same safe reading as a bank's file: no symlinks, a size cap.
    data = read_plain_file(path, shown, issues, MAX_REGISTRY_BYTES)
    if data is None:
        return {}
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        issues.error(shown, "encoding-error", "机构注册表不是 UTF-8 编码。", "请另存为 UTF-8 编码的 CSV。")
        return {}
    reader = csv.DictReader(io.StringIO(text, newline=""))  # keeps quoted line breaks intact
    missing = [c for c in REGISTRY_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        issues.error(shown, "missing-column", f"机构注册表缺少列：{'、'.join(missing)}。",
                     f"表头应为：{','.join(REGISTRY_COLUMNS)}", row=1)
        return {}
    banks: dict[str, BankRecord] = {}
    for row_number, row in enumerate(reader, start=2):
        bank_id = (row.get("bank_id") or "").strip()
        if not bank_id:
            continue
        if bank_id in banks:
            issues.error(shown, "duplicate-bank", f"机构编号 {bank_id} 重复。", "每个机构只登记一行。",
                         row=row_number, field="bank_id")
            continue
        try:
            sort_order = int((row.get("sort_order") or "0").strip() or 0)
        except ValueError:
            issues.error(shown, "type-error", f"排序“{row['sort_order']}”不是整数。", "请填写整数，如 1。",
                         row=row_number, field="sort_order")
            sort_order = 0
        website = (row.get("website") or "").strip()
        if website and not website.startswith("https://"):
            issues.error(shown, "constraint-error", f"官方网站“{website}”不是 https:// 网址。",
                         "请填写以 https:// 开头的完整网址。", row=row_number, field="website")
        banks[bank_id] = BankRecord(
            bank_id=bank_id,
            name=(row.get("name") or "").strip(),
            short_name=(row.get("short_name") or "").strip() or (row.get("name") or "").strip(),
            bank_type=(row.get("bank_type") or "").strip(),
            address=(row.get("address") or "").strip(),
            hotline=(row.get("hotline") or "").strip(),
            website=website,
            sort_order=sort_order,
        )
    return banks
