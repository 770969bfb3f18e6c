"""Staff HTML in Markdown is sanitised by nh3: attacks removed, normal Markdown output kept."""

from __future__ import annotations

import markdown
import pytest

from generator.content.sanitize import clean_html
from tests.quality.security import STAFF_HTML_DANGEROUS as DANGEROUS
from tests.quality.security import STAFF_HTML_PAYLOADS as PAYLOADS


@pytest.mark.parametrize("payload", PAYLOADS)
def test_attacks_are_removed(payload):
    cleaned = clean_html(f"<p>前</p>{payload}<p>后</p>")
    lowered = cleaned.lower()
    for needle in DANGEROUS:
        assert needle not in lowered, (payload, cleaned)
    assert "<p>前</p>" in cleaned and "<p>后</p>" in cleaned


def render(text: str) -> str:
    return markdown.markdown(text, extensions=["toc", "tables", "admonition", "attr_list", "def_list"])


def test_normal_markdown_survives():
    html = render("""## 标题

| 左 | 中 |
| :-- | :-: |
| 1 | 2 |

!!! note "提示"
    担保费率不超过 1%。

[内部链接](../cases/) 和 [银行网站](https://www.icbc.com.cn/)，<abbr title="贷款市场报价利率">LPR</abbr>

术语
:   解释

<details><summary>展开</summary><p>内容</p></details>

`code` 和 **粗体**
""")
    cleaned = clean_html(html)
    assert '<h2 id="_1">标题</h2>' in cleaned
    assert '<th style="text-align:center">中</th>' in cleaned.replace("; ", ";").replace(": ", ":")
    assert '<div class="admonition note">' in cleaned and '<p class="admonition-title">提示</p>' in cleaned
    assert 'href="../cases/"' in cleaned
    assert '<a href="https://www.icbc.com.cn/" rel="noopener noreferrer">银行网站</a>' in cleaned
    assert '<abbr title="贷款市场报价利率">LPR</abbr>' in cleaned
    assert "<dl>" in cleaned and "<dt>术语</dt>" in cleaned
    assert "<details><summary>展开</summary>" in cleaned
    assert "<code>code</code>" in cleaned and "<strong>粗体</strong>" in cleaned


def test_attr_list_cannot_smuggle_handlers():
    cleaned = clean_html(render("[链接](../){: onclick=\"alert(1)\" .ok }"))
    assert "onclick" not in cleaned and 'class="ok"' in cleaned


def test_built_content_pages_are_sanitised(hostile_site):
    """The hostile variant's about.md ends with every payload and a last sentence."""
    html = (hostile_site.site / "about" / "index.html").read_text(encoding="utf-8")
    article = html[html.index('<div class="portal-page"'):html.index("</article>")]
    assert "安全的结尾。" in article
    for needle in DANGEROUS:
        assert needle not in article.lower(), needle
    # The theme's own scripts (outside the content) are untouched.
    assert "assets/portal.js" in html
