"""Issue reports: readable Chinese text, the JSON machine contract, and a self-contained HTML page."""

from __future__ import annotations

import json
from itertools import groupby

from jinja2 import Environment, select_autoescape

from generator.issues import Issue, IssueList


def _sorted(items: list[Issue]) -> list[Issue]:
    return sorted(items, key=lambda i: (i.file, i.row or 0, i.field or ""))


def to_json(issues: IssueList) -> str:
    return json.dumps({"valid": issues.valid,
                       "errors": [i.to_dict() for i in _sorted(issues.errors)],
                       "warnings": [i.to_dict() for i in _sorted(issues.warnings)]},
                      ensure_ascii=False, indent=2)


def _location(issue: Issue, field_titles: dict[str, str]) -> str:
    parts = []
    if issue.row is not None:
        parts.append(f"第 {issue.row} 行")
    if issue.field:
        title = field_titles.get(issue.field)
        parts.append(f"“{title}”列（{issue.field}）" if title else f"字段 {issue.field}")
    return "，".join(parts)


def to_text(issues: IssueList, field_titles: dict[str, str] | None = None) -> str:
    titles = field_titles or {}
    lines: list[str] = []
    for label, items in (("错误", issues.errors), ("警告", issues.warnings)):
        for file, group in groupby(_sorted(items), key=lambda i: i.file):
            lines.append(f"{label} · {file}")
            for issue in group:
                where = _location(issue, titles)
                lines.append(f"  {'✗' if label == '错误' else '!'} {where + '：' if where else ''}{issue.message}")
                if issue.hint:
                    lines.append(f"      修改方法：{issue.hint}")
                lines.append(f"      [{issue.code}]")
    summary = f"共 {len(issues.errors)} 个错误，{len(issues.warnings)} 个警告。"
    if issues.valid:
        summary += "校验通过。" if not issues.warnings else "校验通过（请留意警告）。"
    else:
        summary += "请修改全部错误后重新提交。"
    lines.append(summary)
    return "\n".join(lines)


_HTML = """<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>数据校验报告</title>
<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5rem;line-height:1.6;color:#1a1a1a}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f7}.error{color:#8a1c1c}.warning{color:#6b3500}.ok{color:#1b5e20;font-weight:700}
code{font-size:.85em}
</style>
</head>
<body>
<h1>数据校验报告</h1>
<p class="{{ 'ok' if valid else 'error' }}">{{ summary }}</p>
{% for label, cls, items in sections %}{% if items %}
<h2 class="{{ cls }}">{{ label }}（{{ items | length }}）</h2>
<table>
<thead><tr><th scope="col">文件</th><th scope="col">行</th><th scope="col">列</th><th scope="col">问题</th><th scope="col">修改方法</th><th scope="col">代码</th></tr></thead>
<tbody>
{% for i in items %}<tr><td>{{ i.file }}</td><td>{{ i.row if i.row is not none else "" }}</td><td>{{ (titles.get(i.field, "") ~ "（" ~ i.field ~ "）") if i.field else "" }}</td><td>{{ i.message }}</td><td>{{ i.hint }}</td><td><code>{{ i.code }}</code></td></tr>
{% endfor %}</tbody>
</table>
{% endif %}{% endfor %}
</body>
</html>
"""


def to_html(issues: IssueList, field_titles: dict[str, str] | None = None) -> str:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    summary = f"共 {len(issues.errors)} 个错误，{len(issues.warnings)} 个警告。" + (
        "校验通过。" if issues.valid else "请修改全部错误后重新提交。")
    return env.from_string(_HTML).render(
        valid=issues.valid, summary=summary, titles=field_titles or {},
        sections=[("错误", "error", _sorted(issues.errors)), ("警告", "warning", _sorted(issues.warnings))])
