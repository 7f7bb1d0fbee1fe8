"""Map page: one question's stances on an as-of date, by country, with the evidence of a
chosen actor; organisations and countries off the map are listed beside it."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import geo
from ..i18n import t
from ..ui import (Context, Url, as_of_picker, cell_texts, event_presets, keep_in_url, matrix_downloads, playable,
                  question_picker, render_evidence, seed_from_url)


def _text_color(background: str) -> str:
    """Black or white, whichever reads on `background` (#rrggbb)."""
    red, green, blue = (int(background[i:i + 2], 16) for i in (1, 3, 5))
    return "#111111" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "#ffffff"


def _beside_table(ctx: Context, beside: pd.DataFrame):
    """The actors not on the map as a table, each stance on its colour (a pandas Styler: the
    colours are the config's, the texts are shown as text)."""
    stance = t("stance", ctx.language)
    table = pd.DataFrame({
        t("actor", ctx.language): beside["name"],
        stance: [f"{s} · {t('contested_short', ctx.language)}" if contested else s
                 for s, contested in zip(beside["stance"], beside["contested"])],
    })
    styles = [f"background-color: {color}; color: {_text_color(color)}" for color in beside["color"]]
    return table.style.apply(lambda column: styles, subset=[stance])


def _clicked(event, source: str, rows_of: list[str] | None = None) -> str | None:
    """The actor a new click on `source` names (a country on the map, or a row of the table
    whose actors are `rows_of`); a click already seen names none."""
    selection = (event or {}).get("selection", {})
    if rows_of is not None:
        rows = selection.get("rows", [])
        clicked = rows_of[rows[0]] if rows and rows[0] < len(rows_of) else None
    else:
        points = selection.get("points", [])
        clicked = (points[0].get("customdata") or points[0].get("location")) if points else None
    seen = f"_last_click_{source}"
    if clicked == st.session_state.get(seen):
        return None
    st.session_state[seen] = clicked
    return clicked


def render(ctx: Context) -> None:
    st.title(t("page_map", ctx.language))
    playable(ctx, _map_view)


def _map_view(ctx: Context, playing: bool) -> None:
    language = ctx.language
    day = as_of_picker(ctx, playing)
    event_presets(ctx)
    dimension = question_picker(ctx)
    if not st.get_option("server.enableStaticServing"):
        st.warning(t("map_outlines_off", language))

    matrix = ctx.index.matrix(day)
    left, right = st.columns([5, 3])
    figure = geo.map_figure(ctx.dataset, matrix, dimension, day, language, texts=cell_texts(ctx))
    chart = left.plotly_chart(figure, on_select="rerun", selection_mode="points", key="map_chart",
                              config=geo.plotly_config(dimension, day), width="stretch")
    if not playing:
        matrix_downloads(ctx, matrix[matrix["dimension"] == dimension], matrix, day)  # this question, or all
    beside = geo.beside_map(ctx.dataset, matrix, dimension, language)
    right.subheader(t("not_on_map", language))
    table = right.dataframe(_beside_table(ctx, beside), hide_index=True, key="beside", on_select="rerun",
                            selection_mode="single-row", width="stretch")

    actors = list(ctx.dataset.actors)
    seed_from_url(Url.ACTOR, actors, None)
    for clicked in (_clicked(chart, "map"), _clicked(table, "beside", beside["actor"].tolist())):
        if clicked in actors:  # a new click wins over the picker below
            st.session_state[Url.ACTOR] = clicked
    actor_id = st.selectbox(t("map_evidence_for", language), actors, key=Url.ACTOR, format_func=ctx.actor_name,
                            placeholder=t("map_click_hint", language))
    keep_in_url(Url.ACTOR, actor_id, None)
    if actor_id:
        render_evidence(ctx, actor_id, dimension, day)
