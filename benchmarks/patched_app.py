"""dashboard/app.py with the proposed rerun fixes patched in, to measure them before they land.

    .venv/bin/python -m benchmarks.run --app benchmarks/patched_app.py

The fixes (for the owners of charts.py, ui.py and load.py to adopt; then delete this file):

1. charts.matrix_figure: build the cells in one pass over plain lists and the figure as one
   dict (`go.Figure(data=..., layout=..., _validate=False)`), instead of pandas `apply`,
   `concat` and boolean indexing per trace and plotly's per-property validation in
   `add_trace` / `update_layout` / `add_annotation`. Same figure (its JSON is equal).
2. ui.load: pass st.cache_resource one short digest of the stamp, not a tuple of ~200
   (path, size, mtime) tuples that Streamlit hashes item by item on every rerun.
3. load.data_stamp: parse config.yaml again only when its own size/mtime change, and stat
   the positions folder with os.scandir, instead of validating the config every rerun.
"""
from __future__ import annotations

import hashlib
import os
import runpy
import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import plotly.graph_objects as go  # noqa: E402

from dashboard import charts, ui  # noqa: E402
from dashboard.i18n import t  # noqa: E402
from dashboard.load import load_config  # noqa: E402


def matrix_figure(dataset, matrix, actor_order, day, language):
    """charts.matrix_figure, built from plain lists; the same figure."""
    config = dataset.config
    dimension_labels = {d.id: d.label(language) for d in config.dimensions}
    stance_labels = {(d.id, s.id): s.label(language) for d in config.dimensions for s in d.stances}
    names = {a: dataset.actors[a].name(language) for a in actor_order}
    no_position, contested_word = t("no_position", language), t("contested", language)
    words = [t("speaker", language), t("date", language), t("source", language)]
    traces = {key: {"x": [], "y": [], "text": [], "customdata": [], "hovertext": []}
              for key in (2, 1, 0, -1, -2, "none", "contested")}
    columns = [matrix[c].tolist() for c in ("actor", "dimension", "stance", "score", "stances", "speaker",
                                            "date", "sources", "contested")]
    for actor, dimension, stance, score, stances, speaker, date, sources, contested in zip(*columns):
        if actor not in names:
            continue
        y, x = names[actor], dimension_labels[dimension]
        known = isinstance(stance, str)
        label = " | ".join(stance_labels[(dimension, s)] for s in stances.split("|")) if known else no_position
        parts = [f"{y} — {x}", label]
        if known:
            parts += [f"{words[0]}: {speaker}", f"{words[1]}: {date:%Y-%m-%d}", f"{words[2]}: {sources}"]
        if contested:
            parts.append(contested_word)
        hover = "<br>".join(escape(str(part)) for part in parts)
        targets = [traces[int(score)]] if known else [traces["none"]]
        if known and contested:
            targets.append(traces["contested"])
        for trace in targets:
            trace["x"].append(x)
            trace["y"].append(y)
            trace["text"].append(f"  {escape(label)}")
            trace["customdata"].append([actor, dimension])
            trace["hovertext"].append(hover)
    for trace in traces.values():  # every legend entry is drawn even when no cell has it
        trace["x"].append(None)
        trace["y"].append(None)
        trace["text"].append("  ")
        trace["customdata"].append(["", ""])
        trace["hovertext"].append("")

    def scatter(points, name, color, symbol="square", line=None, text=True, size=24):
        return {"type": "scatter", "x": points["x"], "y": points["y"], "mode": "markers+text" if text else "markers",
                "name": name, "marker": {"symbol": symbol, "size": size, "color": color,
                                         "line": line or {"width": 1, "color": "#ffffff"}},
                "text": points["text"] if text else None, "textposition": "middle right",
                "textfont": {"size": 11, "color": "#333"}, "customdata": points["customdata"],
                "hovertext": points["hovertext"], "hoverinfo": "text", "cliponaxis": False}

    data = [scatter(traces[s], charts._score_label(s, language), config.color(s)) for s in range(2, -3, -1)]
    data.append(scatter(traces["none"], no_position, config.no_position_color, line={"width": 1, "color": "#9e9e9e"}))
    data.append(scatter(traces["contested"], contested_word, charts.CONTESTED_OUTLINE, symbol="square-open",
                        line={"width": 3, "color": charts.CONTESTED_OUTLINE}, text=False, size=30))
    labels = [d.label(language) for d in config.dimensions]
    title = t("matrix_title", language, date=f"{day:%Y-%m-%d}")
    subtitle = f"{config.title(language)} · {t('click_hint', language)}"
    height = 250 + charts.CELL_ROW_PX * max(len(actor_order), 3)
    bottom = 120
    layout = {
        "xaxis": {"categoryorder": "array", "categoryarray": labels, "side": "top", "showgrid": False,
                  "zeroline": False, "range": [-0.3, len(labels) - 0.1], "fixedrange": True},
        "yaxis": {"categoryorder": "array", "categoryarray": [names[a] for a in reversed(actor_order)],
                  "showgrid": False, "zeroline": False, "fixedrange": True},
        "clickmode": "event+select", "dragmode": False,
        # as charts._layout, written as one dict
        "title": {"text": f"<b>{escape(title)}</b><br><sup>{escape(subtitle)}</sup>", "x": 0.01, "xanchor": "left"},
        "font": {"family": charts.FONT, "size": 13}, "height": height,
        "margin": {"l": 10, "r": 10, "t": 110, "b": bottom}, "paper_bgcolor": "white", "plot_bgcolor": "white",
        "legend": {"orientation": "h", "yref": "container", "y": (bottom - 72) / height, "yanchor": "bottom",
                   "x": 0, "xanchor": "left"},
        "annotations": [{"text": escape(charts.footnote(dataset, language)), "xref": "paper", "yref": "paper",
                         "x": 0, "y": 0, "yshift": -(bottom - 6), "xanchor": "left", "yanchor": "bottom",
                         "align": "left", "showarrow": False, "font": {"size": 11, "color": "#555"}}],
    }
    # The dict is built from known-good values; plotly's per-property validation is what cost.
    return go.Figure(data=data, layout=layout, _validate=False)


# Kept on an imported module: Streamlit re-executes this script, and its globals, every rerun.
_config_data_dirs: dict = ui.__dict__.setdefault("_patched_config_data_dirs", {})


def data_stamp(config_path: Path) -> tuple:
    """load.data_stamp with config.yaml parsed only when it changes; the same tuple."""
    config_path = Path(config_path)
    info = config_path.stat()
    key = (str(config_path), info.st_size, info.st_mtime_ns)
    if key not in _config_data_dirs:
        config, _ = load_config(config_path)
        _config_data_dirs.clear()
        _config_data_dirs[key] = None if config is None else config_path.parent / config.data_dir
    stamp = [key]
    data_dir = _config_data_dirs[key]
    if data_dir is not None:
        for path in (data_dir / "actors.yaml", data_dir / "sources.yaml"):
            try:
                info = path.stat()
                stamp.append((str(path), info.st_size, info.st_mtime_ns))
            except OSError:
                stamp.append((str(path), -1, -1))
        try:
            entries = sorted((e.path, e.stat()) for e in os.scandir(data_dir / "positions") if e.name.endswith(".yaml"))
        except OSError:
            entries = []
        stamp += [(path, info.st_size, info.st_mtime_ns) for path, info in entries]
    return tuple(stamp)


def load(path: Path):
    digest = hashlib.blake2b(repr(data_stamp(path)).encode(), digest_size=16).hexdigest()
    return ui._load(str(path), digest)


charts.matrix_figure = matrix_figure
ui.load = load
runpy.run_path(str(ROOT / "dashboard" / "app.py"), run_name="__main__")
