"""The content checker: advertising-law and consumer-protection wording in bank texts and content.

The phrases live in a YAML word list that office staff edit (``content/wordlist.yml``); each
category carries the reason shown in the report. Findings are warnings, never errors: a
phrase can be legitimate in context, and a person decides. Fixed expressions that merely
contain a phrase ("第一步" contains "第一") are listed as per-category exceptions, so normal
wording does not raise false alarms.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.core import safe_yaml
from generator.core.errors import ConfigError
from generator.core.issues import IssueList
from generator.core.models import ProductRecord
from generator.core.settings import ProjectPaths

WORDLIST_NAME = "wordlist.yml"
SCOPES = ("product", "content")
# Bank product fields that are free text written by the bank (DESIGN.md section 3).
PRODUCT_TEXT_FIELDS = ("name", "summary", "rate_note", "fees", "eligibility", "materials", "process")
CODE_KEY = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Category:
    key: str                       # stable: the issue code is "wording-<key>"
    label: str
    reason: str
    hint: str
    scopes: frozenset[str]
    phrases: tuple[str, ...]
    exceptions: tuple[str, ...]
    # Any phrase at all: most lines contain none, and one regex scan rules them out at once
    # (the phrase-by-phrase search below made the checker 10x slower than validation).
    any_phrase: re.Pattern = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        alternatives = "|".join(re.escape(p) for p in sorted(self.phrases, key=len, reverse=True))
        object.__setattr__(self, "any_phrase", re.compile(alternatives))

    @property
    def code(self) -> str:
        return f"wording-{self.key}"


@dataclass(frozen=True)
class WordList:
    source: str
    categories: tuple[Category, ...]
    # One regex per scope over every phrase: nearly all bank texts contain none, and a single
    # scan of the whole text rules them out (this keeps validation of 100,000 rows fast).
    any_phrase: dict[str, re.Pattern] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        patterns = {}
        for scope in SCOPES:
            phrases = sorted({p for c in self.categories if scope in c.scopes for p in c.phrases},
                             key=len, reverse=True)
            alternatives = "|".join(_raw_text_pattern(p) for p in phrases)
            patterns[scope] = re.compile(alternatives or r"(?!)", re.IGNORECASE)
        object.__setattr__(self, "any_phrase", patterns)


def _raw_text_pattern(phrase: str) -> str:
    """The (normalised) phrase as a plain literal: literal alternatives keep ``re``'s fast
    first-character scan, which makes the prefilter about 7x cheaper than normalising first."""
    return re.escape(phrase)


# Text that NFKC would change in a way that matters for matching: full-width digits, letters, ％.
_FULL_WIDTH_ALNUM = re.compile("[\uFF05\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]")


def _may_contain(wordlist: "WordList", scope: str, text: str) -> bool:
    pattern = wordlist.any_phrase[scope]
    if pattern.search(text):
        return True
    return bool(_FULL_WIDTH_ALNUM.search(text)) and bool(pattern.search(normalise(text)))


@dataclass(frozen=True)
class Finding:
    category: Category
    phrase: str
    line: int                      # 0-based line inside the checked text


def normalise(text: str) -> str:
    """Full-width digits and signs (１００％) match their ASCII form; Latin letters ignore case."""
    return unicodedata.normalize("NFKC", text).casefold()


def find_phrases(text: str, wordlist: WordList, scope: str,
                 allowed: frozenset[str] = frozenset()) -> list[Finding]:
    """Every listed phrase in ``text``, once per line, except inside a listed exception.

    Phrases, exceptions and ``allowed`` are already normalised (``load_wordlist`` does it).
    """
    findings: list[Finding] = []
    if not _may_contain(wordlist, scope, text):
        return findings
    for line_number, raw_line in enumerate(text.splitlines() or [""]):
        line = normalise(raw_line)
        for category in wordlist.categories:
            if scope not in category.scopes or not category.any_phrase.search(line):
                continue
            covered = [span for exception in category.exceptions for span in _spans(line, exception)]
            for phrase in category.phrases:
                if phrase in allowed:
                    continue
                if any(not _inside(span, covered) for span in _spans(line, phrase)):
                    findings.append(Finding(category, phrase, line_number))
    return findings


def _spans(line: str, needle: str) -> list[tuple[int, int]]:
    spans, start = [], line.find(needle)
    while needle and start != -1:
        spans.append((start, start + len(needle)))
        start = line.find(needle, start + 1)
    return spans


def _inside(span: tuple[int, int], covers: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in covers)


def wordlist_path(content_dir: Path) -> Path:
    return content_dir / WORDLIST_NAME


def load_wordlist(path: Path, *, display_root: Path | None = None) -> WordList | None:
    """The word list at ``path``; None when there is none. A broken list is a configuration error."""
    if not path.is_file():
        return None
    stat = path.stat()
    return _load_cached(str(path.resolve()), stat.st_mtime_ns, str(display_root or path.parent))


@functools.lru_cache(maxsize=8)
def _load_cached(path_text: str, _mtime_ns: int, display_root: str) -> WordList:
    path = Path(path_text)
    try:
        shown = path.relative_to(Path(display_root).resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"用语检查词表 {shown} 中 {key} 有误：{message}")

    try:
        data = safe_yaml.load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"用语检查词表 {shown} 不是 UTF-8 编码。") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"用语检查词表 {shown} 不是有效的 YAML：{exc}") from exc
    categories = (data or {}).get("categories") if isinstance(data, dict) else None
    if not isinstance(categories, dict) or not categories:
        raise fail("categories", "应是“类别编号: 设置”的列表，至少一个类别。")
    parsed = []
    for key, spec in categories.items():
        where = f"categories.{key}"
        if not isinstance(key, str) or not CODE_KEY.match(key):
            raise fail(where, "类别编号只用小写英文字母、数字和连字符，如 absolute。")
        if not isinstance(spec, dict):
            raise fail(where, "应包含 label、reason、hint、applies_to、phrases。")
        texts = {}
        for name in ("label", "reason", "hint"):
            value = spec.get(name)
            if not isinstance(value, str) or not value.strip():
                raise fail(f"{where}.{name}", "必须填写文字。")
            texts[name] = value.strip()
        scopes = spec.get("applies_to", list(SCOPES))
        if not isinstance(scopes, list) or not scopes or any(s not in SCOPES for s in scopes):
            raise fail(f"{where}.applies_to", "只能是 [product]、[content] 或 [product, content]。")
        lists = {}
        for name in ("phrases", "exceptions"):
            value = spec.get(name) or []
            if not isinstance(value, list) or any(not isinstance(v, (str, int)) or not str(v).strip()
                                                  for v in value):
                raise fail(f"{where}.{name}", "应是词语列表，如 [最佳, 最优]。")
            lists[name] = tuple(normalise(str(v).strip()) for v in value)
        if not lists["phrases"]:
            raise fail(f"{where}.phrases", "至少列出一个词语。")
        parsed.append(Category(key, texts["label"], texts["reason"], texts["hint"], frozenset(scopes),
                               lists["phrases"], lists["exceptions"]))
    return WordList(shown, tuple(parsed))


def check_product_texts(products: list[ProductRecord], wordlist: WordList | None, issues: IssueList,
                        field_titles: dict[str, str] | None = None) -> None:
    if wordlist is None:
        return
    titles = field_titles or {}
    for product in products:
        for name in PRODUCT_TEXT_FIELDS:
            text = getattr(product, name) or ""
            for finding in _unique(find_phrases(text, wordlist, "product"), by_line=False):
                title = titles.get(name, name)
                issues.warning(product.source_file, finding.category.code,
                               f"{title}中出现“{finding.phrase}”（{finding.category.label}）："
                               f"{finding.category.reason}",
                               finding.category.hint, row=product.source_row, field=name)


def check_product_wording(products: list[ProductRecord], paths: ProjectPaths, issues: IssueList,
                          field_titles: dict[str, str]) -> None:
    """Run the checker over validated bank products with the project's word list."""
    wordlist = load_wordlist(wordlist_path(paths.content), display_root=paths.root)
    if wordlist is None or not products:
        return
    check_product_texts(products, wordlist, issues, field_titles)


def check_document_text(shown: str, parts: list[tuple[str | None, str, int]], wordlist: WordList,
                        issues: IssueList, allowed: frozenset[str] = frozenset()) -> None:
    """``parts``: (front-matter key or None for the body, text, line of its first line)."""
    allowed = frozenset(normalise(phrase) for phrase in allowed)
    for key, text, first_line in parts:
        for finding in _unique(find_phrases(text, wordlist, "content", allowed), by_line=True):
            where = {"title": "标题", "summary": "摘要"}.get(key or "", "正文")
            issues.warning(shown, finding.category.code,
                           f"{where}中出现“{finding.phrase}”（{finding.category.label}）：{finding.category.reason}",
                           finding.category.hint + " 如确需引用，可在前置信息中写 checker_allow: ["
                           + finding.phrase + "]。",
                           row=first_line + finding.line, field=key)


def _unique(findings: list[Finding], *, by_line: bool) -> list[Finding]:
    seen: set[tuple] = set()
    result = []
    for finding in findings:
        key = (finding.category.key, finding.phrase, finding.line if by_line else 0)
        if key not in seen:
            seen.add(key)
            result.append(finding)
    return result
