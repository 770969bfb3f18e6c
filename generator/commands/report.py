"""Issue reports: readable Chinese text, the JSON machine contract, and a self-contained HTML page.

Text and HTML group issues by file, then by spreadsheet row, errors before warnings, so a bank
can work through its file from top to bottom. JSON is the fixed contract of DESIGN.md section 4.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from importlib import resources
from itertools import groupby

from jinja2 import Environment, select_autoescape

from generator.core.issues import Issue, IssueList
from generator.core.models import BEIJING

SEVERITY_ORDER = {"error": 0, "warning": 1}


def _sorted(items: list[Issue]) -> list[Issue]:
    return sorted(items, key=lambda i: (i.file, i.row or 0, SEVERITY_ORDER[i.severity], i.field or ""))


def to_json(issues: IssueList) -> str:
    return json.dumps({"valid": issues.valid,
                       "errors": [i.to_dict() for i in _sorted(issues.errors)],
                       "warnings": [i.to_dict() for i in _sorted(issues.warnings)]},
                      ensure_ascii=False, indent=2)


def summary(issues: IssueList) -> str:
    text = f"共 {len(issues.errors)} 个错误，{len(issues.warnings)} 个警告。"
    if issues.valid:
        return text + ("校验通过。" if not issues.warnings else "校验通过（请留意警告）。")
    return text + "请修改全部错误后重新提交。"


def column_label(issue: Issue, field_titles: dict[str, str]) -> str:
    if not issue.field:
        return ""
    title = field_titles.get(issue.field)
    return f"“{title}”列（{issue.field}）" if title else issue.field


def to_text(issues: IssueList, field_titles: dict[str, str] | None = None) -> str:
    titles = field_titles or {}
    lines: list[str] = []
    for file, in_file in groupby(_sorted(issues.items), key=lambda i: i.file):
        lines.append(f"【{file}】")
        for row, in_row in groupby(in_file, key=lambda i: i.row):
            lines.append(f"  第 {row} 行" if row is not None else "  整个文件")
            for issue in in_row:
                mark = "✗ 错误" if issue.severity == "error" else "! 警告"
                where = column_label(issue, titles)
                lines.append(f"    {mark} {where + '：' if where else ''}{issue.message} [{issue.code}]")
                if issue.hint:
                    lines.append(f"      修改方法：{issue.hint}")
        lines.append("")
    lines.append(summary(issues))
    return "\n".join(lines)


@dataclass(frozen=True)
class FileGroup:
    file: str
    issues: list[Issue]

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if i.severity == "warning")


def to_html(issues: IssueList, field_titles: dict[str, str] | None = None,
            *, now: dt.datetime | None = None) -> str:
    """One page, no external resources (inline CSS, no scripts), for a bank to open or print."""
    titles = field_titles or {}
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    source = resources.files("generator.commands").joinpath("report_templates/report.html").read_text(encoding="utf-8")
    groups = [FileGroup(file, list(items)) for file, items in groupby(_sorted(issues.items), key=lambda i: i.file)]
    return env.from_string(source).render(
        valid=issues.valid, summary=summary(issues), groups=groups,
        column=lambda issue: column_label(issue, titles),
        generated=(now or dt.datetime.now(BEIJING)).strftime("%Y-%m-%d %H:%M"))
