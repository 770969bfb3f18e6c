"""Content in the built demo: both-way links, dates on every page, policy list, feeds, sitemap,
the warning banner and the configured footer."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest

from generator.commands.build import load_input
from generator.core.settings import project_paths
from tests.conftest import ROOT, copy_project, portal
from tests.quality.pages import html_files

BASE_URL = "https://www.tongchuan.gov.cn/xwqy/"


@pytest.fixture(scope="module")
def demo():
    loaded = load_input(project_paths(ROOT))
    assert loaded.issues.valid
    return loaded


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_cases_link_both_ways_with_their_bank_and_products(demo_site, demo):
    assert demo.content.cases
    for case in demo.content.cases:
        case_html = read(demo_site, case.url)
        bank_id = case.meta.bank_id
        assert f"../../banks/{bank_id}/" in hrefs(case_html)
        bank_html = read(demo_site, f"banks/{bank_id}")
        assert f"../../{case.url}" in hrefs(bank_html)
        for product_id in case.meta.products:
            assert f"../../products/{product_id}/" in hrefs(case_html)
            assert f"../../{case.url}" in hrefs(read(demo_site, f"products/{product_id}"))


def test_policies_link_both_ways_with_related_products(demo_site, demo):
    linked = 0
    for policy in demo.content.policies:
        html = read(demo_site, policy.url)
        for product_id in policy.meta.related_products:
            assert f"../../products/{product_id}/" in hrefs(html)
            assert f"../../{policy.url}" in hrefs(read(demo_site, f"products/{product_id}"))
            linked += 1
    assert linked >= 4


def test_policy_list_is_newest_first_marks_repealed_and_has_filters(demo_site, demo):
    html = read(demo_site, "policies")
    order = [m for m in re.findall(r'<a href="\.\./(policies/[^"/]+/)"', html)]
    expected = [p.url for p in sorted(demo.content.policies, key=lambda p: p.date, reverse=True)]
    assert order == expected and len(order) >= 3
    statuses = {p.meta.status for p in demo.content.policies}
    assert statuses == {"现行有效", "已废止"}
    repealed = next(p for p in demo.content.policies if p.meta.status == "已废止")
    item = html[html.index(f'href="../{repealed.url}"'):]
    assert "portal-status--repealed" in item[:item.index("</li>")]
    for control in ("policy-filter-issuer", "policy-filter-status", "policy-filter-tag"):
        assert f'<label for="{control}">' in html and f'id="{control}"' in html
    assert "<script" not in html[html.index('<div class="portal-page"'):html.index("</article>")]
    page = read(demo_site, repealed.url)
    assert "本文件已废止" in page
    for label in ("文号", "发文机关", "发布日期", "状态", "有效期"):
        assert f'<th scope="row">{label}</th>' in page


def test_every_page_shows_a_date_and_the_banner(demo_site):
    pages = html_files(demo_site)
    assert len(pages) > 60
    for page in pages:
        html = page.read_text(encoding="utf-8")
        rel = page.relative_to(demo_site).as_posix()
        assert re.search(r'class="portal-page-date">本页(发布日期|更新日期|数据更新日期)：<time datetime="\d{4}-\d{2}-\d{2}">',
                         html), rel
        banner = re.search(r'<aside class="portal-banner".*?</aside>', html, re.S)
        assert banner, rel
        link = re.search(r'<a href="([^"]+)">', banner.group(0)).group(1)
        page_url = "http://h/" + rel.removesuffix("index.html")
        assert urljoin(page_url, link) == "http://h/notices/illegal-intermediaries/", rel


def test_page_dates_are_data_dates(demo_site, demo):
    product = demo.catalog.products[0]
    assert f'本页更新日期：<time datetime="{product.updated.isoformat()}">' in read(demo_site, f"products/{product.product_id}")
    newest = max(p.updated for p in demo.catalog.products_of("icbc"))
    assert f'本页更新日期：<time datetime="{newest.isoformat()}">' in read(demo_site, "banks/icbc")
    policy = next(p for p in demo.content.policies if p.meta.updated)
    assert f'本页更新日期：<time datetime="{policy.meta.updated.isoformat()}">' in read(demo_site, policy.url)


def test_notices_feed_parses_and_lists_the_newest_first(demo_site, demo):
    html = read(demo_site, "notices")
    assert 'href="../notices/feed.xml"' in html
    feed = feedparser.parse((demo_site / "notices" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    entries = feed.entries
    assert [e.title for e in entries] == [n.title for n in demo.content.notices]
    published = [e.published_parsed for e in entries]
    assert published == sorted(published, reverse=True)
    assert entries[0].link == BASE_URL + demo.content.notices[0].url
    assert all(e.link.startswith(BASE_URL) and e.id for e in entries)
    policies = feedparser.parse((demo_site / "policies" / "feed.xml").read_bytes())
    assert not policies.bozo and len(policies.entries) == len(demo.content.policies)


def test_sitemap_lists_every_page_with_absolute_urls_and_dates(demo_site, demo):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(demo_site / "sitemap.xml").getroot()
    urls = {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns)
            for u in root.findall("s:url", ns)}
    assert BASE_URL in urls
    product = demo.catalog.products[0]
    assert urls[f"{BASE_URL}products/{product.product_id}/"] == product.updated.isoformat()
    for doc in demo.content.all():
        assert BASE_URL + doc.url in urls
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in urls.values())
    assert not (demo_site / "sitemap.xml.gz").exists()


def test_footer_shows_the_configured_identity_and_disclaimer(demo_site):
    html = read(demo_site, "")
    footer = html[html.index('<footer class="md-footer portal-footer">'):]
    for text in ("主办单位：", "承办单位：", "联系电话：", "网站标识码：5117020000", "蜀ICP备00000000号-1",
                 "川公网安备51170200000000号", "不代表政府对产品的推荐、背书或担保", "示例"):
        assert text in footer, text
    assert 'href="https://beian.miit.gov.cn/"' in footer


def _set_portal(project: Path, old: str, new: str) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "key"), [
    ('site_code: "5117020000"', 'site_code: "51170"', "extra.portal.footer.site_code"),
    ("icp_number: 蜀ICP备00000000号-1", "icp_number: ICP备案中", "extra.portal.footer.icp_number"),
    ("police_number: 川公网安备51170200000000号", "police_number: 川公网安备5117号",
     "extra.portal.footer.police_number"),
    ("base_url: https://www.tongchuan.gov.cn/xwqy/", "base_url: www.tongchuan.gov.cn", "extra.portal.base_url"),
])
def test_invalid_footer_or_base_url_is_a_configuration_error(tmp_path, old, new, key):
    project = copy_project(tmp_path / "p")
    _set_portal(project, old, new)
    result = portal("build", "--out", str(tmp_path / "out"), cwd=project)
    assert result.returncode == 2
    assert key in result.stderr and "配置错误" in result.stderr
    assert not (tmp_path / "out").exists()


def test_without_base_url_feeds_are_relative_and_there_is_no_sitemap(product_variants):
    """The product variants built without a public address (tests/variants.py)."""
    out = product_variants.without_address
    assert not (out / "sitemap.xml").exists()
    feed_url = "https://example.org/portal/notices/feed.xml"
    feed = feedparser.parse((out / "notices" / "feed.xml").read_bytes(), response_headers={
        "content-location": feed_url, "content-type": "application/atom+xml"})
    assert not feed.bozo
    first = feed.entries[0]
    assert first.link == "https://example.org/portal/notices/2026-11-20-product-library-online/"
    assert first.id.startswith("urn:uuid:")
