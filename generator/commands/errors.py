"""Every way a command can stop, turned into the contract's exit code and a Chinese message: one place
for ``portal build``, ``validate``, ``serve`` and ``template``."""

from __future__ import annotations

from pathlib import Path

from jinja2 import TemplateError

from generator.core.errors import BuildError, ConfigError, PortalError


def as_portal_error(exc: BaseException, out: Path | None = None) -> PortalError | None:
    """The ``PortalError`` a failure stands for, or None for a real bug (which keeps its traceback)."""
    kept = f"；{out} 保持不变。" if out is not None else ""
    if isinstance(exc, BuildError):
        return BuildError(f"{exc}{kept}")
    if isinstance(exc, PortalError):
        return exc
    if isinstance(exc, TemplateError):
        # A page template under site_templates/ is broken: the project's configuration, not data.
        where = f"{getattr(exc, 'filename', None) or '模板'} 第 {getattr(exc, 'lineno', '?')} 行"
        return ConfigError(f"页面模板有误（{where}）：{exc.message or exc}{kept}")
    if isinstance(exc, OSError):
        return BuildError(f"{exc}{kept}")
    return None
