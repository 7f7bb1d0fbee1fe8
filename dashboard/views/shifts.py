"""Shifts page: who moved between two dates, on what statement, and a monthly timeline."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import charts, tables
from ..i18n import t
from ..query import month_ends
from ..ui import Context, Url, day_picker, question_picker


def render(ctx: Context) -> None:
    language, config = ctx.language, ctx.config
    st.title(t("page_shifts", language))
    days = ctx.days()
    # Default comparison: from the first month's end, when most baselines are on record.
    first_month_end = f"{month_ends(config.period.start, config.period.end)[0]:%Y-%m-%d}"
    left, right = st.columns(2)
    with left:
        start = day_picker(ctx, "from_date", Url.FROM, first_month_end)
    with right:
        end = day_picker(ctx, "to_date", Url.TO, days[-1])
    if end < start:
        start, end = end, start

    shifts = ctx.index.shifts(start, end)
    st.subheader(t("who_moved", language))
    if shifts.empty:
        st.info(t("nobody_moved", language))
    else:
        table = shifts.assign(**{
            t("actor", language): shifts["actor"].map(ctx.actor_name),
            t("dimension", language): shifts["dimension"].map(ctx.dimension_label),
            t("from_stance", language): [ctx.stance_label(d, s) for d, s in zip(shifts["dimension"], shifts["from_stance"])],
            t("to_stance", language): [ctx.stance_label(d, s) for d, s in zip(shifts["dimension"], shifts["stances"])],
            t("delta", language): [t("new_position", language) if pd.isna(d) else f"{int(d):+d}" for d in shifts["delta"]],
            t("moved_by", language): [f"{d:%Y-%m-%d} · {speaker} · {source}" for d, speaker, source
                                      in zip(shifts["date"], shifts["speaker"], shifts["sources"])],
        })
        columns = [t(k, language) for k in ("actor", "dimension", "from_stance", "to_stance", "delta", "moved_by")]
        st.dataframe(table[columns], hide_index=True, width="stretch")
        st.download_button(t("download_csv", language), lambda: tables.spreadsheet_csv(tables.shifts_table(shifts)),
                           file_name=f"stance-matrix-shifts_{start:%Y-%m-%d}_{end:%Y-%m-%d}.csv", mime="text/csv",
                           key="csv_shifts", on_click="ignore")
        figure = charts.shifts_figure(ctx.dataset, shifts, start, end, language)
        st.plotly_chart(figure, config=charts.png_config("shifts", f"{start}_{end}"), width="stretch")

    st.subheader(t("timeline", language))
    dimension = question_picker(ctx)
    timeline = ctx.index.timeline(dimension, month_ends(config.period.start, config.period.end))
    figure = charts.timeline_figure(ctx.dataset, timeline, dimension, language)
    st.plotly_chart(figure, config=charts.png_config(f"timeline-{dimension}", config.period.end),
                    width="stretch")
