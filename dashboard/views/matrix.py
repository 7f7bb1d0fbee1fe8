"""Matrix page: actors × dimensions on an as-of date, with the evidence of a chosen cell, and
playback of the date through the period."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from .. import charts, tables
from ..i18n import t
from ..model import cell_key
from ..query import Frame, next_frame
from ..ui import Context, cell_texts, day_picker, filter_actors, keep_in_url, plain, render_statement, seed_from_url

SORTS = ("name", "score", "change")
# Seconds between playback frames, by speed; a frame also takes its own time to compute and draw
# (benchmarks/playback.py), so "fast" gives 4-6 frames a second.
SPEEDS = {"slow": 1.0, "normal": 0.5, "fast": 0.15}


def _jump_to_event() -> None:
    if st.session_state.get("event"):
        st.session_state["date"] = st.session_state["_play_date"] = st.session_state["event"]
        st.session_state["_frame_hold"] = 0
    st.session_state["event"] = None  # a preset is an action: nothing stays selected afterwards


def _event_presets(ctx: Context) -> None:
    labels = {f"{e.date:%Y-%m-%d}": f"{e.date:%Y-%m-%d} · {e.label(ctx.language)}" for e in ctx.config.events}
    st.pills(t("key_events", ctx.language), list(labels), format_func=labels.get, key="event",
             on_change=_jump_to_event)


def _actor_order(ctx: Context, actors: list[str], matrix: pd.DataFrame, sort: str, since, day) -> list[str]:
    if sort == "score":
        mean = matrix.groupby("actor")["score"].mean()
        return sorted(actors, key=lambda a: (-(mean.get(a) if pd.notna(mean.get(a)) else -9), ctx.actor_name(a)))
    if sort == "change":
        moved = ctx.index.shifts(since, day, changed_only=False)
        change = moved.assign(size=moved["delta"].abs()).groupby("actor")["size"].sum()
        return sorted(actors, key=lambda a: (-change.get(a, 0), ctx.actor_name(a)))
    return sorted(actors, key=ctx.actor_name)


def _downloads(ctx: Context, matrix: pd.DataFrame, order: list[str], day: dt.date) -> None:
    """The matrix on `day` as CSV (the CLI's columns): the rows in view, or every actor."""
    language = ctx.language
    visible = matrix.set_index("actor").loc[order].reset_index()  # the filter's rows, in the sort's order
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(t("csv_visible", language), tables.spreadsheet_csv(tables.matrix_table(visible)),
                         file_name=f"stance-matrix_{day:%Y-%m-%d}.csv", mime="text/csv", key="csv_visible",
                         on_click="ignore")
    right.download_button(t("csv_all", language), tables.spreadsheet_csv(tables.matrix_table(matrix)),
                          file_name=f"stance-matrix_all-actors_{day:%Y-%m-%d}.csv", mime="text/csv",
                          key="csv_all", on_click="ignore")


def _cell_picker(ctx: Context, event, order: list[str]) -> str | None:
    """The cell whose evidence is shown: clicked in the chart or picked from the list (in the URL)."""
    language = ctx.language
    names = {a: ctx.actor_name(a) for a in order}
    dimensions = {d.id: d.label(language) for d in ctx.config.dimensions}
    cell_labels = {cell_key(a, d): f"{names[a]} — {label}" for a in order for d, label in dimensions.items()}
    cells = list(cell_labels)
    seed_from_url("cell", cell_labels, None)
    if _selected_cell(event) not in cells:  # filtered out of view
        st.session_state["cell"] = None
    cell = st.selectbox(t("pick_cell", language), cells, key="cell", format_func=cell_labels.get,
                        placeholder=t("click_hint", language))
    keep_in_url("cell", cell, None)
    return cell


def _selected_cell(event) -> str | None:
    """The clicked cell's key ('ACTOR.dimension'); a new click wins over the picker below."""
    points = event.get("selection", {}).get("points", []) if event else []
    clicked = points[0].get("customdata") if points else None
    if clicked and clicked != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = clicked
        st.session_state["cell"] = clicked
    return st.session_state.get("cell")


def _toggle_playback(ctx: Context) -> None:
    days = ctx.days()
    if st.session_state.get("playing"):
        st.session_state["date"] = st.session_state["_play_date"]  # Pause stays on the frame shown
        st.session_state["playing"] = False
        return
    start = st.session_state.get("date") or days[-1]
    st.session_state["_play_date"] = days[0] if start == days[-1] else start  # at the end: from the start
    st.session_state["_frame_hold"] = 0
    st.session_state["_played_once"] = False
    st.session_state["playing"] = True


def _playback_controls(ctx: Context) -> float | None:
    """▶ Play / ❚❚ Pause, speed and loop; the seconds between frames while playing, else None."""
    language = ctx.language
    playing = st.session_state.get("playing", False)
    play, speed, loop = st.columns([1, 2, 1], vertical_alignment="bottom")
    play.button(t("pause" if playing else "play", language), key="play", on_click=_toggle_playback, args=(ctx,),
                type="primary" if playing else "secondary", width="stretch")
    chosen = speed.segmented_control(t("speed", language), list(SPEEDS), key="speed", default="normal",
                                     format_func=lambda s: t(f"speed_{s}", language)) or "normal"
    loop.toggle(t("loop", language), key="loop")
    return SPEEDS[chosen] if playing else None


def _playback_day(ctx: Context) -> dt.date:
    """The frame to show while playing: one step on from the last (the first frame after ▶
    shows where playback starts). At the period's end without loop, playback stops there."""
    config = ctx.config
    current = dt.date.fromisoformat(st.session_state["_play_date"])
    if st.session_state.get("_played_once"):
        frame = next_frame(Frame(current, st.session_state.get("_frame_hold", 0)), config.period.start,
                           config.period.end, [e.date for e in config.events], st.session_state.get("loop", False))
        if frame.ended:
            st.session_state["date"] = f"{frame.day:%Y-%m-%d}"
            st.session_state["playing"] = False
            st.rerun(scope="app")  # stops the timer and shows ▶ Play again
        current = frame.day
        st.session_state["_frame_hold"] = frame.hold
    st.session_state["_played_once"] = True
    st.session_state["_play_date"] = f"{current:%Y-%m-%d}"
    return current


def render(ctx: Context) -> None:
    st.title(ctx.config.title(ctx.language))
    interval = _playback_controls(ctx)
    # While playing, only this part reruns on the timer: the date, matrix and evidence change
    # together and the page around them stays still.
    st.fragment(run_every=interval)(_matrix_view)(ctx, interval is not None)


def _matrix_view(ctx: Context, playing: bool) -> None:
    language, config = ctx.language, ctx.config
    if playing:
        # The frame's date drives the view; the slider shows it, locked until Pause (a value
        # set under a slider the browser is still sending back would be overwritten by it),
        # and the URL follows it (so the date slider keeps its URL itself: bound=False).
        day = _playback_day(ctx)
        st.select_slider(t("as_of", language), options=ctx.days(), value=f"{day:%Y-%m-%d}", disabled=True)
        st.query_params["date"] = f"{day:%Y-%m-%d}"
    else:
        day = day_picker(ctx, "as_of", "date", ctx.days()[-1], bound=False)
    _event_presets(ctx)

    left, right = st.columns([2, 1])
    group_labels = {g.id: g.label(language) for g in config.groups}
    seed_from_url("groups", group_labels, [], multi=True)
    groups = left.multiselect(t("groups", language), list(group_labels), format_func=group_labels.get,
                              key="groups", placeholder=t("all_groups", language))
    keep_in_url("groups", groups, [])
    seed_from_url("sort", SORTS, "name")
    sort = right.segmented_control(t("sort_by", language), SORTS, key="sort",
                                   format_func=lambda s: t(f"sort_{s}", language)) or "name"
    keep_in_url("sort", sort, "name")
    since = day_picker(ctx, "change_since", "since", ctx.days()[0]) if sort == "change" else None

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
        cell = st.query_params.get("cell")
        cell = cell if cell in {cell_key(a, d.id) for a in order for d in config.dimensions} else None
    else:
        _downloads(ctx, matrix, order, day)
        cell = _cell_picker(ctx, event, order)
    if cell:
        actor_id, dimension_id = cell.split(".", 1)
        st.subheader(t("evidence_for", language, actor=plain(ctx.actor_name(actor_id)),
                       dimension=ctx.dimension_label(dimension_id)))
        statements = ctx.index.in_force(actor_id, dimension_id, day)
        if statements.empty:
            st.info(t("no_statement_yet", language))
            reason = ctx.gap_reason(actor_id, dimension_id)
            if reason:
                st.markdown(f"**{t('why_empty', language)}:** {plain(reason)}")
        elif statements["stance"].nunique() > 1:
            st.warning(t("contested_note", language))
        for _, row in statements.iterrows():
            render_statement(ctx, row)
