"""Sanitising the HTML that MkDocs renders from staff Markdown.

Staff may write a little HTML in Markdown (``<details>``, ``<abbr>``, a table cell with a
line break). What comes out of Python-Markdown is passed through nh3 (the Rust ``ammonia``
sanitiser) with an allow-list that keeps everything normal Markdown produces and removes
scripts, frames, forms, styles, every event handler and every ``javascript:``/``data:`` URL.

Only content pages (``portal_content: true`` in the generated front matter, set by
``generator.site.pages.PageWriter``) are sanitised, by the MkDocs plugin (generator.site.mkdocs_plugin): generated product and bank pages contain bank text
only through Jinja2 autoescaping, and their markup (forms, filters) is ours.
"""

from __future__ import annotations

import nh3

CONTENT_FLAG = "portal_content"

# What Python-Markdown (tables, admonition, attr_list, def_list, toc) and our content
# templates produce, plus the harmless HTML staff use in Markdown.
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul", "aside",
}
# Removed together with their content; every other unknown tag is unwrapped (text kept).
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "form", "noscript", "template",
                     "svg", "math", "select", "textarea", "button"}
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-labelledby",
          "aria-describedby", "aria-hidden"},
    "a": {"href", "hreflang", "type"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "abbr": {"title"},
    "details": {"open"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
# Python-Markdown writes table column alignment as style="text-align: ..."; nothing else.
STYLE_PROPERTIES = {"text-align"}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Links leave the site without leaking the page or giving the target a handle on it.
LINK_REL = "noopener noreferrer"


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        generic_attribute_prefixes={"data-pagefind-"},
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        filter_style_properties=STYLE_PROPERTIES,
        strip_comments=True,
    )
