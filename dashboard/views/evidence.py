"""Evidence page: every statement, searchable and filterable, downloadable as CSV."""
from __future__ import annotations

import streamlit as st

from .. import tables
from ..i18n import t
from ..ui import Context, keep_in_url, seed_from_url, statements_table


def render(ctx: Context) -> None:
    language, config = ctx.language, ctx.config
    st.title(t("page_evidence", language))
    statements = ctx.index.statements
    text = st.text_input(t("search", language), key="q", bind="query-params")
    left, middle, right = st.columns(3)
    dimension_ids = [d.id for d in config.dimensions]
    seed_from_url("actors", ctx.dataset.actors, [], multi=True)
    seed_from_url("dims", dimension_ids, [], multi=True)
    actors = left.multiselect(t("actors", language), list(ctx.dataset.actors), format_func=ctx.actor_name,
                              key="actors")
    dimensions = middle.multiselect(t("dimensions", language), dimension_ids, format_func=ctx.dimension_label,
                                    key="dims")
    keep_in_url("actors", actors, [])
    keep_in_url("dims", dimensions, [])
    sources = right.multiselect(t("sources", language), list(ctx.dataset.sources), key="sources",
                                bind="query-params")
    earliest = min([config.period.start, *statements["date"].dt.date]) if len(statements) else config.period.start
    start, end = st.slider(t("date_range", language), min_value=earliest, max_value=config.period.end,
                           value=(earliest, config.period.end), format="YYYY-MM-DD")

    rows = statements[(statements["date"].dt.date >= start) & (statements["date"].dt.date <= end)]
    if actors:
        rows = rows[rows["actor"].isin(actors)]
    if dimensions:
        rows = rows[rows["dimension"].isin(dimensions)]
    if sources:
        rows = rows[rows["source"].isin(sources)]
    table = statements_table(ctx, rows.sort_values(["date", "actor"]))
    if text:
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
