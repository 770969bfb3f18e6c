"""Every way a command can stop, turned into the contract's exit code and a Chinese message: one place
for ``portal build``, ``validate``, ``serve`` and ``template``."""

from __future__ import annotations

import errno
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
        return BuildError(f"{os_error_message(exc)}{kept}")
    return None


# What the office can do about each operating-system failure (the English strerror helps nobody).
_OS_ERRORS = {
    errno.ENOSPC: "磁盘空间不足，写入失败；请清理磁盘（或换一个空间充足的输出位置）后重新运行",
    errno.EDQUOT: "超出磁盘配额，写入失败；请清理或申请更多配额后重新运行",
    errno.EACCES: "没有权限读写该位置；请检查文件夹权限，或换一个输出位置",
    errno.EPERM: "操作不被允许（权限或文件属性）；请检查文件夹权限",
    errno.EROFS: "该位置是只读的，无法写入；请换一个输出位置",
    errno.ENOENT: "文件或文件夹不存在（可能在生成过程中被移动或删除）；请检查后重新运行",
    errno.EMFILE: "同时打开的文件过多；请关闭其他程序后重新运行",
    errno.EIO: "磁盘读写出错；请检查磁盘后重新运行",
    errno.ENAMETOOLONG: "路径过长；请把项目或输出目录放到较短的路径下",
}


def os_error_message(exc: OSError) -> str:
    """A Chinese sentence for an OS error, naming the file it happened on."""
    where = f"（{exc.filename}）" if exc.filename else ""
    known = _OS_ERRORS.get(exc.errno or -1)
    if known:
        return f"{known}{where}"
    return f"操作系统报错{where}：{exc.strerror or exc}；请检查磁盘和文件夹权限后重新运行"
