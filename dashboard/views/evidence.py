"""Evidence page: every statement, searchable and filterable, downloadable as CSV."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from .. import tables
from ..i18n import t
from ..ui import Context, Url, keep_in_url, seed_from_url, statements_table


def _date_range(ctx: Context, earliest: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day shown, kept in the URL as `dates=FIRST&dates=LAST`."""
    last = ctx.config.period.end
    if Url.DATES not in st.session_state:
        try:
            first, final = sorted(dt.date.fromisoformat(day) for day in st.query_params.get_all(Url.DATES))
            chosen = (max(first, earliest), min(final, last))
        except ValueError:  # no dates in the URL, or not two real ones
            chosen = (earliest, last)
        st.session_state[Url.DATES] = chosen
    start, end = st.slider(t("date_range", ctx.language), min_value=earliest, max_value=last, key=Url.DATES,
                           format="YYYY-MM-DD")
    keep_in_url(Url.DATES, [f"{start}", f"{end}"], [f"{earliest}", f"{last}"])
    return start, end


def render(ctx: Context) -> None:
    language, config = ctx.language, ctx.config
    st.title(t("page_evidence", language))
    statements = ctx.index.statements
    seed_from_url(Url.SEARCH, None, "")
    text = st.text_input(t("search", language), key=Url.SEARCH)
    keep_in_url(Url.SEARCH, text, "")
    left, middle, right = st.columns(3)
    dimension_ids = [d.id for d in config.dimensions]
    seed_from_url(Url.ACTORS, ctx.dataset.actors, [], multi=True)
    seed_from_url(Url.QUESTIONS, dimension_ids, [], multi=True)
    actors = left.multiselect(t("actors", language), list(ctx.dataset.actors), format_func=ctx.actor_name,
                              key=Url.ACTORS)
    dimensions = middle.multiselect(t("dimensions", language), dimension_ids, format_func=ctx.dimension_label,
                                    key=Url.QUESTIONS)
    keep_in_url(Url.ACTORS, actors, [])
    keep_in_url(Url.QUESTIONS, dimensions, [])
    seed_from_url(Url.SOURCES, ctx.dataset.sources, [], multi=True)
    sources = right.multiselect(t("sources", language), list(ctx.dataset.sources), key=Url.SOURCES)
    keep_in_url(Url.SOURCES, sources, [])
    earliest = min([config.period.start, *statements["date"].dt.date]) if len(statements) else config.period.start
    start, end = _date_range(ctx, earliest)

    rows = statements[(statements["date"].dt.date >= start) & (statements["date"].dt.date <= end)]
    if actors:
        rows = rows[rows["actor"].isin(actors)]
    if dimensions:
        rows = rows[rows["dimension"].isin(dimensions)]
    if sources:
        rows = rows[rows["source"].isin(sources)]
    table = statements_table(ctx, rows.sort_values(["date", "actor"]))
    if text and len(table):
        haystack = table.astype(object).fillna("").astype(str).agg(" ".join, axis=1).str.casefold()
        table = table[haystack.str.contains(text.casefold(), regex=False)]
    st.caption(t("n_statements", language, n=len(table)))
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={t("url", language): st.column_config.LinkColumn(t("url", language))})
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(t("csv_visible_statements", language), lambda: tables.spreadsheet_csv(table),
                         file_name=f"stance-matrix-evidence_{start:%Y-%m-%d}_{end:%Y-%m-%d}.csv", mime="text/csv",
                         key="csv_evidence", on_click="ignore")
    right.download_button(t("csv_all_statements", language),  # made on click, not on every rerun
                          lambda: tables.spreadsheet_csv(statements_table(ctx, statements.sort_values(["date", "actor"]))),
                          file_name=f"stance-matrix-evidence_all_{config.period.end:%Y-%m-%d}.csv", mime="text/csv",
                          key="csv_evidence_all", on_click="ignore")
