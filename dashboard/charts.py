"""Plotly figures built from query results: pure functions, no Streamlit.

Every figure stands on its own in a briefing: a title with its date, a legend or colour key,
and a "Source: …" footnote. Text taken from the data is HTML-escaped, because plotly renders a
subset of HTML in labels and hover text.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
import unicodedata
from html import escape

import pandas as pd
import plotly.graph_objects as go

from .i18n import t
from .load import Dataset
from .model import cell_key
from .query import ALL_DIMENSIONS, event_labels

FONT = "Noto Sans CJK JP, Noto Sans, Arial, sans-serif"  # CJK glyphs in PNG exports too
FONT_PX = 13
CELL_ROW_PX = 30
CONTESTED_OUTLINE = "#111111"
KEY_SEPARATOR = "&nbsp;" * 4
_escape = lru_cache(maxsize=65536)(escape)  # matrix labels and speakers repeat on every slider move


@lru_cache(maxsize=4096)  # actor names, on every slider move
def text_px(text: str, size: int) -> int:
    """About how wide `text` renders at `size` px: full-width (CJK) characters take 1 em, others ~0.62."""
    return round(sum(size if unicodedata.east_asian_width(c) in "WF" else 0.62 * size for c in text))


def _score_label(score: int, language: str) -> str:
    label = f"{score:+d}" if score else "0"
    if score == 2:
        return f"{label} ({t('most_support', language)})"
    if score == -2:
        return f"{label} ({t('least_support', language)})"
    return label


def chart_frame(title: str, subtitle: str, footnote: str, height: int, notes: str = "", legend: bool = True) -> dict:
    """Layout shared by every chart: title and subtitle on top; legend, notes and the source
    footnote in the bottom margin, below any axis labels."""
    bottom = (120 if legend else 64) + 16 * notes.count("<br>") + (16 if notes else 0)
    height += bottom - 120
    return {
        "title": {"text": f"<b>{escape(title)}</b><br><sup>{escape(subtitle)}</sup>", "x": 0.01, "xanchor": "left"},
        "font": {"family": FONT, "size": FONT_PX},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 110, "b": bottom},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "yref": "container", "y": (bottom - 72) / height, "yanchor": "bottom",
                   "x": 0, "xanchor": "left"},
        "annotations": [{"text": (notes + "<br>" if notes else "") + escape(footnote), "xref": "paper",
                         "yref": "paper", "x": 0, "y": 0, "yshift": -(bottom - 6), "xanchor": "left",
                         "yanchor": "bottom", "align": "left", "showarrow": False,
                         "font": {"size": 11, "color": "#555"}}],
    }


def _layout(figure: go.Figure, title: str, subtitle: str, footnote: str, height: int,
            notes: str = "") -> go.Figure:
    frame = chart_frame(title, subtitle, footnote, height, notes)
    annotations = frame.pop("annotations")
    figure.update_layout(frame)
    for annotation in annotations:
        figure.add_annotation(annotation)
    return figure


def footnote(dataset: Dataset, language: str) -> str:
    return t("source_footnote", language, n=len(dataset.statements), m=len(dataset.sources))


def png_config(name: str, day) -> dict:
    """st.plotly_chart config: a 2× PNG from the modebar, named after what and when."""
    return {"displaylogo": False,
            "toImageButtonOptions": {"format": "png", "scale": 2, "filename": f"stance-matrix_{name}_{day}"}}


class _Shared(tuple):
    """Per-point values that plotly may share instead of deep-copying.

    Plotly deep-copies a figure when it is built and again when Streamlit serialises it; for
    a tuple of strings and numbers (immutable all the way down) a copy is the same value, and
    skipping it item by item halves the cost of drawing the matrix on each slider move.
    """

    def __deepcopy__(self, memo):
        return self


def matrix_key(config, language: str) -> list[tuple[str, str, str]]:
    """The matrix's colour key, strongest support first: (symbol, colour, name) for each score,
    for no known position, and for the outline of a contested cell."""
    key = [("■", config.color(score), _score_label(score, language)) for score in range(2, -3, -1)]
    return key + [("■", config.no_position_color, t("no_position", language)),
                  ("□", CONTESTED_OUTLINE, t("contested", language))]


def hover_place(actor_html: str, dimension_html: str) -> str:
    """First line of a cell's hover text: which actor, which question."""
    return f"{actor_html} — {dimension_html}<br>"


@dataclass(frozen=True)
class CellTexts:
    """Matrix point text and hover text (HTML-escaped) for each row of a frame of cells."""

    text: list[str]
    hover: list[str]


def cell_texts(dataset: Dataset, cells: pd.DataFrame, language: str) -> CellTexts:
    """Texts for each row of `cells`: the rows of PositionIndex.cells, built once per dataset and
    language so that a slider move only picks them, or the rows of a matrix itself."""
    config = dataset.config
    dimension_labels = {d.id: _escape(d.label(language)) for d in config.dimensions}
    stance_labels = {(d.id, s.id): s.label(language) for d in config.dimensions for s in d.stances}
    names: dict[str, str] = {}
    no_position = _escape(t("no_position", language))
    speaker_word, date_word, source_word = (f"<br>{_escape(t(word, language))}: "
                                            for word in ("speaker", "date", "source"))
    contested_note = "<br>" + _escape(t("contested", language))
    labels: dict[tuple[str, str], str] = {}
    texts = CellTexts([], [])
    columns = [cells[c].tolist() for c in ("actor", "dimension", "stance", "stances", "speaker", "sources",
                                           "contested")]
    columns.append(cells["date"].to_numpy().astype("datetime64[D]").astype(str).tolist())
    for actor, dimension, stance, stances, speaker, sources, is_contested, date in zip(*columns):
        name = names.get(actor) or names.setdefault(actor, _escape(dataset.actors[actor].name(language)))
        place = hover_place(name, dimension_labels[dimension])
        if isinstance(stance, str):
            label = labels.get((dimension, stances))
            if label is None:
                label = labels[(dimension, stances)] = _escape(" | ".join(stance_labels[(dimension, s)]
                                                                          for s in stances.split("|")))
            hover = (f"{place}{label}{speaker_word}{_escape(speaker)}{date_word}{date}{source_word}{_escape(sources)}"
                     + (contested_note if is_contested else ""))
        else:
            label, hover = no_position, place + no_position
        texts.text.append("  " + label)
        texts.hover.append(hover)
    return texts


def matrix_figure(dataset: Dataset, matrix: pd.DataFrame, actor_order: list[str], day: dt.date,
                  language: str, interactive: bool = True, texts: CellTexts | None = None,
                  labels: bool = True) -> go.Figure:
    """Actors × dimensions as square markers (clickable, unlike go.Heatmap cells).

    Each point's customdata is its cell_key, so a click names its cell. This runs on every
    slider move, and plotly copies and walks every value of a figure on its way to the
    browser, so the cells are one trace of flat lists (outlines of contested cells a second)
    on numeric axes named by tick labels; the legend is a line of text (see matrix_key), which
    unlike legend entries costs no trace each. `texts`: cell_texts of the index's cells, by the
    matrix's `cell` column; without them the matrix's own rows are formatted. `labels=False`
    leaves out the stance written beside each square (colours, key and hover stay): drawing
    those texts is most of a redraw in the browser, too slow for playback frames.
    """
    config = dataset.config
    columns_of = {d.id: i for i, d in enumerate(config.dimensions)}
    rows_of = {a: i for i, a in enumerate(reversed(actor_order))}  # the first actor on top
    colors = {score: config.color(score) for score in range(-2, 3)}
    names = {a: dataset.actors[a].name(language) for a in actor_order}
    name_html = {a: _escape(name) for a, name in names.items()}
    dimension_html = {d.id: _escape(d.label(language)) for d in config.dimensions}
    if texts is None:
        texts, rows = cell_texts(dataset, matrix, language), range(len(matrix))
    else:
        rows = matrix["cell"].tolist()
    no_position = _escape(t("no_position", language))
    cells = {"x": [], "y": [], "color": [], "text": [], "customdata": [], "hovertext": []}
    outlined = {"x": [], "y": []}
    columns = [matrix[c].tolist() for c in ("actor", "dimension", "score", "contested")]
    for actor, dimension, score, is_contested, row in zip(*columns, rows):
        if actor not in rows_of:
            continue
        x, y = columns_of[dimension], rows_of[actor]
        if row >= 0:
            text, hover = texts.text[row], texts.hover[row]
            color = colors[int(score)] if score == score else config.no_position_color  # NaN: no position
        else:  # no statement yet: not one of the index's cells
            text = "  " + no_position
            hover = hover_place(name_html[actor], dimension_html[dimension]) + no_position
            color = config.no_position_color
        if is_contested:
            outlined["x"].append(x)
            outlined["y"].append(y)
        cells["x"].append(x)
        cells["y"].append(y)
        cells["color"].append(color)
        cells["text"].append(text)
        cells["customdata"].append(cell_key(actor, dimension))
        cells["hovertext"].append(hover)

    square = {"symbol": "square", "size": 24, "line": {"width": 1, "color": "#ffffff"}}
    outline = {"symbol": "square-open", "size": 30, "color": CONTESTED_OUTLINE,
               "line": {"width": 3, "color": CONTESTED_OUTLINE}}
    cells = {field: _Shared(values) for field, values in cells.items()}
    outlined = {field: _Shared(values) for field, values in outlined.items()}
    data = [
        {"type": "scatter", "x": cells["x"], "y": cells["y"], "mode": "markers+text" if labels else "markers",
         "showlegend": False,
         "marker": {**square, "color": cells["color"]}, "text": cells["text"], "textposition": "middle right",
         "textfont": {"size": 11, "color": "#333"}, "customdata": cells["customdata"],
         "hovertext": cells["hovertext"], "hoverinfo": "text", "cliponaxis": False},
        # Drawn over the scored square of each contested cell; clicks and hover pass through.
        {"type": "scatter", "x": outlined["x"], "y": outlined["y"], "mode": "markers", "showlegend": False,
         "marker": outline, "hoverinfo": "skip", "cliponaxis": False},
        # Actor names as text points left of the first column rather than axis tick labels:
        # plotly measures every tick label on each redraw, ~0.6 s for 200 actors in Chromium,
        # while a text trace draws them in ~0.05 s.
        {"type": "scatter", "name": "actors", "x": _Shared([-0.3] * len(rows_of)), "y": _Shared(range(len(rows_of))),
         "mode": "text", "text": _Shared(name_html[a] for a in rows_of), "textposition": "middle left",
         "textfont": {"size": FONT_PX, "color": "#444"}, "showlegend": False, "hoverinfo": "skip",
         "cliponaxis": False},
    ]
    key = KEY_SEPARATOR.join(f'<span style="color:{color}"><b>{symbol}</b></span> {_escape(name)}'
                             for symbol, color, name in matrix_key(config, language))
    layout = chart_frame(t("matrix_title", language, date=f"{day:%Y-%m-%d}"),
                    config.title(language) + (f" · {t('click_hint', language)}" if interactive else ""),
                    footnote(dataset, language),
                    250 + CELL_ROW_PX * max(len(actor_order), 3), notes=key, legend=False)  # a row per actor
    # Every colour is set here, so no registered template is needed; an empty one spares
    # copying the default into each figure, and Streamlit still lays its theme over it.
    layout["template"] = {"layout": {}}
    # Margins from the label widths instead of plotly's automargin, which draws a large matrix
    # twice in the browser (about a second for 200 actors in headless Chromium).
    layout["margin"]["l"] = 16 + max((text_px(name, FONT_PX) for name in names.values()), default=0)
    axis = {"showgrid": False, "zeroline": False, "fixedrange": True, "tickmode": "array", "automargin": False}
    layout.update(
        xaxis={**axis, "tickvals": list(range(len(columns_of))), "side": "top", "range": [-0.3, len(columns_of) - 0.1],
               "ticktext": list(dimension_html.values())},
        yaxis={**axis, "showticklabels": False, "range": [-0.5, max(len(rows_of), 1) - 0.5]},
        clickmode="event+select", dragmode=False)
    # st.plotly_chart validates every figure it draws; validating here too would double the
    # cost of each slider move, so the figure is built from the dict as it stands.
    return go.Figure(data=data, layout=layout, _validate=False)


def step_colorscale(palette: list[str]) -> list:
    """A plotly colorscale of equal steps, one colour each: over zmin..zmax split in
    len(palette) bands, band i is drawn exactly in palette[i]."""
    scale = []
    for i, color in enumerate(palette):
        scale += [[i / len(palette), color], [(i + 1) / len(palette), color]]
    return scale


def timeline_figure(dataset: Dataset, timeline: pd.DataFrame, dimension_id: str, language: str) -> go.Figure:
    """Actors × month-ends heatmap of one dimension's score, with the key events marked."""
    config = dataset.config
    dimension = config.dimension(dimension_id)
    days = list(timeline.columns)
    figure = go.Figure(go.Heatmap(
        z=timeline.to_numpy(dtype=float), x=days, y=[dataset.actors[a].name(language) for a in timeline.index],
        zmin=-2.5, zmax=2.5, colorscale=step_colorscale([config.color(score) for score in range(-2, 3)]), xgap=2, ygap=2,
        colorbar={"title": t("score", language), "tickvals": [-2, -1, 0, 1, 2], "len": 0.6},
        hovertemplate="%{y}<br>%{x|%Y-%m}<br>" + t("score", language) + ": %{z}<extra></extra>"))
    # Events are numbered on the chart and named in a key below it: early-2025 events fall
    # days apart, and full labels there would overprint each other.
    key = []
    for number, event in enumerate(config.events, start=1):
        figure.add_vline(x=pd.Timestamp(event.date).timestamp() * 1000, line={"dash": "dot", "color": "#444", "width": 1})
        figure.add_annotation(x=pd.Timestamp(event.date), y=1.0, yref="paper", text=str(number), showarrow=False,
                              yanchor="bottom", yshift=2 + 14 * (number % 2), font={"size": 11})
        key.append(f"{number} {escape(event.label(language))} ({event.date:%Y-%m-%d})")
    notes = "<br>".join(" · ".join(key[i:i + 3]) for i in range(0, len(key), 3))
    figure.update_yaxes(autorange="reversed")
    title = t("timeline_title", language, dimension=dimension.label(language),
              start=f"{days[0]:%Y-%m}" if days else "", end=f"{days[-1]:%Y-%m}" if days else "")
    figure = _layout(figure, title, dimension.question(language), footnote(dataset, language),
                     240 + CELL_ROW_PX * len(timeline.index), notes=f"{t('grey_cells', language)}<br>{notes}")
    figure.update_layout(plot_bgcolor=config.no_position_color)  # a cell with no score shows this colour
    return figure


def shifts_figure(dataset: Dataset, shifts: pd.DataFrame, start: dt.date, end: dt.date, language: str) -> go.Figure:
    """One bar per actor × dimension that moved, length = change in score."""
    config = dataset.config
    moved = shifts.dropna(subset=["delta"]).sort_values("delta")
    labels = [f"{dataset.actors[a].name(language)} — {config.dimension(d).label(language)}"
              for a, d in zip(moved["actor"], moved["dimension"])]
    colors = [config.color(2 if delta > 0 else -2) for delta in moved["delta"]]
    figure = go.Figure(go.Bar(x=moved["delta"], y=[escape(label) for label in labels], orientation="h",
                              marker_color=colors, hovertemplate="%{y}: %{x:+d}<extra></extra>"))
    figure.update_xaxes(title=t("delta", language), dtick=1, zeroline=True, zerolinecolor="#333")
    return _layout(figure, t("shifts_title", language, start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}"),
                   config.title(language), footnote(dataset, language), 220 + 26 * max(len(labels), 3))


def profile_figure(dataset: Dataset, statements: pd.DataFrame, actor_id: str, day: dt.date,
                   language: str) -> go.Figure:
    """One actor's score on every dimension over time, a step line with a marker per statement."""
    config = dataset.config
    figure = go.Figure()
    for dimension in config.dimensions:
        rows = statements[statements["dimension"] == dimension.id].sort_values("date")
        hover = [escape(f"{dimension.stance(s).label(language)} — {speaker} ({date:%Y-%m-%d}, {source})")
                 for s, speaker, date, source in zip(rows["stance"], rows["speaker"], rows["date"], rows["source"])]
        figure.add_trace(go.Scatter(x=rows["date"], y=rows["score"], mode="lines+markers", line_shape="hv",
                                    name=dimension.label(language), hovertext=hover, hoverinfo="text",
                                    marker={"size": 9}))
    figure.update_yaxes(range=[-2.5, 2.5], dtick=1, title=t("score", language), zeroline=True)
    figure.update_xaxes(range=[config.period.start - dt.timedelta(days=20), config.period.end])
    name = dataset.actors[actor_id].name(language)
    return _layout(figure, t("profile_title", language, actor=name, date=f"{day:%Y-%m-%d}"),
                   config.title(language), footnote(dataset, language), 460)


def coverage_figure(dataset: Dataset, coverage: pd.DataFrame, language: str) -> go.Figure:
    """Share of applicable cells with a known position on each day of `coverage` (the query's
    long table), a line per dimension and a bold one for all of them."""
    config = dataset.config
    labels = {d.id: d.label(language) for d in config.dimensions} | {ALL_DIMENSIONS: t("all_dimensions", language)}
    events = event_labels(config, language)
    figure = go.Figure()
    for dimension, rows in coverage.groupby("dimension", sort=False):
        total = dimension == ALL_DIMENSIONS
        hover = [escape(f"{labels[dimension]} — {day:%Y-%m-%d} {events.get(day, '')}: {k}/{n}")
                 for day, k, n in zip(rows["date"], rows["known"], rows["applicable"])]
        figure.add_trace(go.Scatter(
            x=[pd.Timestamp(day) for day in rows["date"]], y=(rows["share"] * 100).round(1),
            name=escape(labels[dimension]), mode="lines+markers", line_shape="hv", hovertext=hover,
            hovertemplate="%{hovertext}<br>%{y:.0f}%<extra></extra>",
            line={"width": 4 if total else 2, "color": "#222" if total else None}))
    figure.update_yaxes(title=t("coverage_share", language), range=[0, 102], ticksuffix="%")
    days = sorted(set(coverage["date"]))
    title = t("coverage_title", language, start=f"{days[0]:%Y-%m-%d}" if days else "",
              end=f"{days[-1]:%Y-%m-%d}" if days else "")
    return _layout(figure, title, t("coverage_subtitle", language), footnote(dataset, language), 440)


def statements_per_month_figure(dataset: Dataset, statements: pd.DataFrame, language: str) -> go.Figure:
    """How many statements the dataset holds for each month, from the period's start (or an
    earlier statement still in force then) to its end; a month with none is an empty bar."""
    period = dataset.config.period
    first = period.start if statements.empty else min(period.start, statements["date"].min().date())
    months = pd.period_range(first, period.end, freq="M")
    counts = statements["date"].dt.to_period("M").value_counts().reindex(months, fill_value=0)
    labels = [f"{month:%Y-%m}" for month in months]
    figure = go.Figure(go.Bar(x=labels, y=counts.to_numpy(), marker_color=dataset.config.color(1),
                              hovertemplate="%{x}: %{y}<extra></extra>"))
    figure.update_yaxes(title=t("statements", language), rangemode="tozero")
    return _layout(figure, t("per_month_title", language, start=labels[0], end=labels[-1]),
                   dataset.config.title(language), footnote(dataset, language), 380)

