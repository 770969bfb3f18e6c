"""The one error type of the command line: it carries the exit code of the command contract.

DESIGN.md section 4: 0 success, 1 invalid input (nothing published), 2 unusable configuration or
environment. Input problems found while reading bank files or content never raise: they become
``Issue`` records (generator.core.issues) and exit 1. Everything that stops a command before or
during a build raises a ``PortalError``; ``generator.commands.cli`` turns it into its exit code in
one place.
"""

from __future__ import annotations

EXIT_OK, EXIT_INVALID, EXIT_CONFIG = 0, 1, 2


class PortalError(Exception):
    """A problem that stops a command, with the Chinese message shown to staff."""

    exit_code = EXIT_CONFIG
    label = "配置错误"


class ConfigError(PortalError):
    """The project configuration is unusable: a setting, template or file the build needs."""


class BuildError(PortalError):
    """The site could not be generated (MkDocs, Pagefind or the file system failed)."""

    label = "生成网站失败"
