"""Plain-language queries for the product finder: what people type -> catalogue terms and filters.

Enterprises type 个体户, 农商行, 不要抵押 or 利率最低, which are not catalogue terms. Office staff
keep the translation in ``content/queries.yml`` (a list of rules; each maps the phrases people
type to finder conditions, a sort order and/or catalogue words to search instead). Every bank
in the registry is an implicit rule too: its full ``name`` and its ``short_name`` select that
bank. ``QueryRules.to_browser()`` is what the finder embeds; ``site_templates/assets/queries.js``
(``PortalQueries.interpret``) applies it to the typed text in the browser.

A broken file is a configuration error (exit 2) whose message names the file, the key path
(``rules[3].set.guarantee``, rules counted from 0) and the line. A missing file is no error:
only the implicit bank rules apply.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from generator.core.errors import ConfigError
from generator.core.models import BankRecord
from generator.core.safe_yaml import Refused, StrictLoader
from generator.core.schema import CanonicalSchema

QUERIES_NAME = "queries.yml"
MAX_BYTES = 256 * 1024
# Finder keys -> canonical schema fields whose vocabulary they take.
FACETS = {"customer": "target_customers", "guarantee": "guarantee_methods", "type": "product_type",
          "program": "programs"}
LIST_KEYS = (*FACETS, "bank")
FLAGS = {"online": "只看可线上申请", "renewal": "只看支持无还本续贷"}
# Banks chosen by what the registry says rather than by id, so the shipped rules (工行, 农商行 …)
# keep working for another district's registry: a registry bank whose name or short name
# contains one of the words, or whose bank_type is one of the types. Resolved to ids on load;
# a rule that then selects no bank and has no other effect is left out (that bank is not here).
BANK_SELECTORS = {"bank_name": "银行名称中的文字", "bank_type": "机构类型（banks.csv 的 bank_type）"}
SET_KEYS = (*LIST_KEYS, *BANK_SELECTORS, *FLAGS)
# The finder's sort orders (products.js).
SORTS = {"rate": "年化利率从低到高", "rate-max": "利率上限从低到高", "amount": "最高额度从高到低",
         "days": "审批时间从短到长", "updated": "最近更新在前"}
RULE_KEYS = ("typed", "label", "set", "sort", "search")

# What separates the parts of a typed query: whitespace and punctuation (ASCII, Latin-1, general
# and CJK punctuation, full-width forms; control characters), after NFKC. Spelled out rather
# than ``\s``, which differs between Python and JavaScript. A phrase never spans a separator, so a
# phrase containing one could never match and is refused. queries.js has the same class
# (SEPARATOR); a browser test compares the two over the whole BMP.
SEPARATOR_CLASS = ("\x00-\x20!-/:-@\\[-`{-~\x7f-\xbf\u1680\u00d7\u00f7\u2000-\u206f\u2e00-\u2e7f"
                   "\u3000-\u3004\u3008-\u303f\ufe10-\ufe1f\ufe30-\ufe6f\uff00-\uff0f\uff1a-\uff20"
                   "\uff3b-\uff40\uff5b-\uff65\ufeff")
SEPARATOR = re.compile(f"[{SEPARATOR_CLASS}]")
_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def normalise(text: str) -> str:
    """NFKC (full-width ＡＢ１ -> AB1) and lower-case ASCII, exactly as queries.js does."""
    return unicodedata.normalize("NFKC", text).translate(_ASCII_LOWER)


def queries_path(content_dir: Path) -> Path:
    return content_dir / QUERIES_NAME


@dataclass(frozen=True)
class QueryRule:
    """One rule: phrases (normalised) -> finder state, sort and/or search words."""

    typed: tuple[str, ...]
    label: str
    customer: tuple[str, ...] = ()
    guarantee: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    program: tuple[str, ...] = ()
    bank: tuple[str, ...] = ()
    online: bool = False
    renewal: bool = False
    sort: str | None = None
    search: tuple[str, ...] = ()
    origin: str = ""          # "rules[3]" for a staff rule, "banks.csv" for an implicit bank rule

    @property
    def implicit(self) -> bool:
        return self.origin == "banks.csv"

    def state(self) -> dict[str, Any]:
        """The finder state this rule adds: only the keys it sets."""
        state: dict[str, Any] = {key: list(getattr(self, key)) for key in LIST_KEYS if getattr(self, key)}
        state.update({key: True for key in FLAGS if getattr(self, key)})
        return state

    def to_browser(self) -> dict[str, Any]:
        return {"label": self.label, "set": self.state(), "sort": self.sort, "search": list(self.search)}


@dataclass(frozen=True)
class QueryRules:
    source: str = ""                                   # e.g. "content/queries.yml"
    rules: tuple[QueryRule, ...] = ()                  # staff rules in file order, then bank rules
    protected: tuple[str, ...] = ()                    # vocabulary words that are no rule's phrase
    ignore: tuple[str, ...] = ()                       # filler words dropped from the text search

    def rule_for(self, phrase: str) -> QueryRule | None:
        phrase = normalise(phrase)
        return next((rule for rule in self.rules if phrase in rule.typed), None)

    def to_browser(self) -> dict[str, Any]:
        """The JSON-ready form ``PortalQueries.interpret(text, compiled)`` takes::

            {
              "rules": [                                   # index = "rule" below
                {"label": "个体工商户",                      # shown as the interpretation
                 "set": {"customer": ["个体工商户"]},        # only the keys the rule sets:
                                                           #   customer, guarantee, type, program,
                                                           #   bank (lists of strings),
                                                           #   online, renewal (always true)
                 "sort": null,                             # or "rate", "rate-max", "amount",
                                                           #   "days", "updated"
                 "search": []},                            # catalogue words to search instead
                ...
              ],
              "phrases": [                                 # longest first, then by code point
                {"phrase": "个体经营户", "rule": 0},         # normalised (NFKC, lower-case ASCII)
                {"phrase": "个体工商户", "rule": null},      # protected vocabulary word: consumed,
                ...                                        #   no effect, stays in the text
              ]
            }
        """
        phrases: list[tuple[str, int | None]] = [
            (phrase, index) for index, rule in enumerate(self.rules) for phrase in rule.typed]
        phrases += [(phrase, None) for phrase in self.protected]
        phrases.sort(key=lambda item: (-len(item[0]), item[0]))
        return {"rules": [rule.to_browser() for rule in self.rules],
                "phrases": [{"phrase": phrase, "rule": index} for phrase, index in phrases],
                # Filler words (我是, 想贷, 一点 …): the finder drops them from what is left to
                # search, as whole words or at either end of one.
                "ignore": sorted(self.ignore, key=lambda w: (-len(w), w))}


def _lines(node: yaml.Node | None, path: tuple = (), lines: dict | None = None) -> dict[tuple, int]:
    """Key path -> 1-based line (of the key in a mapping, of the item in a list), for messages."""
    lines = {} if lines is None else lines
    if node is None:
        return lines
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            _lines(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1     # the key's line, not the value's
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, (*path, index), lines)
    return lines


def _scalars(node: yaml.Node | None, path: tuple = (), found: dict | None = None) -> dict[tuple, str]:
    """Key path -> scalar text as written: ``no`` rather than the False YAML made of it."""
    found = {} if found is None else found
    if isinstance(node, yaml.ScalarNode):
        found[path] = node.value
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            _scalars(value_node, (*path, key), found)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _scalars(item, (*path, index), found)
    return found


def _key_path(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_queries(content_dir: Path, banks: dict[str, BankRecord], schema: CanonicalSchema,
                 *, display_root: Path | None = None) -> QueryRules:
    """The rules of ``content_dir/queries.yml`` plus one implicit rule per registry bank.

    ``banks`` empty (the registry is unreadable, already reported as an error): bank ids in
    the file are not checked. Raises ``ConfigError`` for a broken file.
    """
    path = queries_path(content_dir)
    root = display_root or content_dir.parent
    try:
        shown = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    data, lines, scalars = _read(path, shown)
    parser = _Parser(shown, lines, scalars, banks, schema)
    rules = parser.parse(data)
    return replace(_with_registry(shown, rules, banks, schema), ignore=parser.ignore)


def _read(path: Path, shown: str) -> tuple[Any, dict[tuple, int], dict[tuple, str]]:
    if not path.exists() and not path.is_symlink():
        return None, {}, {}
    if not path.is_file():
        raise ConfigError(f"{shown}: 不是普通文件，请删除后重新建立这个文件。")
    with path.open("rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ConfigError(f"{shown}: 文件超过 {MAX_BYTES // 1024} KB，查询词表应是一个小文件，请检查是否放错了文件。")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{shown}: 不是 UTF-8 编码，请另存为 UTF-8。") from exc
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark is not None else "文件中"
        if isinstance(exc, Refused):
            problem, hint = exc.problem, ""
        elif isinstance(exc, yaml.constructor.ConstructorError):
            problem, hint = "含有本文件不支持的 YAML 标签（!!…）", "请删除标签，只写文字、列表和设置。"
        else:
            problem = getattr(exc, "problem", None) or str(exc)
            hint = "请检查缩进、冒号后的空格和括号是否成对。"
        raise ConfigError(f"{shown}: {where}不是有效的 YAML（{problem}）。{hint}") from exc
    finally:
        loader.dispose()
    return data, _lines(node), _scalars(node)


@dataclass
class _Parser:
    shown: str
    lines: dict[tuple, int]
    scalars: dict[tuple, str]      # key path -> the scalar as written (no, 0818 ...)
    banks: dict[str, BankRecord]
    schema: CanonicalSchema
    owner: dict[str, str] = field(default_factory=dict)     # phrase -> "rules[i]"
    ignore: tuple[str, ...] = ()

    def fail(self, path: tuple, message: str) -> ConfigError:
        line = next((self.lines[path[:n]] for n in range(len(path), -1, -1) if path[:n] in self.lines), None)
        suffix = f"（第 {line} 行）" if line else ""
        return ConfigError(f"{self.shown}: {_key_path(path) or '文件'}: {message}{suffix}")

    def unknown_key(self, path: tuple, key: object, allowed: tuple[str, ...], what: str) -> ConfigError:
        close = difflib.get_close_matches(str(key), allowed, n=1)
        guess = f"是不是 {close[0]}？" if close else ""
        return self.fail((*path, str(key)), f"未知的{what}“{key}”，{guess}可用：{'、'.join(allowed)}。")

    def parse(self, data: Any) -> list[QueryRule]:
        if data is None:
            return []
        if not isinstance(data, dict):
            raise self.fail((), "文件应以 rules: 开头，下面逐条列出规则。")
        for key in data:
            if key not in ("rules", "ignore"):
                raise self.unknown_key((), key, ("rules", "ignore"), "顶层设置")
        if data.get("ignore") is not None:
            words = self.words(("ignore",), data["ignore"], "查询时忽略的词语", "我是")
            self.ignore = tuple(dict.fromkeys(normalise(w) for w in words))
        items = data.get("rules")
        if items is None:
            return []
        if not isinstance(items, list):
            raise self.fail(("rules",), "应是规则列表，每条规则以“- typed:”开头。")
        rules = [self.rule(index, item) for index, item in enumerate(items)]
        return [rule for rule in rules if rule is not None]

    def rule(self, index: int, item: Any) -> QueryRule | None:
        path: tuple = ("rules", index)
        if not isinstance(item, dict):
            raise self.fail(path, "每条规则应包含 typed、label，以及 set、sort、search 中的至少一项。")
        for key in item:
            if key not in RULE_KEYS:
                raise self.unknown_key(path, key, RULE_KEYS, "设置")
        typed = self.phrases(path, item.get("typed"))
        label = item.get("label")
        if not isinstance(label, str) or not label.strip():
            raise self.fail((*path, "label"), "必须填写说明文字（显示给查询的人看），如：免抵押：信用、保证或政府性融资担保。")
        values: dict[str, Any] = {}
        if item.get("set") is not None:
            values.update(self.state((*path, "set"), item["set"]))
        if item.get("sort") is not None:
            sort = item["sort"]
            if not isinstance(sort, str) or sort not in SORTS:
                choices = "、".join(f"{key}（{text}）" for key, text in SORTS.items())
                raise self.fail((*path, "sort"), f"“{sort}”不是可用的排序方式，可选：{choices}。")
            values["sort"] = sort
        if item.get("search") is not None:
            values["search"] = self.words((*path, "search"), item["search"], "要搜索的词语", "个体工商户")
        if not values:
            raise self.fail(path, "规则没有任何效果：请至少写 set（筛选条件）、sort（排序）或 search（改搜的词语）中的一项。")
        origin = _key_path(path)
        if not any(values.values()):
            return None   # bank_name / bank_type that no registry bank matches: nothing to do
        label = label.strip()
        selected = set(item["set"]) & set(BANK_SELECTORS) if isinstance(item.get("set"), dict) else set()
        # dict.fromkeys: a federated registry has one 工商银行 per district.
        names = list(dict.fromkeys(self.banks[bank_id].short_name for bank_id in values.get("bank", ())
                                   if bank_id in self.banks))
        if selected and names and names != [label]:
            label = f"{label}：{'、'.join(names)}"     # say which banks of this registry it means
        for phrase in typed:
            self.owner[phrase] = origin
        return QueryRule(typed=typed, label=label, origin=origin, **values)

    def phrases(self, path: tuple, value: Any) -> tuple[str, ...]:
        path = (*path, "typed")
        if value is None or value == []:
            raise self.fail(path, "至少列出一个人们会输入的词语，如 typed: [个体户, 个体经营户]。")
        if not isinstance(value, list):
            raise self.fail(path, "应是词语列表，写在方括号里，如 typed: [个体户, 个体经营户]。")
        result: list[str] = []
        for index, raw in enumerate(value):
            where = (*path, index)
            if not isinstance(raw, str):
                written = self.scalars.get(where, str(raw))
                raise self.fail(where, f"“{written}”不是文字（YAML 把它读成了{_yaml_kind(raw)}），"
                                       f"请加引号，如 \"{written}\"。")
            phrase = normalise(raw.strip())
            if not phrase:
                raise self.fail(where, "词语不能为空。")
            if SEPARATOR.search(phrase):
                raise self.fail(where, f"“{raw}”含有空格或标点；查询时空格和标点会把词语分开，"
                                       "这个词语永远不会被识别。请去掉空格和标点，或分成几个词语。")
            if phrase in result:
                raise self.fail(where, f"“{raw}”在这条规则里写了两次。")
            if phrase in self.owner:
                raise self.fail(where, f"“{raw}”已在 {self.owner[phrase]} 中列出；同一个词语只能属于一条规则。")
            result.append(phrase)
        return tuple(result)

    def words(self, path: tuple, value: Any, what: str, example: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(path, f"应是{what}的列表，写在方括号里，至少一个，如 [{example}]。")
        result: list[str] = []
        for index, raw in enumerate(value):
            if not isinstance(raw, str) or not raw.strip():
                written = self.scalars.get((*path, index), str(raw))
                raise self.fail((*path, index), f"“{written}”不是文字，请写{what}，必要时加引号。")
            if raw.strip() not in result:
                result.append(raw.strip())
        return tuple(result)

    def state(self, path: tuple, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict) or not value:
            raise self.fail(path, f"应是筛选条件，如 set: {{customer: [个体工商户]}}；可用：{'、'.join(SET_KEYS)}。")
        state: dict[str, Any] = {}
        for key, items in value.items():
            where = (*path, str(key))
            if key in FLAGS:
                if items is not True:
                    raise self.fail(where, f"只能写 true（{FLAGS[key]}）；不需要这个条件时删除这一行。")
                state[key] = True
            elif key in FACETS:
                field_name = FACETS[key]
                allowed = self.schema.vocab.get(field_name, ())
                what = self.schema.titles.get(field_name, field_name)
                words = self.words(where, items, what, "、".join(allowed[:1]) or "…")
                for word in words:
                    if word not in allowed:
                        raise self.fail(where, f"“{word}”不是允许的{what}，可选：{'、'.join(allowed)}")
                state[key] = words
            elif key == "bank":
                ids = self.words(where, items, "机构编号", next(iter(self.banks), "icbc"))
                for bank_id in ids:
                    if self.banks and bank_id not in self.banks:
                        choices = "、".join(f"{b.bank_id}（{b.short_name}）" for b in _ordered(self.banks))
                        raise self.fail(where, f"“{bank_id}”不是机构注册表（catalog/registry/banks.csv）中的机构编号，"
                                               f"可选：{choices}")
                state[key] = ids
            elif key in BANK_SELECTORS:
                words = self.words(where, items, BANK_SELECTORS[key], "工商银行" if key == "bank_name" else "农村商业银行")
                if key == "bank_name":
                    ids = [b.bank_id for b in _ordered(self.banks) if any(w in b.name or w in b.short_name for w in words)]
                else:
                    ids = [b.bank_id for b in _ordered(self.banks) if b.bank_type in words]
                state["bank"] = tuple(dict.fromkeys([*state.get("bank", ()), *ids]))
            else:
                raise self.unknown_key(path, key, SET_KEYS, "筛选条件")
        return state


def _yaml_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "是/否"
    if isinstance(value, (int, float)):
        return "数字"
    if value is None:
        return "空值"
    if isinstance(value, (list, dict)):
        return "列表或设置"
    return "日期" if hasattr(value, "isoformat") else type(value).__name__


def _ordered(banks: dict[str, BankRecord]) -> list[BankRecord]:
    return sorted(banks.values(), key=lambda b: (b.sort_order, b.bank_id))


def _with_registry(shown: str, rules: list[QueryRule], banks: dict[str, BankRecord],
                   schema: CanonicalSchema) -> QueryRules:
    """Add a rule per bank (full name and short name; a staff rule with the same phrase wins)
    and protect the schema's vocabulary words that no rule uses."""
    taken = {phrase for rule in rules for phrase in rule.typed}
    bank_ids_of: dict[str, list[str]] = {}
    for bank in _ordered(banks):
        for name in (bank.name, bank.short_name):
            phrase = normalise(name.strip())
            # A name with punctuation could never match as a whole (the parts are separate).
            if phrase and phrase not in taken and not SEPARATOR.search(phrase):
                ids = bank_ids_of.setdefault(phrase, [])
                if bank.bank_id not in ids:
                    ids.append(bank.bank_id)
    phrases_of: dict[tuple[str, ...], list[str]] = {}
    for phrase, ids in bank_ids_of.items():
        phrases_of.setdefault(tuple(ids), []).append(phrase)
    for ids, phrases in phrases_of.items():
        label = "、".join(dict.fromkeys(banks[bank_id].short_name for bank_id in ids))
        rules.append(QueryRule(typed=tuple(phrases), label=label, bank=ids, origin="banks.csv"))
    taken |= set(bank_ids_of)
    protected = sorted({normalise(word) for words in schema.vocab.values() for word in words}
                       - taken - {""})
    return QueryRules(shown, tuple(rules), tuple(p for p in protected if not SEPARATOR.search(p)))
