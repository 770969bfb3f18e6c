"""The demo portal builds from the repository's data, with a page for every product and bank; what
`portal build` does with bad input, a bad output folder and a broken template."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.commands.build import load_input
from generator.core.settings import project_paths
from tests.conftest import ROOT, copy_project, edit_product, portal, run_portal
from tests.quality.pages import every_page, html_files


@pytest.fixture(scope="module")
def demo_input():
    loaded = load_input(project_paths(ROOT))
    assert loaded.issues.valid, [i.message for i in loaded.issues.errors]
    return loaded


def html_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_demo_has_the_district_plan_banks_and_enough_products(demo_input):
    names = "".join(b.name + b.short_name for b in demo_input.catalog.banks.values())
    for bank in ("工商银行", "农业银行", "建设银行", "达州农商银行", "邮储银行", "达州银行", "四川天府银行",
                 "成都农商银行", "四川银行"):
        assert bank in names
    assert sum("中国银行" in b.name for b in demo_input.catalog.banks.values()) == 2
    assert len(demo_input.catalog.banks) == 11
    # What the site shows: products on sale today (a paused or expired one must not count).
    products = [p for p in demo_input.catalog.products if p.is_published(dt.date.today())]
    assert len(products) >= 30
    covered = {g for p in products for g in p.guarantee_methods}
    assert covered == {"信用", "保证", "抵押", "质押", "政府性融资担保"}
    assert {c for p in products for c in p.target_customers} == {
        "小型企业", "微型企业", "个体工商户", "小微企业主", "农民专业合作社", "家庭农场", "中型企业"}
    assert {g for p in products for g in p.programs} == {
        "信易贷", "银税互动", "科创贷", "园保贷", "乡村振兴贷", "民企首贷通", "涉农产业金融链长制"}
    assert all(p.decision_days <= 30 for p in products)
    assert len(demo_input.content.cases) >= 3


def test_every_product_page_shows_rate_first_all_fields_contact_and_disclaimer(demo_site, demo_input):
    today = dt.date.today()
    for product in demo_input.catalog.products:
        page = demo_site / "products" / product.product_id / "index.html"
        if not product.is_published(today):
            assert not page.exists()
            continue
        html = html_text(page)
        bank = demo_input.catalog.banks[product.bank_id]
        assert product.name in html and bank.name in html
        rate_at = html.index('class="portal-rate__value"')
        # The annualised rate comes before every other figure of the product body.
        assert rate_at < html.index("贷款额度") < html.index("产品详情")
        low = f"{product.rate_min:.4f}".rstrip("0").rstrip(".")
        assert f"{low}%" in html[rate_at:rate_at + 200]
        # Labels are the schema titles without the unit, which the value carries ("300 万元").
        for title in ("产品类型", "担保方式", "适用对象", "最高额度", "最长期限", "年化利率下限",
                      "年化利率上限", "还款方式", "线上申请", "支持无还本续贷", "审批时限", "申请条件",
                      "所需材料", "联系电话", "上架日期", "更新日期"):
            assert title in html, (product.product_id, title)
        assert product.contact_phone in html
        assert "不代表政府对产品的推荐、背书或担保" in html
        assert "示例数据" in html


def test_every_bank_page_lists_its_products(demo_site, demo_input):
    for bank in demo_input.catalog.banks.values():
        html = html_text(demo_site / "banks" / bank.bank_id / "index.html")
        assert bank.name in html and bank.hotline in html
        for product in demo_input.catalog.products_of(bank.bank_id):
            linked = f"products/{product.product_id}/" in html
            assert linked == product.is_published(dt.date.today()), product.product_id


def test_lists_policy_cases_notice_and_home_exist(demo_site, demo_input):
    # Without JavaScript the list is paginated: together the pages link every published product once.
    listed = []
    for page in [demo_site / "products" / "index.html", *sorted((demo_site / "products" / "page").glob("*/index.html"))]:
        listed += re.findall(r'<li class="portal-card" data-product-id="([^"]+)"', html_text(page))
    published = [p.product_id for p in demo_input.catalog.products if p.is_published(dt.date.today())]
    assert sorted(listed) == sorted(published) and len(listed) == len(set(listed))
    policy = html_text(demo_site / "policies" / "tongqu-fuban-2024-23" / "index.html")
    words = re.sub(r"<[^>]+>", "", policy[policy.index("<article"):policy.index("</article>")])
    # What the plan promises, in its own words: an answer within 30 days, a fee of at most 1 %.
    assert "通区府办发〔2024〕23号" in words
    assert "在收到企业完整申请材料后 30 天内作出是否授信的决定" in words
    assert "担保费率每年不超过 1%" in words
    notice = html_text(demo_site / "notices" / "illegal-intermediaries" / "index.html")
    for phrase in ("内部渠道", "包下款", "服务费", "咨询费", "渠道费", "垫资费", "保证金", "包装资料", "洗白征信"):
        assert phrase in notice
    for case in demo_input.content.cases:
        html = html_text(demo_site / case.slug / "index.html")
        assert f"banks/{case.meta.bank_id}/" in html
        for pid in case.meta.products:
            assert f"products/{pid}/" in html
    home = html_text(demo_site / "index.html")
    for target in ("products/", "search/", "policies/", "notices/illegal-intermediaries/"):
        assert f'href="{target}"' in home


class _Scan(HTMLParser):
    FETCHING = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
                "audio": "src", "video": "src", "embed": "src", "object": "data"}

    def __init__(self) -> None:
        super().__init__()
        self.lang = None
        self.fetched: list[str] = []
        self.absolute_links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag in self.FETCHING and attrs.get(self.FETCHING[tag]):
            self.fetched.append(attrs[self.FETCHING[tag]])
        for name in ("href", "src", "action"):
            value = attrs.get(name) or ""
            if value.startswith("/") and not value.startswith("//"):
                self.absolute_links.append(value)


def test_every_page_is_chinese_relative_and_fetches_nothing_external(demo_site):
    pages = html_files(demo_site)
    assert len(pages) > 50
    for page in pages:
        scan = _Scan()
        scan.feed(html_text(page))
        rel = page.relative_to(demo_site)
        assert scan.lang == "zh", rel
        external = [u for u in scan.fetched if re.match(r"^\s*(https?:)?//", u, re.I)]
        assert external == [], (rel, external)
        # Site-root links would break the site under a sub-path of a government portal.
        assert scan.absolute_links == [], (rel, scan.absolute_links)
    for sheet in demo_site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", sheet.read_text(encoding="utf-8")), sheet


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(path.relative_to(root).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def published_copy(demo_site: Path, out: Path) -> Path:
    """An earlier publication in ``out``: what ``portal build`` wrote for the demo (demo_site)."""
    return Path(shutil.copytree(demo_site, out))


# ---- end to end: the real command in a new process, one test per exit code ----

def test_the_command_builds_the_demo_and_says_what_it_published(demo_build):
    """Exit 0 (the session's demo build, tests/conftest.py): every page written, the first build said."""
    site, result = demo_build
    assert result.returncode == 0 and "Traceback" not in result.stderr
    pages = len(every_page(site))
    assert f"已生成 {pages} 个页面" in result.stdout, result.stdout
    assert "变更报告：首次生成，没有可比较的上一版网站。" in result.stdout
    assert f"输出到 {site}" in result.stdout


def test_invalid_bank_file_exits_1_and_leaves_out_untouched(tmp_path, demo_site):
    project = copy_project(tmp_path / "project")
    out = published_copy(demo_site, tmp_path / "published")
    before = tree_digest(out)
    # Break the first product's rate with a value a bank might type: "4.35%".
    edit_product(project, "icbc", 0, rate_min="4.35%")

    result = run_portal("build", "--out", str(out), cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "catalog/banks/icbc/products.csv" in result.stderr
    assert "第 2 行" in result.stderr and "4.35%" in result.stderr and "不带 %" in result.stderr
    assert tree_digest(out) == before
    assert not list(tmp_path.glob(".published.staging-*"))


def test_build_refuses_an_out_dir_it_would_wrongly_destroy(tmp_path):
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "工作报告.docx").write_bytes(b"not a site")
    result = run_portal("build", "--out", str(foreign))
    assert result.returncode == 2 and "为避免误删" in result.stderr and "Traceback" not in result.stderr
    assert (foreign / "工作报告.docx").read_bytes() == b"not a site"


# ---- the same command in-process ----

def test_build_refuses_to_write_over_the_project(tmp_path):
    project = copy_project(tmp_path / "project")
    result = portal("build", "--out", str(project), cwd=project)
    assert result.returncode == 2
    assert (project / "catalog" / "registry" / "banks.csv").exists()


def test_a_folder_holding_an_earlier_build_is_replaced_as_a_whole(rebuilt_demo):
    """The demo rebuilt over a copy of itself with a stray file (tests/conftest.py)."""
    site, _ = rebuilt_demo
    assert not (site / "stale.html").exists() and (site / "index.html").exists()


def test_bank_text_is_shown_as_text_never_markup_or_template(hostile_site):
    """The hostile variant's summary holds markup, a script and Jinja syntax (tests/variants.py)."""
    page = hostile_site.site / "products" / hostile_site.bank_text_product / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "&lt;b&gt;粗体&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}{% if 1 %}x{% endif %}" in html
    assert "<script>alert(1)" not in html


def test_dead_links_in_staff_content_stop_the_build(tmp_path, demo_site):
    project = copy_project(tmp_path / "project")
    out = published_copy(demo_site, tmp_path / "site")
    before = tree_digest(out)
    page = project / "content" / "pages" / "about.md"
    page.write_text(page.read_text(encoding="utf-8")
                    + "\n\n见[旧的办事指南](../old-guide/)和[本页说明](#no-such-section)。\n", encoding="utf-8")
    result = portal("build", "--out", str(out), cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "content/pages/about.md：链接“../old-guide/”指向的页面不存在" in result.stderr
    assert "“#no-such-section”不存在" in result.stderr
    assert tree_digest(out) == before


def test_a_broken_page_template_is_a_configuration_error_without_traceback(tmp_path):
    project = copy_project(tmp_path / "project")
    template = project / "site_templates" / "pages" / "bank.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n{% if %}\n", encoding="utf-8")
    result = portal("build", "--out", str(tmp_path / "site"), cwd=project)
    assert result.returncode == 2
    assert "页面模板有误" in result.stderr and "bank.html" in result.stderr
    assert not (tmp_path / "site").exists()
