"""Add a statement page: a form that builds a validated entry and shows the YAML to paste (and
which file it goes in); with `editing: true` in config.yaml, Save appends it in place."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from .. import editing
from ..i18n import t
from ..model import CONFIDENCE_RANK
from ..ui import Context, config_path

BASELINE_YEARS = 15  # how far before the period a baseline statement may go in the date picker


def _source_fields(ctx: Context) -> tuple[str, dict | None]:
    """The cited source's id, and the new source's fields when one is being added."""
    language, sources = ctx.language, ctx.dataset.sources
    new = st.toggle(t("add_new_source", language), key="add_new_source")
    if not new:
        source = st.selectbox(t("source", language), list(sources), key="add_source",
                              format_func=lambda s: f"{s} — {sources[s].outlet}: {sources[s].title}"[:140])
        return source, None
    left, right = st.columns(2)
    fields = {
        "id": left.text_input(t("source_id", language), key="add_source_id",
                              placeholder="outlet-20250302-slug"),
        "url": right.text_input("URL", key="add_source_url", placeholder="https://…"),
        "outlet": left.text_input(t("outlet", language), key="add_source_outlet"),
        "title": right.text_input(t("title", language), key="add_source_title"),
        "published": left.date_input(t("published", language), key="add_source_published",
                                     value=ctx.config.period.end, max_value=dt.date.today()),
        "language": right.text_input(t("source_language", language), key="add_source_language", value="en",
                                     max_chars=2),
        "accessed": left.date_input(t("accessed", language), key="add_source_accessed", value=dt.date.today(),
                                    max_value=dt.date.today()),
    }
    return fields["id"], fields


def render(ctx: Context) -> None:
    language, config, dataset = ctx.language, ctx.config, ctx.dataset
    st.title(t("page_add", language))
    st.caption(t("add_intro", language))

    left, right = st.columns(2)
    actor = left.selectbox(t("actor", language), list(dataset.actors), format_func=ctx.actor_name, key="add_actor")
    dimension_id = right.selectbox(t("dimension", language), [d.id for d in config.dimensions],
                                   format_func=ctx.dimension_label, key="add_dimension")
    dimension = config.dimension(dimension_id)
    stance = left.selectbox(t("stance", language), [s.id for s in dimension.stances],
                            format_func=lambda s: f"{dimension.stance(s).score:+d} {dimension.stance(s).label(language)}",
                            key=f"add_stance_{dimension_id}")
    day = right.date_input(t("date", language), key="add_date", value=config.period.end,
                           min_value=config.period.start.replace(year=config.period.start.year - BASELINE_YEARS),
                           max_value=config.period.end)
    speaker = left.text_input(t("speaker", language), key="add_speaker", placeholder=t("speaker_hint", language))
    confidence = right.selectbox(t("confidence", language), list(CONFIDENCE_RANK), index=1, key="add_confidence",
                                 format_func=lambda c: t(f"confidence_{c}", language))
    summary_en = st.text_area(t("summary_en", language), key="add_summary_en", height=80)
    summary_ja = st.text_area(t("summary_ja", language), key="add_summary_ja", height=80)
    quote = st.text_area(t("quote_verbatim", language), key="add_quote", height=80)
    conditions = st.text_input(t("conditions", language), key="add_conditions")
    source, new_source = _source_fields(ctx)

    addition = editing.Addition(actor, {
        "dimension": dimension_id, "date": day, "stance": stance, "speaker": speaker.strip(),
        "summary": {"en": summary_en.strip(), "ja": summary_ja.strip()}, "source": source.strip(),
        "quote": quote.strip(), "conditions": conditions.strip(), "confidence": confidence,
    }, new_source)
    if not (summary_en.strip() and summary_ja.strip()):
        addition.position.pop("summary")  # reported as missing rather than as two empty texts

    path = editing.positions_path(dataset, actor)
    st.subheader(t("add_yaml", language))
    st.markdown(t("add_goes_in", language, file=path.relative_to(dataset.root).as_posix()))
    st.code(editing.position_yaml(addition), language="yaml")
    if new_source:
        st.markdown(t("add_goes_in", language, file=editing.sources_path(dataset).relative_to(dataset.root).as_posix()))
        st.code(editing.source_yaml(addition), language="yaml")

    with st.spinner(t("add_checking", language)):
        problems = editing.check(config_path(), dataset, addition)
    if problems:
        st.error(t("add_invalid", language, n=len(problems)))
        st.code("\n".join(str(p) for p in problems), language=None)
    else:
        st.success(t("add_valid", language))

    if not config.editing:
        st.caption(t("add_saving_off", language))
        return
    if st.button(t("add_save", language), type="primary", disabled=bool(problems), key="add_save"):
        refused = editing.save(config_path(), dataset, addition)
        if refused:
            st.error(t("add_refused", language))
            st.code("\n".join(str(p) for p in refused), language=None)
        else:
            st.success(t("add_saved", language, file=path.relative_to(dataset.root).as_posix()))
