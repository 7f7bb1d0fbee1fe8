"""Data health page: validation problems with file and line, coverage, source counts."""
from __future__ import annotations

from dataclasses import asdict

import pandas as pd
import streamlit as st

from .. import charts, query, ui
from ..diff import DataDiff
from ..i18n import t
from ..ui import Context, Url, keep_in_url, seed_from_url


def render_edits(ctx: Context, edits: DataDiff) -> None:
    """Uncommitted edits to the data (git): the statements they touch and the cells and days
    whose position in force they change, as `python -m dashboard diff` prints them."""
    language = ctx.language
    st.subheader(t("uncommitted_edits", language))
    if edits.empty:
        st.caption(t("no_uncommitted_edits", language))
        return
    st.dataframe(pd.DataFrame({
        t("change", language): [t(f"change_{c.kind}", language) for c in edits.statements],
        t("actor", language): [ctx.actor_name(c.actor) for c in edits.statements],
        t("dimension", language): [ctx.dimension_label(c.dimension) for c in edits.statements],
        t("date", language): [f"{c.date}" for c in edits.statements],
        t("source", language): [c.source for c in edits.statements],
        t("changed_fields", language): [", ".join(c.fields) for c in edits.statements],
    }), hide_index=True, width="stretch")
    st.dataframe(pd.DataFrame({
        t("actor", language): [ctx.actor_name(c.actor) for c in edits.cells],
        t("dimension", language): [ctx.dimension_label(c.dimension) for c in edits.cells],
        t("was", language): [ctx.stance_label(c.dimension, c.old) for c in edits.cells],
        t("now", language): [ctx.stance_label(c.dimension, c.new) for c in edits.cells],
        t("from", language): [f"{c.start}" for c in edits.cells],
        t("to", language): [f"{c.end}" for c in edits.cells],
        t("days", language): [c.days for c in edits.cells],
    }), hide_index=True, width="stretch")


def render(ctx: Context) -> None:
    language, config, dataset = ctx.language, ctx.config, ctx.dataset
    st.title(t("page_health", language))

    st.subheader(t("problems", language))
    if dataset.problems:
        st.error(t("broken_notice", language, n=len(dataset.problems)))
        # The field names of `validate --format json`, so a reader can match the two.
        # Shown with headers in the page's language.
        st.dataframe(pd.DataFrame([asdict(p) for p in dataset.problems]), hide_index=True, width="stretch",
                     column_config={name: t(f"problem_{name}", language) for name in ("code", "path", "line", "message")})
        st.code("\n".join(str(p) for p in dataset.problems), language=None)
    else:
        st.success(t("no_problems", language))

    edits = ui.uncommitted_edits(ctx)
    if edits is not None:
        render_edits(ctx, edits)

    st.subheader(t("coverage", language))
    end = config.period.end
    coverage = query.coverage(ctx.index, dataset, query.key_days(config))
    st.plotly_chart(charts.coverage_figure(dataset, coverage, language), key="coverage",
                    config=charts.png_config("coverage", f"{end:%Y-%m-%d}"))
    events = query.event_labels(config, language)
    dimension_names = {d.id: d.label(language) for d in config.dimensions}
    dimension_names[query.ALL_DIMENSIONS] = t("all_dimensions", language)
    shares = query.coverage_by_day(coverage).rename(columns=dimension_names)
    shares.insert(0, t("event", language), [events.get(day, "") for day in shares.index])
    shares.index = [f"{day:%Y-%m-%d}" for day in shares.index]
    st.markdown(f"**{t('coverage_table', language)}**")
    st.dataframe(shares, width="stretch")
    matrix = ctx.index.matrix(end)
    missing = matrix[matrix["stance"].isna()]
    st.markdown(f"**{t('missing_cells', language)}** ({len(missing)})")
    reasons = [ctx.gap_reason(a, d) for a, d in zip(missing["actor"], missing["dimension"])]
    st.dataframe(pd.DataFrame({t("actor", language): missing["actor"].map(ctx.actor_name),
                               t("dimension", language): missing["dimension"].map(ctx.dimension_label),
                               t("gap_reason", language): reasons}),
                 hide_index=True, width="stretch")
    stale_choices = [str(n) for n in range(1, 25)]
    seed_from_url(Url.STALE, stale_choices, "6")
    months = int(st.selectbox(t("stale_months", language), stale_choices, key=Url.STALE))
    keep_in_url(Url.STALE, str(months), "6")
    cutoff = pd.Timestamp(end) - pd.DateOffset(months=int(months))
    stale = matrix[matrix["date"] < cutoff]
    st.markdown(f"**{t('stale_cells', language, n=int(months))}** ({len(stale)})")
    st.dataframe(pd.DataFrame({t("actor", language): stale["actor"].map(ctx.actor_name),
                               t("dimension", language): stale["dimension"].map(ctx.dimension_label),
                               t("date", language): stale["date"].dt.strftime("%Y-%m-%d")}),
                 hide_index=True, width="stretch")

    statements = ctx.index.statements
    st.plotly_chart(charts.statements_per_month_figure(dataset, statements, language), key="per_month",
                    config=charts.png_config("statements-per-month", f"{end:%Y-%m-%d}"))
    st.markdown(f"**{t('per_source', language)}**")
    counts = statements["source"].value_counts().rename_axis(t("source", language)).reset_index(
        name=t("statements", language))
    counts[t("outlet", language)] = counts[t("source", language)].map(lambda s: dataset.sources[s].outlet)
    st.dataframe(counts, hide_index=True, width="stretch")
