"""``portal federate``: a city or province portal built from its districts' releases.

Each member (a bundle zip from ``portal bundle`` or a built site folder) is first verified against
its own manifest (``release.verify``): a missing, extra or altered file, no manifest, or a file that
is not a zip stops everything (exit 1, naming the member) before a page is written. Only four files
of it are then read, copied by fixed names into a private temporary folder (a path inside the zip
never becomes a path on disk) and checked again against the verified manifest:
``ingest/members.py`` reads them and validates the products against this project's canonical schema.

The rest is ``portal build``: ``build_portal`` with a loader that hands it the joined catalogue
(``Catalog.federation`` set) and this project's settings and ``content/``. The city project needs its
``mkdocs.yml``, ``content/``, ``site_templates/`` and the canonical schema ``catalog/schema/`` (the same
file every district validates against; no bank packages): a missing schema is a configuration error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from generator.commands.build import BuildResult, LoadedInput, build_portal, finish_input
from generator.commands.progress import Progress
from generator.core.errors import ConfigError
from generator.core.issues import IssueList
from generator.core.models import BankRecord, Catalog, Federation, ProductRecord, Region
from generator.core.schema import load_schema
from generator.core.settings import ProjectPaths, load_settings
from generator.ingest.loader import read_plain_file
from generator.ingest.members import (MANIFEST, MAX_CONTENT_BYTES, MAX_MANIFEST_BYTES, MAX_TABLE_BYTES, MEMBER_FILES,
                                      REBUILD_HINT, MemberError, MemberRelease, read_member)
from generator.release.manifest import ManifestError, ReleaseManifest, file_digest, parse_manifest
from generator.release.verify import BUNDLE_SITE, Refusal, Verification, verify

CAPS = {MANIFEST: MAX_MANIFEST_BYTES, "downloads/products.csv": MAX_TABLE_BYTES}


def federate(paths: ProjectPaths, members: Sequence[Path], *, today: dt.date | None = None,
             progress: Progress | None = None) -> BuildResult:
    """Verify and read every member, then build and publish the federated portal into ``paths.out``."""
    if not members:
        raise ConfigError("请至少指定一个区县的发布包（.zip）或网站目录。")
    sources = list(members)

    def load(project: ProjectPaths, day: dt.date) -> LoadedInput:
        return load_federation(project, sources, day)

    return build_portal(paths, today=today, progress=progress, load=load, protected=[m.absolute() for m in sources])


def load_federation(paths: ProjectPaths, members: Sequence[Path], today: dt.date) -> LoadedInput:
    """The federated input: members verified, read and joined; this project's settings and content."""
    settings = load_settings(paths.mkdocs_yml)
    schema = load_schema(paths.schema_file)
    issues = IssueList()
    releases: list[MemberRelease] = []
    digests: list[str] = []
    with tempfile.TemporaryDirectory(prefix="portal-federate-") as scratch:
        for number, source in enumerate(members, start=1):
            folder = Path(scratch) / f"member-{number}"
            checked = copy_release_files(source, folder)
            if checked.is_bundle and checked.review is None:
                # Districts sign off their release before sending it (portal bundle --reviewer).
                issues.warning(str(source), "unsigned-release", "这个区县发布包没有审核签字（review.json）。",
                               "请向该区县确认发布前已经审核；区县打包时可用 portal bundle --reviewer 姓名 记录签字。")
            releases.append(read_member(folder, str(source), schema=schema, settings=settings, today=today,
                                        issues=issues))
            digests.append(file_digest(folder / MANIFEST))
    check_regions(releases)
    banks: dict[str, BankRecord] = {}
    products: list[ProductRecord] = []
    for release in releases:
        banks.update(release.banks)
        products.extend(release.products)
    catalog = Catalog(banks=banks, products=products, schema=schema,
                      federation=Federation(tuple(r.member for r in releases), _covered(releases, products)))
    # The members' releases are inputs too: a changed member changes the federated manifest.
    inputs = {f"members/{r.member.region.code}/{MANIFEST}": digest for r, digest in zip(releases, digests)}
    return finish_input(paths, settings, catalog, issues, inputs)


def _covered(releases: list[MemberRelease], products: list[ProductRecord]) -> tuple[tuple[Region, str], ...]:
    """The districts of the federated site: a district member's own region; a city release's districts
    that have products (not the city itself, which publishes none of its own)."""
    with_products = {p.region.code for p in products if p.region is not None}
    return tuple((region, r.member.region.code) for r in releases for region in r.regions
                 if len(r.regions) == 1 or region.code in with_products)


def check_regions(releases: list[MemberRelease]) -> None:
    """One member per region: two releases of one district (or a district also inside a city release)
    would publish its products twice."""
    first: dict[str, MemberRelease] = {}
    for release in releases:
        for region in release.regions:
            other = first.setdefault(region.code, release)
            if other is not release:
                raise MemberError(f"成员 {other.member.source} 和 {release.member.source} 都包含 {region.name}"
                                  f"（行政区划代码 {region.code}）的数据，未生成网站。每个区县只能报送一个发布包："
                                  f"请去掉重复的一个，或核对两个区县 mkdocs.yml 中的 region_code。")


def copy_release_files(source: Path, folder: Path) -> Verification:
    """Verify ``source`` against its manifest and copy the member files into ``folder`` (fixed names),
    each checked again against the verified manifest; any failure raises, naming the member."""
    checked = verify(source)
    if checked.failure is not None and checked.failure.code is Refusal.NOT_FOUND:
        raise ConfigError(f"找不到成员 {source}：{checked.failure.message}")
    if not checked.intact:
        raise MemberError("\n".join([f"成员 {source} 未通过校验，未生成网站：{checked.summary()}",
                                      *(f"  ✗ {line}" for line in checked.problems())]))
    assert checked.manifest is not None
    data = _read_bundle(source) if checked.is_bundle else _read_folder(source)
    try:
        copied = parse_manifest(data[MANIFEST])
    except ManifestError:
        copied = None
    if copied != checked.manifest:
        raise MemberError(f"成员 {source} 在校验后被改动（{MANIFEST} 与校验时不同），未生成网站。")
    _check_digests(source, copied, data)
    for name, content in data.items():
        target = folder.joinpath(*name.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return checked


def _read_bundle(bundle: Path) -> dict[str, bytes]:
    """The member files out of a verified zip, each read up to its cap; nothing is extracted."""
    data: dict[str, bytes] = {}
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        prefix = BUNDLE_SITE if BUNDLE_SITE + MANIFEST in names else ""
        for name in MEMBER_FILES:
            if prefix + name not in names:
                raise MemberError(f"成员 {bundle} 中没有 {prefix + name}，未生成网站。{REBUILD_HINT}")
            cap = CAPS.get(name, MAX_CONTENT_BYTES)
            with archive.open(prefix + name) as handle:
                content = handle.read(cap + 1)
            if len(content) > cap:
                raise MemberError(f"成员 {bundle} 中的 {prefix + name} 超过 {cap // 1024 // 1024} MB 上限，未生成网站。")
            data[name] = content
    return data


def _read_folder(site: Path) -> dict[str, bytes]:
    """The member files of a verified site folder: plain files only (no links), each up to its cap."""
    data: dict[str, bytes] = {}
    for name in MEMBER_FILES:
        problems = IssueList()
        content = read_plain_file(site.joinpath(*name.split("/")), name, problems, CAPS.get(name, MAX_CONTENT_BYTES))
        if content is None:
            why = problems.errors[0].message if problems.errors else "无法读取"
            raise MemberError(f"成员 {site} 的 {name}：{why}未生成网站。{REBUILD_HINT}")
        data[name] = content
    return data


def _check_digests(source: Path, manifest: ReleaseManifest, data: dict[str, bytes]) -> None:
    listed = manifest.by_path
    for name, content in data.items():
        if name == MANIFEST:
            continue
        entry = listed.get(name)
        if entry is None:
            raise MemberError(f"成员 {source} 的发布清单中没有 {name}，未生成网站。{REBUILD_HINT}")
        if hashlib.sha256(content).hexdigest() != entry.sha256:
            raise MemberError(f"成员 {source} 的 {name} 在校验后被改动，未生成网站。")
