"""Actor profile page: one actor's statements over time on every dimension, with sources."""
from __future__ import annotations

import streamlit as st

from .. import charts
from ..i18n import t
from ..ui import Context, Url, keep_in_url, render_statement, seed_from_url


def render(ctx: Context) -> None:
    language, config = ctx.language, ctx.config
    st.title(t("page_actor", language))
    actors = list(ctx.dataset.actors)
    seed_from_url(Url.ACTOR, actors, actors[0])
    actor_id = st.selectbox(t("actor", language), actors, format_func=ctx.actor_name, key=Url.ACTOR) or actors[0]
    keep_in_url(Url.ACTOR, actor_id, None)
    statements = ctx.index.statements[ctx.index.statements["actor"] == actor_id]
    st.caption(t("n_statements", language, n=len(statements)))
    st.plotly_chart(charts.profile_figure(ctx.dataset, statements, actor_id, config.period.end, language),
                    config=charts.png_config(f"profile-{actor_id}", config.period.end), width="stretch")
    for dimension in config.dimensions:
        rows = statements[statements["dimension"] == dimension.id].sort_values("date", ascending=False)
        st.subheader(f"{dimension.label(language)} — {dimension.question(language)}")
        if rows.empty:
            st.info(t("no_position", language))
        for _, row in rows.iterrows():
            render_statement(ctx, row)
