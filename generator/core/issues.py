"""Validation issues: the unit of every report (DESIGN.md section 4, ISSUE)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One problem found in the input.

    ``row`` is the spreadsheet row number (header = 1) or, for Markdown, the line number;
    ``field`` is the canonical field name (or front-matter key).
    """

    file: str
    code: str
    message: str
    hint: str = ""
    row: int | None = None
    field: str | None = None
    severity: Severity = "error"

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("severity")
        return {"file": data["file"], "row": data["row"], "field": data["field"],
                "code": data["code"], "message": data["message"], "hint": data["hint"]}


@dataclass
class IssueList:
    """Errors and warnings collected across every stage of validation."""

    items: list[Issue] = field(default_factory=list)

    def error(self, file: str, code: str, message: str, hint: str = "", *,
              row: int | None = None, field: str | None = None) -> None:
        self.items.append(Issue(file, code, message, hint, row, field, "error"))

    def warning(self, file: str, code: str, message: str, hint: str = "", *,
                row: int | None = None, field: str | None = None) -> None:
        self.items.append(Issue(file, code, message, hint, row, field, "warning"))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.items if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.items if i.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors


def display_path(path: Path, root: Path) -> str:
    """The path as shown in reports; never resolved, so a symlink's target is not revealed."""
    for base in (root.absolute(), root.resolve()):
        try:
            return path.absolute().relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()
