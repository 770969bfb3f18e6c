"""What every quality gate returns: findings that name the page, the check and the detail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    page: str    # site-relative path ("products/x/index.html") or URL path ("search/?q=…")
    check: str   # the tool's rule id, e.g. "image-alt", "broken-link", "external-request"
    detail: str

    def __str__(self) -> str:
        return f"{self.page}: [{self.check}] {self.detail}"


def report(findings: Iterable[Finding], limit: int = 60) -> str:
    """A readable assertion message: one finding per line, sorted, capped at ``limit``."""
    items = sorted(set(findings))
    lines = [str(f) for f in items[:limit]]
    if len(items) > limit:
        lines.append(f"… and {len(items) - limit} more")
    return f"{len(items)} finding(s):\n" + "\n".join(lines)
