"""Playback frames per second on the Matrix page, in headless Chromium, for the two designs
the issue asked us to weigh:

1. fragment: the app as shipped — ▶ Play reruns a Streamlit fragment on a timer (fastest speed),
   each frame computed on the server; measured as matrix-title changes per second over a stretch
   of weeks with no key event (events hold a beat on purpose).
2. plotly_frames: the same weeks as plotly animation frames in one figure, played in the browser
   by plotly.js with no server involved (a standalone page, plotly.js inlined); measured as
   `plotly_animatingframe` events per second, plus the cost of building and shipping that figure.

    .venv/bin/python -m benchmarks.playback [--seconds S] [--dataset DIR]

Prints one JSON object. The target is >= 4 frames a second on the shipped and the 10k dataset.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import APP, CHROMIUM, CHROMIUM_ARGS, ROOT, SHIPPED_CONFIG, _streamlit_server

TARGET_FPS = 4.0
START = "2025-04-11"  # then ten weeks without a key event (the next is 2025-06-25)

# Counts title changes of the matrix chart from the moment Play is pressed.
_WATCH_TITLE = """() => {
  window.__frames = [];
  let last = null;
  const tick = () => {
    const title = document.querySelector('.js-plotly-plot .gtitle');
    const text = title ? title.textContent.slice(0, 40) : null;
    if (text && text !== last) { window.__frames.push(performance.now()); last = text; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def fragment_fps(browser, url: str, seconds: float) -> dict:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{url}/?date={START}")
        page.wait_for_selector(".js-plotly-plot .gtitle", timeout=60_000)
        page.get_by_text("Fast", exact=True).click()
        page.wait_for_timeout(800)
        page.evaluate(_WATCH_TITLE)
        page.get_by_role("button", name="▶ Play").click()
        page.wait_for_timeout(seconds * 1000)
        frames = page.evaluate("() => window.__frames")
        page.get_by_role("button", name="❚❚ Pause").click()
    finally:
        context.close()
    changes = frames[1:]  # the first entry is the page as it was before Play
    if len(changes) < 3:
        return {"fps": 0.0, "frames": len(changes)}
    span = (changes[-1] - changes[0]) / 1000
    return {"fps": round((len(changes) - 1) / span, 2), "frames": len(changes),
            "median_gap_ms": round(sorted(b - a for a, b in zip(changes, changes[1:]))[len(changes) // 2 - 1], 1)}


def plotly_frames_fps(browser, config_path: Path, seconds: float) -> dict:
    import plotly.graph_objects as go
    import plotly.io as pio

    from dashboard import charts
    from dashboard.load import load_dataset
    from dashboard.query import Frame, PositionIndex, next_frame

    dataset = load_dataset(config_path)
    index = PositionIndex(dataset)
    config = dataset.config
    order = sorted(dataset.actors, key=lambda a: dataset.actors[a].name("en"))
    started = time.perf_counter()
    frame, days = Frame(config.period.start), []
    while not frame.ended:
        days.append(frame.day)
        frame = next_frame(frame, config.period.start, config.period.end, [e.date for e in config.events])
    figures = [charts.matrix_figure(dataset, index.matrix(day), order, day, "en", interactive=False) for day in days]
    animated = go.Figure(figures[0])
    animated.frames = [go.Frame(data=f.data, layout={"title": f.layout.title}, name=str(day))
                       for f, day in zip(figures, days)]
    build = time.perf_counter() - started
    html = pio.to_html(animated, include_plotlyjs=True, full_html=True, div_id="matrix")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "animated.html"
        path.write_text(html, encoding="utf-8")
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            page.goto(path.as_uri())
            page.wait_for_selector("#matrix .main-svg", timeout=60_000)
            frames = page.evaluate("""([names, seconds]) => new Promise(resolve => {
              const div = document.getElementById('matrix');
              const times = [];
              div.on('plotly_animatingframe', () => times.push(performance.now()));
              Plotly.animate(div, names, {frame: {duration: 0, redraw: true}, transition: {duration: 0},
                                          mode: 'immediate'});
              setTimeout(() => resolve(times), seconds * 1000);
            })""", [[str(day) for day in days], seconds])
        finally:
            context.close()
    fps = (len(frames) - 1) / ((frames[-1] - frames[0]) / 1000) if len(frames) > 2 else 0.0
    return {"fps": round(fps, 2), "frames": len(frames), "figure_build_s": round(build, 3),
            "html_mb": round(len(html.encode()) / 2**20, 2), "weeks": len(days)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="how long to watch each playback")
    parser.add_argument("--dataset", type=Path, default=Path(__file__).resolve().parent / "generated",
                        help="where the 10k dataset is (re)generated")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    from benchmarks.generate import generate

    configs = {"shipped": SHIPPED_CONFIG, "10k": generate(args.dataset)}
    report: dict = {"command": "python -m benchmarks.playback " + " ".join(argv or sys.argv[1:]),
                    "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "target_fps": TARGET_FPS}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for name, config_path in configs.items():
                with _streamlit_server(APP, {"DASHBOARD_CONFIG": str(config_path)}) as url:
                    fragment_fps(browser, url, 2)  # warm: imports, data cache, cell texts
                    fragment = fragment_fps(browser, url, args.seconds)
                fragment["met"] = fragment["fps"] >= TARGET_FPS
                frames = plotly_frames_fps(browser, config_path, args.seconds)
                frames["met"] = frames["fps"] >= TARGET_FPS
                report[name] = {"fragment": fragment, "plotly_frames": frames}
        finally:
            browser.close()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
