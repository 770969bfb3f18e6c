"""Markdown documents with YAML front matter under ``content/``.

Folders: ``policies/`` (政策解读), ``cases/`` (典型案例), ``notices/`` (通知公告 and the
anti-intermediary notice), ``pages/`` (stand-alone pages such as 工作机制). The file stem is
the URL slug. Errors carry the file and the line of the offending front-matter key.

Front-matter reference (README "Content"): every document has ``title`` and ``date`` and may
have ``updated``, ``summary``, ``tags``, ``checker`` and ``checker_allow``; policies, cases and
notices add the keys of ``KIND_KEYS``. Dates are written ``YYYY-MM-DD``. Unknown keys are
warnings (usually a typo such as ``titel``), so a document is never rejected for an extra key.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.content import wording
from generator.core import urls
from generator.core.issues import IssueList, display_path
from generator.core.models import (CaseMeta, Catalog, ContentDocument, DocumentMeta, NoticeKind, NoticeMeta, PolicyMeta,
                                   PolicyStatus, SiteContent)
from generator.core.safe_yaml import StrictLoader
from generator.core.settings import PortalSettings

KINDS = {"policies": "policy", "cases": "case", "notices": "notice", "pages": "page"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")
POLICY_STATUSES = tuple(PolicyStatus)
CUSTOMER_TYPES = ("小型企业", "微型企业", "个体工商户", "小微企业主", "农民专业合作社", "家庭农场", "中型企业")
# Pages that the generator writes itself; a content page must not take their place.
RESERVED_SLUGS = {"index", "products", "banks", "policies", "cases", "notices", "search", "assets",
                  "pagefind", "downloads", "feed", "sitemap"}
COMMON_KEYS = ("title", "date", "updated", "summary", "tags", "checker", "checker_allow")
KIND_KEYS = {
    "policy": ("doc_number", "issuer", "status", "effective", "expires", "related_products"),
    "case": ("bank_id", "products", "customer_type", "amount_wan"),
    "notice": ("kind",),
    "page": (),
}
NOTICE_KINDS = tuple(NoticeKind)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _FrontMatterLoader(StrictLoader):
    """Safe YAML that leaves dates as text: we check the YYYY-MM-DD format ourselves and can
    then name the line, where PyYAML would raise a bare ValueError for 2024-13-45."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class FrontMatter:
    data: dict
    lines: dict[str, int]      # key -> line number in the file
    body: str
    body_line: int


class FrontMatterError(Exception):
    def __init__(self, message: str, hint: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message, self.hint, self.line = message, hint, line


def split_front_matter(text: str) -> FrontMatter:
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError("文件开头没有 YAML 前置信息（front matter）。",
                               "请在第一行写 ---，接着写 title、date 等信息，再用一行 --- 结束。", 1)
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            break
    else:
        raise FrontMatterError("前置信息没有结束标记 ---。", "请在前置信息之后加一行 ---。", 1)
    yaml_text = "".join(lines[1:index])
    loader = _FrontMatterLoader(yaml_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark else 1
        raise FrontMatterError(f"前置信息不是有效的 YAML：{exc.problem or exc}",
                               "请检查冒号、缩进和引号；冒号后要有空格。", line) from exc
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"前置信息不是有效的 YAML：{exc}", "请检查冒号、缩进和引号。", 1) from exc
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise FrontMatterError("前置信息必须是“键: 值”的形式。", "例如 title: 标题", 2)
    key_lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key_lines[str(key_node.value)] = key_node.start_mark.line + 2
    return FrontMatter(data, key_lines, "".join(lines[index + 1:]), index + 2)


def load_content(content_dir: Path, catalog: Catalog, issues: IssueList, *,
                 display_root: Path, settings: PortalSettings | None = None) -> SiteContent:
    max_bytes = (settings or PortalSettings()).max_document_bytes
    found: dict[str, list[ContentDocument]] = {kind: [] for kind in KINDS.values()}
    wordlist = wording.load_wordlist(wording.wordlist_path(content_dir), display_root=display_root)
    if wordlist is None and content_dir.is_dir():
        issues.warning(display_path(wording.wordlist_path(content_dir), display_root), "missing-wordlist",
                       "没有找到用语检查词表，本次未检查绝对化用语和中介话术。",
                       "请恢复 content/wordlist.yml（见 README“内容”一节）。")
    for folder, kind in KINDS.items():
        directory = content_dir / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.md")):
            document = load_document(path, kind, catalog, issues, display_root=display_root,
                                     wordlist=wordlist, max_bytes=max_bytes)
            if document is not None:
                found[kind].append(document)
    by_date = lambda d: (d.date, d.slug)  # noqa: E731
    return SiteContent(
        policies=sorted(found["policy"], key=by_date, reverse=True),
        cases=sorted(found["case"], key=by_date, reverse=True),
        notices=sorted(found["notice"], key=by_date, reverse=True),
        pages=sorted(found["page"], key=lambda d: d.slug),
    )


def load_document(path: Path, kind: str, catalog: Catalog, issues: IssueList, *,
                  display_root: Path, wordlist: wording.WordList | None = None,
                  max_bytes: int | None = None) -> ContentDocument | None:
    """Validate one Markdown file; errors and wording warnings go to ``issues``.

    Without a ``wordlist`` the one of the content folder the file is in is used.
    """
    shown = display_path(path, display_root)
    if path.is_symlink():
        issues.error(shown, "unsafe-path", "内容文件是符号链接，出于安全原因不予读取。", "请提交普通文件。")
        return None
    if not path.is_file():
        issues.error(shown, "unsafe-path", "这个 .md 不是普通文件（可能是文件夹），无法作为页面读取。",
                     "请改名或移走它：content/ 下以 .md 结尾的只能是 Markdown 文件。")
        return None
    limit = max_bytes if max_bytes is not None else PortalSettings().max_document_bytes
    size = path.stat().st_size
    if size > limit:
        issues.error(shown, "file-too-large",
                     f"文件有 {size / 1_000_000:.1f} MB，超过单篇内容 {limit / 1_000_000:.1f} MB 的上限。",
                     "请精简正文或拆成几篇；图片等附件不要写进 Markdown。确需更大请调整 "
                     "mkdocs.yml 的 extra.portal.max_document_bytes。")
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        issues.error(shown, "encoding-error", "文件不是 UTF-8 编码。", "请用 UTF-8 编码保存 Markdown 文件。")
        return None
    try:
        fm = split_front_matter(text)
    except FrontMatterError as exc:
        issues.error(shown, "front-matter-error", exc.message, exc.hint, row=exc.line)
        return None
    before = len(issues.errors)
    meta, line = dict(fm.data), fm.lines

    def err(key: str, code: str, message: str, hint: str) -> None:
        issues.error(shown, code, message, hint, row=line.get(key, 1), field=key)

    _unknown_keys(meta, kind, line, shown, issues)
    slug = path.stem
    if not SLUG.match(slug):
        issues.error(shown, "invalid-filename", f"文件名“{path.name}”不能用作网址。",
                     "文件名只用小写字母、数字和连字符，如 2026-06-08-jiating-nongchang.md。")
    if kind == "page" and slug in RESERVED_SLUGS:
        issues.error(shown, "invalid-filename", f"页面文件名“{slug}”与系统生成的栏目重名。", "请换一个文件名。")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        err("title", "missing-field", "缺少标题 title。", "请在前置信息中填写 title: 标题。")
    elif "<" in title or ">" in title:
        # Titles reach the page <title> and navigation unescaped by the theme.
        err("title", "constraint-error", "标题中不能含有尖括号 < >（HTML 标记）。",
            "书名号请用《》，标题只写文字。")
    date = _date(meta, "date", err, required=True)
    updated = _date(meta, "updated", err)
    if date and updated and updated < date:
        err("updated", "range-order", "更新日期 updated 早于发布日期 date。", "请核对 updated 和 date。")
    for key in ("summary",):
        if key in meta and (not isinstance(meta[key], str) or not meta[key].strip()):
            err(key, "type-error", f"{key} 应是一段文字。", f"如 {key}: 一句话概括本文。")
    _string_list(meta, "tags", err, example="tags: [融资协调, 续贷]")
    allowed = _string_list(meta, "checker_allow", err, example="checker_allow: [服务费, 内部渠道]")
    checker = meta.get("checker", True)
    if checker not in (True, False, "on", "off"):
        err("checker", "constraint-error", f"checker 的值“{checker}”无效。",
            "写 checker: off 关闭本文的用语检查；不写则检查。")

    if kind == "policy":
        for key, label in (("doc_number", "文号"), ("issuer", "发文机关")):
            if not isinstance(meta.get(key), str) or not meta[key].strip():
                err(key, "missing-field", f"政策缺少{label} {key}。", f"请填写 {key}，如 通区府办发〔2024〕23号。"
                    if key == "doc_number" else f"请填写 {key}，如 达州市通川区人民政府办公室。")
        if "status" not in meta:
            err("status", "missing-field", "政策缺少状态 status。", "请填写 status: 现行有效 或 status: 已废止。")
        elif meta.get("status") not in POLICY_STATUSES:
            err("status", "constraint-error", f"政策状态“{meta.get('status')}”无效。",
                "status 只能是 现行有效 或 已废止。")
        effective = _date(meta, "effective", err)
        expires = _date(meta, "expires", err)
        if effective and expires and expires < effective:
            err("expires", "range-order", "失效日期早于生效日期。", "请核对 effective 和 expires。")
        _product_refs(meta, "related_products", catalog, err)
    elif kind == "case":
        bank_id = meta.get("bank_id")
        if bank_id is None:
            err("bank_id", "missing-field", "案例缺少机构编号 bank_id。",
                "请填写案例银行的机构编号，见 catalog/registry/banks.csv。")
        elif bank_id not in catalog.banks:
            err("bank_id", "unknown-bank", f"案例引用的机构编号“{bank_id}”不存在。",
                _federated_hint(catalog, [key for key in catalog.banks if key.endswith(f"-{bank_id}")],
                                "“行政区划代码-机构编号”，如 511703-abc")
                or "请使用机构注册表中的编号，见 catalog/registry/banks.csv。")
        refs = _product_refs(meta, "products", catalog, err, required=True)
        for product in (p for p in catalog.products if p.product_id in refs):
            if bank_id in catalog.banks and product.bank_id != bank_id:
                err("products", "wrong-bank", f"产品“{product.product_id}”不属于机构“{bank_id}”。",
                    "案例的产品须是该案例银行的产品。")
        if meta.get("customer_type") not in CUSTOMER_TYPES:
            err("customer_type", "constraint-error", f"客户类型“{meta.get('customer_type', '')}”无效。",
                f"可选值：{'、'.join(CUSTOMER_TYPES)}。")
        amount = meta.get("amount_wan")
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount <= 0:
            err("amount_wan", "type-error", f"融资金额 amount_wan“{amount}”不是大于 0 的数字。",
                "请填写以万元为单位的数字，如 150。")
        if not isinstance(meta.get("summary"), str) or not meta["summary"].strip():
            err("summary", "missing-field", "案例缺少摘要 summary。", "请用一句话概括案例。")
    elif kind == "notice" and "kind" in meta and meta["kind"] not in NOTICE_KINDS:
        err("kind", "constraint-error", f"通知类型 kind“{meta['kind']}”无效。",
            "只有风险提示写 kind: warning；普通通知公告不写 kind。")
    if len(issues.errors) > before:
        return None

    if checker in (True, "on") and meta.get("kind") != "warning":
        wordlist = wordlist or _wordlist_near(path, display_root)
        if wordlist is not None:
            parts = [("title", title, line.get("title", 1))]
            if isinstance(meta.get("summary"), str):
                parts.append(("summary", meta["summary"], line.get("summary", 1)))
            parts.append((None, fm.body, fm.body_line))
            wording.check_document_text(shown, parts, wordlist, issues, frozenset(allowed))

    return ContentDocument(kind=kind, slug=urls.document_slug(kind, slug), source=path.relative_to(path.parents[1]).as_posix(),
                           title=title.strip(), date=date, body=fm.body, meta=_typed_meta(kind, meta))


def _typed_meta(kind: str, meta: dict) -> DocumentMeta:
    """The validated front matter as the record templates read (attributes, not string keys)."""
    common = {"summary": meta.get("summary") or "", "updated": meta.get("updated"),
              "tags": tuple(meta.get("tags") or ())}
    if kind == "policy":
        return PolicyMeta(**common, doc_number=meta["doc_number"], issuer=meta["issuer"],
                          status=PolicyStatus(meta["status"]), effective=meta.get("effective"),
                          expires=meta.get("expires"), related_products=tuple(meta.get("related_products") or ()))
    if kind == "case":
        return CaseMeta(**common, bank_id=meta["bank_id"], products=tuple(meta["products"]),
                        customer_type=meta["customer_type"], amount_wan=meta["amount_wan"])
    if kind == "notice":
        return NoticeMeta(**common, kind=NoticeKind(meta["kind"]) if "kind" in meta else None)
    return DocumentMeta(**common)


def _wordlist_near(path: Path, display_root: Path) -> wording.WordList | None:
    """The word list of the content folder holding ``path`` (``portal validate FILE.md``)."""
    for content_dir in (path.resolve().parents[1], display_root / "content"):
        found = wording.load_wordlist(wording.wordlist_path(content_dir), display_root=display_root)
        if found is not None:
            return found
    return None


def _unknown_keys(meta: dict, kind: str, line: dict[str, int], shown: str, issues: IssueList) -> None:
    known = (*COMMON_KEYS, *KIND_KEYS[kind])
    for key in meta:
        if str(key) in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = (f"是不是要写 {close[0]}？" if close else f"可用的键：{'、'.join(known)}。") + \
            "未知的键会被忽略。"
        issues.warning(shown, "unknown-key", f"前置信息中的键“{key}”不是{_KIND_NAMES[kind]}的已知字段。", hint,
                       row=line.get(str(key), 1), field=str(key))


_KIND_NAMES = {"policy": "政策解读", "case": "典型案例", "notice": "通知公告", "page": "页面"}


def _date(meta: dict, key: str, err, *, required: bool = False) -> dt.date | None:  # noqa: ANN001
    """Parse ``meta[key]`` (YYYY-MM-DD) in place: templates get a ``date``."""
    value = meta.get(key)
    if value is None:
        if required:
            err(key, "missing-field", f"缺少日期 {key}。", f"请填写 {key}: YYYY-MM-DD，如 2026-01-31。")
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not ISO_DATE.match(text):
        err(key, "type-error", f"{key} 的值“{value}”不是 YYYY-MM-DD 格式的日期。",
            "请写成 2026-01-31 这样的格式（月、日都用两位数字）。")
        return None
    try:
        parsed = dt.date.fromisoformat(text)
    except ValueError:
        err(key, "type-error", f"{key} 的值“{value}”不是存在的日期。", "请核对月份（01–12）和日期。")
        return None
    meta[key] = parsed
    return parsed


def _string_list(meta: dict, key: str, err, *, example: str) -> list[str]:  # noqa: ANN001
    value = meta.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        err(key, "type-error", f"{key} 应是文字列表。", f"如 {example}。")
        return []
    meta[key] = [v.strip() for v in value]
    return meta[key]


def _product_refs(meta: dict, key: str, catalog: Catalog, err, *, required: bool = False) -> list[str]:  # noqa: ANN001
    value = meta.get(key)
    if value is None:
        if required:
            err(key, "missing-field", f"缺少 {key}。", f"请列出产品编号，如 {key}: [icbc-shuiyi-dai]。")
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        err(key, "type-error", f"{key} 应是产品编号列表。", f"如 {key}: [icbc-shuiyi-dai, ccb-kechuang-dai]。")
        return []
    known = catalog.product_ids
    for ref in value:
        if ref not in known:
            err(key, "unknown-product", f"引用的产品编号“{ref}”不存在。",
                _federated_hint(catalog, [p.product_id for p in catalog.products if p.own_id == ref],
                                "“行政区划代码/产品编号”，如 511703/abc-xudai-wuhuanben（即产品页面网址中的这一段）")
                or "请核对产品编号（见产品页面网址或银行数据包），或删除该引用。")
    meta[key] = value
    return value


def _federated_hint(catalog: Catalog, keys: list[str], form: str) -> str | None:
    """In a city or province portal (``portal federate``) a district's product or bank is named by its
    region-scoped key: say so, with the keys the district's own id has here."""
    if catalog.federation is None:
        return None
    found = f"本站中对应的有：{'、'.join(keys[:5])}{' 等' if len(keys) > 5 else ''}。" if keys else ""
    return f"本站汇总多个区县的数据，区县的产品和机构要写成{form}。{found}"
