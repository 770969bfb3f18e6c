"""Plain-language queries (``content/queries.yml``): the shipped rules load and say what the
issue asks, every kind of broken file is a configuration error naming file, key path and line,
and ``PortalQueries.interpret`` (assets/queries.js) applies the rules in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from generator.commands.build import load_input
from generator.core.errors import ConfigError
from generator.core.settings import project_paths
from generator.core.issues import IssueList
from generator.core.models import BankRecord
from generator.content.queries import MAX_BYTES, SEPARATOR, load_queries, normalise
from generator.ingest.registry import load_registry
from generator.core.schema import load_schema
from tests.conftest import ROOT, copy_project, portal

BANKS = load_registry(ROOT / "catalog" / "registry" / "banks.csv", IssueList(), display_root=ROOT)
SCHEMA = load_schema(ROOT / "catalog" / "schema" / "products.schema.json")
SHIPPED = load_queries(ROOT / "content", BANKS, SCHEMA)
SCRIPT = ROOT / "site_templates" / "assets" / "queries.js"

FREE_OF_MORTGAGE = ["信用", "保证", "政府性融资担保"]
# phrase -> (finder state, sort) the issue asks for.
REQUIRED = {
    **{p: ({"customer": ["个体工商户"]}, None) for p in ["个体户", "个体经营户"]},
    **{p: ({"customer": ["家庭农场", "农民专业合作社"]}, None) for p in ["农户", "农民", "种植户", "养殖户"]},
    "合作社": ({"customer": ["农民专业合作社"]}, None),
    **{p: ({"bank": ["dzrcb", "cdrcb"]}, None) for p in ["农商行", "农商银行", "农村商业银行"]},
    "工行": ({"bank": ["icbc"]}, None), "农行": ({"bank": ["abc"]}, None),
    "中行": ({"bank": ["boc-tongchuan", "boc-huaxia"]}, None), "建行": ({"bank": ["ccb"]}, None),
    "邮储": ({"bank": ["psbc"]}, None), "邮政银行": ({"bank": ["psbc"]}, None),
    **{p: ({"guarantee": FREE_OF_MORTGAGE}, None) for p in ["不要抵押", "免抵押", "无抵押", "无需抵押", "不用抵押"]},
    **{p: ({}, "rate") for p in ["利率最低", "利息最低", "最便宜", "便宜", "低利率", "低息"]},
    **{p: ({}, "amount") for p in ["额度最高", "额度大"]},
    **{p: ({}, "days") for p in ["放款快", "审批快", "最快", "快"]},
    **{p: ({"online": True}, None) for p in ["线上", "网上申请", "手机申请", "线上办理"]},
    **{p: ({"renewal": True}, None) for p in ["无还本续贷", "不用还本续贷", "续贷不还本"]},
    "首贷": ({"program": ["民企首贷通"]}, None),
    **{p: ({"program": ["科创贷"]}, None) for p in ["科技型", "科创"]},
    **{p: ({"program": ["乡村振兴贷"]}, None) for p in ["乡村振兴", "涉农"]},
    # Implicit: every registry bank's full name and short name.
    "工商银行": ({"bank": ["icbc"]}, None), "中国工商银行股份有限公司达州通川支行": ({"bank": ["icbc"]}, None),
    "达州农商银行": ({"bank": ["dzrcb"]}, None), "中国银行华夏支行": ({"bank": ["boc-huaxia"]}, None),
}


# ---------------------------------------------------------------- the shipped file

@pytest.mark.parametrize("phrase", sorted(REQUIRED))
def test_the_shipped_rules_map_each_required_phrase(phrase):
    rule = SHIPPED.rule_for(phrase)
    assert rule is not None, phrase
    state, sort = REQUIRED[phrase]
    assert (rule.state(), rule.sort) == (state, sort)
    assert rule.label


def test_the_shipped_file_is_complete_and_consistent():
    assert SHIPPED.source == "content/queries.yml"
    staff = [r for r in SHIPPED.rules if not r.implicit]
    assert len(staff) >= 25
    # "纯信用"/"信用贷" means no collateral *and* no guarantor: only the 信用 method.
    assert SHIPPED.rule_for("纯信用").guarantee == ("信用",)
    assert SHIPPED.rule_for("信用贷").guarantee == ("信用",)
    # Every bank has an implicit rule; every phrase belongs to one rule only.
    assert {b for r in SHIPPED.rules if r.implicit for b in r.bank} == set(BANKS)
    phrases = [p for r in SHIPPED.rules for p in r.typed]
    assert len(phrases) == len(set(phrases))
    # Vocabulary words are protected, not rules (个体工商户 is never 工商…).
    assert {"个体工商户", "政府性融资担保", "农民专业合作社", "续贷"} <= set(SHIPPED.protected)


def test_to_browser_is_normalised_and_longest_first(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "queries.yml").write_text(
        "rules:\n  - typed: [ＡＰＰ申请, Ｅ贷]\n    label: 线上\n    set: {online: true}\n"
        "    search: [线上]\n", encoding="utf-8")
    compiled = load_queries(tmp_path / "content", BANKS, SCHEMA).to_browser()
    phrases = [entry["phrase"] for entry in compiled["phrases"]]
    assert "app申请" in phrases and "e贷" in phrases
    assert [len(p) for p in phrases] == sorted((len(p) for p in phrases), reverse=True)
    first = compiled["rules"][0]
    assert first == {"label": "线上", "set": {"online": True}, "sort": None, "search": ["线上"]}
    by_phrase = {entry["phrase"]: entry["rule"] for entry in compiled["phrases"]}
    assert by_phrase["app申请"] == 0 and by_phrase["个体工商户"] is None
    assert compiled["rules"][by_phrase["工商银行"]]["set"] == {"bank": ["icbc"]}


def test_a_missing_file_leaves_only_the_bank_rules(tmp_path):
    rules = load_queries(tmp_path, BANKS, SCHEMA)
    assert rules.rules and all(r.implicit for r in rules.rules)
    assert rules.rule_for("成都农村商业银行股份有限公司达州分行").bank == ("cdrcb",)
    assert rules.rule_for("农商行") is None


def test_a_staff_rule_takes_a_bank_name_over(tmp_path):
    (tmp_path / "queries.yml").write_text(
        "rules:\n  - typed: [工商银行]\n    label: 工行\n    set: {bank: [icbc], online: true}\n", encoding="utf-8")
    rules = load_queries(tmp_path, BANKS, SCHEMA)
    assert [r.origin for r in rules.rules if "工商银行" in r.typed] == ["rules[0]"]


def test_load_input_carries_the_rules_and_fails_on_a_broken_file(tmp_path):
    project = copy_project(tmp_path)
    assert load_input(project_paths(project)).queries.rule_for("农商行").bank == ("dzrcb", "cdrcb")
    (project / "content" / "queries.yml").write_text("rules: [1, 2", encoding="utf-8")
    with pytest.raises(ConfigError, match="content/queries.yml"):
        load_input(project_paths(project))


# ---------------------------------------------------------------- broken files

RULE = "rules:\n  - typed: [不要抵押]\n    label: 免抵押\n"
BROKEN = {
    "yaml-syntax": ("rules:\n  - typed: [个体户\n    label: 个体\n", "", "不是有效的 YAML"),
    "not-a-mapping": ("- typed: [个体户]\n", "文件", "rules:"),
    "unknown-top-key": ("rule:\n  - typed: [个体户]\n", "rule", "是不是 rules"),
    "rules-not-a-list": ("rules: {typed: [a]}\n", "rules", "规则列表"),
    "rule-not-a-mapping": ("rules:\n  - 个体户\n", "rules[0]", "typed"),
    "unknown-rule-key": (RULE + "    sett: {online: true}\n", "rules[0].sett", "是不是 set"),
    "missing-typed": ("rules:\n  - label: 免抵押\n    sort: rate\n", "rules[0].typed", "至少列出一个"),
    "empty-typed": ("rules:\n  - typed: []\n    label: 免抵押\n    sort: rate\n", "rules[0].typed", "至少列出一个"),
    "typed-not-a-list": ("rules:\n  - typed: 个体户\n    label: 个体\n    sort: rate\n", "rules[0].typed", "方括号"),
    "number-phrase": ("rules:\n  - typed: [个体户, 123]\n    label: 个体\n    sort: rate\n",
                      "rules[0].typed[1]", "数字"),
    "boolean-phrase": ("rules:\n  - typed: [个体户, no]\n    label: 个体\n    sort: rate\n",
                       "rules[0].typed[1]", "是/否"),
    "empty-phrase": ("rules:\n  - typed: [个体户, '  ']\n    label: 个体\n    sort: rate\n",
                     "rules[0].typed[1]", "不能为空"),
    "phrase-with-space": ("rules:\n  - typed: [网上 申请]\n    label: 线上\n    sort: rate\n",
                          "rules[0].typed[0]", "空格或标点"),
    "phrase-twice-in-a-rule": ("rules:\n  - typed: [便宜, 便宜]\n    label: 便宜\n    sort: rate\n",
                               "rules[0].typed[1]", "写了两次"),
    "phrase-in-two-rules": ("rules:\n  - typed: [便宜]\n    label: 便宜\n    sort: rate\n"
                            "  - typed: [快, 便宜]\n    label: 快\n    sort: days\n",
                            "rules[1].typed[1]", "已在 rules[0] 中列出"),
    "same-phrase-after-normalising": ("rules:\n  - typed: [app]\n    label: a\n    sort: rate\n"
                                      "  - typed: [ＡＰＰ]\n    label: b\n    sort: days\n",
                                      "rules[1].typed[0]", "已在 rules[0] 中列出"),
    "missing-label": ("rules:\n  - typed: [便宜]\n    sort: rate\n", "rules[0].label", "说明文字"),
    "no-effect": (RULE, "rules[0]", "没有任何效果"),
    "empty-set": (RULE + "    set: {}\n", "rules[0].set", "筛选条件"),
    "unknown-facet": (RULE + "    set: {guarantees: [信用]}\n", "rules[0].set.guarantees", "是不是 guarantee"),
    "value-not-in-vocabulary": (RULE + "    set: {guarantee: [信用, 抵压]}\n", "rules[0].set.guarantee",
                                "“抵压”不是允许的担保方式，可选：信用、保证、抵押、质押、政府性融资担保"),
    "customer-not-in-vocabulary": (RULE + "    set: {customer: [个体户]}\n", "rules[0].set.customer",
                                   "“个体户”不是允许的适用对象"),
    "facet-not-a-list": (RULE + "    set: {program: 科创贷}\n", "rules[0].set.program", "列表"),
    "unknown-bank": (RULE + "    set: {bank: [icbc, nongshang]}\n", "rules[0].set.bank",
                     "“nongshang”不是机构注册表"),
    "flag-not-true": (RULE + "    set: {online: false}\n", "rules[0].set.online", "只能写 true"),
    "bad-sort": (RULE + "    sort: cheapest\n", "rules[0].sort", "“cheapest”不是可用的排序方式"),
    "empty-search": (RULE + "    search: []\n", "rules[0].search", "至少一个"),
    "duplicate-key": (RULE + "    sort: rate\n    sort: days\n", "", "写了两次"),
    "alias": ("base: &b [信用]\nrules:\n  - typed: [不要抵押]\n    label: x\n    set: {guarantee: *b}\n",
              "", "锚点"),
    "python-tag": ("rules: !!python/object/apply:os.system ['true']\n", "", "不是有效的 YAML"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_file_names_file_key_path_and_line(case, tmp_path):
    text, key_path, message = BROKEN[case]
    content = tmp_path / "content"
    content.mkdir()
    (content / "queries.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_queries(content, BANKS, SCHEMA)
    error = str(raised.value)
    assert error.startswith(f"content/queries.yml: {key_path}"), error
    assert message in error
    assert "第 " in error and " 行" in error, error       # every message points at a line


def test_an_alias_bomb_and_an_oversized_file_are_refused_quickly(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)) + "rules: []\n"
    (tmp_path / "queries.yml").write_text(bomb, encoding="utf-8")
    with pytest.raises(ConfigError, match="锚点"):
        load_queries(tmp_path, BANKS, SCHEMA)
    (tmp_path / "queries.yml").write_text("# " + "很" * MAX_BYTES + "\nrules: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="256 KB"):
        load_queries(tmp_path, BANKS, SCHEMA)
    (tmp_path / "queries.yml").write_bytes("rules: [个体户]".encode("gbk"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_queries(tmp_path, BANKS, SCHEMA)


def test_the_command_line_reports_a_broken_file_as_a_configuration_error(tmp_path):
    project = copy_project(tmp_path)
    (project / "content" / "queries.yml").write_text(RULE + "    set: {guarantee: [抵压]}\n", encoding="utf-8")
    result = portal("validate", cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "content/queries.yml: rules[0].set.guarantee: “抵压”不是允许的担保方式" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- interpret() in Chromium

@pytest.fixture(scope="module")
def script_page(browser):
    """One blank page holding assets/queries.js for every test of its pure functions (they keep no state)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<html><body></body></html>")
    page.add_script_tag(path=str(SCRIPT))
    yield page
    context.close()


@pytest.fixture(scope="module")
def interpret(script_page: Page):
    page = script_page
    compiled = SHIPPED.to_browser()

    def run(text: str) -> dict:
        return page.evaluate("([text, compiled]) => window.PortalQueries.interpret(text, compiled)",
                             [text, compiled])
    return run


def _set(result: dict) -> dict:
    """Only the keys a query set."""
    return {k: v for k, v in result["set"].items() if v not in ([], False)}


@pytest.mark.browser
@pytest.mark.parametrize(("text", "state", "sort", "rest"), [
    ("个体户", {"customer": ["个体工商户"]}, None, ""),
    ("农户", {"customer": ["家庭农场", "农民专业合作社"]}, None, ""),
    ("农商行", {"bank": ["dzrcb", "cdrcb"]}, None, ""),
    ("达州农商行", {"bank": ["dzrcb"]}, None, ""),
    ("工商银行", {"bank": ["icbc"]}, None, ""),
    ("中国工商银行股份有限公司达州通川支行", {"bank": ["icbc"]}, None, ""),
    ("中国银行", {"bank": ["boc-tongchuan", "boc-huaxia"]}, None, ""),
    ("个体工商户", {}, None, "个体工商户"),                       # a catalogue word: never bank icbc
    ("个体工商户经营贷", {}, None, "个体工商户经营贷"),
    ("不要抵押 信用贷款", {"guarantee": FREE_OF_MORTGAGE}, None, ""),
    ("不要抵押 助业贷", {"guarantee": FREE_OF_MORTGAGE}, None, "助业贷"),
    ("利率最低", {}, "rate", ""),
    ("经营贷 达州", {}, None, "经营贷 达州"),                       # no rule: unchanged
    ("  经营贷,助业贷  ", {}, None, "经营贷,助业贷"),
    ("农商行 不要抵押 便宜", {"bank": ["dzrcb", "cdrcb"], "guarantee": FREE_OF_MORTGAGE}, "rate", ""),
    ("农商行，不要抵押。便宜！", {"bank": ["dzrcb", "cdrcb"], "guarantee": FREE_OF_MORTGAGE}, "rate", ""),
    ("农商行不要抵押", {"bank": ["dzrcb", "cdrcb"], "guarantee": FREE_OF_MORTGAGE}, None, ""),
    ("快", {}, "days", ""),
    ("便宜快", {}, "rate", ""),                                   # the first sort typed wins
    ("经营快贷", {}, None, "经营快贷"),                             # 快 inside a name is no query
    ("抵押快贷", {}, None, "抵押快贷"),
    ("线上 无还本续贷", {"online": True, "renewal": True}, None, ""),
    ("首贷 涉农 科创", {"program": ["民企首贷通", "乡村振兴贷", "科创贷"]}, None, ""),
    ("民企首贷通", {}, None, "民企首贷通"),                         # the programme's own name
    ("养殖户 合作社", {"customer": ["家庭农场", "农民专业合作社"]}, None, ""),
])
def test_interpret(interpret, text, state, sort, rest):
    result = interpret(text)
    assert (_set(result), result["sort"], result["rest"]) == (state, sort, rest)
    assert set(result) == {"rest", "set", "sort", "search", "matches"}
    assert set(result["set"]) == {"customer", "guarantee", "type", "program", "bank", "online", "renewal"}


@pytest.mark.browser
def test_interpret_reports_matches_normalises_and_searches(interpret, script_page: Page):
    page = script_page
    result = interpret("农商行 不要抵押 便宜")
    assert result["matches"] == [{"phrase": "农商行", "label": "农商银行：达州农商银行、成都农商银行"},
                                 {"phrase": "不要抵押", "label": "免抵押：信用、保证或政府性融资担保"},
                                 {"phrase": "便宜", "label": "按年化利率从低到高排列"}]
    compiled = {"rules": [{"label": "e贷", "set": {}, "sort": None, "search": ["线上贷款", "e贷"]}],
                "phrases": [{"phrase": "e贷", "rule": 0}]}
    result = page.evaluate("([t, c]) => PortalQueries.interpret(t, c)", ["Ｅ贷 助业贷 E贷", compiled])
    assert result["search"] == ["线上贷款", "e贷"] and result["rest"] == "助业贷"
    assert result["matches"] == [{"phrase": "e贷", "label": "e贷"}]
    nothing = page.evaluate("() => PortalQueries.interpret('助业贷', null)")
    assert nothing["rest"] == "助业贷" and nothing["sort"] is None and nothing["matches"] == []


@pytest.mark.browser
def test_python_and_javascript_agree_on_separators_and_normalising(script_page: Page):
    page = script_page
    js = page.evaluate("""() => {
        const out = [];
        for (let c = 0; c < 0x10000; c++) {
            if (c >= 0xd800 && c < 0xe000) continue;
            if (PortalQueries.isSeparator(String.fromCharCode(c))) out.push(c);
        }
        return out;
    }""")
    python = [c for c in range(0x10000) if not 0xD800 <= c < 0xE000 and SEPARATOR.match(chr(c))]
    assert js == python
    samples = ["ＡＢＣ１２３ｅ贷", "Ｅ贷·个体户", "①号", "ﾃｽﾄ", "İstanbul"]
    assert page.evaluate("s => s.map(PortalQueries.normalise)", samples) == [normalise(s) for s in samples]


def test_bank_rules_follow_the_registry_they_are_built_with(tmp_path):
    """工行, 农商行 … name banks by name or type, so another district's registry works too."""
    other = {
        "icbc-dc": BankRecord("icbc-dc", "中国工商银行股份有限公司达川支行", "工商银行达川支行", "国有大型商业银行",
                              "", "95588", "", 1),
        "dcrcb": BankRecord("dcrcb", "四川达川农村商业银行股份有限公司", "达川农商银行", "农村商业银行", "", "95588", "", 2),
    }
    rules = load_queries(ROOT / "content", other, SCHEMA)
    assert rules.rule_for("工行").bank == ("icbc-dc",)
    assert rules.rule_for("农商行").bank == ("dcrcb",)
    assert rules.rule_for("农商行").label == "农商银行：达川农商银行"
    # No 农业银行 in this registry: 农行 is simply not understood (no error, no empty filter).
    assert rules.rule_for("农行") is None
    assert rules.rule_for("邮储") is None


def test_filler_words_are_listed_for_the_finder(tmp_path):
    compiled = SHIPPED.to_browser()
    assert {"我是", "想贷", "的"} <= set(compiled["ignore"])
    (tmp_path / "queries.yml").write_text("ignore: 我是\nrules: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"queries\.yml: ignore"):
        load_queries(tmp_path, BANKS, SCHEMA)
