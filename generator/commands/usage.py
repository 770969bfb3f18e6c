"""Command-line usage errors in Chinese: click words them in English ("Missing argument 'TARGET'")."""

from __future__ import annotations

import difflib
import re
import sys
from typing import Any, NoReturn

import click

from generator.core.errors import EXIT_CONFIG

# click's own wording of a bad value → Chinese (the common types: date, choice, number, path).
_VALUES = (
    (re.compile(r"'(.*)' does not match the formats? (.*)\.?$"), lambda m: f"“{m[1]}”不是有效的日期，请写成 YYYY-MM-DD"),
    (re.compile(r"'(.*)' is not one of (.*)\.?$"), lambda m: f"“{m[1]}”不是可选的值，可选：{m[2].rstrip('.')}"),
    (re.compile(r"'(.*)' is not a valid integer"), lambda m: f"“{m[1]}”不是整数"),
    (re.compile(r"Path '(.*)' does not exist"), lambda m: f"路径“{m[1]}”不存在"),
)


def chinese(error: click.ClickException) -> str:
    """The Chinese sentence for a usage error (what was wrong and what to write)."""
    if isinstance(error, click.MissingParameter):
        param = error.param
        if param is not None and param.param_type_name == "option":
            return f"缺少选项 {param.opts[0]}。"
        return f"缺少参数 {param.human_readable_name if param is not None else ''}。"
    if isinstance(error, click.NoSuchOption):
        close = f"是不是要写 {'、'.join(error.possibilities)}？" if error.possibilities else ""
        return f"没有选项 {error.option_name}。{close}"
    if isinstance(error, click.BadParameter):
        name = error.param.get_error_hint(error.ctx) if error.param is not None and error.ctx else "参数"
        for pattern, say in _VALUES:
            match = pattern.search(error.message)
            if match:
                return f"{name} 的值有误：{say(match)}。"
        return f"{name} 的值有误（{error.message}）。"
    unknown = re.match(r"No such command '(.+)'", error.message)
    if unknown is not None:
        commands = sorted(error.ctx.command.list_commands(error.ctx)) if error.ctx is not None else []
        close = difflib.get_close_matches(unknown[1], commands, n=1, cutoff=0.5)
        hint = f"是不是要写 {close[0]}？" if close else f"可用的命令：{'、'.join(commands)}。"
        return f"没有命令 {unknown[1]}。{hint}"
    return f"{error.format_message()}"


class PortalGroup(click.Group):
    """The ``portal`` group: usage errors are printed in Chinese with the command's usage line."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.Abort:
            click.echo("已取消。", err=True)
            sys.exit(1)
        except click.ClickException as error:
            _usage_error(error)
        sys.exit(result if isinstance(result, int) else 0)


def _usage_error(error: click.ClickException) -> NoReturn:
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        click.echo(ctx.get_usage().replace("Usage: ", "用法：", 1), err=True)
        click.echo(f"运行 {ctx.command_path} --help 查看说明。", err=True)
    click.echo(f"用法错误：{chinese(error)}", err=True)
    sys.exit(error.exit_code if error.exit_code else EXIT_CONFIG)
