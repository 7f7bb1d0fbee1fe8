"""Briefing pack: the dashboard's charts written as 2× PNG files (plotly + kaleido)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Callable

import plotly.io as pio

from . import charts
from .load import Dataset
from .query import PositionIndex, month_ends

EXPORT_WIDTH = 1200


def _use_system_chromium() -> None:
    # kaleido drives a Chrome; this project uses Debian's chromium, never a downloaded one.
    if "BROWSER_PATH" not in os.environ:
        found = shutil.which("chromium") or shutil.which("chromium-browser")
        if found:
            os.environ["BROWSER_PATH"] = found


def export_briefing(dataset: Dataset, as_of: dt.date, out_dir: Path, language: str | None = None,
                    shifts_from: dt.date | None = None,
                    progress: Callable[[str], None] = lambda message: None) -> list[Path]:
    """Write the matrix on `as_of`, the shifts since `shifts_from` and each dimension's
    timeline as PNGs in `out_dir`; returns the paths written."""
    config = dataset.config
    language = language or config.default_language
    shifts_from = shifts_from or month_ends(config.period.start, config.period.end)[0]
    index = PositionIndex(dataset)
    order = sorted(dataset.actors, key=lambda a: dataset.actors[a].name(language))

    figures = {
        f"matrix_{as_of}_{language}.png": charts.matrix_figure(
            dataset, index.matrix(as_of), order, as_of, language, interactive=False),
        f"shifts_{shifts_from}_{as_of}_{language}.png": charts.shifts_figure(
            dataset, index.shifts(shifts_from, as_of), shifts_from, as_of, language),
    }
    months = [d for d in month_ends(config.period.start, config.period.end) if d <= as_of] or [as_of]
    for dimension in config.dimensions:
        figures[f"timeline_{dimension.id}_{as_of}_{language}.png"] = charts.timeline_figure(
            dataset, index.timeline(dimension.id, months), dimension.id, language)

    out_dir.mkdir(parents=True, exist_ok=True)
    _use_system_chromium()
    paths = [out_dir / name for name in figures]
    progress(f"rendering {len(paths)} charts to {out_dir} …")
    # write_images sizes every image to plotly's default unless told each figure's own height.
    pio.write_images(list(figures.values()), paths, format="png", width=EXPORT_WIDTH, scale=2,
                     height=[figure.layout.height for figure in figures.values()])
    return paths
