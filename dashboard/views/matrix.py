"""Matrix page: actors × dimensions on an as-of date, with the evidence of a chosen cell, and
playback of the date through the period."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from .. import charts, export
from ..i18n import t
from ..model import cell_key
from ..ui import (Context, Url, as_of_picker, cell_texts, day_picker, event_presets, filter_actors, keep_in_url,
                  matrix_downloads, playable, render_evidence, seed_from_url)

SORTS = ("name", "score", "change")


def _actor_order(ctx: Context, actors: list[str], matrix: pd.DataFrame, sort: str, since, day) -> list[str]:
    if sort == "score":
        mean = matrix.groupby("actor")["score"].mean()
        return sorted(actors, key=lambda a: (-(mean.get(a) if pd.notna(mean.get(a)) else -9), ctx.actor_name(a)))
    if sort == "change":
        moved = ctx.index.shifts(since, day, changed_only=False)
        change = moved.assign(size=moved["delta"].abs()).groupby("actor")["size"].sum()
        return sorted(actors, key=lambda a: (-change.get(a, 0), ctx.actor_name(a)))
    return sorted(actors, key=ctx.actor_name)


def _briefing_pack(ctx: Context, day: dt.date) -> None:
    """The CLI's briefing pack (PNGs in the page's language, matrix CSV, sources.txt) as one
    .zip: rendered on request (it takes seconds), then offered for download."""
    language = ctx.language
    wanted = (ctx.data_key, f"{day}", language)
    if st.button(t("briefing_prepare", language), key="briefing_prepare"):
        with st.status(t("briefing_rendering", language)) as status:
            try:
                st.session_state["_briefing"] = (wanted, export.briefing_zip(ctx.dataset, day, language))
                status.update(label=t("briefing_ready", language), state="complete")
            except export.RendererMissing as missing:
                status.update(label=t("briefing_no_renderer", language), state="error")
                st.caption(str(missing))
    prepared = st.session_state.get("_briefing")
    if prepared and prepared[0] == wanted:
        st.download_button(t("briefing_download", language), prepared[1], mime="application/zip",
                           file_name=f"stance-matrix-briefing_{day:%Y-%m-%d}_{language}.zip", key="briefing_zip",
                           on_click="ignore")


def _cell_picker(ctx: Context, event, order: list[str]) -> str | None:
    """The cell whose evidence is shown: clicked in the chart or picked from the list (in the URL)."""
    language = ctx.language
    names = {a: ctx.actor_name(a) for a in order}
    dimensions = {d.id: d.label(language) for d in ctx.config.dimensions}
    cell_labels = {cell_key(a, d): f"{names[a]} — {label}" for a in order for d, label in dimensions.items()}
    cells = list(cell_labels)
    seed_from_url(Url.CELL, cell_labels, None)
    if _selected_cell(event) not in cells:  # filtered out of view
        st.session_state[Url.CELL] = None
    cell = st.selectbox(t("pick_cell", language), cells, key=Url.CELL, format_func=cell_labels.get,
                        placeholder=t("click_hint", language))
    keep_in_url(Url.CELL, cell, None)
    return cell


def _selected_cell(event) -> str | None:
    """The clicked cell's key ('ACTOR.dimension'); a new click wins over the picker below."""
    points = event.get("selection", {}).get("points", []) if event else []
    clicked = points[0].get("customdata") if points else None
    if clicked and clicked != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = clicked
        st.session_state[Url.CELL] = clicked
    return st.session_state.get(Url.CELL)


def render(ctx: Context) -> None:
    st.title(ctx.config.title(ctx.language))
    playable(ctx, _matrix_view)


def _matrix_view(ctx: Context, playing: bool) -> None:
    language, config = ctx.language, ctx.config
    day = as_of_picker(ctx, playing)
    event_presets(ctx)

    left, right = st.columns([3, 2])
    group_labels = {g.id: g.label(language) for g in config.groups}
    seed_from_url(Url.GROUPS, group_labels, [], multi=True)
    groups = left.multiselect(t("groups", language), list(group_labels), format_func=group_labels.get,
                              key=Url.GROUPS, placeholder=t("all_groups", language))
    keep_in_url(Url.GROUPS, groups, [])
    seed_from_url(Url.SORT, SORTS, "name")
    sort = right.segmented_control(t("sort_by", language), SORTS, key=Url.SORT,
                                   format_func=lambda s: t(f"sort_{s}", language)) or "name"
    keep_in_url(Url.SORT, sort, "name")
    since = day_picker(ctx, "change_since", Url.SINCE, ctx.days()[0]) if sort == "change" else None

    actors = filter_actors(ctx, groups)
    matrix = ctx.index.matrix(day)
    order = _actor_order(ctx, actors, matrix, sort, since, day)
    figure = charts.matrix_figure(ctx.dataset, matrix, order, day, language, texts=cell_texts(ctx),
                                  labels=not playing)
    event = st.plotly_chart(figure, on_select="rerun", selection_mode="points", key="matrix_chart",
                            config=charts.png_config("matrix", day), width="stretch")
    if playing:
        # The frames change only the date: the downloads and the cell picker (one option per
        # cell, heavy to redraw in the browser) wait for Pause; the chosen cell's evidence stays.
        cell = st.query_params.get(Url.CELL)
        cell = cell if cell in {cell_key(a, d.id) for a in order for d in config.dimensions} else None
    else:
        # The filter's rows in the sort's order, or every actor.
        matrix_downloads(ctx, matrix.set_index("actor").loc[order].reset_index(), matrix, day)
        _briefing_pack(ctx, day)
        cell = _cell_picker(ctx, event, order)
    if cell:
        render_evidence(ctx, *cell.split(".", 1), day)
