"""The pages of a federated (city) portal, against the shared ``federated_site`` fixture (three demo
districts federated into 达州市, tests/federation.py): the 区县概览 figures against what each member
itself published (its downloads/products.csv and banks.csv), the region on cards, product and bank
pages, the link to the district's own product page, and the members' policies and cases listed with
a link rather than copied. A district's own build has none of it (tests/test_build.py and the
byte-for-byte comparison in the report cover the rest)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.federation import MEMBERS, UNIQUE_ID, UNIQUE_KEY, UNIQUE_NAME, FederatedFixture
from tests.quality.accessibility import VIEWPORTS, audit, start_in_elder_mode


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def text(fragment: str) -> str:
    """The text of an HTML fragment (tags dropped), whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def number(value: str) -> str:
    """"3.20" -> "3.2": how the site writes a figure."""
    return f"{float(value):.4f}".rstrip("0").rstrip(".")


def share(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}".removesuffix(".0") + "%"


def overview_rows(site: Path) -> dict[str, dict[str, str]]:
    """The 区县概览 table: region code -> column -> the cell's text (the date cell: its datetime)."""
    page = read(site, "regions")
    table = {}
    for code, body in re.findall(r'<tr data-region="(\d{6})">(.*?)</tr>', page, re.S):
        cells = {col: text(cell) for col, cell in re.findall(r'<td data-col="(\w+)">(.*?)</td>', body, re.S)}
        newest = re.search(r'data-col="newest"><time datetime="([\d-]+)"', body)
        cells["newest"] = newest.group(1) if newest else ""
        cells["name"] = text(re.search(r"<th scope=\"row\">(.*?)<span", body, re.S).group(1))
        table[code] = cells
    return table


def test_the_overview_gives_each_districts_figures_as_its_own_downloads_do(federated_site: FederatedFixture):
    table = overview_rows(federated_site.site)
    assert list(table) == [spec.code for spec in MEMBERS]        # in the order the members were given
    for spec in MEMBERS:
        downloads = federated_site.member(spec.code).site / "downloads"
        products = rows_of(downloads / "products.csv")
        banks = rows_of(downloads / "banks.csv")
        online = sum(1 for p in products if p["线上申请"] == "是")
        renewal = sum(1 for p in products if p["支持无还本续贷"] == "是")
        low = min(float(p["年化利率下限(%)"]) for p in products)
        high = max(float(p["年化利率上限(%)"]) for p in products)
        assert table[spec.code] == {
            "name": spec.region,
            "banks": str(len(banks)),
            "products": str(len(products)),
            "newest": max(dt.date.fromisoformat(p["更新日期"]) for p in products).isoformat(),
            "online": f"{share(online, len(products))}（{online} 款）",
            "renewal": f"{share(renewal, len(products))}（{renewal} 款）",
            "rate": f"{number(str(low))}%～{number(str(high))}%",
        }, spec.region
    # 达川区 has one product more than 通川区, 宣汉县 one fewer: the table tells them apart.
    assert [int(table[s.code]["products"]) for s in MEMBERS] == [36, 37, 35]


def test_the_chart_draws_the_tables_figures_without_script(federated_site: FederatedFixture):
    page = read(federated_site.site, "regions")
    table = overview_rows(federated_site.site)
    figures = re.findall(r'<figure class="portal-bars">(.*?)</figure>', page, re.S)
    assert len(figures) == 3 and not any("<script" in f for f in figures)
    counts = [int(table[s.code]["products"]) for s in MEMBERS]
    bars = re.findall(r'portal-bars__label">([^<]+)</span><svg[^>]*aria-hidden="true".*?'
                      r'class="portal-bars__bar"[^>]*width="([\d.]+)".*?portal-bars__value">([^<]+)<', figures[0], re.S)
    assert [(label, round(float(width)), value) for label, width, value in bars] == [
        (s.region, round(100 * n / max(counts)), f"{n} 款") for s, n in zip(MEMBERS, counts)]
    # The other two charts are the shares, on a 0–100 scale, with the same percentages as the table.
    for figure, column in zip(figures[1:], ("online", "renewal")):
        values = re.findall(r'portal-bars__value">([^<]+)<', figure)
        assert values == [table[s.code][column].split("（")[0] for s in MEMBERS]


def test_cards_and_product_pages_carry_the_region_and_the_district_link(federated_site: FederatedFixture):
    site = federated_site.site
    bank_page = read(site, "banks/511703-abc")
    assert "服务地区：达川区" in text(bank_page)
    cards = re.findall(r'<p class="portal-card__bank">(.*?)</p>', bank_page, re.S)
    assert cards and all(text(c).startswith("达川区 · 农业银行 · ") for c in cards)

    unique = read(site, f"products/{UNIQUE_KEY}")
    assert UNIQUE_NAME in unique
    assert re.search(r'<th scope="row"[^>]*>地区</th><td data-field="region">达川区（行政区划代码 511703）</td>', unique)
    dachuan = next(s for s in MEMBERS if s.code == "511703")
    link = re.search(r'<a href="([^"]+)"[^>]*>在达川区产品库中查看</a>', unique)
    assert link and link.group(1) == f"{dachuan.base_url}products/{UNIQUE_ID}/"

    # 宣汉县 published no address: its products say where they are offered, with no link.
    xuanhan = next(s for s in MEMBERS if s.base_url is None)
    some_id = rows_of(federated_site.member(xuanhan.code).site / "downloads" / "products.csv")[0]["产品编号"]
    page = read(site, f"products/{xuanhan.code}/{some_id}")
    region_line = re.search(r'<p class="portal-product__region">(.*?)</p>', page, re.S).group(1)
    assert text(region_line) == f"地区：{xuanhan.region}" and "<a " not in region_line


def test_banks_are_listed_by_district(federated_site: FederatedFixture):
    page = read(federated_site.site, "banks")
    sections = re.split(r'<h2 id="region-(\d{6})">', page)[1:]
    codes = sections[0::2]
    assert codes == [s.code for s in MEMBERS]
    for code, body in zip(codes, sections[1::2]):
        body = body.split("<h2", 1)[0]
        links = re.findall(r'href="[./]*banks/([^/"]+)/"', body)
        expected = rows_of(federated_site.member(code).site / "downloads" / "banks.csv")
        assert links == [f"{code}-{row['bank_id']}" for row in expected]
    assert 'href="../regions/"' in page


@pytest.mark.parametrize("kind, section", [("policy", "policies"), ("case", "cases")])
def test_member_documents_are_linked_after_the_citys_own_not_copied(federated_site: FederatedFixture,
                                                                   kind: str, section: str):
    site = federated_site.site
    page = read(site, section)
    own, _, members_part = page.partition(f'<h2 id="member-{kind}">')
    assert members_part, "no section for the districts' documents"
    # The city's own document comes first and is a page of the city's site.
    city_doc = next((federated_site.city / "content" / section).glob("*.md"))
    assert f'href="../{section}/{city_doc.stem}/"' in own
    listed = re.findall(r'<li data-region="(\d{6})"[^>]*>(.*?)</li>', members_part, re.S)
    expected = []
    for spec in MEMBERS:
        content = json.loads((federated_site.member(spec.code).site / "downloads" / "content.json").read_text(encoding="utf-8"))
        for doc in content["documents"]:
            if doc["kind"] == kind:
                expected.append((spec, doc))
                # Listed, not copied: the district's page does not exist on the city's site.
                assert not (site / doc["url"]).exists(), doc["url"]
    assert len(listed) == len(expected)
    for spec, doc in expected:
        item = next(body for code, body in listed if code == spec.code and doc["title"] in body)
        assert f'datetime="{doc["date"]}"' in item and spec.region in text(item)
        if spec.base_url:
            assert f'<a href="{spec.base_url}{doc["url"]}" rel="noopener">{html.escape(doc["title"], quote=False)}</a>' in item
        else:
            assert "<a " not in item and "暂无网址" in item


def test_a_district_build_has_no_federation_pages(demo_site: Path):
    assert not (demo_site / "regions").exists()
    assert "区县概览" not in read(demo_site, "") and "区县概览" not in read(demo_site, "banks")
    assert 'id="member-policy"' not in read(demo_site, "policies")
    assert "portal-card__region" not in read(demo_site, "banks/abc")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_the_overview_reads_in_a_browser_and_passes_axe(page: Page, federated_url: str, viewport: str, elder: bool):
    page.set_viewport_size(VIEWPORTS[viewport])
    if elder:
        start_in_elder_mode(page)
    page.goto(federated_url + "regions/")
    table = page.get_by_role("table", name="各区县产品情况")
    expect(table.get_by_role("row")).to_have_count(1 + len(MEMBERS))
    expect(table.get_by_role("rowheader").first).to_contain_text(MEMBERS[0].region)
    # Each bar's row shows its district and figure as text, at a readable size, inside the viewport.
    rows = page.locator(".portal-bars__row")
    expect(rows).to_have_count(3 * len(MEMBERS))
    width = VIEWPORTS[viewport]["width"]
    for index in range(rows.count()):
        box = rows.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    size = page.locator(".portal-bars__label").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= (20 if elder else 14), size
    assert audit(page, f"regions/ {viewport} {'elder' if elder else 'normal'}") == []


@pytest.mark.parametrize("viewport, elder", [("desktop", False), ("phone", True)], ids=["desktop", "phone-elder"])
def test_the_other_federated_pages_pass_axe(page: Page, federated_url: str, viewport: str, elder: bool):
    """The pages this federation changes: home, bank list and bank page, a product page with its
    district link, and the policy and case lists with the districts' documents."""
    page.set_viewport_size(VIEWPORTS[viewport])
    if elder:
        start_in_elder_mode(page)
    findings = []
    for path in ("", "banks/", "banks/511703-abc/", f"products/{UNIQUE_KEY}/", "policies/", "cases/"):
        page.goto(federated_url + path)
        findings += audit(page, f"{path or 'home'} {viewport}")
    assert findings == []


def test_a_policy_a_district_repealed_is_marked_so_on_the_city_list(federated_site):
    """The districts' content.json says 已废止; the city's list must not present it as current."""
    import json as _json

    repealed = {d["title"] for m in federated_site.members
                for d in _json.loads((m.site / "downloads" / "content.json").read_text("utf-8"))["documents"]
                if d.get("status") == "已废止"}
    assert repealed, "the demo has a repealed policy"
    html = (federated_site.site / "policies" / "index.html").read_text(encoding="utf-8")
    section = html[html.index('id="member-policy"'):]
    for title in repealed:
        item = section[section.index(title) - 400:section.index(title) + 300]
        assert "portal-doclist__repealed" in item and "已废止" in item
