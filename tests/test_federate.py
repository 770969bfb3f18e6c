"""``portal federate``: the city portal joins its members' products under region-scoped keys, and a
member that is not exactly its verified release (tampered, unsafe, not a zip, two of one region,
products the canonical schema rejects, no region) stops it with nothing published.

The federated city portal of tests/federation.py (three demo districts, one of them a site folder)
is built once by the real command (``federated_site``); the refusals run in-process against a copy
of that portal as the live ``--out``, which must stay byte-identical.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from generator.commands import federate as federate_module
from generator.commands.federate import copy_release_files, load_federation
from generator.core.issues import IssueList
from generator.core.schema import load_schema
from generator.core.settings import load_settings, project_paths
from generator.ingest import members
from generator.ingest.members import read_member, within
from generator.site import exports
from tests.conftest import portal
from tests.federation import CITY, PARTIAL_PRODUCT, UNIQUE_ID, UNIQUE_KEY, UNIQUE_NAME, FederatedFixture, set_identity


def published(site: Path) -> list[dict]:
    return json.loads((site / "downloads" / "products.json").read_text(encoding="utf-8"))["products"]


def csv_rows(site: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO((site / "downloads" / "products.csv").read_text(encoding="utf-8-sig"))))


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (and the folder's siblings' names) by content: "nothing published"."""
    files = {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(folder.rglob("*")) if p.is_file()}
    return {**files, "..": " ".join(sorted(p.name for p in folder.parent.iterdir() if not p.name.startswith(".")))}


@pytest.fixture
def live(federated_site: FederatedFixture, tmp_path: Path) -> Path:
    """A copy of the federated portal as the live ``--out`` of a federate that must not replace it."""
    return Path(shutil.copytree(federated_site.site, tmp_path / "live"))


def refused(fed: FederatedFixture, live: Path, *sources: Path | str) -> str:
    """Run federate over ``live``: exit 1 and ``live`` unchanged; what it printed on stderr."""
    before = snapshot(live)
    result = portal("federate", *map(str, sources), "--out", str(live), cwd=fed.city)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert snapshot(live) == before
    assert "Traceback" not in result.stderr
    return result.stderr


def rezip(bundle: Path, target: Path, change) -> Path:  # noqa: ANN001
    """A copy of ``bundle`` with its entries (name -> bytes) passed through ``change``."""
    with zipfile.ZipFile(bundle) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    change(entries)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return target


# --- the federated catalogue -------------------------------------------------------------------


def test_federate_exit_0_joins_every_members_products_under_region_keys(federated_site: FederatedFixture) -> None:
    assert "已生成" in federated_site.stdout and str(federated_site.site) in federated_site.stdout
    products = published(federated_site.site)
    expected = {f"{m.spec.code}/{row['产品编号']}": (m.spec.region, row["产品名称"])
                for m in federated_site.members for row in csv_rows(m.site)}
    assert {p["product_id"]: (p["region"]["name"], p["name"]) for p in products} == expected
    assert len(expected) == sum(len(csv_rows(m.site)) for m in federated_site.members)
    for product in products:
        code, own = product["product_id"].split("/")
        assert product["source_id"] == own and product["region"]["code"] == code
        assert product["url"] == f"products/{code}/{own}/"
        assert product["bank_id"].startswith(f"{code}-")


def test_unique_and_partial_products(federated_site: FederatedFixture) -> None:
    by_key = {p["product_id"]: p for p in published(federated_site.site)}
    unique = [p for p in by_key.values() if p["source_id"] == UNIQUE_ID]
    assert [(p["product_id"], p["name"]) for p in unique] == [(UNIQUE_KEY, UNIQUE_NAME)]
    page = (federated_site.site / "products" / "511703" / UNIQUE_ID / "index.html").read_text(encoding="utf-8")
    assert UNIQUE_NAME in page
    assert sorted(k.split("/")[0] for k in by_key if k.endswith("/" + PARTIAL_PRODUCT)) == ["511702", "511703"]


def test_downloads_and_manifest_of_the_city(federated_site: FederatedFixture) -> None:
    rows = csv_rows(federated_site.site)
    # The city's products.csv is what a province reads: each row the district's own id and its region.
    assert {(r["行政区划代码"], r["地区"]) for r in rows} == {(m.spec.code, m.spec.region) for m in federated_site.members}
    assert {r["产品编号"] for r in rows if r["行政区划代码"] == "511703"} >= {UNIQUE_ID}
    manifest = json.loads((federated_site.site / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["region"] == {"name": CITY[0], "code": CITY[1]}
    assert portal("verify", str(federated_site.site)).returncode == 0


def test_members_documents_link_to_their_sites(federated_site: FederatedFixture) -> None:
    paths = project_paths(federated_site.city, out=federated_site.site)
    loaded = load_federation(paths, [m.source for m in federated_site.members], dt.date(2026, 11, 27))
    assert loaded.issues.valid, loaded.issues.errors
    federation = loaded.catalog.federation
    assert [m.region.code for m in federation.members] == [m.spec.code for m in federated_site.members]
    for member, site in zip(federation.members, federated_site.members, strict=True):
        assert member.source == str(site.source) and member.base_url == site.spec.base_url
        listed = json.loads((site.site / "downloads" / "content.json").read_text(encoding="utf-8"))["documents"]
        assert [(d.kind, d.title, d.date.isoformat()) for d in member.documents] == \
            [(d["kind"], d["title"], d["date"]) for d in listed]
        assert [d.url for d in member.documents] == \
            [site.spec.base_url + d["url"] if site.spec.base_url else None for d in listed]
    # The city's own content names district products by their keys (tests/federation.py).
    policy = loaded.content.policies[0]
    assert policy.meta.related_products == (UNIQUE_KEY, f"511702/{PARTIAL_PRODUCT}")


def test_city_content_naming_a_districts_own_id_is_told_the_key(federated_site: FederatedFixture,
                                                                tmp_path: Path) -> None:
    city = Path(shutil.copytree(federated_site.city, tmp_path / "city"))
    policy = city / "content" / "policies" / "dazhou-2026-8.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace(UNIQUE_KEY, UNIQUE_ID), encoding="utf-8")
    result = portal("federate", *federated_site.sources, "--out", str(tmp_path / "out"), cwd=city)
    assert result.returncode == 1
    assert f"引用的产品编号“{UNIQUE_ID}”不存在" in result.stderr and UNIQUE_KEY in result.stderr
    assert not (tmp_path / "out").exists()


# --- refusals: nothing published -----------------------------------------------------------------


def test_tampered_bundle_is_refused(federated_site: FederatedFixture, live: Path, tmp_path: Path) -> None:
    member = federated_site.member("511703")

    def one_byte(entries: dict[str, bytes]) -> None:
        page = entries["site/index.html"]
        at = page.index(b"<title>") + 1
        entries["site/index.html"] = page[:at] + b"T" + page[at + 1:]

    tampered = rezip(member.bundle, tmp_path / "dachuan-tampered.zip", one_byte)
    message = refused(federated_site, live, federated_site.member("511702").bundle, tampered)
    assert str(tampered) in message and "site/index.html" in message


def test_bundle_with_a_path_outside_is_refused(federated_site: FederatedFixture, live: Path, tmp_path: Path) -> None:
    evil = rezip(federated_site.member("511702").bundle, tmp_path / "evil.zip",
                 lambda entries: entries.update({"../evil.html": b"<p>evil</p>"}))
    message = refused(federated_site, live, evil)
    assert str(evil) in message and "../evil.html" in message
    assert not (tmp_path / "evil.html").exists() and not (live.parent / "evil.html").exists()


def test_folder_member_with_an_extra_file_is_refused(federated_site: FederatedFixture, live: Path,
                                                     tmp_path: Path) -> None:
    folder = Path(shutil.copytree(federated_site.member("511722").site, tmp_path / "xuanhan-site"))
    (folder / "products" / "extra.html").write_text("<p>extra</p>", encoding="utf-8")
    message = refused(federated_site, live, federated_site.member("511702").bundle, folder)
    assert str(folder) in message and "products/extra.html" in message


def test_a_file_that_is_not_a_zip_is_refused(federated_site: FederatedFixture, live: Path, tmp_path: Path) -> None:
    fake = tmp_path / "fake-bundle.zip"
    fake.write_text("这不是压缩包", encoding="utf-8")
    message = refused(federated_site, live, fake)
    assert str(fake) in message and "不是有效的 zip 文件" in message


def test_two_members_of_one_region_are_refused(federated_site: FederatedFixture, live: Path) -> None:
    tongchuan = federated_site.member("511702")
    message = refused(federated_site, live, tongchuan.bundle, federated_site.member("511703").bundle, tongchuan.site)
    assert str(tongchuan.bundle) in message and str(tongchuan.site) in message and "511702" in message


def test_products_the_canonical_schema_rejects_are_refused(federated_site: FederatedFixture, live: Path,
                                                           tmp_path: Path) -> None:
    """A member whose products.csv has a rate "abc", re-hashed into its manifest: verification passes,
    validation against the city's schema does not."""
    folder = Path(shutil.copytree(federated_site.member("511722").site, tmp_path / "xuanhan-site"))
    table = folder / "downloads" / "products.csv"
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"), newline="")))
    rows[3][rows[0].index("年化利率下限(%)")] = "abc"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    table.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["files"] if e["path"] == "downloads/products.csv")
    entry["size"], entry["sha256"] = table.stat().st_size, hashlib.sha256(table.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    assert portal("verify", str(folder)).returncode == 0

    message = refused(federated_site, live, federated_site.member("511702").bundle, folder)
    assert f"{folder}: downloads/products.csv" in message
    assert "第 4 行" in message and "年化利率下限" in message and "abc" in message


def test_member_without_a_region_is_refused(federated_site: FederatedFixture, live: Path, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(federated_site.member("511722").site, tmp_path / "no-region"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["region"] = None
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    message = refused(federated_site, live, folder)
    assert str(folder) in message and "extra.portal.region 和 region_code" in message


def test_missing_member_is_a_usage_error(federated_site: FederatedFixture, tmp_path: Path) -> None:
    result = portal("federate", str(tmp_path / "nowhere.zip"), "--out", str(tmp_path / "out"), cwd=federated_site.city)
    assert result.returncode == 2 and "nowhere.zip" in result.stderr
    assert portal("federate", cwd=federated_site.city).returncode == 2     # no member at all


def test_out_cannot_be_a_member(federated_site: FederatedFixture, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(federated_site.member("511722").site, tmp_path / "xuanhan-site"))
    before = snapshot(folder)
    result = portal("federate", str(folder), "--out", str(folder), cwd=federated_site.city)
    assert result.returncode == 2 and str(folder) in result.stderr
    assert snapshot(folder) == before


def test_member_table_over_its_cap_is_refused(federated_site: FederatedFixture, live: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(federate_module.CAPS, "downloads/products.csv", 1000)
    site = federated_site.member("511722").site
    message = refused(federated_site, live, site)
    assert f"成员 {site} 的 downloads/products.csv" in message and "超过上限" in message


# --- reading one member ------------------------------------------------------------------------


def read_copy(fed: FederatedFixture, code: str, folder: Path, change=None) -> tuple[members.MemberRelease, IssueList]:  # noqa: ANN001
    """A member's four files copied into ``folder`` as federate copies them, ``change``d, then read."""
    copy_release_files(fed.member(code).source, folder)
    if change is not None:
        change(folder)
    paths = project_paths(fed.city)
    issues = IssueList()
    release = read_member(folder, fed.member(code).spec.slug, schema=load_schema(paths.schema_file),
                          settings=load_settings(paths.mkdocs_yml), today=dt.date(2026, 11, 27), issues=issues)
    return release, issues


def test_neutralised_formula_cells_are_read_as_the_district_wrote_them(federated_site: FederatedFixture,
                                                                       tmp_path: Path) -> None:
    """The downloads put an apostrophe before text a spreadsheet would run (=, +, -, @): the city
    reads the district's text back, and each product names the member's file."""
    def formulas(folder: Path) -> None:
        table = folder / "downloads" / "products.csv"
        rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"), newline="")))
        rows[1][rows[0].index("利率说明")] = "'=LPR+50BP"
        rows[2][rows[0].index("其他费用")] = "'-"
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        table.write_bytes(buffer.getvalue().encode("utf-8-sig"))

    release, issues = read_copy(federated_site, "511702", tmp_path / "member", formulas)
    assert issues.valid, issues.errors
    assert release.products[0].rate_note == "=LPR+50BP" and release.products[1].fees == "-"
    assert {p.source_file for p in release.products} == {"tongchuan: downloads/products.csv"}
    assert (members.REGION_NAME_COLUMN, members.REGION_CODE_COLUMN) == tuple(f["name"] for f in exports.REGION_FIELDS)
    assert members.FORMULA_PREFIXES == exports.FORMULA_PREFIXES


# --- a province federating the city -----------------------------------------------------------


def test_a_city_release_keeps_its_districts_keys_at_the_province(federated_site: FederatedFixture,
                                                                 tmp_path: Path) -> None:
    """The city's site federated again (by 四川省): every product keeps its district and key."""
    province = Path(shutil.copytree(federated_site.city, tmp_path / "province"))
    set_identity(province, region="四川省", code="510000", district="四川省", base_url=None)
    paths = project_paths(province)
    settings, schema = load_settings(paths.mkdocs_yml), load_schema(paths.schema_file)
    copy_release_files(federated_site.site, tmp_path / "member")
    issues = IssueList()
    release = read_member(tmp_path / "member", "dazhou", schema=schema, settings=settings,
                          today=dt.date(2026, 11, 27), issues=issues)
    assert issues.valid, issues.errors
    assert release.member.region.code == CITY[1]
    city = {p["product_id"]: (p["bank_id"], p["region"]["name"]) for p in published(federated_site.site)}
    assert {p.product_id: (p.bank_id, p.region.name) for p in release.products} == city
    assert {r.code for r in release.regions} == {CITY[1]} | {m.spec.code for m in federated_site.members}

    # A district given both inside the city release and on its own is refused.
    live = tmp_path / "out"
    result = portal("federate", str(federated_site.site), str(federated_site.member("511703").bundle),
                    "--out", str(live), cwd=province)
    assert result.returncode == 1 and "511703" in result.stderr and not live.exists()


def test_region_hierarchy() -> None:
    assert within("511703", "511703") and within("511703", "511700") and within("511703", "510000")
    assert not within("511703", "511702") and not within("500103", "510000") and not within("511803", "511700")


def test_a_province_federates_a_citys_release_into_its_districts(federated_site: FederatedFixture, tmp_path):
    """The scale path goes up a level: the city's bundle is a member whose rows keep their districts."""
    from generator.release.bundle import write_bundle
    from tests.federation import CITY_BASE_URL

    city_zip = write_bundle(federated_site.site, tmp_path / "city.zip").path
    province = tmp_path / "province"
    for name in ("catalog", "content", "site_templates"):
        shutil.copytree(federated_site.city / name, province / name)
    shutil.copy(federated_site.city / "mkdocs.yml", province / "mkdocs.yml")
    set_identity(province, region="四川省", code="510000", district="四川省", base_url=None)
    out = tmp_path / "province-site"
    result = portal("federate", str(city_zip), "--out", str(out), cwd=province)
    assert result.returncode == 0, result.stderr
    finder = json.loads((out / "assets" / "data" / "finder.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in finder["regions"]] == ["通川区", "达川区", "宣汉县"]   # not 达州市 itself
    page = (out / "products" / "511703" / UNIQUE_ID / "index.html").read_text(encoding="utf-8")
    # Its page on the city's site, where the city published it under the same key.
    assert f'href="{CITY_BASE_URL}products/511703/{UNIQUE_ID}/"' in page
    overview = (out / "regions" / "index.html").read_text(encoding="utf-8")
    assert overview.count('<tr data-region="') == 3


def test_a_member_bundle_without_a_sign_off_is_a_warning_naming_it(federated_site: FederatedFixture):
    """The fixture's bundles are made without --reviewer: the city is told, the build still runs."""
    assert "unsigned-release" in federated_site.stdout
    assert "tongchuan-bundle.zip" in federated_site.stdout and "没有审核签字" in federated_site.stdout
