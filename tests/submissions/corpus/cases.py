"""The corpus of broken and hostile bank submissions.

Each case is named by what it breaks, builds one package folder (``<tmp>/icbc/``: the folder
name is the bank id) and states the one issue it must produce: code, spreadsheet row, canonical
field and the file the issue is reported on. Hostile files (symlinks, big files, archives, a
URL to a recording HTTP server) are made at test time in a temporary folder, never committed.

``Env`` carries what hostile cases point at: ``url`` of a local HTTP server that records every
request (the tests assert it got none) and ``secret``, a file outside the package whose
content must never show up in a report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TODAY = dt.date.today()
BANK = "icbc"
SECRET_MARKER = "TOPSECRET-7f3a9c"

FIELDS = ("product_id bank_id name summary product_type guarantee_methods target_customers industries "
          "amount_min_wan amount_max_wan term_min_months term_max_months rate_min rate_max rate_note "
          "guarantee_fee_rate fees repayment_methods online_application renewal_without_repayment "
          "decision_days programs eligibility materials process contact_name contact_phone "
          "branch_address apply_url valid_from valid_until updated status").split()


def valid_row(n: int = 1, **changes: str) -> dict[str, str]:
    """A product that passes every rule; ``changes`` break it."""
    row = {
        "product_id": f"icbc-test-dai-{n}", "bank_id": BANK, "name": f"测试经营贷{n}号",
        "summary": "面向小微企业的流动资金贷款。", "product_type": "流动资金贷款",
        "guarantee_methods": "信用、政府性融资担保", "target_customers": "小型企业、微型企业",
        "industries": "不限", "amount_min_wan": "10", "amount_max_wan": "300", "term_min_months": "6",
        "term_max_months": "36", "rate_min": "3.45", "rate_max": "4.80", "rate_note": "LPR+50BP，单利",
        "guarantee_fee_rate": "0.8", "fees": "无", "repayment_methods": "按月付息到期还本",
        "online_application": "是", "renewal_without_repayment": "否", "decision_days": "7",
        "programs": "信易贷", "eligibility": "合规持续经营满2年。", "materials": "营业执照。",
        "process": "", "contact_name": "普惠金融部", "contact_phone": "0818-2123456",
        "branch_address": "通川区朝阳中路56号", "apply_url": "https://www.example.com.cn/apply",
        "valid_from": (TODAY - dt.timedelta(days=30)).isoformat(), "valid_until": "",
        "updated": (TODAY - dt.timedelta(days=5)).isoformat(), "status": "在售",
    }
    row.update(changes)
    return row


def csv_bytes(rows: list[dict[str, str]], *, header: list[str] | None = None, encoding: str = "utf-8",
              delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    names = header or list(FIELDS)
    writer.writerow(names)
    for row in rows:
        writer.writerow([row.get(name, "") for name in names])
    return out.getvalue().encode(encoding)


@dataclass
class Env:
    url: str                       # the recording server, e.g. "http://127.0.0.1:PORT/"
    secret: Path                   # "products.csv" in a folder outside every package


def write_package(folder: Path, data: bytes | None = None, *, path: object = "products.csv",
                  descriptor: dict | str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if descriptor is None:
        descriptor = {"name": "icbc-products", "resources": [{"name": "products", "path": path}]}
    text = descriptor if isinstance(descriptor, str) else json.dumps(descriptor, ensure_ascii=False)
    (folder / "datapackage.json").write_text(text, encoding="utf-8")
    if data is not None and isinstance(path, str) and "/" not in path and ":" not in path:
        (folder / path).write_bytes(data)
    return folder


@dataclass(frozen=True)
class Case:
    name: str                                   # what it breaks
    build: Callable[[Path, Env], None]          # writes the package into the folder
    code: str
    row: int | None
    field: str | None
    file: str = "products.csv"                  # the file name the issue is reported on
    severity: str = "error"
    cli: bool = False                           # also run through the `portal validate` command line


def rows_case(name: str, rows: list[dict[str, str]], code: str, row: int | None, field: str | None,
              **kw) -> Case:
    return Case(name, lambda d, env: write_package(d, csv_bytes(rows)), code, row, field, **kw)


def raw_case(name: str, data: bytes, code: str, row: int | None = None, field: str | None = None,
             **kw) -> Case:
    return Case(name, lambda d, env: write_package(d, data), code, row, field, **kw)


def descriptor_case(name: str, make: Callable[[Env], dict | str], code: str, field: str | None = "path",
                    row: int | None = None, **kw) -> Case:
    def build(d: Path, env: Env) -> None:
        write_package(d, csv_bytes([valid_row()]), descriptor=make(env))
    return Case(name, build, code, row, field, file="datapackage.json", **kw)


def resource(path: object, **extra) -> dict:
    return {"name": "icbc-products", "resources": [{"name": "products", "path": path, **extra}]}


# --- hostile builders (made at test time) -------------------------------------------------

def _symlinked_file(d: Path, env: Env) -> None:
    write_package(d, None)
    (d / "products.csv").symlink_to(env.secret)


def _symlinked_folder(d: Path, env: Env) -> None:
    write_package(d, None, path="data/products.csv")
    (d / "data").symlink_to(env.secret.parent, target_is_directory=True)


def _symlinked_descriptor(d: Path, env: Env) -> None:
    d.mkdir(parents=True)
    (d / "products.csv").write_bytes(csv_bytes([valid_row()]))
    fake = env.secret.parent / "datapackage.json"
    fake.write_text(json.dumps(resource("products.csv")), encoding="utf-8")
    (d / "datapackage.json").symlink_to(fake)


def _symlinked_package_folder(d: Path, env: Env) -> None:
    real = env.secret.parent.parent / "real-package"
    write_package(real, csv_bytes([valid_row()]))
    d.parent.mkdir(parents=True, exist_ok=True)
    d.symlink_to(real, target_is_directory=True)


def _fifo_data_file(d: Path, env: Env) -> None:
    write_package(d, None)
    os.mkfifo(d / "products.csv")  # opening it for reading would block forever


def _folder_as_data_file(d: Path, env: Env) -> None:
    write_package(d, None)
    (d / "products.csv").mkdir()


def _big_file(d: Path, env: Env) -> None:
    # The tests run with a 64 KB cap (extra.portal.max_file_bytes); this is ~200 KB of valid rows.
    write_package(d, csv_bytes([valid_row(n) for n in range(1, 700)]))


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _archive_resource(suffix: str) -> Callable[[Path, Env], None]:
    def build(d: Path, env: Env) -> None:
        write_package(d, _zip_bytes({"products.csv": csv_bytes([valid_row()])}), path=f"products{suffix}")
    return build


def _xlsx_case(data: bytes) -> Callable[[Path, Env], None]:
    return lambda d, env: write_package(d, data, path="products.xlsx")


def _bank_schema(schema: object, row: dict[str, str] | None = None) -> Callable[[Path, Env], None]:
    """A package with its own schema (and a remote dialect); only the canonical schema counts."""
    def build(d: Path, env: Env) -> None:
        own = schema(env) if callable(schema) else schema
        write_package(d, csv_bytes([row or valid_row(decision_days="60")]),
                      descriptor={"name": "icbc-products",
                                  "resources": [{"name": "products", "path": "products.csv", "schema": own,
                                                 "dialect": f"{env.url}dialect.json"}]})
    return build


LOOSE_SCHEMA = {"fields": [{"name": "decision_days", "type": "integer",
                            "constraints": {"maximum": 365}}]}
BROKEN_SCHEMA = {"fields": [{"name": "product_id", "type": "string", "constraints": {"pattern": "(["}},
                            {"name": "x", "type": "no-such-type"}], "primaryKey": 42}


def _duplicate_in_other_bank(d: Path, env: Env) -> None:
    # abc-xudai-wuhuanben is a product of the demo catalogue's abc package.
    write_package(d, csv_bytes([valid_row(product_id="abc-xudai-wuhuanben")]))


def _wrong_separator(separator: str) -> bytes:
    return csv_bytes([valid_row()], delimiter=separator)


def _titles() -> list[str]:
    schema = Path(__file__).resolve().parents[3] / "catalog" / "schema" / "products.schema.json"
    return [f["title"] for f in json.loads(schema.read_text(encoding="utf-8"))["fields"]]


# Traditional-Chinese Big5 decodes as GB18030 without error, into nonsense: the header then
# matches no field, which is reported as an encoding problem rather than 24 missing columns.
BIG5_TITLES = csv_bytes([], header=_titles()).decode().encode("big5", errors="replace")
RANDOM_BYTES = bytes(random.Random(3).getrandbits(8) for _ in range(4096))
LONG_NAME = "很长的产品名称" * 6

CASES: list[Case] = [
    # --- encodings and file formats ---------------------------------------------------------
    raw_case("csv-saved-as-utf16", "\ufeff".encode("utf-16-le") + csv_bytes([valid_row()]).decode().encode("utf-16-le"),
             "encoding-error", cli=True),
    raw_case("latin1-bytes-that-are-neither-utf8-nor-gbk",
             b"product_id,name\nicbc-cafe,Caf\xe9 cr\xe8me \xff\n", "encoding-error"),
    raw_case("big5-encoded-chinese-titles", BIG5_TITLES, "encoding-error", row=1),
    raw_case("binary-file-named-csv", b"\x00\x01\x02" + RANDOM_BYTES, "corrupt-file"),
    raw_case("empty-file", b"", "empty-file", cli=True),
    raw_case("whitespace-only-file", b"\r\n \n\n", "empty-file"),
    raw_case("unclosed-quote-in-row-3",
             csv_bytes([valid_row(1)]) + "icbc-x,icbc,\"未闭合的引号,简介\n".encode(), "csv-format-error", row=3,
             cli=True),
    raw_case("semicolon-separator", _wrong_separator(";"), "wrong-separator", row=1, cli=True),
    raw_case("fullwidth-comma-separator", _wrong_separator("，"), "wrong-separator", row=1),
    raw_case("tab-separator", _wrong_separator("\t"), "wrong-separator", row=1),
    raw_case("xlsx-renamed-to-csv", _zip_bytes({"xl/workbook.xml": b"<x/>"}), "corrupt-file"),
    Case("xlsx-of-random-bytes", _xlsx_case(RANDOM_BYTES), "corrupt-file", None, None, file="products.xlsx",
         cli=True),
    Case("zip-that-is-not-xlsx", _xlsx_case(_zip_bytes({"readme.txt": b"hello"})), "corrupt-file", None, None,
         file="products.xlsx"),
    Case("xlsx-with-broken-workbook-xml",
         _xlsx_case(_zip_bytes({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"<not-xml"})),
         "corrupt-file", None, None, file="products.xlsx"),
    rows_case("header-but-no-products", [], "no-products", None, None),
    raw_case("title-line-above-the-header", "工商银行产品表\n".encode() + csv_bytes([valid_row()]),
             "missing-header", row=1),
    raw_case("duplicate-header", csv_bytes([valid_row()], header=[*FIELDS, "name"]), "duplicate-column",
             row=1, field="name"),
    raw_case("missing-required-column",
             csv_bytes([valid_row()], header=[f for f in FIELDS if f != "rate_max"]), "missing-column",
             row=1, field="rate_max", cli=True),
    raw_case("unquoted-comma-makes-extra-cells",
             csv_bytes([valid_row()]).rstrip(b"\n") + b",extra,cells\n", "extra-cell", row=2),

    # --- the descriptor ---------------------------------------------------------------------
    descriptor_case("descriptor-is-not-json", lambda env: '{"resources": [', "invalid-json", field=None, row=1,
                    cli=True),
    descriptor_case("descriptor-nested-too-deep", lambda env: "[" * 200000 + "]" * 200000, "invalid-json",
                    field=None),
    descriptor_case("descriptor-is-a-list", lambda env: "[1, 2]", "invalid-descriptor", field="resources"),
    descriptor_case("no-products-resource", lambda env: {"resources": [{"name": "other", "path": "products.csv"}]},
                    "missing-resource", field="resources"),
    descriptor_case("resource-without-path", lambda env: {"resources": [{"name": "products"}]},
                    "invalid-descriptor"),
    descriptor_case("inline-data-instead-of-file",
                    lambda env: {"resources": [{"name": "products", "data": [["product_id"], ["x"]]}]},
                    "invalid-descriptor"),
    descriptor_case("multipart-path-list", lambda env: resource(["products.csv", "more.csv"]), "invalid-descriptor"),
    descriptor_case("absolute-path", lambda env: resource(str(env.secret)), "unsafe-path", cli=True),
    descriptor_case("parent-traversal", lambda env: resource(f"../{env.secret.parent.name}/{env.secret.name}"),
                    "unsafe-path"),
    descriptor_case("backslash-parent-traversal", lambda env: resource("..\\..\\secret.csv"), "unsafe-path"),
    descriptor_case("windows-drive-path", lambda env: resource("C:\\Users\\secret.csv"), "unsafe-path"),
    descriptor_case("nul-byte-in-path", lambda env: resource("products.csv\x00.txt"), "unsafe-path"),
    descriptor_case("http-url-to-local-server", lambda env: resource(f"{env.url}products.csv"), "remote-path",
                    cli=True),
    descriptor_case("https-url", lambda env: resource("https://example.com/products.csv"), "remote-path"),
    descriptor_case("protocol-relative-url", lambda env: resource(f"//{env.url[7:]}products.csv"), "remote-path"),
    descriptor_case("ftp-url", lambda env: resource("ftp://example.com/products.csv"), "remote-path"),
    descriptor_case("file-url", lambda env: resource(f"file://{env.secret}"), "remote-path"),
    descriptor_case("zip-resource", lambda env: resource("products.zip"), "unsupported-format"),
    Case("gzip-resource", _archive_resource(".csv.gz"), "unsupported-format", None, "path", file="datapackage.json"),
    descriptor_case("old-excel-xls", lambda env: resource("products.xls"), "unsupported-format"),
    descriptor_case("data-file-missing", lambda env: resource("produkts.csv"), "missing-file"),
    Case("missing-datapackage-json", lambda d, env: (d.mkdir(parents=True),
                                                      (d / "products.csv").write_bytes(csv_bytes([valid_row()]))),
         "missing-file", None, None, file="datapackage.json"),
    Case("symlinked-data-file", _symlinked_file, "unsafe-path", None, "path", file="datapackage.json", cli=True),
    Case("symlinked-folder", _symlinked_folder, "unsafe-path", None, "path", file="datapackage.json"),
    Case("symlinked-datapackage-json", _symlinked_descriptor, "unsafe-path", None, None, file="datapackage.json"),
    Case("symlinked-package-folder", _symlinked_package_folder, "unsafe-path", None, None, file=BANK, cli=True),
    Case("named-pipe-as-data-file", _fifo_data_file, "unreadable-file", None, "path", file="datapackage.json"),
    Case("folder-as-data-file", _folder_as_data_file, "unreadable-file", None, "path", file="datapackage.json"),
    Case("file-over-the-size-cap", _big_file, "file-too-large", None, None, cli=False),
    Case("bank-schema-loosens-decision-days", _bank_schema(LOOSE_SCHEMA), "constraint-error", 2, "decision_days"),
    Case("bank-schema-with-broken-regex-and-types", _bank_schema(BROKEN_SCHEMA), "constraint-error", 2,
         "decision_days"),
    Case("bank-schema-is-a-remote-url", _bank_schema(lambda env: f"{env.url}schema.json", valid_row()),
         "ignored-schema", None,
         "schema", file="datapackage.json", severity="warning"),

    # --- values: what Excel and people produce, refused with the expected form ------------------
    rows_case("rate-with-percent-sign", [valid_row(rate_min="4.35%")], "type-error", 2, "rate_min", cli=True),
    rows_case("date-with-slashes", [valid_row(valid_from="2026/1/5")], "type-error", 2, "valid_from"),
    rows_case("amount-with-unit", [valid_row(amount_max_wan="500万")], "type-error", 2, "amount_max_wan"),
    rows_case("amount-with-thousands-separator", [valid_row(amount_max_wan="1,000")], "type-error", 2,
              "amount_max_wan"),
    rows_case("number-in-scientific-notation", [valid_row(rate_max="5e0")], "type-error", 2, "rate_max"),
    rows_case("rate-is-nan", [valid_row(rate_min="NaN")], "type-error", 2, "rate_min"),
    rows_case("term-with-decimals", [valid_row(term_max_months="12.5")], "type-error", 2, "term_max_months"),
    rows_case("boolean-as-yes", [valid_row(online_application="yes")], "type-error", 2, "online_application"),
    rows_case("excel-date-serial-in-csv", [valid_row(updated="46023")], "type-error", 2, "updated"),
    rows_case("required-name-empty", [valid_row(name="")], "constraint-error", 2, "name"),
    rows_case("name-over-40-characters", [valid_row(name=LONG_NAME)], "constraint-error", 2, "name"),
    rows_case("unknown-product-type", [valid_row(product_type="消费贷")], "constraint-error", 2, "product_type"),
    rows_case("unknown-guarantee-method", [valid_row(guarantee_methods="信用、担保")], "constraint-error", 2,
              "guarantee_methods"),
    rows_case("unknown-program", [valid_row(programs="信易贷、普惠贷")], "constraint-error", 2, "programs"),
    rows_case("product-id-uppercase", [valid_row(product_id="ICBC-Dai")], "constraint-error", 2, "product_id"),
    rows_case("product-id-with-chinese", [valid_row(product_id="工行-贷")], "constraint-error", 2, "product_id"),
    rows_case("duplicate-product-in-file", [valid_row(1), valid_row(1)], "duplicate-product", 3, "product_id",
              cli=True),
    Case("duplicate-product-in-another-bank", _duplicate_in_other_bank, "duplicate-product", 2, "product_id"),
    rows_case("bank-not-in-registry", [valid_row(bank_id="nosuchbank")], "unknown-bank", 2, "bank_id", cli=True),
    rows_case("bank-of-another-folder", [valid_row(bank_id="abc")], "wrong-bank", 2, "bank_id", cli=True),
    rows_case("amount-max-below-min", [valid_row(amount_min_wan="500", amount_max_wan="100")], "range-order", 2,
              "amount_max_wan", cli=True),
    rows_case("term-max-below-min", [valid_row(term_min_months="24", term_max_months="12")], "range-order", 2,
              "term_max_months"),
    rows_case("rate-max-below-min", [valid_row(rate_min="5.2", rate_max="4.1")], "range-order", 2, "rate_max"),
    rows_case("valid-until-before-valid-from",
              [valid_row(valid_from="2026-03-01", valid_until="2026-02-01")], "range-order", 2, "valid_until"),
    rows_case("rate-above-ceiling", [valid_row(rate_max="36")], "rate-too-high", 2, "rate_max"),
    rows_case("monthly-rate-mistaken-as-zero", [valid_row(rate_min="0")], "constraint-error", 2, "rate_min"),
    rows_case("amount-max-zero", [valid_row(amount_min_wan="", amount_max_wan="0")], "constraint-error", 2,
              "amount_max_wan"),
    rows_case("government-guarantee-fee-over-1", [valid_row(guarantee_fee_rate="1.5")], "guarantee-fee-too-high",
              2, "guarantee_fee_rate"),
    rows_case("decision-over-30-days", [valid_row(decision_days="45")], "constraint-error", 2, "decision_days"),
    rows_case("term-over-360-months", [valid_row(term_max_months="480")], "constraint-error", 2,
              "term_max_months"),
    rows_case("apply-url-http", [valid_row(apply_url="http://www.example.com/apply")], "constraint-error", 2,
              "apply_url"),
    rows_case("apply-url-javascript", [valid_row(apply_url="javascript:alert(1)")], "constraint-error", 2,
              "apply_url"),
    rows_case("apply-url-data", [valid_row(apply_url="data:text/html,<b>x</b>")], "constraint-error", 2,
              "apply_url"),
    rows_case("phone-too-short", [valid_row(contact_phone="12345")], "constraint-error", 2, "contact_phone"),
    rows_case("two-phones-in-one-cell", [valid_row(contact_phone="0818-2123456、13812345678")],
              "constraint-error", 2, "contact_phone"),
    rows_case("unknown-status", [valid_row(status="下架")], "constraint-error", 2, "status"),
    rows_case("template-example-row-left-in", [valid_row(product_id="example-xinyong-dai")], "example-row", 2,
              "product_id"),

    # --- warnings: valid, but the bank must know ---------------------------------------------
    rows_case("data-older-than-180-days", [valid_row(updated=(TODAY - dt.timedelta(days=200)).isoformat())],
              "stale-data", 2, "updated", severity="warning"),
    rows_case("expired-product", [valid_row(valid_until=(TODAY - dt.timedelta(days=1)).isoformat())],
              "expired-product", 2, "valid_until", severity="warning"),
    rows_case("paused-product", [valid_row(status="暂停")], "paused-product", 2, "status", severity="warning"),
    raw_case("extra-column", csv_bytes([{**valid_row(), "备注": "x"}], header=[*FIELDS, "备注"]),
             "unknown-column", row=1, severity="warning"),
    raw_case("blank-row-between-products",
             csv_bytes([valid_row(1)]) + b",,,\n" + csv_bytes([valid_row(2)]).split(b"\n", 1)[1],
             "blank-row", row=3, severity="warning"),
]

assert len({c.name for c in CASES}) == len(CASES), "case names must be unique"
assert os.sep == "/", "the corpus uses POSIX symlinks"
