"""Shared fixtures: the demo site and the shared project variants built once per test run, the
command line (in a new process or in-process), a loopback server, and Chromium.

Browser tests use pytest-playwright with Debian's Chromium (Playwright cannot download its
own browser here); see README "Tests".
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import functools
import hashlib
import http.server
import io
import json
import os
import pickle
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def run_portal(*args: str, cwd: Path = ROOT, check: bool = False,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the real ``portal`` command line (``python -m generator``) in a new process, as a user would.

    Only the end-to-end tests use it, one per command and exit code (a new interpreter costs
    about a second of imports); everything else calls :func:`portal` or the library."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    result = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True,
                            text=True, env=env, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"portal {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    """The commands read the project from the working directory, as they do for a user."""
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def portal(*args: str, cwd: Path = ROOT, check: bool = False,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The ``portal`` command line run in this process (click's test runner): the same option
    parsing, messages on stdout/stderr and exit codes as :func:`run_portal`, without a new
    interpreter. An exception the command does not turn into a message is raised here (a
    traceback the user would see fails the test), never mistaken for an exit code."""
    from click.testing import CliRunner

    from generator.commands.cli import cli

    with working_directory(cwd):
        outcome = CliRunner(mix_stderr=False).invoke(cli, list(args), env=env, catch_exceptions=False,
                                                   prog_name="portal")
    result = subprocess.CompletedProcess(["portal", *args], outcome.exit_code, outcome.stdout, outcome.stderr)
    if check and result.returncode != 0:
        raise AssertionError(f"portal {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def build_project(project: Path, out: Path) -> Path:
    """``portal build`` of a project copy into ``out``, in-process (the library call the command makes)."""
    from generator.commands.build import build_portal
    from generator.core.settings import project_paths

    result = build_portal(project_paths(project, out=out))
    assert result.published, ([i.message for i in result.issues.errors], result.problems)
    return out


def file_digests(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (POSIX path) -> its SHA-256: two trees compare byte for byte."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_project(target: Path) -> Path:
    """A private copy of the project's inputs, for tests that change them."""
    for name in ("catalog", "content", "site_templates"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    return target


def _rewrite_products(project: Path, bank: str, change) -> list[dict]:  # noqa: ANN001
    """Read a copied project's bank CSV as rows (field name -> cell text), ``change`` them, write them back."""
    data = project / "catalog" / "banks" / bank / "products.csv"
    rows = list(csv.DictReader(io.StringIO(data.read_text(encoding="utf-8"))))
    header = list(rows[0].keys())
    change(rows)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows([{k: row.get(k, "") for k in header} for row in rows])
    data.write_text(buffer.getvalue(), encoding="utf-8")
    return rows


def add_products(project: Path, *products: dict, bank: str = "abc") -> None:
    """Append products (field name -> cell text; missing fields empty) to a copied project's bank CSV."""
    _rewrite_products(project, bank, lambda rows: rows.extend(products))


def edit_product(project: Path, bank: str, index: int, **fields: str) -> str:
    """Change fields of the ``index``-th product of a copied project's bank CSV; its product id."""
    return _rewrite_products(project, bank, lambda rows: rows[index].update(fields))[index]["product_id"]


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]) -> T:
    """``build(folder)`` once per test run, its result shared by every pytest-xdist worker.

    A session fixture runs once per worker process; a site build costs 2 s or more of CPU. The
    first worker to ask builds under a lock in the run's temporary folder and leaves the result
    (pickled) there; the others wait and read it. Without xdist it simply builds."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return build(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent / f"built-once-{name}"   # this run's folder
    shared.mkdir(exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result_file = shared / "result.pickle"
        if not result_file.exists():
            result_file.write_bytes(pickle.dumps(build(shared / "work")))
        return pickle.loads(result_file.read_bytes())


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """The demo portal, built once per test run by the real command in a new process (the
    end-to-end test of ``portal build`` exiting 0 reads its output: tests/test_build.py)."""

    def build(folder: Path) -> tuple[Path, subprocess.CompletedProcess]:
        out = folder / "site"
        return out, run_portal("build", "--out", str(out), check=True)

    return built_once(tmp_path_factory, "demo", build)


@pytest.fixture(scope="session")
def demo_site(demo_build) -> Path:
    """The built demo portal (read-only: tests that change a site work on a copy)."""
    return demo_build[0]


@pytest.fixture(scope="session")
def rebuilt_demo(demo_site: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo built again from the same input over a copy of ``demo_site`` holding a stray file
    (in-process): the rebuilt site and what the command printed."""

    def build(folder: Path) -> tuple[Path, str]:
        out = Path(shutil.copytree(demo_site, folder / "site"))
        (out / "stale.html").write_text("old", encoding="utf-8")
        return out, portal("build", "--out", str(out), check=True).stdout

    return built_once(tmp_path_factory, "rebuilt-demo", build)


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory):
    """A project with hostile text in every kind of input, built once (see tests/variants.py)."""
    from tests.variants import build_hostile

    return built_once(tmp_path_factory, "hostile", build_hostile)


@pytest.fixture(scope="session")
def product_variants(tmp_path_factory: pytest.TempPathFactory):
    """Test products with empty, filled and longest fields, built with and without a public address."""
    from tests.variants import build_product_variants

    return built_once(tmp_path_factory, "product-variants", build_product_variants)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class LoopbackServer:
    """An HTTP server on 127.0.0.1 on a free port, in a thread; ``stop()`` ends it.

    Never on a port an earlier server of this process had: the browser context the ``page``
    fixture shares keeps its HTTP cache, which must not answer for another site at the same address."""

    _used_ports: set[int] = set()

    def __init__(self, handler: type[http.server.BaseHTTPRequestHandler] | functools.partial) -> None:
        refused = []
        while True:
            httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            if httpd.server_address[1] not in LoopbackServer._used_ports:
                break
            refused.append(httpd)          # held open until a new port is found
        for other in refused:
            other.server_close()
        self.httpd = httpd
        LoopbackServer._used_ports.add(httpd.server_address[1])
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _RevalidatedHandler(_QuietHandler):
    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


class SiteServer(LoopbackServer):
    """Serves a built site folder. ``rebuilt``: the folder is built again while it is served, so
    the browser must ask again for every file instead of reusing one it cached heuristically."""

    def __init__(self, directory: Path, *, rebuilt: bool = False) -> None:
        handler = _RevalidatedHandler if rebuilt else _QuietHandler
        super().__init__(functools.partial(handler, directory=str(directory)))


@pytest.fixture(scope="session")
def site_url(demo_site: Path):
    server = SiteServer(demo_site)
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def federated_url(federated_site):
    """The federated city portal (``federated_site``) served on localhost."""
    server = SiteServer(federated_site.site)
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def catalogue(demo_site: Path) -> list[dict]:
    """The demo's published products, as the site publishes them (``downloads/products.json``):
    browser tests compute what a page should show from this, never from the page itself."""
    return json.loads((demo_site / "downloads" / "products.json").read_text(encoding="utf-8"))["products"]


class SharedContext:
    """One browser context per test process for the ``page`` fixture, and what it takes to hand
    it to the next test as if new: a context costs about 0.26 s of CPU to create and starts with
    an empty HTTP cache (a first page load costs twice a later one); a new page in it 0.03 s.

    Between tests every page is closed and the storage of every origin a page went to is cleared
    (local and session storage, IndexedDB, cache storage, cookies), as are granted permissions.
    What a page keeps for itself (history, viewport, media, routes, listeners, init scripts) goes
    with it. The HTTP cache is kept: it holds only what the server sent."""

    def __init__(self, browser, options: dict) -> None:  # noqa: ANN001
        self.context = browser.new_context(**options)
        self.origins: set[str] = set()
        self.context.on("page", lambda page: page.on("framenavigated", self._visited))
        self._janitor = self.context.new_page()       # a target for the DevTools session
        self._session = self.context.new_cdp_session(self._janitor)

    def _visited(self, frame) -> None:  # noqa: ANN001
        parts = urlsplit(frame.url)
        if parts.scheme in ("http", "https"):
            self.origins.add(f"{parts.scheme}://{parts.netloc}")

    def new_page(self):  # noqa: ANN201
        return self.context.new_page()

    def reset(self) -> None:
        for page in self.context.pages:
            if page is not self._janitor:
                page.close()
        for origin in sorted(self.origins):
            self._session.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        self.origins.clear()
        self.context.clear_cookies()
        self.context.clear_permissions()


@pytest.fixture(scope="session")
def shared_context(browser, browser_context_args: dict):
    shared = SharedContext(browser, browser_context_args)
    yield shared
    shared.context.close()


@pytest.fixture
def page(shared_context: SharedContext):
    """A new page (tab) per test in the process's shared context (see SharedContext), instead of
    pytest-playwright's new context per test."""
    yield shared_context.new_page()
    shared_context.reset()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run the README's test command, which installs it")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def federated_site(tmp_path_factory: pytest.TempPathFactory):
    """Three member districts built from the demo, bundled and federated into a city portal
    (tests/federation.py: ``FederatedFixture``), built once per test run."""
    from tests.federation import build_federation

    return built_once(tmp_path_factory, "federated", build_federation)
