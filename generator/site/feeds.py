"""Atom feeds (通知公告 and 政策解读) and ``sitemap.xml``, written into the built site.

Feed readers and search engines need absolute URLs, but the site itself uses only relative
links so that it works under any sub-path. ``extra.portal.base_url`` (the public address)
is therefore used here and nowhere else. Without it the feeds still work: their links are
relative to the feed file (feed readers resolve them against the feed's own URL), entry ids
are stable ``urn:uuid:`` names, and no sitemap is written, because a sitemap with relative
URLs is invalid. MkDocs' own sitemap (empty without ``site_url``) is always removed.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.core import urls
from generator.core.models import ContentDocument, PolicyMeta
from generator.site.model import SiteModel

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
CHINA_TIME = dt.timezone(dt.timedelta(hours=8))
FEEDS = {
    # folder: (feed title suffix, what the list holds)
    "notices": "通知公告",
    "policies": "政策解读",
}
# Pages that are not worth a search engine's visit.
NOT_IN_SITEMAP = {urls.SEARCH, urls.COMPARE}


def write_feeds_and_sitemap(site_dir: Path, model: SiteModel, written_pages: list[str]) -> list[str]:
    """Write the feeds (and, with the model's base URL, the sitemap); returns the written paths."""
    written = []
    for folder, label in FEEDS.items():
        docs = model.content.notices if folder == "notices" else model.content.policies
        target = site_dir / urls.feed(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_xml(atom_feed(model, folder, label, docs), target)
        written.append(urls.feed(folder))
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        (site_dir / name).unlink(missing_ok=True)
    if model.base_url:
        _write_xml(sitemap(model, written_pages), site_dir / "sitemap.xml")
        written.append("sitemap.xml")
    return written


# Elements are built unqualified under a root carrying xmlns: ET.register_namespace would change a
# process-wide prefix map that other code shares.
def atom_feed(model: SiteModel, folder: str, label: str, docs: list[ContentDocument]) -> ET.Element:
    site_title = f"{model.settings.district}小微企业金融服务产品库"

    base_url = model.base_url

    def link(path: str) -> str:
        # Relative links resolve against the feed file, which lives in ``folder``.
        return model.public_url(path) or path.removeprefix(f"{folder}/") or "./"

    feed = ET.Element("feed", {"xmlns": ATOM_NS, "{http://www.w3.org/XML/1998/namespace}lang": "zh"})
    if not base_url:
        feed.append(ET.Comment(" 未设置 extra.portal.base_url：链接为相对于本文件的地址。"
                               "设置网站的公开地址后，链接改为完整网址，并生成 sitemap.xml。 "))
    _text(feed, "title", f"{site_title} · {label}")
    _text(feed, "subtitle", f"{model.settings.office or site_title}发布的{label}")
    _text(feed, "id", link(urls.feed(folder)) if base_url else _urn(urls.feed(folder)))
    ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml",
                                                 "href": link(urls.feed(folder))})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html",
                                                 "href": link(f"{folder}/")})
    newest = max((d.updated for d in docs), default=model.data_updated)
    _text(feed, "updated", _timestamp(newest))
    author = ET.SubElement(feed, "author")
    _text(author, "name", model.settings.office or site_title)
    for doc in docs:
        entry = ET.SubElement(feed, "entry")
        _text(entry, "title", doc.title)
        _text(entry, "id", link(doc.url) if base_url else _urn(doc.url))
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html",
                                                      "href": link(doc.url)})
        _text(entry, "published", _timestamp(doc.date))
        _text(entry, "updated", _timestamp(doc.updated))
        summary = doc.meta.summary
        if isinstance(doc.meta, PolicyMeta):
            summary = f"{doc.meta.doc_number}（{doc.meta.status}）" + (f"：{summary}" if summary else "")
        if summary:
            _text(entry, "summary", summary)
        for tag in [*doc.meta.tags, *([str(doc.meta.status)] if isinstance(doc.meta, PolicyMeta) else [])]:
            ET.SubElement(entry, "category", {"term": tag})
    return feed


def sitemap(model: SiteModel, written_pages: list[str]) -> ET.Element:
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for page in written_pages:
        if page in NOT_IN_SITEMAP:
            continue
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = model.public_url(page)
        ET.SubElement(url, "lastmod").text = model.page_date(page)[1].isoformat()
    return urlset


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _timestamp(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(), CHINA_TIME).isoformat()


def _urn(path: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"tongchuan-portal:{path}").urn


def _write_xml(root: ET.Element, target: Path) -> None:
    ET.indent(root)
    ET.ElementTree(root).write(target, encoding="utf-8", xml_declaration=True)
