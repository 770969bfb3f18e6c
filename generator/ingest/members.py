"""One member district's release as a city or province portal reads it (``portal federate``).

A member is read from a folder holding four files of its release, copied there by
``commands/federate.py`` after the release was verified against its manifest: ``manifest.json`` (who
published it: region, district, base_url, data date), ``downloads/products.csv`` (its published
products, Chinese-titled canonical columns plus 地区 and 行政区划代码), ``downloads/banks.csv`` (its bank
registry) and ``downloads/content.json`` (its policies, cases and notices: linked, never copied).

Trust, but verify: the products are validated again against the upper level's canonical schema with
the rules a bank's file gets (``validate.validate_table``, the member's banks as the registry), so a
member built by an older or altered generator cannot bring in a product a district could not publish.

Keys (see ``core/models.py``): a product becomes ``"<region_code>/<own id>"`` and a bank
``"<region_code>-<bank_id>"``, both carrying their region. A city release federated again by a province
carries several regions in its rows (each within the city's); its keys are already region-scoped and
are kept, so the province's keys equal the city's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.core.errors import EXIT_INVALID, PortalError
from generator.core.issues import IssueList
from generator.core.models import BankRecord, Member, MemberDocument, PolicyStatus, ProductRecord, Region
from generator.core.schema import CanonicalSchema
from generator.core.settings import REGION_CODE, PortalSettings
from generator.ingest.loader import URL_LIKE, RawTable, read_plain_file, read_table
from generator.ingest.registry import load_registry
from generator.ingest.validate import ProductIds, ValidationContext, validate_table

MANIFEST = "manifest.json"
PRODUCTS = "downloads/products.csv"
BANKS = "downloads/banks.csv"
CONTENT = "downloads/content.json"
# What federate copies out of a member's release, by these fixed names, and nothing else.
MEMBER_FILES = (MANIFEST, PRODUCTS, BANKS, CONTENT)

# A district's manifest is ~50 kB and its products.csv ~200 kB; a city's (federated again by a
# province) at 20,000 products ~50 MB. The caps sit far above both and far below the memory at hand.
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
MAX_TABLE_BYTES = 512 * 1024 * 1024
MAX_CONTENT_BYTES = 64 * 1024 * 1024

# The columns a district's products.csv carries after the canonical ones (site/exports.py REGION_FIELDS).
REGION_NAME_COLUMN, REGION_CODE_COLUMN = "地区", "行政区划代码"
DOCUMENT_KINDS = ("policy", "case", "notice")
# exports.neutralise puts an apostrophe before text a spreadsheet would run as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
REGION_HINT = "在该区县的 mkdocs.yml 中设置 extra.portal.region 和 region_code 后重新生成（portal build）并打包。"
REBUILD_HINT = "请该区县用当前版本的 portal build 重新生成网站并打包（portal bundle）后重新报送。"


class MemberError(PortalError):
    """A member release that cannot be used at all (not verified, no region, two of one region): exit 1."""

    exit_code = EXIT_INVALID
    label = "区县发布包有误"


@dataclass(frozen=True)
class MemberRelease:
    """A member read and validated: its products and banks already keyed for the federated catalogue."""

    member: Member
    banks: dict[str, BankRecord]        # "<region_code>-<bank_id>" -> bank
    products: list[ProductRecord]       # product_id "<region_code>/<own id>"
    regions: tuple[Region, ...]         # the regions its products cover (a district: its own)


def read_member(folder: Path, source: str, *, schema: CanonicalSchema, settings: PortalSettings,
                today: dt.date, issues: IssueList) -> MemberRelease:
    """Read the member whose four files are in ``folder``; ``source`` names it (as given on the command
    line) in every message. Invalid products become issues; an unusable manifest raises ``MemberError``."""
    found = IssueList()
    region, identity = _identity(folder, source)
    raw_banks = load_registry(folder / BANKS, found, display_root=folder)
    documents = _documents(folder, region, identity.get("base_url"), found)
    member = Member(region=region, source=source, district=identity.get("district", ""),
                    base_url=identity.get("base_url"), released=identity.get("released", ""),
                    documents=documents)
    products: list[ProductRecord] = []
    regions = {region.code: region}
    table = read_table(folder / PRODUCTS, found, display_root=folder, max_file_bytes=MAX_TABLE_BYTES)
    if table is not None:
        for where, part in _split_by_region(table, region, found).items():
            regions.setdefault(where.code, where)
            # Product ids are unique within a district, so each region's rows are checked on their own.
            ctx = ValidationContext(schema, raw_banks, None, settings, today, ProductIds())
            products.extend(_keyed(p, where, source) for p in validate_table(part, ctx, found))
    banks = {}
    for bank in raw_banks.values():
        key, where = _bank_key(bank.bank_id, region, regions)
        banks[key] = dataclasses.replace(bank, bank_id=key, region=where)
    for issue in found.items:
        issues.items.append(dataclasses.replace(issue, file=f"{source}: {issue.file}"))
    return MemberRelease(member, banks, products, tuple(regions.values()))


def within(code: str, parent: str) -> bool:
    """``code`` is ``parent`` or lies inside it (GB/T 2260: 510000 province ⊃ 511700 city ⊃ 511703 district)."""
    if code == parent:
        return True
    if parent.endswith("0000"):
        return code.startswith(parent[:2])
    return parent.endswith("00") and code.startswith(parent[:4])


def _identity(folder: Path, source: str) -> tuple[Region, dict[str, str]]:
    """The member's region (required) and its district, base_url and data date from its manifest."""
    probe = IssueList()
    raw = read_plain_file(folder / MANIFEST, MANIFEST, probe, MAX_MANIFEST_BYTES)
    try:
        document = json.loads(raw.decode("utf-8")) if raw is not None else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        document = None
    if not isinstance(document, dict):
        raise MemberError(f"成员 {source} 的 {MANIFEST} 无法读取。{REBUILD_HINT}")
    place = document.get("region")
    name = place.get("name") if isinstance(place, dict) else None
    code = place.get("code") if isinstance(place, dict) else None
    if not (isinstance(name, str) and name.strip() and isinstance(code, str) and REGION_CODE.match(code)):
        raise MemberError(f"成员 {source} 的 {MANIFEST} 中没有地区（region 和 6 位行政区划代码），"
                          f"无法确定它是哪个区县的数据。{REGION_HINT}")
    identity = {key: document[key].strip() for key in ("district", "released")
                if isinstance(document.get(key), str)}
    base_url = document.get("base_url")
    if isinstance(base_url, str) and re.match(r"^https?://[^/\s]+", base_url) and not re.search(r"[\s?#]", base_url):
        identity["base_url"] = base_url if base_url.endswith("/") else base_url + "/"
    return Region(name.strip(), code), identity


def _split_by_region(table: RawTable, region: Region, issues: IssueList) -> dict[Region, RawTable]:
    """The table without its region columns, one part per region its rows name. A row's region must
    be the member's own or, for a city release, a region inside it; other rows are errors."""
    header = [cell.strip() for cell in table.header]
    if REGION_NAME_COLUMN not in header or REGION_CODE_COLUMN not in header:
        issues.error(table.file, "missing-column",
                     f"缺少“{REGION_NAME_COLUMN}”“{REGION_CODE_COLUMN}”列，无法确认每个产品属于哪个区县。",
                     REBUILD_HINT, row=1, field="region")
        return {}
    name_at, code_at = header.index(REGION_NAME_COLUMN), header.index(REGION_CODE_COLUMN)
    keep = [i for i in range(len(header)) if i not in (name_at, code_at)]
    parts: dict[Region, RawTable] = {}
    names: dict[str, str] = {}
    for row, cells in table.rows:
        cells = [_plain(c) for c in cells] + [""] * (len(header) - len(cells))
        name, code = cells[name_at].strip(), cells[code_at].strip()
        if not REGION_CODE.match(code) or not within(code, region.code):
            issues.error(table.file, "wrong-region",
                         f"行政区划代码“{code[:20]}”不是本发布包的地区 {region.name}（{region.code}）"
                         + ("或其下辖区县。" if code != region.code else "。"),
                         "每个产品的地区须与发布包的地区一致；" + REBUILD_HINT, row=row, field="region_code")
            continue
        if code == region.code:
            name = region.name
        if names.setdefault(code, name) != name or not name:
            issues.error(table.file, "wrong-region", f"行政区划代码 {code} 的地区名称“{name[:20]}”与其他行"
                         f"（“{names[code]}”）不一致。", REBUILD_HINT, row=row, field="region")
            continue
        where = Region(name, code)
        part = parts.setdefault(where, RawTable(table.file, [header[i] for i in keep], encoding=table.encoding))
        part.rows.append((row, [cells[i] for i in keep]))
    return parts


def _plain(cell: str) -> str:
    """A cell as the district wrote it, without the apostrophe that neutralised a formula."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_PREFIXES) else cell


def _keyed(product: ProductRecord, region: Region, source: str) -> ProductRecord:
    """The product under its region-scoped key (``core/models.py``), its bank under the bank's key, its
    file named with the member (later warnings, e.g. the word checks, point at the right release)."""
    bank_key = product.bank_id if _scoped(product.bank_id) == region.code else f"{region.code}-{product.bank_id}"
    return dataclasses.replace(product, product_id=f"{region.code}/{product.product_id}", source_id=product.product_id,
                               bank_id=bank_key, region=region, source_file=f"{source}: {product.source_file}")


def _bank_key(bank_id: str, member: Region, regions: dict[str, Region]) -> tuple[str, Region]:
    """A district's bank gets its region's prefix; a city release's bank (already "<code>-<id>") keeps it."""
    code = _scoped(bank_id)
    if code is not None and code in regions and code != member.code:
        return bank_id, regions[code]
    if code == member.code:
        return bank_id, member
    return f"{member.code}-{bank_id}", member


def _scoped(bank_id: str) -> str | None:
    """The region code a bank key starts with ("511703-abc" -> "511703"), None for a plain bank id."""
    match = re.match(r"^(\d{6})-", bank_id)
    return match.group(1) if match else None


def _documents(folder: Path, region: Region, base_url: str | None, issues: IssueList) -> tuple[MemberDocument, ...]:
    """The member's policies, cases and notices from ``content.json``: title, date and its address there."""
    raw = read_plain_file(folder / CONTENT, CONTENT, issues, MAX_CONTENT_BYTES)
    if raw is None:
        return ()
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        document = None
    items = document.get("documents") if isinstance(document, dict) else None
    if not isinstance(items, list):
        issues.error(CONTENT, "invalid-json", f"{CONTENT} 不是本工具生成的内容索引（缺少 documents 列表）。",
                     REBUILD_HINT)
        return ()
    found = []
    for number, item in enumerate(items, start=1):
        entry = _document(item, region, base_url)
        if isinstance(entry, str):
            issues.error(CONTENT, "invalid-document", f"第 {number} 条文档{entry}。", REBUILD_HINT, row=number)
        else:
            found.append(entry)
    return tuple(found)


def _document(item: object, region: Region, base_url: str | None) -> MemberDocument | str:
    """One entry of ``content.json``, or what is wrong with it."""
    if not isinstance(item, dict):
        return "不是对象"
    kind, title, url, summary = (item.get(k) for k in ("kind", "title", "url", "summary"))
    if kind not in DOCUMENT_KINDS:
        return f"的类型“{str(kind)[:20]}”无效"
    if not isinstance(title, str) or not title.strip():
        return "缺少标题"
    try:
        date = dt.date.fromisoformat(item.get("date"))
    except (TypeError, ValueError):
        return f"“{title[:40]}”的日期无效"
    # An address inside the member's site ("policies/x/"): never a URL of its own, never outside it.
    if (not isinstance(url, str) or URL_LIKE.match(url) or url.startswith("/")
            or any(part in ("..", ".") for part in PurePosixPath(url).parts)):
        return f"“{title[:40]}”的网址无效"
    doc_number = item.get("doc_number")
    return MemberDocument(kind=kind, title=title.strip(), date=date, region=region,
                          url=base_url + url if base_url else None,
                          summary=summary.strip() if isinstance(summary, str) else "",
                          doc_number=doc_number.strip() if isinstance(doc_number, str) else "",
                          repealed=item.get("status") == str(PolicyStatus.REPEALED))
