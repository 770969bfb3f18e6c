"""A build killed with SIGKILL at any stage leaves the published site byte-identical, its Pagefind
child dies with it, and the next build removes what it left behind.

The build runs in a child process that stops itself (SIGSTOP) when it reaches the stage under test
(a Progress subclass in the driver below, so the product code carries no test hook); the test then
kills it with SIGKILL, as the OOM killer or a power-cut-like `kill -9` would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from generator.commands import progress
from tests.conftest import build_project, copy_project, file_digests

DRIVER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from generator.commands import build
    from generator.commands.progress import Progress
    from generator.core.settings import project_paths

    stage, project, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])

    class StopAt(Progress):
        def started(self, name):
            if name == stage:
                os.kill(os.getpid(), signal.SIGSTOP)

    build.build_portal(project_paths(project, out=out), progress=StopAt())
""")
DEADLINE = 60.0


def state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return None


def wait_for(condition, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    return found


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A project and its published site (the previous release every kill must leave intact)."""
    folder = tmp_path_factory.mktemp("crash")
    project = copy_project(folder / "project")
    site = build_project(project, folder / "site")
    return project, site, file_digests(site)


def kill_during(stage: str, project: Path, out: Path, env: dict[str, str] | None = None) -> list[int]:
    """Start a build, let it reach ``stage``, SIGKILL it; the pids of its children at that moment."""
    build = subprocess.Popen([sys.executable, "-c", DRIVER, stage, str(project), str(out)], cwd=project,
                             env={**os.environ, **(env or {})}, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: state(build.pid) == "T" or build.poll() is not None, f"the build to reach {stage}")
        assert build.poll() is None, build.stderr.read().decode()
        running = children(build.pid)
        build.kill()
        build.wait()
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    return running


@pytest.mark.parametrize("stage", [progress.LOAD, progress.RENDER, progress.INDEX, progress.CHECK,
                                   progress.PUBLISH])
def test_a_killed_build_leaves_the_site_as_it_was(stage, published, tmp_path):
    project, site, before = published
    out = shutil.copytree(site, tmp_path / "site")
    kill_during(stage, project, out)
    assert file_digests(out) == before
    if stage != progress.LOAD:   # staging exists from the pages stage on: a leftover now
        assert [p for p in tmp_path.iterdir() if p.name.startswith(".site.staging-")]
    build_project(project, out)   # the next build: publishes and cleans up
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [".site.lock"]
    assert file_digests(out) == before    # same inputs: the same site again


def test_pagefind_dies_with_a_killed_build(published, tmp_path):
    """A stand-in Pagefind that would run for ten minutes: the build is killed while it runs."""
    project, site, before = published
    out = shutil.copytree(site, tmp_path / "site")
    slow = tmp_path / "slow-pagefind"
    slow.write_text("#!/bin/sh\nexec sleep 600\n", encoding="utf-8")
    slow.chmod(0o755)
    driver_env = {"PORTAL_PAGEFIND": str(slow)}
    build = subprocess.Popen([sys.executable, "-c", DRIVER, "never", str(project), str(out)], cwd=project,
                             env={**os.environ, **driver_env})
    try:
        wait_for(lambda: children(build.pid), "Pagefind to start")
        child = children(build.pid)[0]
        build.kill()
        build.wait()
        wait_for(lambda: state(child) in (None, "Z"), "Pagefind to die with the build")
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    assert file_digests(out) == before
