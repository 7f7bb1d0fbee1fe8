"""Matrix page: actors × dimensions on an as-of date, with the evidence of a chosen cell."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import charts
from ..i18n import t
from ..model import cell_key
from ..ui import Context, cell_texts, day_picker, filter_actors, keep_in_url, plain, render_statement, seed_from_url

SORTS = ("name", "score", "change")


def _jump_to_event() -> None:
    if st.session_state.get("event"):
        st.session_state["date"] = st.session_state["event"]
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


def _selected_cell(event) -> str | None:
    """The clicked cell's key ('ACTOR.dimension'); a new click wins over the picker below."""
    points = event.get("selection", {}).get("points", []) if event else []
    clicked = points[0].get("customdata") if points else None
    if clicked and clicked != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = clicked
        st.session_state["cell"] = clicked
    return st.session_state.get("cell")


def render(ctx: Context) -> None:
    language, config = ctx.language, ctx.config
    st.title(config.title(language))
    day = day_picker(ctx, "as_of", "date", ctx.days()[-1])
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
    figure = charts.matrix_figure(ctx.dataset, matrix, order, day, language, texts=cell_texts(ctx))
    event = st.plotly_chart(figure, on_select="rerun", selection_mode="points", key="matrix_chart",
                            config=charts.png_config("matrix", day), width="stretch")

    names, dimensions = {a: ctx.actor_name(a) for a in order}, {d.id: d.label(language) for d in config.dimensions}
    cell_labels = {cell_key(a, d): f"{names[a]} — {label}" for a in order for d, label in dimensions.items()}
    cells = list(cell_labels)
    seed_from_url("cell", cell_labels, None)
    if _selected_cell(event) not in cells:  # filtered out of view
        st.session_state["cell"] = None
    cell = st.selectbox(t("pick_cell", language), cells, key="cell", format_func=cell_labels.get,
                        placeholder=t("click_hint", language))
    keep_in_url("cell", cell, None)
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
