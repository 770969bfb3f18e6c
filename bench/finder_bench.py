"""Bytes and milliseconds of the product finder (``products/``) at catalogue scale, and build time
before/after the finder.

For each size, a temporary project gets N synthetic valid products (``bench/build_bench.py``'s
``make_project``) and is built with the real ``portal build`` (subprocess). The site is served on
127.0.0.1 with gzip, as a production web server sends it (``bench/lighthouse_bench.py``'s
handler), and measured in Debian Chromium, a fresh browser context (empty cache) per
measurement, 1280×900 so the filter panel is visible:

* first load of ``products/`` until ``#finder[data-finder-renders]`` ≥ 1: bytes on the wire (CDP
  ``Network.loadingFinished`` ``encodedDataLength``, headers included, the Pagefind web worker's
  requests too) and ms from ``domInteractive`` to the ``finder-results-1`` mark;
* then, in the same page, each change on its own: its extra bytes and the ms from the user's
  input event to the next ``finder-results-<n>`` mark (check 信用, check 保证, amount 50, sort by
  rate, query 应收账款, query 经营周转, Back);
* a cold load of a shared URL ``products/?q=经营周转&guarantee=信用`` (a text query and a filter);
* the sizes of ``products/index.html``, ``finder.json`` and ``finder-search.json`` (raw, gzip).

Each measurement is repeated (``--repeat``, default 3) and the median reported. Unless
``--no-before``, the demo and the 2,000-product catalogue are also built with the tree of commit
f97f1ae (the commit before the finder; a git worktree in /tmp, removed at the end), interleaved
with the current tree, three times each.

Goals (issue): at 5,000 products first load ≤ 150 kB transferred, any filter or sort change
≤ 150 kB more, first results ≤ 300 ms after the page is interactive. A benchmark: nothing fails
when a goal is missed. 1 kB = 1,000 bytes throughout.

A federated (city or province) catalogue: ``--products 20000 --regions 200`` also builds, in this
process, a portal whose catalogue is the union of ``--regions`` districts of ``products / regions``
synthetic products each, keyed as ``portal federate`` keys them (``"<region_code>/<id>"``, banks
``"<region_code>-<bank>"``, ``region`` set; core/models.py), with ``--shared`` of each district's
products (default 0.3) being the same bank product as in the first district (same bank, same name,
its own figures): the finder's groups. It is the normal build after loading (``build_portal``'s
``load``), measured like the others plus a 地区 check first (a region's products).

Writes bench/results/finder.json and prints a summary.
Usage: ``python bench/finder_bench.py [--sizes 2000 5000] [--products 20000 --regions 200 [--shared 0.3]]
[--no-before] [--repeat 3]`` (``--sizes`` may be empty: ``--sizes`` with no number)
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gzip
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from urllib.parse import quote, unquote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bench.build_bench as build_bench  # noqa: E402
from bench.lighthouse_bench import GzipHandler  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, LoopbackServer  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "finder.json"
BEFORE_COMMIT = "f97f1ae"
BEFORE_TREE = Path("/tmp/finder-bench-before")
BEFORE_VENV = Path("/tmp/finder-bench-venv")
GOAL_FIRST_LOAD_BYTES = 150_000
GOAL_CHANGE_BYTES = 150_000
GOAL_FIRST_RESULTS_MS = 300
SHARED_URL = "products/?q=" + quote("经营周转") + "&guarantee=" + quote("信用")
VIEWPORT = {"width": 1280, "height": 900}
RENDER_TIMEOUT_MS = 30_000
QUIET_MS = 500              # no request in flight and none finished for this long = network idle
IDLE_TIMEOUT_S = 20
# Files whose content the figures depend on: their hashes go into the JSON, because other work
# changes the same working tree while a run lasts.
TRACKED = ("site_templates/assets/products.js", "site_templates/assets/queries.js",
           "site_templates/pages/product_list.html", "generator/site/finder.py", "generator/site/search.py",
           "content/queries.yml")


# ---------- serving ----------

class _CountingWriter:
    def __init__(self, raw) -> None:  # noqa: ANN001
        self.raw, self.count = raw, 0

    def write(self, data) -> int:  # noqa: ANN001
        self.count += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.raw, name)


class CountingGzipHandler(GzipHandler):
    """lighthouse_bench's gzip handler, also counting what the server writes (headers + body)
    per request: a cross-check of the browser-side CDP figures."""

    log: list[tuple[str, int]] = []

    def setup(self) -> None:
        super().setup()
        self.wfile = _CountingWriter(self.wfile)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            type(self).log.append((getattr(self, "path", "?"), self.wfile.count))


# ---------- builds ----------

def file_hashes(tree: Path) -> dict[str, str]:
    return {name: hashlib.sha256((tree / name).read_bytes()).hexdigest()[:12]
            for name in TRACKED if (tree / name).is_file()}


@contextlib.contextmanager
def project_source(tree: Path):
    """make_project copies the registry, schema, templates and settings from build_bench.ROOT."""
    saved = build_bench.ROOT
    build_bench.ROOT = tree
    try:
        yield
    finally:
        build_bench.ROOT = saved


def timed_build(python: str, cwd: Path, out: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run([python, "-m", "generator", "build", "--out", str(out)], cwd=cwd, env=env,
                            capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"portal build in {cwd} (python {python}) exited {result.returncode}:\n"
                           f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return seconds


def current_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {**env, "PYTHONIOENCODING": "utf-8"}


def sizes_of(path: Path) -> dict[str, int]:
    data = path.read_bytes()
    return {"raw": len(data), "gzip": len(gzip.compress(data))}   # the server's gzip (level 9)


SIZED = ("products/index.html", "assets/data/finder.json", "assets/data/finder-search.json",
         "assets/data/finder-filter.json", "assets/data/finder-sort.json", "assets/data/finder-cards-0.json")


def site_sizes(site: Path) -> dict[str, dict[str, int]]:
    return {name: sizes_of(site / name) for name in SIZED if (site / name).is_file()}


# ---------- a federated catalogue, in process ----------

def region_of(number: int):  # noqa: ANN201
    from generator.core.models import Region
    return Region(name=f"示例区县{number + 1:03d}", code=f"{510100 + number:06d}")


def federated_loader(regions: int, shared: float):  # noqa: ANN201
    """``build_portal``'s ``load``: the synthetic project's products dealt to ``regions`` districts in
    order (the same number each), keyed as ``portal federate`` keys a member's records; in every
    district the first ``shared`` part of its products are the first district's products by bank and
    name (their figures stay their own), so they group in the finder."""
    import dataclasses

    from generator.commands.build import load_input
    from generator.core.models import Catalog, Federation, Member

    def load(paths, today):  # noqa: ANN001, ANN202
        loaded = load_input(paths, today=today)
        products = sorted(loaded.catalog.products, key=lambda p: p.product_id)
        per_region = len(products) // regions
        same = int(per_region * shared)
        banks, joined = {}, []
        for number in range(regions):
            region = region_of(number)
            own = products[number::regions][:per_region]     # dealt in turn: every bank in every district
            for slot, product in enumerate(own):
                model = products[slot * regions] if slot < same else product    # district 0's of that slot
                bank = loaded.catalog.banks[model.bank_id]
                key = f"{region.code}-{bank.bank_id}"
                banks.setdefault(key, dataclasses.replace(bank, bank_id=key, region=region))
                joined.append(dataclasses.replace(product, product_id=f"{region.code}/{product.product_id}",
                                                  source_id=product.product_id, region=region, bank_id=key,
                                                  name=model.name))
        members = tuple(Member(region=region_of(n), source="synthetic", district=region_of(n).name)
                        for n in range(regions))
        catalog = Catalog(banks=banks, products=joined, schema=loaded.catalog.schema,
                          federation=Federation(members))
        return dataclasses.replace(loaded, catalog=catalog)

    return load


def federated_build(project: Path, out: Path, regions: int, shared: float) -> float:
    from generator.commands.build import build_portal
    from generator.core.settings import project_paths

    started = time.perf_counter()
    result = build_portal(project_paths(project, out=out), load=federated_loader(regions, shared))
    if not result.published:
        raise RuntimeError(f"federated build failed: {[i.message for i in result.issues.errors][:5]} "
                           f"{result.problems[:5]}")
    return time.perf_counter() - started


# ---------- browser measurements ----------

class Network:
    """Bytes on the wire of one page and its workers, from CDP ``Network.loadingFinished``.

    The Pagefind web worker fetches the wasm and index chunks; its requests only show in the
    worker's own target, reached with (non-flat) ``Target.setAutoAttach``."""

    def __init__(self, context, page) -> None:  # noqa: ANN001
        self.cdp = context.new_cdp_session(page)
        self.urls: dict[str, str] = {}
        self.inflight: set[str] = set()
        self.finished: list[dict] = []          # in arrival order
        self.failed: list[dict] = []
        self.statuses: dict[str, int] = {}
        self.last_activity = time.monotonic()
        self.clock_offset_ms: float | None = None   # CDP monotonic ms -> wall ms
        self.workers: list[str] = []
        for name in ("requestWillBeSent", "responseReceived", "loadingFinished", "loadingFailed"):
            self.cdp.on(f"Network.{name}", functools.partial(self._event, f"Network.{name}"))
        self.cdp.on("Target.attachedToTarget", self._attached)
        self.cdp.on("Target.receivedMessageFromTarget", self._from_target)
        self.cdp.send("Network.enable")
        self.cdp.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True,
                                               "flatten": False})

    def _attached(self, event: dict) -> None:
        session = event["sessionId"]
        self.workers.append(event["targetInfo"].get("url", ""))
        for number, method in enumerate(("Network.enable", "Runtime.runIfWaitingForDebugger"), start=1):
            self.cdp.send("Target.sendMessageToTarget",
                          {"sessionId": session, "message": json.dumps({"id": number, "method": method})})

    def _from_target(self, event: dict) -> None:
        message = json.loads(event["message"])
        if message.get("method", "").startswith("Network."):
            self._event(message["method"], message["params"])

    def _event(self, method: str, params: dict) -> None:
        rid = params["requestId"]
        self.last_activity = time.monotonic()
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if url.startswith("data:"):
                return
            self.urls[rid] = url
            self.inflight.add(rid)
            if params.get("type") == "Document" and "wallTime" in params:
                self.clock_offset_ms = params["wallTime"] * 1000 - params["timestamp"] * 1000
        elif method == "Network.responseReceived":
            self.statuses[rid] = params["response"].get("status", 0)
        elif method == "Network.loadingFinished":
            if rid not in self.urls:
                return
            self.inflight.discard(rid)
            self.finished.append({"url": self.urls[rid], "bytes": int(params["encodedDataLength"]),
                                  "status": self.statuses.get(rid), "ts_ms": params["timestamp"] * 1000})
        elif method == "Network.loadingFailed":
            if rid not in self.urls:
                return
            self.inflight.discard(rid)
            self.failed.append({"url": self.urls[rid], "error": params.get("errorText", ""),
                                "canceled": params.get("canceled", False)})


def rel(url: str, base: str) -> str:
    return unquote(url[len(base):]) if url.startswith(base) else url


def account(cdp: list[dict], pw: list, server: list[tuple[str, int]], base: str) -> dict:
    """Bytes per URL of one window of time, from three views of the same requests.

    ``bytes``: CDP ``encodedDataLength`` (headers + gzip body). Playwright resumes the Pagefind
    worker itself, sometimes before this session's ``Network.enable`` reached it; a worker request
    CDP missed then counts with Playwright's ``request.sizes()`` (the same CDP figure, from
    Playwright's own session), marked ``source: playwright``. ``server_bytes``: what the server
    wrote (headers + body); it also sees the worker script's body, which Chrome reports as 0.
    """
    rows: dict[str, dict] = {}

    def row(key: str) -> dict:
        return rows.setdefault(key, {"url": key, "bytes": 0, "requests": 0, "server_bytes": 0, "source": "cdp"})

    seen: dict[str, int] = {}
    for e in cdp:
        key = rel(e["url"], base)
        r = row(key)
        r["bytes"] += e["bytes"]
        r["requests"] += 1
        r["status"] = e["status"]
        seen[key] = seen.get(key, 0) + 1
    for request in pw:
        key = rel(request.url, base)
        if seen.get(key, 0) > 0:
            seen[key] -= 1
            continue
        try:
            sizes = request.sizes()
            extra = sizes["responseHeadersSize"] + sizes["responseBodySize"]
        except Exception:  # noqa: BLE001
            extra = 0
        r = row(key)
        r["bytes"] += extra
        r["requests"] += 1
        r["source"] = "playwright"
    for path, n in server:
        row(unquote(path.lstrip("/")))["server_bytes"] += n
    ordered = sorted(rows.values(), key=lambda r: -max(r["bytes"], r["server_bytes"]))
    return {"bytes": sum(r["bytes"] for r in ordered), "server_bytes": sum(r["server_bytes"] for r in ordered),
            "requests": sum(r["requests"] for r in ordered), "per_url": ordered}


ARM = """() => {
  if (window.__fbDisarm) window.__fbDisarm();
  window.__fbT0 = null;
  const types = ["keydown", "click", "change", "submit"];
  const seen = (e) => { if (window.__fbT0 === null) window.__fbT0 = e.timeStamp; };
  types.forEach((t) => document.addEventListener(t, seen, true));
  window.__fbDisarm = () => { types.forEach((t) => document.removeEventListener(t, seen, true)); };
  return +(document.getElementById("finder").getAttribute("data-finder-renders") || 0);
}"""

WAIT_RENDERS = """([n, timeout]) => new Promise((resolve) => {
  const root = document.getElementById("finder");
  const count = () => +((root && root.getAttribute("data-finder-renders")) || 0);
  if (count() >= n) return resolve(count());
  const observer = new MutationObserver(() => { if (count() >= n) { observer.disconnect(); resolve(count()); } });
  observer.observe(root, { attributes: true, attributeFilter: ["data-finder-renders"] });
  setTimeout(() => { observer.disconnect(); resolve(count()); }, timeout);
})"""

TIMINGS = """(n) => {
  const nav = performance.getEntriesByType("navigation")[0];
  const mark = performance.getEntriesByName("finder-results-" + n)[0];
  return { timeOrigin: performance.timeOrigin, domInteractive: nav.domInteractive,
           domContentLoadedEventEnd: nav.domContentLoadedEventEnd, loadEventEnd: nav.loadEventEnd,
           responseEnd: nav.responseEnd, mark: mark ? mark.startTime : null };
}"""

STATE = """() => ({ url: location.pathname + location.search,
  status: (document.getElementById("finder-status") || {}).textContent || "",
  renders: +(document.getElementById("finder").getAttribute("data-finder-renders") || 0),
  cards: document.querySelectorAll("[data-product-results] > li").length })"""


class Probe:
    """One fresh browser context (empty cache) with one page, its network log and console."""

    def __init__(self, browser, base: str, server_log: list) -> None:  # noqa: ANN001
        self.base = base
        self.server_log = server_log
        self.server_start = len(server_log)
        self.loadavg = round(os.getloadavg()[0], 2)
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.net = Network(self.context, self.page)
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"console.{m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        # Playwright's own view of the requests (its worker sessions never miss one): for
        # network idle, and for what CDP missed.
        self.pw_inflight: set = set()
        self.pw_done: list = []
        self.pw_failed: list[str] = []
        self.pw_last = time.monotonic()
        self.page.on("request", self._pw_request)
        self.page.on("requestfinished", self._pw_finished)
        self.page.on("requestfailed", self._pw_failed)

    def _pw_request(self, request) -> None:  # noqa: ANN001
        if not request.url.startswith("data:"):
            self.pw_inflight.add(request)
        self.pw_last = time.monotonic()

    def _pw_finished(self, request) -> None:  # noqa: ANN001
        if request in self.pw_inflight:
            self.pw_inflight.discard(request)
            self.pw_done.append(request)
        self.pw_last = time.monotonic()

    def _pw_failed(self, request) -> None:  # noqa: ANN001
        self.pw_inflight.discard(request)
        self.pw_failed.append(f"{rel(request.url, self.base)}: {request.failure}")
        self.pw_last = time.monotonic()

    def wait_idle(self) -> bool:
        deadline = time.monotonic() + IDLE_TIMEOUT_S
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
            quiet = time.monotonic() - max(self.pw_last, self.net.last_activity)
            if not self.pw_inflight and quiet >= QUIET_MS / 1000:
                return True
        return False

    def window(self) -> tuple[int, int, int, int]:
        return len(self.net.finished), len(self.pw_done), len(self.server_log), len(self.pw_failed)

    def close(self) -> None:
        self.context.close()

    def load(self, path: str) -> dict:
        """Navigate, wait for the first render and network idle."""
        self.page.goto(self.base + path, wait_until="domcontentloaded")
        renders = self.page.evaluate(WAIT_RENDERS, [1, RENDER_TIMEOUT_MS])
        idle = self.wait_idle()
        t = self.page.evaluate(TIMINGS, 1)
        finished = list(self.net.finished)
        whole = account(finished, list(self.pw_done), self.server_log[self.server_start:], self.base)
        by_render = None
        if t["mark"] is not None and self.net.clock_offset_ms is not None:
            mark_wall = t["timeOrigin"] + t["mark"]
            cut = mark_wall - self.net.clock_offset_ms   # the mark, in CDP ms
            early_pw = [r for r in self.pw_done
                        if r.timing.get("responseEnd", -1) >= 0 and r.timing["startTime"] + r.timing["responseEnd"] <= mark_wall]
            by_render = account([e for e in finished if e["ts_ms"] <= cut], early_pw, [], self.base)
        state = self.page.evaluate(STATE)
        return {
            "rendered": renders >= 1 and t["mark"] is not None,
            "network_idle": idle,
            "loadavg_1min": self.loadavg,
            "bytes_by_first_render": by_render["bytes"] if by_render else None,
            "requests_by_first_render": by_render["requests"] if by_render else None,
            "bytes_until_idle": whole["bytes"],
            "server_bytes_until_idle": whole["server_bytes"],
            "requests_until_idle": whole["requests"],
            "ms_from_dom_interactive": None if t["mark"] is None else round(t["mark"] - t["domInteractive"], 1),
            "ms_from_dcl_end": None if t["mark"] is None else round(t["mark"] - t["domContentLoadedEventEnd"], 1),
            "navigation": {k: round(v, 1) for k, v in t.items() if k != "timeOrigin" and v is not None},
            "pagefind_loaded": any(r["url"].startswith("pagefind/") for r in whole["per_url"]),
            "failed_requests": self.net.failed + self.pw_failed,
            "state": state,
            "per_url": whole["per_url"],
        }

    def change(self, name: str, action) -> dict:  # noqa: ANN001
        """One user action; ms from its input event to the next render mark, bytes until idle."""
        cdp_start, pw_start, server_start, failed_start = self.window()
        cdp_failed_start = len(self.net.failed)
        before = self.page.evaluate(ARM)
        t_wall = time.perf_counter()
        action(self.page)
        renders = self.page.evaluate(WAIT_RENDERS, [before + 1, RENDER_TIMEOUT_MS])
        idle = self.wait_idle()
        timing = self.page.evaluate(
            """(n) => { const m = performance.getEntriesByName("finder-results-" + n)[0];
                       const t0 = window.__fbT0 !== null ? window.__fbT0 : window.__fbBackT0;
                       if (window.__fbDisarm) window.__fbDisarm();
                       return { mark: m ? m.startTime : null, t0: t0 === undefined ? null : t0 }; }""",
            before + 1)
        got = account(self.net.finished[cdp_start:], self.pw_done[pw_start:], self.server_log[server_start:],
                      self.base)
        state = self.page.evaluate(STATE)
        ms = None
        if timing["mark"] is not None and timing["t0"] is not None:
            ms = round(timing["mark"] - timing["t0"], 1)
        return {
            "change": name,
            "rendered": renders >= before + 1,
            "renders_after": state["renders"] - before,
            "ms": ms,
            "wall_ms_incl_driver": round((time.perf_counter() - t_wall) * 1000, 1),
            "bytes": got["bytes"],
            "server_bytes": got["server_bytes"],
            "requests": got["requests"],
            "network_idle": idle,
            "failed_requests": self.net.failed[cdp_failed_start:] + self.pw_failed[failed_start:],
            "pagefind_requested": any(r["url"].startswith("pagefind/") for r in got["per_url"]),
            "state": state,
            "per_url": got["per_url"],
        }


def check(value: str):  # noqa: ANN201
    def act(page) -> None:  # noqa: ANN001
        page.locator(f'#finder-panel input[name=guarantee][value="{value}"]').click()
    return act


def set_amount(page) -> None:  # noqa: ANN001
    box = page.locator("#finder-amount")
    box.fill("50")
    page.evaluate("() => { window.__fbT0 = null; }")   # ignore the fill's own events
    box.press("Tab")                                 # leaving the field commits it (change)


def sort_rate(page) -> None:  # noqa: ANN001
    page.select_option("#finder-sort", "rate")


def query(text: str):  # noqa: ANN201
    def act(page) -> None:  # noqa: ANN001
        page.locator("#finder-q").fill(text)
        page.evaluate("() => { window.__fbT0 = null; }")
        page.locator("#finder-q").press("Enter")
    return act


def back(page) -> None:  # noqa: ANN001
    page.evaluate("() => { window.__fbBackT0 = performance.now(); window.__fbT0 = null; history.back(); }")


CHANGES = [
    ("check 信用", check("信用")),
    ("check 保证 (信用 OR 保证)", check("保证")),
    ("amount 50", set_amount),
    ("sort by rate", sort_rate),
    ("query 应收账款 (first text query)", query("应收账款")),
    ("query 经营周转 (second text query)", query("经营周转")),
    ("Back one step", back),
]


def median(values: list, ndigits: int = 1) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), ndigits) if values else None


def check_first_region(page) -> None:  # noqa: ANN001
    page.locator('#finder-panel input[name=region]').first.click()


FEDERATED_CHANGES = [("check the first 地区", check_first_region), *CHANGES]


def measure_site(browser, site: Path, repeat: int, steps: list | None = None) -> dict:  # noqa: ANN001
    steps = steps or CHANGES
    log: list[tuple[str, int]] = []
    handler = type("Handler", (CountingGzipHandler,), {"log": log})
    server = LoopbackServer(functools.partial(handler, directory=str(site)))
    first_runs, change_runs, shared_runs, console = [], [], [], []
    try:
        for _ in range(repeat):
            probe = Probe(browser, server.url, log)
            try:
                first_runs.append(probe.load("products/"))
                change_runs.append([probe.change(name, action) for name, action in steps])
            finally:
                console.extend(probe.console)
                probe.close()
            probe = Probe(browser, server.url, log)
            try:
                shared_runs.append(probe.load(SHARED_URL))
            finally:
                console.extend(probe.console)
                probe.close()
    finally:
        server.stop()

    def summary(runs: list[dict]) -> dict:
        return {
            "bytes_by_first_render": median([r["bytes_by_first_render"] for r in runs]),
            "bytes_until_idle": median([r["bytes_until_idle"] for r in runs]),
            "server_bytes_until_idle": median([r["server_bytes_until_idle"] for r in runs]),
            "ms_from_dom_interactive": median([r["ms_from_dom_interactive"] for r in runs]),
            "ms_from_dcl_end": median([r["ms_from_dcl_end"] for r in runs]),
            "all_rendered": all(r["rendered"] for r in runs),
            "pagefind_loaded": any(r["pagefind_loaded"] for r in runs),
            "runs": [{k: v for k, v in r.items() if k != "per_url"} for r in runs],
            "per_url_first_run": runs[0]["per_url"],
        }

    changes = []
    for index, (name, _) in enumerate(steps):
        runs = [steps[index] for steps in change_runs]
        changes.append({
            "change": name,
            "bytes": median([r["bytes"] for r in runs]),
            "server_bytes": median([r["server_bytes"] for r in runs]),
            "ms": median([r["ms"] for r in runs]),
            "all_rendered": all(r["rendered"] for r in runs),
            "pagefind_requested": any(r["pagefind_requested"] for r in runs),
            "url_after": unquote(runs[0]["state"]["url"]),
            "status_after": runs[0]["state"]["status"],
            "runs": [{k: v for k, v in r.items() if k != "per_url"} for r in runs],
            "per_url_first_run": runs[0]["per_url"],
        })
    return {"first_load": summary(first_runs), "changes": changes,
            "shared_url": {"path": unquote(SHARED_URL), **summary(shared_runs)}, "console": sorted(set(console))}


# ---------- before / after ----------

def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def prepare_before() -> tuple[str, dict[str, str]]:
    """The worktree of BEFORE_COMMIT and a python that runs its code (with PyPI Pagefind 1.5.2)."""
    if BEFORE_TREE.exists():
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=BEFORE_TREE, capture_output=True, text=True,
                              check=False).stdout.strip()
        if not head.startswith(git("rev-parse", BEFORE_COMMIT).strip()):
            raise SystemExit(f"{BEFORE_TREE} exists and is not a worktree at {BEFORE_COMMIT}; remove it first")
    else:
        git("worktree", "add", "--detach", str(BEFORE_TREE), BEFORE_COMMIT)
    env = {**current_env(), "PYTHONPATH": str(BEFORE_TREE)}
    has_pagefind = subprocess.run([sys.executable, "-c", "import pagefind_bin_extended"], env=env,
                                  capture_output=True, check=False).returncode == 0
    python = sys.executable
    if not has_pagefind:
        python = str(BEFORE_VENV / "bin" / "python")
        usable = Path(python).exists() and subprocess.run(
            [python, "-c", "import pagefind_bin_extended"], env=env, capture_output=True, check=False).returncode == 0
        if not usable:
            subprocess.run([sys.executable, "-m", "venv", str(BEFORE_VENV)], check=True)
            subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                            "-c", str(BEFORE_TREE / "constraints.txt"), "-e", str(BEFORE_TREE)], check=True)
    where = subprocess.run([python, "-c", "import generator; print(generator.__file__)"], cwd=BEFORE_TREE,
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    if not where.startswith(str(BEFORE_TREE)):
        raise SystemExit(f"the old tree's python imports generator from {where}")
    return python, env


def pagefind_versions(before_python: str | None, before_env: dict | None) -> dict:
    versions = {}
    try:
        from generator.site.search import pagefind_version
        versions["after"] = pagefind_version(ROOT)
    except Exception as exc:  # noqa: BLE001
        versions["after"] = f"unknown ({exc})"
    if before_python:
        result = subprocess.run([before_python, "-c", "import subprocess; from pagefind_bin_extended import "
                                 "get_executable; print(subprocess.run([str(get_executable()), '--version'], "
                                 "capture_output=True, text=True).stdout.strip())"],
                                cwd=BEFORE_TREE, env=before_env, capture_output=True, text=True, check=False)
        versions["before"] = result.stdout.strip() or result.stderr.strip()[-300:]
    return versions


def before_after(work: Path, after_project_2000: Path, rounds: int, python: str, env: dict) -> dict:
    with project_source(BEFORE_TREE):
        before_project = build_bench.make_project(work / "before", 2000)
    targets = {
        "before": {"demo": BEFORE_TREE, "2000": before_project},
        "after": {"demo": ROOT, "2000": after_project_2000},
    }
    runners = {"before": (python, env), "after": (sys.executable, current_env())}
    seconds: dict[str, dict[str, list[float]]] = {t: {"demo": [], "2000": []} for t in targets}
    loads: list[dict] = []
    html: dict[str, dict] = {}
    order = []
    for round_number in range(rounds):
        for target in ("demo", "2000"):
            for tree in ("before", "after"):
                out = work / f"ba-{tree}-{target}-{round_number}"
                load = os.getloadavg()[0]
                interpreter, environment = runners[tree]
                s = timed_build(interpreter, targets[tree][target], out, environment)
                seconds[tree][target].append(round(s, 2))
                loads.append({"tree": tree, "target": target, "round": round_number + 1,
                              "seconds": round(s, 2), "loadavg_1min_before": round(load, 2)})
                order.append(f"{tree}:{target}")
                if target == "2000" and tree not in html:
                    html[tree] = sizes_of(out / "products" / "index.html")
                shutil.rmtree(out, ignore_errors=True)
                print(f"  build {tree:6s} {target:5s} round {round_number + 1}: {s:6.2f} s", flush=True)
    return {
        "commit_before": git("rev-parse", BEFORE_COMMIT).strip(),
        "commit_after": git("rev-parse", "HEAD").strip() + " + uncommitted working tree",
        "python_before": python,
        "order": order,
        "seconds": seconds,
        "median_seconds": {tree: {t: median(v, 2) for t, v in by.items()} for tree, by in seconds.items()},
        "runs": loads,
        "products_index_html_2000": html,
    }


def remove_before_tree() -> None:
    if BEFORE_TREE.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(BEFORE_TREE)], cwd=ROOT, check=False)


# ---------- report ----------

def pad(text: str, width: int) -> str:
    """Left-aligned in a monospace terminal, where a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def kb(value: float | None) -> str:
    return "—" if value is None else f"{value / 1000:.1f}"


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def print_summary(results: dict) -> None:
    print()
    print("Product finder (medians of", results["repeat"], "runs; kB = 1000 bytes on the wire incl. headers, gzip;")
    print("  'kB CDP' = Chrome's encodedDataLength, 'server' = what the server wrote; ms: first load from")
    print("  domInteractive to the finder-results-1 mark, changes from the input event to the next mark)")
    print(f"goals: first load ≤ {GOAL_FIRST_LOAD_BYTES / 1000:.0f} kB, each change ≤ "
          f"{GOAL_CHANGE_BYTES / 1000:.0f} kB more, first results ≤ {GOAL_FIRST_RESULTS_MS} ms after domInteractive "
          f"(a byte goal counts the larger of the CDP and server figures)")
    for size, r in results["sizes"].items():
        f = r["first_load"]
        print()
        if "federated" in r:
            fed = r["federated"]
            print(f"== federated: {fed['regions']} districts × {fed['per_region']} products, {fed['shared']:.0%} "
                  f"of each the same bank product as in the first district ({fed['results']} finder results)")
            for name in SIZED[3:]:
                if name in r["files"]:
                    print(f"   {name}: {kb(r['files'][name]['raw'])} kB raw / {kb(r['files'][name]['gzip'])} kB gzip")
        print(f"== {size} products: build {r['build_seconds']:.1f} s; products/index.html "
              f"{kb(r['files']['products/index.html']['raw'])} kB raw / {kb(r['files']['products/index.html']['gzip'])} kB gzip; "
              f"finder.json {kb(r['files']['assets/data/finder.json']['raw'])} / {kb(r['files']['assets/data/finder.json']['gzip'])} kB; "
              f"finder-search.json {kb(r['files']['assets/data/finder-search.json']['raw'])} / "
              f"{kb(r['files']['assets/data/finder-search.json']['gzip'])} kB")
        def kb_ok(*sizes: float | None, goal: int) -> bool:
            return max(x or 0 for x in sizes) <= goal and any(x is not None for x in sizes)

        def ms_ok(millis: float | None) -> bool:
            return millis is not None and millis <= GOAL_FIRST_RESULTS_MS

        sh = r["shared_url"]
        rows = [("first load products/ (until 1st render)", f["bytes_by_first_render"], None,
                 f["ms_from_dom_interactive"], kb_ok(f["bytes_by_first_render"], goal=GOAL_FIRST_LOAD_BYTES),
                 ms_ok(f["ms_from_dom_interactive"]), f["runs"][0]["state"]["status"]),
                ("  … same, until network idle", f["bytes_until_idle"], f["server_bytes_until_idle"], None,
                 kb_ok(f["bytes_until_idle"], f["server_bytes_until_idle"], goal=GOAL_FIRST_LOAD_BYTES), None, "")]
        for c in r["changes"]:
            note = c["status_after"] + ("; loads Pagefind" if c["pagefind_requested"] else "")
            if not c["all_rendered"]:
                note = "NO RENDER; " + note
            rows.append((c["change"], c["bytes"], c["server_bytes"], c["ms"],
                         kb_ok(c["bytes"], c["server_bytes"], goal=GOAL_CHANGE_BYTES) and c["all_rendered"], None, note))
        rows.append(("cold load ?q=经营周转&guarantee=信用", sh["bytes_by_first_render"], None,
                     sh["ms_from_dom_interactive"], kb_ok(sh["bytes_by_first_render"], goal=GOAL_FIRST_LOAD_BYTES),
                     ms_ok(sh["ms_from_dom_interactive"]),
                     unquote(sh["runs"][0]["state"]["url"]) + " " + sh["runs"][0]["state"]["status"]
                     + ("; loads Pagefind" if sh["pagefind_loaded"] else "")))
        rows.append(("  … same, until network idle", sh["bytes_until_idle"], sh["server_bytes_until_idle"], None,
                     kb_ok(sh["bytes_until_idle"], sh["server_bytes_until_idle"], goal=GOAL_FIRST_LOAD_BYTES), None, ""))
        print(f"  {pad('measurement', 42)} {'kB CDP':>7s} {'server':>7s} {'ms':>6s}  {'kB ok':5s} {'ms ok':5s} state after")
        for name, size, server_size, millis, size_ok, time_ok, note in rows:
            print(f"  {pad(name, 42)} {kb(size):>7s} {kb(server_size):>7s} {ms(millis):>6s}  {yes(size_ok):5s} "
                  f"{'' if time_ok is None else yes(time_ok):5s} {note}")
        if r["console"]:
            print("  console/page errors:")
            for line in r["console"]:
                print("   ", line[:300])
    ba = results.get("before_after")
    if ba:
        print()
        print(f"build time, before ({BEFORE_COMMIT}) vs after (working tree), medians of "
              f"{len(ba['seconds']['before']['demo'])} interleaved runs:")
        for target in ("demo", "2000"):
            b, a = ba["median_seconds"]["before"][target], ba["median_seconds"]["after"][target]
            print(f"  {target:5s} before {b:6.2f} s  after {a:6.2f} s  ({a / b:.2f}×)   "
                  f"runs before {ba['seconds']['before'][target]} after {ba['seconds']['after'][target]}")
        for tree, h in ba["products_index_html_2000"].items():
            print(f"  products/index.html at 2000, {tree}: {kb(h['raw'])} kB raw, {kb(h['gzip'])} kB gzip")
    print(f"\nwritten {RESULTS.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000, 5000])
    parser.add_argument("--products", type=int, default=0, help="a federated catalogue of this many products")
    parser.add_argument("--regions", type=int, default=200, help="… in this many districts")
    parser.add_argument("--shared", type=float, default=0.3,
                        help="… of which this part of each district's are the same bank product everywhere")
    parser.add_argument("--no-before", action="store_true", help="skip the before/after build times")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before-commit", default=BEFORE_COMMIT,
                        help="the commit to compare build times with (default f97f1ae, before the finder)")
    args = parser.parse_args()
    globals()["BEFORE_COMMIT"] = args.before_commit   # one run compares with one commit
    from playwright.sync_api import sync_playwright

    results: dict = {"date": dt.datetime.now().isoformat(timespec="seconds"),
                     "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                 "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]},
                     "repeat": args.repeat, "viewport": VIEWPORT,
                     "goals": {"first_load_bytes": GOAL_FIRST_LOAD_BYTES, "change_bytes": GOAL_CHANGE_BYTES,
                               "first_results_ms": GOAL_FIRST_RESULTS_MS},
                     "method": "bytes: CDP Network.loadingFinished encodedDataLength (page + Pagefind worker), "
                               "fresh context per measurement, served gzip by bench/lighthouse_bench.GzipHandler; "
                               "first-load ms: finder-results-1 mark minus navigation domInteractive; change ms: "
                               "finder-results-<n> mark minus the input event's timeStamp (keydown/click/change/"
                               "submit; Back: performance.now() before history.back())",
                     "sizes": {}, "failures": []}
    before_python = before_env = None
    try:
        with tempfile.TemporaryDirectory(prefix="finder-bench-") as tmp:
            work = Path(tmp)
            sites, projects = {}, {}
            for n in args.sizes:
                projects[n] = build_bench.make_project(work, n)
                sites[n] = work / f"site-{n}"
                load = os.getloadavg()[0]
                seconds = timed_build(sys.executable, projects[n], sites[n], current_env())
                print(f"built {n} products in {seconds:.1f} s (load {load:.1f})", flush=True)
                results["sizes"][str(n)] = {"products": n, "build_seconds": round(seconds, 2),
                                            "build_loadavg_before": round(load, 2),
                                            "source_hashes_at_build": file_hashes(ROOT),
                                            "files": site_sizes(sites[n])}
            fed_key = None
            if args.products:
                fed_key = f"federated-{args.products}x{args.regions}"
                project = build_bench.make_project(work, args.products)
                sites[fed_key] = work / f"site-{fed_key}"
                load = os.getloadavg()[0]
                seconds = federated_build(project, sites[fed_key], args.regions, args.shared)
                print(f"built the federated catalogue ({args.products} products, {args.regions} districts) "
                      f"in {seconds:.1f} s (load {load:.1f})", flush=True)
                first = json.loads((sites[fed_key] / "assets/data/finder.json").read_text(encoding="utf-8"))
                results["sizes"][fed_key] = {
                    "products": args.products, "build_seconds": round(seconds, 2), "build_loadavg_before": round(load, 2),
                    "source_hashes_at_build": file_hashes(ROOT), "files": site_sizes(sites[fed_key]),
                    "federated": {"regions": args.regions, "per_region": args.products // args.regions,
                                  "shared": args.shared, "results": first["first"]["total"],
                                  "build": "in process (build_portal with a loader), not portal federate"}}
            if not args.no_before:
                try:
                    before_python, before_env = prepare_before()
                    if 2000 not in projects:
                        projects[2000] = build_bench.make_project(work, 2000)
                    results["before_after"] = before_after(work, projects[2000], 3, before_python, before_env)
                except Exception as exc:  # noqa: BLE001
                    results["failures"].append(f"before/after builds: {exc}")
                    print(f"before/after builds failed: {exc}", flush=True)
            results["pagefind"] = pagefind_versions(before_python, before_env)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                results["chromium"] = browser.version
                try:
                    targets = [(str(n), sites[n], CHANGES) for n in args.sizes]
                    if fed_key:
                        targets.append((fed_key, sites[fed_key], FEDERATED_CHANGES))
                    for key, site, changes in targets:
                        print(f"measuring {key} …", flush=True)
                        try:
                            results["sizes"][key].update(measure_site(browser, site, args.repeat, changes))
                        except Exception as exc:  # noqa: BLE001
                            results["failures"].append(f"browser measurements at {key}: {exc}")
                            print(f"measurements at {key} failed: {exc}", flush=True)
                finally:
                    browser.close()
    finally:
        if not args.no_before:
            remove_before_tree()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    measured = {k: v for k, v in results["sizes"].items() if "first_load" in v}
    print_summary({**results, "sizes": measured})
    for failure in results["failures"]:
        print("FAILED:", failure[:2000])
    return 1 if results["failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
