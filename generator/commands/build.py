"""``portal build`` as a library function: load, validate, model, render, index, check, publish.

The flow, one call per stage (see generator/__init__.py for where each lives)::

    settings ─ ingest (catalogue) ─ content (documents, wording, queries) ─ site model
      └─ pages → assets → finder → downloads → MkDocs (plugin) → feeds → CSP → Pagefind → search map
      └─ release: checks → change report → atomic publish into --out
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from generator.content.documents import load_content
from generator.content.queries import QueryRules, load_queries
from generator.content.wording import check_product_wording
from generator.core.issues import IssueList
from generator.core.models import Catalog, SiteContent
from generator.core.settings import PortalSettings, ProjectPaths, check_warning_notice, load_settings
from generator.ingest.catalog import load_catalog
from generator.release import checks, publish
from generator.release.changes import ChangeReport, compare_sites
from generator.site import assets, csp, exports, feeds, finder, pages, search
from generator.site.mkdocs_plugin import Banner, ThemeInputs, build_site
from generator.site.model import SiteModel, make_model, notice_version


@dataclass
class BuildResult:
    issues: IssueList
    published: bool = False
    pages: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    changes: ChangeReport | None = None
    field_titles: dict[str, str] = field(default_factory=dict)   # for the report


@dataclass
class LoadedInput:
    settings: PortalSettings
    catalog: Catalog
    content: SiteContent
    issues: IssueList
    queries: QueryRules = field(default_factory=QueryRules)   # content/queries.yml + bank names


def load_input(paths: ProjectPaths, *, today: dt.date | None = None) -> LoadedInput:
    """Read and validate everything; never raises for bad data (it becomes issues)."""
    settings = load_settings(paths.mkdocs_yml)
    issues = IssueList()
    catalog = load_catalog(paths, settings, issues, today=today)
    check_product_wording(catalog.products, paths, issues, catalog.schema.titles)
    queries = load_queries(paths.content, catalog.banks, catalog.schema)   # broken file: ConfigError
    content = load_content(paths.content, catalog, issues, display_root=paths.root)
    return LoadedInput(settings, catalog, content, issues, queries)


def build_portal(paths: ProjectPaths, *, today: dt.date | None = None) -> BuildResult:
    started = time.perf_counter()
    today = today or dt.date.today()
    publish.check_output_target(paths.out, [paths.root, paths.catalog, paths.content, paths.templates,
                                            paths.mkdocs_yml])
    loaded = load_input(paths, today=today)
    check_warning_notice(loaded.settings, paths.content)   # the banner's notice must exist: exit 2
    schema = loaded.catalog.schema
    result = BuildResult(issues=loaded.issues, field_titles=schema.titles)
    if not loaded.issues.valid:
        return result
    model = make_model(loaded.catalog, loaded.content, loaded.settings, schema.titles, today, schema.vocab)
    with publish.staging_area(paths.out) as stage:
        docs_dir, site_dir = stage / "docs", stage / "site"
        docs_dir.mkdir()
        written = pages.PageWriter(docs_dir, paths.templates, model).write_all()
        assets.copy_assets(paths.templates / "assets", docs_dir / "assets")
        finder.write_finder_index(docs_dir, model, loaded.queries.to_browser())
        exports.write_downloads(docs_dir, model.products, loaded.catalog.banks, model.fields,
                                sample_data=loaded.settings.sample_data, generated=today)
        build_site(paths, docs_dir, site_dir, ThemeInputs(loaded.settings, _banner(model)))
        feeds.write_feeds_and_sitemap(site_dir, model, written)
        csp.apply_policy(site_dir)
        search.index_site(site_dir, paths.root)
        # The finder maps Pagefind's result ids to products; the ids exist only now.
        finder.write_search_map(site_dir, model, search.page_hashes(site_dir))
        content_pages = {doc.url: f"{paths.content.name}/{doc.source}" for doc in loaded.content.all()}
        result.problems = checks.check_site(site_dir) + checks.check_content_links(site_dir, content_pages)
        if result.problems:
            return result
        result.changes = compare_sites(paths.out, site_dir)
        publish.mark_output(site_dir)
        publish.publish(site_dir, paths.out)
    result.published = True
    result.pages = len(written)
    result.seconds = time.perf_counter() - started
    return result


def _banner(model: SiteModel) -> Banner | None:
    notice = model.warning_notice
    return Banner(url=notice.url, version=notice_version(notice)) if notice is not None else None
