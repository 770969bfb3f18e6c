"""Downloads of the published catalogue: CSV, XLSX, JSON and a Frictionless datapackage.json.

The files use the canonical field names and Chinese titles, so what a bank submits and what
the public downloads line up. Spreadsheet programs execute cells that start with = + - @
(CSV/formula injection), so every such text cell is neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

from generator.core import urls
from generator.core.models import BankRecord, ContentDocument, PolicyMeta, ProductRecord, Region
from generator.core.schema import CanonicalSchema
from generator.site.fields import FieldRegistry, yes_no

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_SHEET = "products"


def cell_value(value: object) -> object:
    """The value as it goes into a table cell (lists joined with 、, dates ISO, bools 是/否)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, tuple):
        return "、".join(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# Two columns after the canonical ones when the district is known (extra.portal.region, or each
# product's own in a federated catalogue): the levels above aggregate districts' downloads by them.
REGION_FIELDS = (
    {"name": "地区", "canonical_name": "region", "type": "string", "description": "区县名称",
     "constraints": {"required": True}},
    {"name": "行政区划代码", "canonical_name": "region_code", "type": "string",
     "description": "区县的 6 位行政区划代码（GB/T 2260）", "constraints": {"required": True, "pattern": "^[1-8][0-9]{5}$"}},
)


def product_rows(products: list[ProductRecord], schema: CanonicalSchema,
                 region: Region | None = None) -> list[list[object]]:
    """One row per product: the canonical fields (product_id as the district published it), then the
    region columns when ``region`` (the default for products without their own) or any product's is known."""
    regional = region is not None or any(p.region for p in products)
    rows = []
    for p in products:
        row = [cell_value(p.own_id if name == "product_id" else getattr(p, name)) for name in schema.names]
        if regional:
            where = p.region or region
            row += [where.name, where.code] if where else ["", ""]
        rows.append(row)
    return rows


def product_json(product: ProductRecord, bank: BankRecord, registry: FieldRegistry) -> dict:
    schema = registry.schema
    record = {}
    for name in schema.names:
        value = getattr(product, name)
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        record[name] = value
    record["bank_name"] = bank.name
    record["bank_short_name"] = bank.short_name
    record["url"] = urls.product(product.product_id)
    if product.region is not None:
        record["source_id"] = product.own_id
        record["region"] = product.region.to_json()
    # Every field's wording from the field registry, so the compare page shows what the
    # product page shows and need not re-implement any of it.
    record["display"] = registry.display_block(product, bank.short_name or bank.name)
    return record


def write_downloads(docs_dir: Path, products: list[ProductRecord], banks: dict[str, BankRecord],
                    registry: FieldRegistry, *, sample_data: bool, released: str,
                    region: Region | None = None) -> list[Path]:
    """``released``: the RFC 3339 datetime the data is from (never the clock: builds are reproducible)."""
    schema = registry.schema
    target = docs_dir / urls.DOWNLOADS
    target.mkdir(parents=True, exist_ok=True)
    regional = region is not None or any(p.region for p in products)
    titles = [f.title for f in schema.fields] + ([f["name"] for f in REGION_FIELDS] if regional else [])
    rows = product_rows(products, schema, region)

    csv_path = docs_dir / urls.PRODUCTS_CSV
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(titles)
    writer.writerows([[neutralise(v) for v in row] for row in rows])
    # UTF-8 with BOM: Excel on Chinese Windows otherwise opens it as GBK and shows garbage.
    csv_path.write_bytes(buffer.getvalue().encode("utf-8-sig"))

    xlsx_path = docs_dir / urls.PRODUCTS_XLSX
    _write_xlsx(xlsx_path, titles, rows, notes=_notes(sample_data, released[:10]), stamp=released)

    json_path = docs_dir / urls.PRODUCTS_JSON
    payload = {
        "generated": released[:10],
        "sample_data": sample_data,
        "fields": [{"name": f.name, "title": f.title} for f in schema.fields],
        "compare_rows": [{"key": key, "label": label} for key, label in registry.compare_rows()],
        "products": [product_json(p, banks[p.bank_id], registry) for p in products],
    }
    json_path.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    banks_path = docs_dir / urls.BANKS_CSV
    banks_path.write_bytes(banks_csv([banks[b] for b in sorted(banks, key=lambda b: (banks[b].sort_order, b))]))

    package_path = docs_dir / urls.DATAPACKAGE
    package = open_data_package(schema, sample_data=sample_data, released=released, region=region,
                                regional=regional)
    package_path.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [csv_path, xlsx_path, json_path, banks_path, package_path]


# The published bank registry: the columns of catalog/registry/banks.csv (ingest.registry reads it back).
BANK_FIELDS = (("bank_id", "机构编号", "string"), ("name", "机构名称", "string"), ("short_name", "简称", "string"),
               ("bank_type", "机构类型", "string"), ("address", "地址", "string"), ("hotline", "客服电话", "string"),
               ("website", "网站", "string"), ("sort_order", "排序", "integer"))


def banks_csv(banks: list[BankRecord]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _, _ in BANK_FIELDS])
    writer.writerows([[neutralise(getattr(b, name)) for name, _, _ in BANK_FIELDS] for b in banks])
    return buffer.getvalue().encode("utf-8-sig")


def content_index(documents: list[ContentDocument], region: Region | None) -> dict:
    """What ``downloads/content.json`` holds: the policies, cases and notices of this site (title, date,
    address), so a city or province portal can list and link them without copying them."""
    items = []
    for doc in documents:
        meta = doc.meta
        item = {"kind": doc.kind, "title": doc.title, "date": doc.date.isoformat(),
                "updated": doc.updated.isoformat(), "url": doc.url, "summary": meta.summary}
        if isinstance(meta, PolicyMeta):
            item |= {"doc_number": meta.doc_number, "issuer": meta.issuer, "status": str(meta.status)}
        items.append(item)
    return {"region": region.to_json() if region else None, "documents": items}


def write_content_index(docs_dir: Path, index: dict) -> Path:
    path = docs_dir / urls.CONTENT_JSON
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(index, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def published_schema(schema: CanonicalSchema, *, regional: bool = False) -> dict:
    """The canonical Table Schema as the downloads carry it: each field named by its Chinese title.

    The CSV and XLSX header rows are the Chinese titles, because the people who open them are
    enterprises and civil servants in Excel, and the bank template uses the same header. Frictionless
    requires header labels to equal field names, so the published schema names the fields by those
    titles (what pandas shows as column names too) and keeps the canonical identifier of each field
    in ``canonical_name`` (the names that products.json and the submission contract use).
    """
    descriptor = json.loads(json.dumps({k: v for k, v in schema.descriptor.items() if not k.startswith("$")}))
    renamed = {f.name: f.title for f in schema.fields}
    for item in descriptor.get("fields", []):
        item["canonical_name"] = item["name"]
        item["name"] = renamed.get(item["name"], item["name"])
    key = descriptor.get("primaryKey")
    if isinstance(key, list):
        descriptor["primaryKey"] = [renamed.get(k, k) for k in key]
    elif isinstance(key, str):
        descriptor["primaryKey"] = renamed.get(key, key)
    descriptor.pop("foreignKeys", None)   # they point at the bank registry, which is not published
    if regional:
        descriptor["fields"] += [dict(f) for f in REGION_FIELDS]
        # product_id is unique within a district; across districts with the region code.
        descriptor["primaryKey"] = [renamed["product_id"], "行政区划代码"]
    return descriptor


def open_data_package(schema: CanonicalSchema, *, sample_data: bool, released: str,
                      region: Region | None = None, regional: bool = False) -> dict:
    """``datapackage.json`` of the downloads: the CSV and the XLSX, both valid against one schema."""
    table_schema = published_schema(schema, regional=regional or region is not None)
    return {
        "name": "xiaowei-financial-products",
        "title": (region.name if region else "") + "小微企业金融服务产品库" + ("（示例数据）" if sample_data else ""),
        # The district the data covers (行政区划代码): what the levels above aggregate by.
        **({"region": region.to_json()} if region else {}),
        "description": "在售小微企业金融产品。数据由各银行提供并负责；利率为年化利率（%），金额单位为万元。",
        "created": released,
        "resources": [
            {"name": "products", "path": Path(urls.PRODUCTS_CSV).name, "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8-sig", "schema": table_schema},
            {"name": "products-xlsx", "path": Path(urls.PRODUCTS_XLSX).name, "format": "xlsx",
             "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "dialect": {"excel": {"sheet": XLSX_SHEET}}, "schema": table_schema},
            {"name": "banks", "path": Path(urls.BANKS_CSV).name, "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8-sig", "schema": {
                 "fields": [{"name": name, "title": title, "type": kind} for name, title, kind in BANK_FIELDS],
                 "primaryKey": ["bank_id"]}},
        ],
    }


def _notes(sample_data: bool, generated: str) -> list[str]:
    notes = [f"小微企业金融服务产品库 · 在售产品数据（数据日期 {generated}）",
             "数据由各银行提供并负责；列入产品库不代表政府对产品的推荐、背书或担保；以银行最终审批为准。",
             "利率均为年化利率（%），金额单位为万元。"]
    if sample_data:
        notes.insert(0, "示例数据：试运行期间的演示数据，不是真实的产品或要约。")
    return notes


def _write_xlsx(path: Path, titles: list[str], rows: list[list[object]], *, notes: list[str],
                stamp: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    # Spreadsheets travel without the web page around them: the notes (and 示例数据) go inside.
    about = book.create_sheet("说明")
    for line in notes:
        about.append([line])
    sheet = book.create_sheet(XLSX_SHEET)
    sheet.append(titles)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # openpyxl turns text starting with "=" into a formula; bank text is never one.
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_reproducible_zip(buffer.getvalue(), stamp))


_CORE_DATES = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def _reproducible_zip(data: bytes, stamp: str) -> bytes:
    """The same workbook bytes for the same data: openpyxl stamps the wall-clock time into
    docProps/core.xml and into every zip entry; both become ``stamp`` (the data's date)."""
    when = dt.datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")
    date_time = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(lambda m: f"{m.group(1)}{stamp[:19]}Z{m.group(2)}",
                                          content.decode("utf-8")).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return output.getvalue()
