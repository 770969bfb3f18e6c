"""Build progress: the stages of ``portal build`` on a terminal, and how long each took.

``build_portal`` reports to a ``Progress``; the default one says nothing (library use, tests,
``--quiet``, output piped to a file or CI log). On a terminal the CLI passes ``TerminalProgress``:
a bar over the stages with the current stage's name, then a one-line summary of stage times.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

# The stages in the order build_portal runs them; the bar's length.
LOAD = "读取并校验数据"
PAGES = "生成页面和下载文件"
RENDER = "渲染网页"
FINISH = "订阅源和安全策略"
INDEX = "建立搜索索引"
CHECK = "发布前检查"
PUBLISH = "发布"
STAGES = (LOAD, PAGES, RENDER, FINISH, INDEX, CHECK, PUBLISH)


@dataclass
class Progress:
    """Records each stage's time; subclasses show it. ``stage`` is the one call build_portal makes."""

    timings: list[tuple[str, float]] = field(default_factory=list)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.started(name)
        begun = time.perf_counter()
        try:
            yield
        finally:
            self.timings.append((name, time.perf_counter() - begun))
            self.finished(name)

    def started(self, name: str) -> None:
        """Hook: a stage begins."""

    def finished(self, name: str) -> None:
        """Hook: a stage ended (successfully or not)."""

    def close(self) -> None:
        """Hook: the build is over; release the terminal."""

    def summary(self) -> str:
        parts = [f"{name} {seconds:.1f} 秒" for name, seconds in self.timings]
        return "各阶段用时：" + "，".join(parts) if parts else ""


class TerminalProgress(Progress):
    """A rich progress bar on stderr: only used when stderr is a terminal."""

    def __init__(self) -> None:
        super().__init__()
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn
        from rich.progress import Progress as Bar
        from rich.progress import TextColumn, TimeElapsedColumn

        self._bar = Bar(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        self._task = self._bar.add_task("准备中", total=len(STAGES))
        self._bar.start()

    def started(self, name: str) -> None:
        self._bar.update(self._task, description=name)

    def finished(self, name: str) -> None:
        self._bar.advance(self._task)

    def close(self) -> None:
        self._bar.stop()
