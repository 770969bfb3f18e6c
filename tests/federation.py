"""A small federation for the tests of ``portal federate``: three member districts built from copies
of the demo project with their own regions, bundled, and joined into a city portal (达州市).

- 通川区 511702 (base_url set) and 达川区 511703 (base_url set) are federated as bundle zips,
  宣汉县 511722 (no base_url) as its built site folder, so both kinds of member are covered;
- 达川区 has one product of its own: ``dc-unique-dai`` (达川特色贷, 农业银行), key ``511703/dc-unique-dai``;
- 宣汉县 lacks one demo product (``PARTIAL_PRODUCT``): it is offered in two districts, every other
  demo product in all three (the grouped products of the finder);
- the city project has the canonical schema but no bank packages, and its own ``content/``: the
  demo's notices and pages, a city policy naming products by their region-scoped keys and a city
  case of a 达川区 bank.

``build_federation`` is pickled by ``conftest.built_once``: everything it returns is plain data.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import add_products, build_project, copy_project

CITY = ("达州市", "511700")
UNIQUE_ID = "dc-unique-dai"
UNIQUE_NAME = "达川特色贷"
UNIQUE_KEY = f"511703/{UNIQUE_ID}"
PARTIAL_PRODUCT = "icbc-e-diya-kuaidai"      # not offered in 宣汉县
CITY_BASE_URL = "https://www.dazhou.gov.cn/xwqy/"


@dataclass(frozen=True)
class MemberSpec:
    slug: str
    region: str
    code: str
    district: str
    base_url: str | None
    as_bundle: bool          # federated as its zip (True) or as its built site folder


MEMBERS = (
    MemberSpec("tongchuan", "通川区", "511702", "达州市通川区", "https://www.tongchuan.gov.cn/xwqy/", True),
    MemberSpec("dachuan", "达川区", "511703", "达州市达川区", "https://www.dachuan.gov.cn/xwqy/", True),
    MemberSpec("xuanhan", "宣汉县", "511722", "达州市宣汉县", None, False),
)


@dataclass(frozen=True)
class MemberSite:
    spec: MemberSpec
    project: Path
    site: Path
    bundle: Path

    @property
    def source(self) -> Path:
        """What the city federates: the bundle zip or the site folder."""
        return self.bundle if self.spec.as_bundle else self.site


@dataclass(frozen=True)
class FederatedFixture:
    city: Path                    # the city project (mkdocs.yml, content/, site_templates/, catalog/schema/)
    site: Path                    # the federated city portal
    members: tuple[MemberSite, ...]
    stdout: str                   # what portal federate printed (exit 0)

    def member(self, code: str) -> MemberSite:
        return next(m for m in self.members if m.spec.code == code)

    @property
    def sources(self) -> list[str]:
        return [str(m.source) for m in self.members]


def set_identity(project: Path, *, region: str, code: str, district: str, base_url: str | None,
                 office: str | None = None, site_name: str | None = None) -> None:
    """Rewrite the region, district, base_url (and office, site name) of a copied project's mkdocs.yml."""
    path = project / "mkdocs.yml"
    text = path.read_text(encoding="utf-8")
    replacements = {r"(?m)^(    region: )\S+": region, r'(?m)^(    region_code: )"\d+"': f'"{code}"',
                    r"(?m)^(    district: )\S+": district, r"(?m)^(    base_url: )\S+": base_url or '""'}
    if office:
        replacements[r"(?m)^(    office: )\S+"] = office
    if site_name:
        replacements[r"(?m)^(site_name: )\S+"] = site_name
    for pattern, value in replacements.items():
        text, count = re.subn(pattern, lambda m: m.group(1) + value, text)
        assert count == 1, pattern
    path.write_text(text, encoding="utf-8")


def unique_product(project: Path) -> dict[str, str]:
    """达川特色贷: the first 农业银行 product of the demo with a new id, name and summary."""
    rows = list(csv.DictReader(io.StringIO((project / "catalog/banks/abc/products.csv").read_text(encoding="utf-8"))))
    return {**rows[0], "product_id": UNIQUE_ID, "name": UNIQUE_NAME,
            "summary": "达川区农户和个体工商户的特色产业经营贷款，只在达川区办理。"}


def drop_product(project: Path, product_id: str) -> None:
    path = project / "catalog" / "banks" / product_id.split("-")[0] / "products.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    kept = [row for row in rows if row["product_id"] != product_id]
    assert len(kept) == len(rows) - 1
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(kept)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def build_member(folder: Path, spec: MemberSpec) -> MemberSite:
    from generator.release.bundle import write_bundle

    project = copy_project(folder / spec.slug)
    set_identity(project, region=spec.region, code=spec.code, district=spec.district, base_url=spec.base_url)
    if spec.code == "511703":
        add_products(project, unique_product(project))
    if spec.code == "511722":
        drop_product(project, PARTIAL_PRODUCT)
    site = build_project(project, folder / f"{spec.slug}-site")
    bundle = write_bundle(site, folder / f"{spec.slug}-bundle.zip").path
    return MemberSite(spec, project, site, bundle)


CITY_POLICY = """---
title: 达州市小微企业融资协调工作机制实施方案
date: 2026-05-10
doc_number: 达市府办发〔2026〕8号
issuer: 达州市人民政府办公室
status: 现行有效
summary: 全市各区县统一开展小微企业融资协调工作，区县产品统一在市级产品库展示。
related_products: [{unique}, 511702/{partial}]
---

各区县工作机制办公室按月报送本地区产品数据，市级产品库汇总展示。
"""

CITY_CASE = """---
title: 达川区农户用特色贷扩大种植
date: 2026-07-20
bank_id: 511703-abc
products: [{unique}]
customer_type: 家庭农场
amount_wan: 30
summary: 达川区一家家庭农场通过农业银行达川特色贷获得 30 万元经营贷款。
---

家庭农场扩大种植规模，通过市级产品库找到达川特色贷，一周内获得贷款。
"""


def make_city(folder: Path) -> Path:
    """The city project: settings for 达州市, the canonical schema, and the city's own content."""
    city = copy_project(folder / "city")
    shutil.rmtree(city / "catalog" / "banks")
    shutil.rmtree(city / "catalog" / "registry")
    set_identity(city, region=CITY[0], code=CITY[1], district="达州市", base_url=CITY_BASE_URL,
                 office="达州市支持小微企业融资协调工作机制办公室", site_name="达州市小微企业金融服务产品库")
    content = city / "content"
    for kind in ("policies", "cases"):
        shutil.rmtree(content / kind)
        (content / kind).mkdir()
    (content / "policies" / "dazhou-2026-8.md").write_text(
        CITY_POLICY.format(unique=UNIQUE_KEY, partial=PARTIAL_PRODUCT), encoding="utf-8")
    (content / "cases" / "2026-07-20-dachuan-family-farm.md").write_text(
        CITY_CASE.format(unique=UNIQUE_KEY), encoding="utf-8")
    return city


def build_federation(folder: Path) -> FederatedFixture:
    """Build the three members (in-process), bundle them, and federate them into the city portal with
    the real command in a new process (the end-to-end check of ``portal federate`` exiting 0)."""
    from tests.conftest import run_portal

    members = tuple(build_member(folder, spec) for spec in MEMBERS)
    city = make_city(folder)
    site = folder / "city-site"
    result = run_portal("federate", *[str(m.source) for m in members], "--out", str(site), cwd=city, check=True)
    return FederatedFixture(city, site, members, result.stdout)
