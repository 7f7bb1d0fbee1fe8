"""Briefing pack: the dashboard's charts written as 2× PNG files (plotly + kaleido), and the
same pack with the matrix CSV and the list of sources as one .zip for the app."""
from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Callable

import plotly.io as pio

from . import charts, tables
from .load import Dataset
from .query import PositionIndex, month_ends

EXPORT_WIDTH = 1200


class RendererMissing(RuntimeError):
    """No Chromium to render PNGs with: said in one sentence, never a traceback."""


def _use_system_chromium() -> None:
    # kaleido drives a Chrome; this project uses Debian's chromium, never a downloaded one.
    if "BROWSER_PATH" not in os.environ:
        found = shutil.which("chromium") or shutil.which("chromium-browser")
        if found:
            os.environ["BROWSER_PATH"] = found
    if not (os.environ.get("BROWSER_PATH") and Path(os.environ["BROWSER_PATH"]).exists()):
        raise RendererMissing("PNG export needs Chromium (Debian: apt-get install chromium fonts-noto-cjk), "
                              "or BROWSER_PATH set to a Chrome")


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


def cited_sources(dataset: Dataset, as_of: dt.date, shifts_from: dt.date | None = None) -> list[str]:
    """Ids of the sources behind the pack's pictures: every cell in force on `as_of`, at each
    month's end up to it (the timelines) and on `shifts_from` (the shifts chart)."""
    config = dataset.config
    index = PositionIndex(dataset)
    shifts_from = shifts_from or month_ends(config.period.start, config.period.end)[0]
    days = {as_of, shifts_from, *(d for d in month_ends(config.period.start, config.period.end) if d <= as_of)}
    cited = set()
    for day in days:
        cited |= {source for joined in index.matrix(day)["sources"].dropna() for source in joined.split("|")}
    return sorted(cited)


def sources_text(dataset: Dataset, source_ids: list[str]) -> str:
    """One line a source: id, outlet, title, published date, and its address (or seed file)."""
    lines = []
    for source_id in source_ids:
        source = dataset.sources[source_id]
        where = source.url or source.seed
        accessed = f" (accessed {source.accessed})" if source.accessed else ""
        lines.append(f"{source.id}: {source.outlet}, \"{source.title}\", {source.published}. {where}{accessed}")
    return "\n".join(lines) + "\n"


def briefing_zip(dataset: Dataset, as_of: dt.date, language: str, shifts_from: dt.date | None = None,
                 progress: Callable[[str], None] = lambda message: None) -> bytes:
    """The briefing pack as one .zip: the PNGs of `export_briefing`, the matrix on `as_of` as CSV
    and sources.txt listing every source the pictures cite. RendererMissing without Chromium."""
    with tempfile.TemporaryDirectory(prefix="stance-briefing-") as tmp:
        pictures = export_briefing(dataset, as_of, Path(tmp), language, shifts_from, progress)
        progress("packing the zip …")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
            for path in pictures:
                pack.write(path, path.name)
            matrix = tables.matrix_table(PositionIndex(dataset).matrix(as_of))
            pack.writestr(f"stance-matrix_{as_of:%Y-%m-%d}.csv", tables.spreadsheet_csv(matrix))
            pack.writestr("sources.txt", sources_text(dataset, cited_sources(dataset, as_of, shifts_from)))
    return buffer.getvalue()
