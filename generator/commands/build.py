"""``portal build`` as a library function: load, validate, model, render, index, check, publish.

The flow, one call per stage (see generator/__init__.py for where each lives)::

    settings ─ ingest (catalogue) ─ content (documents, wording, queries) ─ site model
      └─ pages → assets → finder → downloads → MkDocs (plugin) → feeds → CSP → Pagefind → search map
      └─ release: checks → manifest → change report → atomic publish into --out

Builds into one ``--out`` are serialised by a lock held for the whole build, so the change report
always compares with the site that is live, and leftovers of killed builds are removed safely.
The same inputs give byte-identical output: dates come from the data (or ``SOURCE_DATE_EPOCH``),
never from the clock or the folder the project sits in.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment

from generator.commands.progress import CHECK, FINISH, INDEX, LOAD, PAGES, PUBLISH, RENDER, Progress
from generator.content.documents import load_content
from generator.content.queries import QueryRules, load_queries
from generator.content.wording import check_product_wording
from generator.core.errors import ConfigError
from generator.core.issues import IssueList
from generator.core.models import BEIJING, Catalog, SiteContent
from generator.core.settings import PortalSettings, ProjectPaths, check_warning_notice, load_settings
from generator.ingest.catalog import load_catalog
from generator.release import checks, manifest, publish
from generator.release.changes import ChangeReport, StaleBank, compare_with_release
from generator.site import assets, exports, feeds, finder, pages, search
from generator.site.mkdocs_plugin import Banner, ThemeInputs, build_site
from generator.site.model import SiteModel, make_model, notice_version

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


@dataclass
class BuildResult:
    issues: IssueList
    published: bool = False
    pages: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    changes: ChangeReport | None = None
    field_titles: dict[str, str] = field(default_factory=dict)   # for the report
    report: Path | None = None                                     # the HTML change report


@dataclass
class LoadedInput:
    settings: PortalSettings
    catalog: Catalog
    content: SiteContent
    issues: IssueList
    queries: QueryRules = field(default_factory=QueryRules)   # content/queries.yml + bank names
    inputs: dict[str, str] = field(default_factory=dict)      # more input digests for the manifest (members)


def source_date_epoch() -> dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` (reproducible-builds.org) as a UTC datetime; a malformed value is exit 2."""
    raw = os.environ.get(SOURCE_DATE_EPOCH)
    if raw is None or raw.strip() == "":
        return None
    try:
        return dt.datetime.fromtimestamp(int(raw.strip()), tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise ConfigError(f"环境变量 {SOURCE_DATE_EPOCH}=“{raw}”不是有效的 Unix 时间戳（整数秒），"
                          f"请改正或删除它。") from None


def build_date() -> dt.date:
    """The day the build counts as (expiry, staleness): ``SOURCE_DATE_EPOCH`` if set, else today."""
    epoch = source_date_epoch()
    return epoch.date() if epoch is not None else dt.date.today()


def release_stamp(model: SiteModel) -> str:
    """When this release's data is from, as an RFC 3339 datetime: from the data, not the clock."""
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{model.data_updated.isoformat()}T00:00:00Z"


def load_input(paths: ProjectPaths, *, today: dt.date | None = None) -> LoadedInput:
    """Read and validate everything; never raises for bad data (it becomes issues)."""
    settings = load_settings(paths.mkdocs_yml)
    issues = IssueList()
    catalog = load_catalog(paths, settings, issues, today=today)
    return finish_input(paths, settings, catalog, issues)


def finish_input(paths: ProjectPaths, settings: PortalSettings, catalog: Catalog, issues: IssueList,
                 inputs: dict[str, str] | None = None) -> LoadedInput:
    """After the catalogue (a district's banks or a federation's members): word checks, queries, content."""
    check_product_wording(catalog.products, paths, issues, catalog.schema.titles)
    queries = load_queries(paths.content, catalog.banks, catalog.schema)   # broken file: ConfigError
    content = load_content(paths.content, catalog, issues, display_root=paths.root, settings=settings)
    return LoadedInput(settings, catalog, content, issues, queries, inputs or {})


def render_pages(docs_dir: Path, paths: ProjectPaths, loaded: LoadedInput, model: SiteModel, *,
                 product_pages: Collection[str] | None = None, env: Environment | None = None) -> pages.PageWriter:
    """Generated pages, assets and finder data. ``product_pages``: only these product pages (the
    preview's incremental rebuild; None: all); ``env``: compiled templates to reuse."""
    writer = pages.PageWriter(docs_dir, paths.templates, model, env=env)
    writer.write_pages(product_pages)
    assets.copy_assets(paths.templates / "assets", docs_dir / "assets")
    finder.write_finder_index(docs_dir, model, loaded.queries.to_browser())
    return writer


def render_downloads(docs_dir: Path, loaded: LoadedInput, model: SiteModel) -> None:
    exports.write_downloads(docs_dir, model.products, loaded.catalog.banks, model.fields,
                            sample_data=loaded.settings.sample_data, released=release_stamp(model),
                            region=loaded.settings.region)
    exports.write_content_index(docs_dir, content_index(loaded))


def content_index(loaded: LoadedInput) -> dict:
    """``downloads/content.json``'s content: the documents the levels above link to."""
    content = loaded.content
    return exports.content_index([*content.policies, *content.cases, *content.notices], loaded.settings.region)


def render_docs(docs_dir: Path, paths: ProjectPaths, loaded: LoadedInput, model: SiteModel) -> list[str]:
    """Everything MkDocs turns into the site: generated pages, assets, finder data, downloads."""
    written = render_pages(docs_dir, paths, loaded, model).written
    render_downloads(docs_dir, loaded, model)
    return written


def finish_site(site_dir: Path, model: SiteModel, written: list[str]) -> None:
    """What needs the rendered HTML: feeds and sitemap (the plugin put in the Content-Security-Policy)."""
    feeds.write_feeds_and_sitemap(site_dir, model, written)


def index_site(site_dir: Path, paths: ProjectPaths, model: SiteModel) -> None:
    search.index_site(site_dir, paths.root)
    # The finder maps Pagefind's result ids to products; the ids exist only now.
    finder.write_search_map(site_dir, model, search.page_hashes(site_dir))


def site_identity(settings: PortalSettings) -> dict[str, object]:
    """Who published this release, for the manifest: what ``portal federate`` knows a member by."""
    region = settings.region
    return {"region": region.to_json() if region else None,
            "district": settings.district, "office": settings.office, "base_url": settings.base_url}


def input_files(paths: ProjectPaths) -> dict[str, str]:
    """Digests of everything the build read, keyed by role (not by absolute path)."""
    # catalog/history (previous submissions kept by portal accept) is not read by the build.
    return manifest.input_digests({"catalog/registry": paths.catalog / "registry",
                                   "catalog/schema": paths.catalog / "schema",
                                   "catalog/banks": paths.banks_dir, "content": paths.content,
                                   "site_templates": paths.templates}, {"mkdocs.yml": paths.mkdocs_yml})


Loader = Callable[[ProjectPaths, dt.date], LoadedInput]


def build_portal(paths: ProjectPaths, *, today: dt.date | None = None, progress: Progress | None = None,
                 load: Loader | None = None, protected: Sequence[Path] = ()) -> BuildResult:
    """Build and publish. ``load`` reads the input (default: the project's catalogue and content;
    ``portal federate`` passes one that reads member releases); ``protected``: more paths that
    ``--out`` must not contain (the members)."""
    started = time.perf_counter()
    progress = progress or Progress()
    today = today or build_date()
    publish.check_output_target(paths.out, [paths.root, paths.catalog, paths.content, paths.templates,
                                            paths.mkdocs_yml, *protected])
    with publish.output_lock(paths.out):
        publish.remove_leftovers(paths.out)
        with progress.stage(LOAD):
            loaded = (load or _load_project)(paths, today)
            check_warning_notice(loaded.settings, paths.content)   # the banner's notice must exist: exit 2
        schema = loaded.catalog.schema
        result = BuildResult(issues=loaded.issues, field_titles=schema.titles)
        if not loaded.issues.valid:
            return result
        model = make_model(loaded.catalog, loaded.content, loaded.settings, schema.titles, today, schema.vocab)
        with publish.staging_area(paths.out) as stage:
            docs_dir, site_dir = stage / "docs", stage / "site"
            docs_dir.mkdir()
            with progress.stage(PAGES):
                written = render_docs(docs_dir, paths, loaded, model)
            with progress.stage(RENDER):
                build_site(paths, docs_dir, site_dir, ThemeInputs(loaded.settings, banner(model)))
            with progress.stage(FINISH):
                finish_site(site_dir, model, written)
            with progress.stage(INDEX):
                index_site(site_dir, paths, model)
            with progress.stage(CHECK):
                content_pages = {doc.url: f"{paths.content.name}/{doc.source}" for doc in loaded.content.all()}
                result.problems = (checks.check_site(site_dir) + checks.check_content_links(site_dir, content_pages)
                                   + search.check_index(site_dir))
                if result.problems:
                    return result
                publish.mark_output(site_dir)
                manifest.write_manifest(site_dir, inputs={**input_files(paths), **loaded.inputs},
                                        pagefind=search.pagefind_version(paths.root),
                                        released=release_stamp(model), extra=site_identity(loaded.settings))
            with progress.stage(PUBLISH):
                result.changes = compare_with_release(paths.out, site_dir)
                result.changes.stale_banks = stale_banks(model)
                result.changes.warnings = list(loaded.issues.warnings)
                publish.publish(site_dir, paths.out)
                # Still under the lock: the report describes the site that is now live.
                result.report = publish.write_beside(
                    publish.report_path(paths.out),
                    result.changes.to_html(site=str(paths.out), generated=dt.datetime.now(BEIJING),
                                           released=release_stamp(model)))
    result.published = True
    result.pages = len(written)
    result.seconds = time.perf_counter() - started
    return result


def _load_project(paths: ProjectPaths, today: dt.date) -> LoadedInput:
    return load_input(paths, today=today)


def stale_banks(model: SiteModel) -> list[StaleBank]:
    """Banks whose newest published product is older than ``stale_after_days``."""
    found = []
    for bank in model.banks:
        newest = model.bank_updated(bank.bank_id)
        if newest is not None and (model.today - newest).days > model.settings.stale_after_days:
            found.append(StaleBank(bank.short_name or bank.name, newest, (model.today - newest).days))
    return found


def banner(model: SiteModel) -> Banner | None:
    notice = model.warning_notice
    return Banner(url=notice.url, version=notice_version(notice)) if notice is not None else None
