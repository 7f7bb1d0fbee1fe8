"""Load and soak: many sessions moving the Matrix date on one `streamlit run` server, spoken to
in Streamlit's own websocket protocol (the messages a browser sends when a slider moves).

    .venv/bin/python -m benchmarks.load [--sessions 20] [--moves 20] [--soak 1000]

Prints one JSON object:
- load: p50 and p95 seconds from a date move to the updated matrix chart arriving, for one
  session alone and for --sessions at once, each waiting --think seconds (±50 %) between moves (target: p95 <= 3x the single-session median), and
  the errors (exceptions shown by the app, timeouts, dropped connections; target 0);
- soak: the server's resident memory after warm-up and after --soak reruns spread over the
  sessions (target: growth <= 50 MB: no leak from caches or session state).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

from websockets.exceptions import ConnectionClosed

from benchmarks.run import APP, ROOT, SHIPPED_CONFIG, _streamlit_server

P95_TARGET = 3.0
MEMORY_GROWTH_TARGET_MB = 50.0
MOVE_TIMEOUT_S = 60.0


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Session:
    """One browser tab's worth of protocol: runs the Matrix page, then moves its date slider."""

    def __init__(self, url: str):
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.slider_id: str | None = None
        self.fragment_id = ""  # the Matrix view's fragment: a slider move reruns only that, as in a browser
        self.errors: list[str] = []

    async def open(self) -> None:
        from websockets.asyncio.client import connect  # a streamlit dependency

        self.socket = await connect(self.url, subprotocols=["streamlit"], max_size=None)
        await self._run(query_string="date=2025-02-01")

    async def _run(self, query_string: str = "", widget_states=None, fragment_id: str = "") -> float:
        """Send a rerun; returns seconds until the matrix chart arrived (then waits for the end)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        message.rerun_script.query_string = query_string
        message.rerun_script.fragment_id = fragment_id
        if widget_states is not None:
            message.rerun_script.widget_states.widgets.extend(widget_states)
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        chart_at = None
        while True:
            raw = await asyncio.wait_for(self.socket.recv(), MOVE_TIMEOUT_S)
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                which = element.WhichOneof("type")
                if which == "slider" and element.slider.label == "As of":  # select_slider is a slider
                    self.slider_id = element.slider.id
                    self.fragment_id = forward.delta.fragment_id
                elif which == "plotly_chart" and chart_at is None:
                    chart_at = time.perf_counter() - started
                elif which == "exception":
                    self.errors.append(element.exception.message[:200])
            elif kind == "script_finished":
                return chart_at if chart_at is not None else float("nan")

    async def move(self, day: str) -> float:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=self.slider_id)
        state.string_array_value.data.append(day)
        return await self._run(query_string=f"date={day}", widget_states=[state], fragment_id=self.fragment_id)

    async def close(self) -> None:
        await self.socket.close()


def _days(count: int, seed: int) -> list[str]:
    start = dt.date(2025, 2, 1)
    rng = random.Random(seed)
    return [f"{start + dt.timedelta(days=rng.randrange(365)):%Y-%m-%d}" for _ in range(count)]


async def _session_moves(session: Session, moves: int, seed: int, errors: list[str], think: float) -> list[float]:
    times = []
    pause = random.Random(seed)
    try:
        for day in _days(moves, seed):
            times.append(await session.move(day))
            await asyncio.sleep(think * pause.uniform(0.5, 1.5))  # a reader looks before moving again
    except (asyncio.TimeoutError, ConnectionError, OSError, ConnectionClosed) as error:
        errors.append(f"{type(error).__name__}: {error}")
    return times


async def _concurrent(url: str, sessions: int, moves: int, errors: list[str], think: float = 0.0) -> list[float]:
    """Open every session first (each a full page run), then let them all move their dates."""
    opened = [Session(url) for _ in range(sessions)]
    try:
        await asyncio.gather(*(session.open() for session in opened))
        results = await asyncio.gather(*(_session_moves(session, moves, seed, errors, think)
                                         for seed, session in enumerate(opened)))
    except (asyncio.TimeoutError, ConnectionError, OSError, ConnectionClosed) as error:
        errors.append(f"{type(error).__name__}: {error}")
        results = []
    finally:
        for session in opened:
            errors += session.errors
            if hasattr(session, "socket"):
                await session.close()
    return [t for times in results for t in times]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(v for v in values if v == v)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--moves", type=int, default=20, help="date moves per session")
    parser.add_argument("--soak", type=int, default=1000, help="reruns spread over the sessions for the memory figure")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a session waits between moves (0: back to back, a saturation test)")
    args = parser.parse_args(argv)
    report: dict = {"command": "python -m benchmarks.load " + " ".join(argv or sys.argv[1:]),
                    "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    processes: list = []
    with _streamlit_server(APP, {"DASHBOARD_CONFIG": str(SHIPPED_CONFIG)}, processes) as url:
        pid = processes[0].pid
        errors: list[str] = []
        asyncio.run(_concurrent(url, 2, 5, errors))  # warm: imports, data cache, cell texts
        alone = asyncio.run(_concurrent(url, 1, args.moves, errors, args.think))
        together = asyncio.run(_concurrent(url, args.sessions, args.moves, errors, args.think))
        median_alone = statistics.median(alone)
        report["load"] = {
            "single_session": {"p50_s": round(median_alone, 4), "p95_s": round(_percentile(alone, 0.95), 4)},
            f"{args.sessions}_sessions": {"p50_s": round(_percentile(together, 0.5), 4),
                                          "p95_s": round(_percentile(together, 0.95), 4), "moves": len(together)},
            "p95_over_single_median": round(_percentile(together, 0.95) / median_alone, 2),
            "target": P95_TARGET, "think_s": args.think, "errors": len(errors), "error_samples": errors[:5],
        }
        report["load"]["met"] = not errors and report["load"]["p95_over_single_median"] <= P95_TARGET
        warm = _rss_mb(pid)
        per_session = max(1, args.soak // args.sessions)
        soak_errors: list[str] = []
        soaked = asyncio.run(_concurrent(url, args.sessions, per_session, soak_errors))
        after = _rss_mb(pid)
        report["soak"] = {"reruns": len(soaked), "rss_after_warmup_mb": round(warm, 1),
                          "rss_after_soak_mb": round(after, 1), "growth_mb": round(after - warm, 1),
                          "target_mb": MEMORY_GROWTH_TARGET_MB, "errors": len(soak_errors),
                          "met": after - warm <= MEMORY_GROWTH_TARGET_MB and not soak_errors}
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
