"""The ``portal`` command line: a thin layer over the library functions."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from generator.commands import report
from generator.commands.errors import as_portal_error
from generator.commands.usage import PortalGroup
from generator.core.errors import EXIT_CONFIG, EXIT_INVALID, EXIT_OK, PortalError
from generator.core.models import BEIJING
from generator.core.settings import ProjectPaths, project_paths

if TYPE_CHECKING:   # the commands' modules are imported when a command runs (a fast --help)
    from generator.commands.build import BuildResult
    from generator.commands.progress import Progress


def _stop(exc: BaseException, out: Path | None = None) -> NoReturn:
    """Every command stops here: the Chinese message and the exit code the error carries."""
    error = as_portal_error(exc, out)
    if error is None:
        raise exc
    click.echo(f"{error.label}：{error}", err=True)
    sys.exit(error.exit_code)


@click.group(cls=PortalGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """通川区小微企业金融服务产品库：校验银行数据和内容，生成静态门户网站。"""


@cli.command()
@click.option("--catalog", "catalog_dir", type=click.Path(path_type=Path), help="银行数据目录（默认 catalog/）")
@click.option("--content", "content_dir", type=click.Path(path_type=Path), help="内容目录（默认 content/）")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="输出目录（默认 site/）")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度和各阶段用时（错误和变更报告照常显示）")
def build(catalog_dir: Path | None, content_dir: Path | None, out_dir: Path | None, quiet: bool) -> None:
    """校验全部数据并生成网站；有错误时不改动输出目录。"""
    from generator.commands.build import build_portal

    paths = project_paths(catalog=catalog_dir, content=content_dir, out=out_dir)
    _build_and_report(paths, quiet, lambda progress: build_portal(paths, progress=progress))


def _build_and_report(paths: ProjectPaths, quiet: bool, run: Callable[[Progress], BuildResult], *,
                      preview_hint: bool = True) -> None:
    """Run a build (``portal build`` or ``federate``) with progress, then its report and exit code."""
    from generator.commands.progress import Progress, TerminalProgress

    # A bar only on a terminal: piped output (CI logs, scripts) stays plain text.
    on_terminal = not quiet and sys.stderr.isatty()
    progress = TerminalProgress() if on_terminal else Progress()
    try:
        result = run(progress)
    except Exception as exc:  # noqa: BLE001 - _stop re-raises what is not a known failure
        progress.close()
        _stop(exc, paths.out)
    progress.close()
    if not result.issues.valid:
        click.echo(report.to_text(result.issues, result.field_titles), err=True)
        click.echo(f"输入数据有错误，未生成网站；{paths.out} 保持不变。", err=True)
        sys.exit(EXIT_INVALID)
    if result.problems:
        click.echo("生成的网站未通过发布前检查，未发布：", err=True)
        for problem in result.problems:
            click.echo(f"  ✗ {problem}", err=True)
        sys.exit(EXIT_INVALID)
    if result.issues.warnings:
        click.echo(report.to_text(result.issues, result.field_titles))
    if result.changes is not None:
        click.echo(result.changes.to_text())
    if result.report is not None:
        click.echo(f"审核单（变更报告，供审核签字，不随网站发布）：{result.report}")
    click.echo(f"已生成 {result.pages} 个页面，用时 {result.seconds:.1f} 秒，输出到 {paths.out}")
    if on_terminal:
        click.echo(progress.summary(), err=True)
    # Not file://: directory links and the search index need a web server. portal serve previews a
    # district's own project; a federated site is viewed with any static server.
    preview = ("本地预览：运行 portal serve 后访问 http://127.0.0.1:8000/" if preview_hint else
               f"本地查看：在 {paths.out} 中运行 python3 -m http.server 后访问 http://127.0.0.1:8000/")
    click.echo(f"{preview} ；发布：先运行 portal bundle 打包审核，再把 {paths.out} 整个目录上传到网站服务器。")


@cli.command()
@click.argument("targets", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True, help="报告格式")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="把报告写入文件")
def validate(targets: tuple[Path, ...], fmt: str, output: Path | None) -> None:
    """校验银行数据包（文件夹、datapackage.json 或 CSV/XLSX 文件）和内容；不指定路径时校验全部。"""
    from generator.commands.validate import validate_targets

    paths = project_paths()
    try:
        issues, titles = validate_targets(paths, list(targets))
    except FileNotFoundError as exc:
        click.echo(f"找不到要校验的路径：{exc}", err=True)
        sys.exit(EXIT_CONFIG)
    except PortalError as exc:
        _stop(exc)
    text = {"text": lambda: report.to_text(issues, titles), "json": lambda: report.to_json(issues),
            "html": lambda: report.to_html(issues, titles)}[fmt]()
    if output:
        try:
            output.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            click.echo(f"无法写入报告文件 {output}：{exc.strerror}", err=True)
            sys.exit(EXIT_CONFIG)
        click.echo(f"报告已写入 {output}", err=True)
    else:
        click.echo(text)
    sys.exit(EXIT_OK if issues.valid else EXIT_INVALID)


@cli.command()
@click.option("--port", default=8000, show_default=True, help="端口")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
def serve(port: int, host: str) -> None:
    """本地预览：生成到临时目录并提供访问，文件变化时自动重新生成。"""
    from generator.commands.serve import serve as run_serve

    try:
        run_serve(project_paths(), host=host, port=port)
    except PortalError as exc:
        _stop(exc)
    except OSError as exc:
        _stop(PortalError(f"无法在 {host}:{port} 上提供预览（{exc.strerror or exc}），请用 --port 换一个端口。"))


@cli.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("bank-template"),
              show_default=True, help="模板输出目录")
@click.option("--bank", "bank_id", help="预先填入示例行的机构编号（可选）")
def template(out_dir: Path, bank_id: str | None) -> None:
    """为银行生成空白提交模板（datapackage.json、CSV 和带下拉列表的 XLSX）。"""
    from generator.ingest.template import write_template

    try:
        written = write_template(project_paths(), out_dir, bank_id=bank_id)
    except PortalError as exc:
        _stop(exc)
    for path in written:
        click.echo(f"已生成 {path}")


@cli.command()
@click.option("--site", "site_dir", type=click.Path(path_type=Path), help="已生成的网站目录（默认 site/）")
@click.option("--out", "out_file", type=click.Path(path_type=Path), help="发布包文件（默认 网站目录名-bundle.zip，放在网站目录旁）")
@click.option("--reviewer", help="审核人姓名：写入发布包的 review.json（审核签字）")
@click.option("--reviewed-on", type=click.DateTime(["%Y-%m-%d"]), help="审核日期 YYYY-MM-DD（默认今天；需同时指定 --reviewer）")
def bundle(site_dir: Path | None, out_file: Path | None, reviewer: str | None, reviewed_on: dt.datetime | None) -> None:
    """把已生成的网站、manifest.json 和变更报告打成一个 zip 发布包，供上传门户网站或报送上级。"""
    from generator.release.bundle import Signoff, write_bundle

    if reviewed_on is not None and not reviewer:
        _stop(PortalError("--reviewed-on 需要与 --reviewer（审核人姓名）一起使用。"))
    site = site_dir or project_paths().out
    signoff = Signoff(reviewer.strip(), (reviewed_on or dt.datetime.now(BEIJING)).date()) if reviewer else None
    try:
        result = write_bundle(site, out_file, signoff=signoff)
    except Exception as exc:  # noqa: BLE001 - _stop re-raises what is not a known failure
        _stop(exc)
    if result.change_report is None:
        click.echo("注意：网站目录旁没有变更报告（-report.html），发布包中不含变更报告；"
                   "如需附上，请重新运行 portal build。", err=True)
    if result.review is not None:
        click.echo(f"审核签字：{result.review.reviewer}，{result.review.reviewed_on.isoformat()}（review.json）")
    click.echo(f"已生成发布包 {result.path}：{result.files} 个网站文件及 manifest.json，{result.size / 1024 / 1024:.1f} MB，"
               f"SHA-256 {result.sha256}")
    click.echo(f"收到后可用 portal verify {result.path.name} 核对内容是否完整、未被改动。")


@cli.command()
@click.argument("target", type=click.Path(path_type=Path))
def verify(target: Path) -> None:
    """核对网站目录或发布包（zip）与其 manifest.json 是否一致：缺少、多出或被改动的文件逐一列出。"""
    from generator.release.verify import Refusal
    from generator.release.verify import verify as run_verify

    result = run_verify(target)
    if result.failure is not None and result.failure.code is Refusal.NOT_FOUND:
        _stop(PortalError(result.failure.message))
    if result.intact:
        click.echo(result.summary())
        return
    click.echo(result.summary(), err=True)
    for line in result.problems():
        click.echo(f"  ✗ {line}", err=True)
    sys.exit(EXIT_INVALID)


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--bank", "bank_id", required=True, help="提交数据的机构编号（见 catalog/registry/banks.csv）")
@click.option("--yes", is_flag=True, help="不询问，直接安装（脚本中使用）")
def accept(source: Path, bank_id: str, yes: bool) -> None:
    """校验银行提交的数据（CSV、XLSX 或数据包文件夹），显示与现有数据的逐项差异，确认后安装到 catalog/banks/<机构编号>/。"""
    from generator.commands.accept import AcceptError, check_submission, install
    from generator.core.issues import display_path

    paths = project_paths()
    where = f"{paths.catalog.name}/{paths.banks_dir.name}/{bank_id}/"
    try:
        intake = check_submission(paths, source, bank_id)
    except Exception as exc:  # noqa: BLE001 - _stop re-raises what is not a known failure
        _stop(exc)
    if not intake.valid:
        click.echo(report.to_text(intake.issues, intake.titles), err=True)
        click.echo(f"提交的数据有错误，未安装；{where} 保持不变。", err=True)
        if any(issue.code == "wrong-bank" for issue in intake.issues.errors):
            # The file is usually right and the command wrong: never advise relabelling a bank's products.
            click.echo(f"提示：文件中的机构编号与 --bank {bank_id} 不一致。请先确认 --bank 是否写错（应填写文件所属银行的"
                       f"机构编号）；不要为了通过校验而修改文件中的机构编号。", err=True)
        sys.exit(EXIT_INVALID)
    if intake.issues.warnings:
        click.echo(report.to_text(intake.issues, intake.titles))
    click.echo(intake.diff_text(paths.root))
    if intake.same_as_current:
        # Nothing to install: no new history snapshot, the catalogue untouched.
        click.echo(f"提交的数据与 {where} 现有数据相同，无需安装。")
        return
    if not yes:
        if not sys.stdin.isatty():
            _stop(AcceptError("当前不是交互式终端，无法询问确认；请加 --yes 确认安装。"))
        if not click.confirm(f"确认把以上数据安装到 {where} 吗？", default=False):
            click.echo(f"已取消，{where} 保持不变。", err=True)
            sys.exit(EXIT_CONFIG)
    try:
        installed = install(paths, intake)
    except Exception as exc:  # noqa: BLE001 - _stop re-raises what is not a known failure
        _stop(exc)
    kept = (f"原有数据已移到 {display_path(installed.history, paths.root)}/。" if installed.history is not None
            else "这是该机构的第一份数据。")
    click.echo(f"已安装到 {where}；{kept}运行 portal build 即可发布。")


@cli.command()
@click.argument("members", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--content", "content_dir", type=click.Path(path_type=Path), help="本级内容目录（默认 content/）")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="输出目录（默认 site/）")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度和各阶段用时（错误和变更报告照常显示）")
def federate(members: tuple[Path, ...], content_dir: Path | None, out_dir: Path | None, quiet: bool) -> None:
    """由各区县的发布包（portal bundle 生成的 .zip）或网站目录生成市级、省级门户：逐个核对发布清单、
    按标准模式重新校验数据后合并生成（带“地区”筛选）；任何一个成员有问题都不改动输出目录。"""
    from generator.commands.federate import federate as run_federate

    paths = project_paths(content=content_dir, out=out_dir)
    _build_and_report(paths, quiet, lambda progress: run_federate(paths, list(members), progress=progress),
                      preview_hint=False)


def main() -> None:
    cli(prog_name="portal")


if __name__ == "__main__":
    main()
