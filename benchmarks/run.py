"""Run every performance benchmark and print one JSON object: each figure, its floor, the ratio.

    .venv/bin/python -m benchmarks.run [--dataset DIR] [--repeat N] [--skip-browser] [--skip-app]

Each target is a ratio to a floor measured in the same run, so the figures mean the same on
a slow or a busy machine:

1. load_validate: load_dataset() on the generated 10k dataset / yaml.load(CSafeLoader) of the same files
2. rerun_*: Matrix page rerun after moving the date slider (AppTest, warm cache)
            / the same rerun of benchmarks/hello.py, a slider and a plotly heatmap of the same size
3. queries: PositionIndex.matrix(day) + a 12-month timeline on the 10k dataset / the 10k rerun
4. first_paint_*: navigation → Matrix chart drawn in headless Chromium / the same for hello.py
5. memory: resident growth of a fresh process loading and indexing the 10k dataset / 100 MB
6. hostile_files: load_dataset() on the shipped data plus an alias bomb, a 3 MB file and a link to
                  /dev/zero / the same load without them (each is refused, the rest loads)

Times are the median of --repeat runs (the minimum for the sub-second in-process timings,
where the minimum is the least noisy estimate). Nothing here is a pass/fail test.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
HELLO = Path(__file__).resolve().parent / "hello.py"
SHIPPED_CONFIG = ROOT / "config.yaml"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
TARGETS = {"load_validate": 2.0, "rerun": 1.5, "queries": 0.05, "first_paint": 1.5, "memory": 1.0,
           "hostile_files": 10.0}
BAD_INPUT = ROOT / "tests" / "fixtures" / "bad"
MEMORY_BUDGET_MB = 100.0

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _result(figure: float, floor: float, target: str, unit: str = "s", **extra) -> dict:
    ratio = figure / floor if floor else float("inf")
    return {"figure": round(figure, 4), "floor": round(floor, 4), "unit": unit, "ratio": round(ratio, 3),
            "target_ratio": TARGETS[target], "met": ratio <= TARGETS[target], **extra}


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


# 1. Load + validate ------------------------------------------------------------------------

def bench_load(config_path: Path, repeat: int) -> dict:
    import yaml

    from dashboard.load import data_files, load_dataset

    dataset = load_dataset(config_path)
    files = data_files(config_path, dataset.root / dataset.config.data_dir)

    def parse_only():
        for path in files:
            yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

    parse, load = [], []
    for _ in range(repeat):  # interleaved, so drift in machine load hits both alike
        parse.append(_timed(parse_only))
        load.append(_timed(lambda: load_dataset(config_path)))
    return _result(min(load), min(parse), "load_validate", files=len(files),
                   statements=len(dataset.statements), problems=len(dataset.problems),
                   line_numbers=_lines_point_at_records(dataset))


def _lines_point_at_records(dataset) -> bool:
    """Every statement's line is the line of its `- dimension:` item in its file."""
    texts: dict[str, list[str]] = {}
    for statement in dataset.statements:
        lines = texts.setdefault(statement.path, (dataset.root / statement.path).read_text(encoding="utf-8").splitlines())
        if not lines[statement.line - 1].lstrip().startswith("- "):
            return False
    return bool(dataset.statements)


# 3. As-of queries -----------------------------------------------------------------------------

def bench_queries(config_path: Path, repeat: int) -> dict:
    from dashboard.load import load_dataset
    from dashboard.query import PositionIndex, month_ends

    dataset = load_dataset(config_path)
    build = _timed(lambda: PositionIndex(dataset))
    index = PositionIndex(dataset)
    period = dataset.config.period
    months = month_ends(period.start, period.end)[-12:]
    day = period.start + (period.end - period.start) / 2

    def query():
        index.matrix(day)
        index.timeline(dataset.config.dimensions[0].id, months)

    times = [_timed(query) for _ in range(max(repeat, 5) * 4)]
    return {"seconds": min(times), "months": len(months), "index_build_s": round(build, 4)}


# 5b. Hostile files ------------------------------------------------------------------------------

def bench_hostile_files(repeat: int) -> dict:
    import shutil
    import tempfile

    from dashboard.load import load_dataset
    from dashboard.yamlread import MAX_FILE_BYTES

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name in ("config.yaml", "data", "seeds"):
            (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, root / name)
        clean = [_timed(lambda: load_dataset(root / "config.yaml")) for _ in range(repeat)]
        positions = root / "data" / "positions"
        shutil.copy(BAD_INPUT / "billion_laughs.yaml", positions / "zz-bomb.yaml")
        (positions / "zz-huge.yaml").write_text("x: " + "y" * (MAX_FILE_BYTES + 1024 * 1024), encoding="utf-8")
        (positions / "zz-endless.yaml").symlink_to("/dev/zero")
        hostile = [_timed(lambda: load_dataset(root / "config.yaml")) for _ in range(repeat)]
        problems = [p.code for p in load_dataset(root / "config.yaml").problems]
    return _result(min(hostile), min(clean), "hostile_files", refused=sorted(set(problems)))


# 5. Memory --------------------------------------------------------------------------------------

_MEMORY_CHILD = r"""
import gc, json, sys
sys.path.insert(0, sys.argv[2])
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
import numpy, pandas, pydantic, yaml
from dashboard.load import load_dataset
from dashboard.query import PositionIndex
gc.collect()
before = rss()
dataset = load_dataset(sys.argv[1])
index = PositionIndex(dataset)
index.matrix(dataset.config.period.end)
gc.collect()
print(json.dumps({"before_mb": before, "after_mb": rss(), "statements": len(dataset.statements)}))
"""


def bench_memory(config_path: Path) -> dict:
    output = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(config_path), str(ROOT)],
                            capture_output=True, text=True, check=True, timeout=120).stdout
    figures = json.loads(output)
    growth = figures["after_mb"] - figures["before_mb"]
    return _result(growth, MEMORY_BUDGET_MB, "memory", unit="MB",
                   rss_before_mb=round(figures["before_mb"], 1), rss_after_mb=round(figures["after_mb"], 1))


# 2. Rerun (AppTest) -------------------------------------------------------------------------------

@contextlib.contextmanager
def _environment(env: dict):
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class _Reruns:
    """An AppTest of one script, warmed up, that reruns after moving its `date` slider."""

    def __init__(self, script: Path, count: int):
        from streamlit.testing.v1 import AppTest

        self.script, self.problem, self.days = script, None, []
        self.app = AppTest.from_file(str(script), default_timeout=120)
        self.app.run()  # cold: fills the data cache
        if self._failed():
            return
        sliders = [s for s in self.app.select_slider if s.key == "date"]
        if not sliders:
            self.problem = f"{script.name} has no select_slider with key 'date'"
            return
        options = list(sliders[0].options)
        self.days = [options[i * (len(options) - 1) // (count + 1)] for i in range(count + 1)]
        self.step()  # the first widget rerun warms lazy imports; not counted

    def _failed(self) -> bool:
        if self.app.exception:
            self.problem = f"{self.script.name} raised: {self.app.exception[0].message[:200]}"
        return self.problem is not None

    def step(self) -> float:
        self.app.select_slider(key="date").set_value(self.days.pop(0))
        seconds = _timed(self.app.run)
        if not self._failed() and not self.app.get("plotly_chart"):
            self.problem = f"{self.script.name} drew no plotly chart"
        return seconds


def bench_rerun(config_path: Path, rows: int, cols: int, repeat: int, app_script: Path = APP) -> dict:
    count = 6 * repeat + 1  # reruns are cheap; more of them steady the median
    env = {"BENCH_ROWS": str(rows), "BENCH_COLS": str(cols), "DASHBOARD_CONFIG": str(config_path)}
    with _environment(env):
        hello = _Reruns(HELLO, count)
        if not app_script.is_file():
            floor = statistics.median(hello.step() for _ in range(count))
            return {"floor": round(floor, 4), "unit": "s", "met": None, "note": f"app missing: {app_script}"}
        app = _Reruns(app_script, count)
        floors, times = [], []
        for _ in range(count):  # interleaved, so a busy moment slows both alike
            if hello.problem or app.problem:
                break
            floors.append(hello.step())
            times.append(app.step())
    if hello.problem or app.problem:
        return {"unit": "s", "met": None, "note": hello.problem or app.problem}
    return _result(statistics.median(times), statistics.median(floors), "rerun", cells=f"{rows}x{cols}",
                   reruns=count)


# 4. First paint (Playwright + Chromium) ------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _streamlit_server(script: Path, env: dict, processes: list | None = None):
    """A `streamlit run` of `script` on a free port, yielding its URL (and appending its process
    to `processes`, for a caller that measures it)."""
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--global.developmentMode", "false"]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if processes is not None:
        processes.append(process)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"streamlit did not start for {script.name}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


# Resolves to performance.now() (ms since navigation start) on the first animation frame in
# which a plotly chart is drawn with its data points, so the figure excludes Playwright's latency.
_CHART_DRAWN = """() => {
  if (document.querySelector('[data-testid="stException"]')) return -1;
  const chart = document.querySelector('.js-plotly-plot');
  if (!chart || !chart._fullLayout) return false;
  const drawn = chart.querySelector('.scatterlayer .point, .heatmaplayer image, .heatmaplayer .hm');
  const box = chart.getBoundingClientRect();
  return drawn && box.width > 0 && box.height > 0 ? performance.now() : false;
}"""


def _paint_time(browser, url: str) -> float:
    """Seconds from navigation start to the first frame with the chart drawn, in a fresh context."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit")
        drawn = page.wait_for_function(_CHART_DRAWN, polling="raf", timeout=60_000).json_value()
    finally:
        context.close()
    if drawn < 0:
        raise RuntimeError("the page shows an exception")
    return drawn / 1000


def bench_first_paint(configs: dict[str, tuple[Path, int, int]], repeat: int, app_script: Path = APP) -> dict:
    if not Path(CHROMIUM).exists():
        return {"note": f"{CHROMIUM} missing", "met": None}
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for name, (config_path, rows, cols) in configs.items():
                env = {"BENCH_ROWS": str(rows), "BENCH_COLS": str(cols), "DASHBOARD_CONFIG": str(config_path)}
                with _streamlit_server(HELLO, env) as hello_url:
                    if not app_script.is_file():
                        _paint_time(browser, hello_url)
                        floor = statistics.median(_paint_time(browser, hello_url) for _ in range(repeat))
                        results[name] = {"floor": round(floor, 4), "unit": "s", "met": None,
                                         "note": f"app missing: {app_script}"}
                        continue
                    try:
                        with _streamlit_server(app_script, env) as app_url:
                            _paint_time(browser, hello_url)  # warm both servers (imports, data cache)
                            _paint_time(browser, app_url)
                            floors, times = [], []
                            for _ in range(repeat):  # interleaved, so a busy moment slows both alike
                                floors.append(_paint_time(browser, hello_url))
                                times.append(_paint_time(browser, app_url))
                    except Exception as error:  # a broken app is a finding, not a crash of the benchmark
                        results[name] = {"unit": "s", "met": None,
                                         "note": f"app: {type(error).__name__}: {str(error)[:200]}"}
                        continue
                results[name] = _result(statistics.median(times), statistics.median(floors), "first_paint",
                                        cells=f"{rows}x{cols}", runs=[round(t, 3) for t in times],
                                        floor_runs=[round(t, 3) for t in floors])
        finally:
            browser.close()
    return results


# ------------------------------------------------------------------------------------------------

def _shape(config_path: Path) -> tuple[int, int]:
    from dashboard.load import load_dataset

    dataset = load_dataset(config_path)
    return len(dataset.actors), len(dataset.config.dimensions)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=Path(__file__).resolve().parent / "generated",
                        help="where the 10k dataset is (re)generated")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--app", type=Path, default=APP,
                        help="Streamlit script measured as the app (default dashboard/app.py), e.g. a patched copy")
    parser.add_argument("--skip-app", action="store_true", help="skip the AppTest rerun benchmarks")
    parser.add_argument("--skip-browser", action="store_true", help="skip the first-paint benchmarks")
    args = parser.parse_args(argv)
    args.app = args.app.resolve()
    started = time.perf_counter()

    from benchmarks.generate import generate

    big = generate(args.dataset)
    shipped_shape, big_shape = _shape(SHIPPED_CONFIG), _shape(big)
    report: dict = {
        "command": "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load_avg": os.getloadavg()},
        "dataset": {"shipped": "x".join(map(str, shipped_shape)), "generated": "x".join(map(str, big_shape)),
                    "generated_dir": str(args.dataset)},
    }
    report["load_validate"] = bench_load(big, args.repeat)
    report["memory"] = bench_memory(big)
    report["hostile_files"] = bench_hostile_files(args.repeat)
    queries = bench_queries(big, args.repeat)
    if args.skip_app:
        report["queries"] = {"seconds": round(queries["seconds"], 5), "met": None, "note": "--skip-app: no rerun floor"}
    else:
        report["rerun_shipped"] = bench_rerun(SHIPPED_CONFIG, *shipped_shape, args.repeat, args.app)
        report["rerun_10k"] = bench_rerun(big, *big_shape, args.repeat, args.app)
        rerun = report["rerun_10k"].get("figure") or report["rerun_10k"].get("floor")
        if rerun:
            report["queries"] = _result(queries["seconds"], rerun, "queries", floor_is="median 10k Matrix rerun"
                                        if "figure" in report["rerun_10k"] else "median 10k hello rerun (app missing)",
                                        months=queries["months"], index_build_s=queries["index_build_s"])
        else:
            report["queries"] = {"seconds": round(queries["seconds"], 5), "met": None,
                                 "note": "no rerun figure to compare with: " + report["rerun_10k"].get("note", "")}
    if not args.skip_browser:
        report["first_paint"] = bench_first_paint({"shipped": (SHIPPED_CONFIG, *shipped_shape),
                                                   "10k": (big, *big_shape)}, max(3, args.repeat - 1), args.app)
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
