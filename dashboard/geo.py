"""The map: one question's stances on a day, a colour per country (plotly geo; no Streamlit).

Outlines are plotly's 1:110m world file shipped in dashboard/static/topojson/ (made by
scripts/build_outlines.py), so a map draws with no internet: the page points plotly's
`topojsonURL` at Streamlit's static route, an image export at the folder itself.
"""
from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from html import escape
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from . import charts
from .i18n import t
from .load import Dataset

OUTLINES_DIR = Path(__file__).resolve().parent / "static" / "topojson"
# Relative, so that it resolves under the app's own address (and any server.baseUrlPath):
# Streamlit serves dashboard/static/ at app/static/ when server.enableStaticServing is on.
OUTLINES_URL = "app/static/topojson/"
SCOPE, RESOLUTION = "world", 110  # plotly then requests world_110m.json
# What the map frames (degrees): Europe from Iceland to the Caucasus, with Turkey and Cyprus.
FRAME = {"lon": (-25.0, 45.0), "lat": (34.0, 71.0)}
PROJECTION = {"type": "azimuthal equal area", "rotation": {"lon": 12, "lat": 52}}
MAP_PX = 660
CONTESTED_LINE_PX = 3
BORDER = "#ffffff"
OTHER_LAND = "#fbfbfb"  # countries that are not actors: lighter than "no known position"
OCEAN = "#eef3f7"
NOTE_LINE_PX = 500  # the notes under the map wrap at this width: the page shows it in a column
NOTE_FONT_PX = 11


def outlines_url_for_export() -> str:
    """topojsonURL for an image export (kaleido), which reads files, not the app's server."""
    return OUTLINES_DIR.as_uri() + "/"


@lru_cache(maxsize=1)
def outline_bounds() -> dict[str, tuple[float, float, float, float]]:
    """(west, south, east, north) in degrees of each country in the shipped outlines, by ISO-3 id."""
    topology = json.loads((OUTLINES_DIR / f"{SCOPE}_{RESOLUTION}m.json").read_text(encoding="utf-8"))
    (scale_x, scale_y), (shift_x, shift_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:  # quantised and delta-encoded (TopoJSON)
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)

    def arc_ids(nested):
        for item in nested:
            if isinstance(item, list):
                yield from arc_ids(item)
            else:
                yield item if item >= 0 else ~item  # a negative index is a reversed arc

    bounds = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") and geometry.get("arcs"):
            points = [p for i in arc_ids(geometry["arcs"]) for p in arcs[i]]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            bounds[geometry["id"]] = (min(xs), min(ys), max(xs), max(ys))
    return bounds


def _in_frame(bounds: tuple[float, float, float, float]) -> bool:
    west, south, east, north = bounds
    (left, right), (bottom, top) = FRAME["lon"], FRAME["lat"]
    return west < right and east > left and south < top and north > bottom


def placement(dataset: Dataset) -> tuple[list[str], list[str]]:
    """Actor ids (in file order) drawn on the map, and those listed beside it: organisations,
    countries outside the frame and countries too small for the 1:110m outlines."""
    bounds = outline_bounds()
    on_map = [a.id for a in dataset.actors.values()
              if a.kind == "state" and a.id in bounds and _in_frame(bounds[a.id])]
    drawn = set(on_map)
    return on_map, [a for a in dataset.actors if a not in drawn]


def _colors(dataset: Dataset, cells: pd.DataFrame) -> list[str]:
    config = dataset.config
    return [config.color(int(score)) if score == score else config.no_position_color  # NaN: no position
            for score in cells["score"].tolist()]


def _cells(matrix: pd.DataFrame, dimension_id: str, actors: list[str]) -> pd.DataFrame:
    """The matrix rows of one dimension for `actors`, in their order."""
    rows = matrix[matrix["dimension"] == dimension_id].set_index("actor")
    return rows.reindex([a for a in actors if a in rows.index]).reset_index()


def beside_map(dataset: Dataset, matrix: pd.DataFrame, dimension_id: str, language: str) -> pd.DataFrame:
    """The actors not on the map, as the matrix shows them on `dimension_id`: actor, name,
    stance (label, or "no known position"), color, contested. Plain text, not escaped."""
    config = dataset.config
    dimension = config.dimension(dimension_id)
    cells = _cells(matrix, dimension_id, placement(dataset)[1])
    stances = [" | ".join(dimension.stance(s).label(language) for s in stance.split("|"))
               if isinstance(stance, str) else t("no_position", language)
               for stance in cells["stances"].tolist()]
    return pd.DataFrame({
        "actor": cells["actor"].tolist(),
        "name": [dataset.actors[a].name(language) for a in cells["actor"]],
        "stance": stances,
        "color": _colors(dataset, cells),
        "contested": cells["contested"].astype(bool).tolist(),
    })


def _lines(entries: list[tuple[str, str]], separator: str) -> str:
    """Colour-key entries, (symbol colour, text), as lines of HTML no wider than NOTE_LINE_PX
    (plotly does not wrap annotations)."""
    lines: list[list[str]] = []
    width = NOTE_LINE_PX
    for color, text in entries:
        entry = f'<span style="color:{color[0]}"><b>{color[1]}</b></span> {escape(text)}'
        entry_px = charts.text_px(f"■ {text}{separator.replace('&nbsp;', ' ')}", NOTE_FONT_PX)
        if lines and width + entry_px <= NOTE_LINE_PX:
            lines[-1].append(entry)
            width += entry_px
        else:
            lines.append([entry])
            width = entry_px
    return "<br>".join(separator.join(line) for line in lines)


def _beside_note(beside: pd.DataFrame, language: str) -> str:
    """Who is not on the map and where they stand, for an exported image (escaped HTML)."""
    if beside.empty:
        return ""
    entries = [((color, "□" if contested else "■"), t("map_beside_entry", language, actor=name, stance=stance))
               for name, stance, color, contested in zip(beside["name"], beside["stance"], beside["color"],
                                                         beside["contested"])]
    return escape(t("map_beside_note", language)) + "<br>" + _lines(entries, " · ")


def map_figure(dataset: Dataset, matrix: pd.DataFrame, dimension_id: str, day: dt.date, language: str,
               interactive: bool = True, texts: charts.CellTexts | None = None) -> go.Figure:
    """The actors' countries coloured by their stance on `dimension_id` in `matrix` (the
    matrix on `day`), in the matrix's colours; a contested cell's country has a thick black
    outline. Each country's customdata is its actor id, so a click names it. `texts`: the
    cell_texts of the index's cells, by the matrix's `cell` column (as for matrix_figure)."""
    config = dataset.config
    dimension = config.dimension(dimension_id)
    on_map, _ = placement(dataset)
    cells = _cells(matrix, dimension_id, on_map)
    if texts is None:
        texts, rows = charts.cell_texts(dataset, cells, language), range(len(cells))
    else:
        rows = cells["cell"].tolist()
    no_position_hover = escape(t("no_position", language))
    hover = [texts.hover[row] if row >= 0 else
             charts.hover_place(escape(dataset.actors[actor].name(language)), escape(dimension.label(language)))
             + no_position_hover
             for actor, row in zip(cells["actor"].tolist(), rows)]
    palette = list(dict.fromkeys([config.color(s) for s in range(-2, 3)] + [config.no_position_color]))
    z = [palette.index(color) for color in _colors(dataset, cells)]
    contested = cells["contested"].astype(bool).tolist()

    def countries(chosen: list[int], line: dict) -> dict:
        return {"type": "choropleth", "locationmode": "ISO-3", "locations": [cells["actor"][i] for i in chosen],
                "z": [z[i] for i in chosen], "customdata": [cells["actor"][i] for i in chosen],
                "hovertext": [hover[i] for i in chosen], "hovertemplate": "%{hovertext}<extra></extra>",
                "colorscale": charts.step_colorscale(palette), "zmin": -0.5, "zmax": len(palette) - 0.5,
                "showscale": False, "marker": {"line": line}, "unselected": {"marker": {"opacity": 1}}}

    data = [countries([i for i, c in enumerate(contested) if not c], {"color": BORDER, "width": 0.8}),
            # Drawn after the others, so that no neighbour's border covers the outline.
            countries([i for i, c in enumerate(contested) if c],
                      {"color": charts.CONTESTED_OUTLINE, "width": CONTESTED_LINE_PX})]
    key = _lines([((color, symbol), name) for symbol, color, name in charts.matrix_key(config, language)],
                 charts.KEY_SEPARATOR)
    notes = "<br>".join(filter(None, [key, _beside_note(beside_map(dataset, matrix, dimension_id, language),
                                                        language)]))
    subtitle = dimension.question(language) + (f" · {t('map_click_hint', language)}" if interactive else "")
    layout = charts.chart_frame(t("map_title", language, dimension=dimension.label(language), date=f"{day:%Y-%m-%d}"),
                           subtitle, charts.footnote(dataset, language), MAP_PX, notes=notes, legend=False)
    layout["template"] = {"layout": {}}  # every colour is set here (as in matrix_figure)
    layout["geo"] = {
        "scope": SCOPE, "resolution": RESOLUTION, "projection": PROJECTION,
        "lonaxis": {"range": list(FRAME["lon"])}, "lataxis": {"range": list(FRAME["lat"])},
        "showland": True, "landcolor": OTHER_LAND, "showcountries": True, "countrycolor": "#c8c8c8",
        "countrywidth": 0.5, "showcoastlines": True, "coastlinecolor": "#9aa5ae", "coastlinewidth": 0.5,
        "showocean": True, "oceancolor": OCEAN, "showlakes": False, "showrivers": False, "showframe": False,
        "bgcolor": "white"}
    layout["clickmode"] = "event+select"
    return go.Figure(data=data, layout=layout)


def plotly_config(dimension_id: str, day) -> dict:
    """st.plotly_chart config of the map: the PNG button's, and the outlines from the app itself."""
    return {**charts.png_config(f"map-{dimension_id}", day), "topojsonURL": OUTLINES_URL}
