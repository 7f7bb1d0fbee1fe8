"""About page: the codebook (scales, the as-of rule), methodology, how to add a position."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from ..i18n import t
from .. import ui
from ..ui import Context

_TEXT = Path(__file__).resolve().parent.parent / "about"


def render(ctx: Context) -> None:
    language, config = ctx.language, ctx.config
    st.title(t("page_about", language))
    st.subheader(t("scale", language))
    for dimension in config.dimensions:
        st.markdown(f"**{dimension.label(language)}** — {dimension.question(language)}")
        st.dataframe(pd.DataFrame({
            t("score", language): [f"{s.score:+d}" if s.score else "0" for s in dimension.stances],
            t("stance_id", language): [s.id for s in dimension.stances],
            t("stance", language): [s.label(language) for s in dimension.stances],
        }), hide_index=True)
    # Trusted project text (not data), so markdown is rendered as written.
    st.markdown((_TEXT / f"about.{language}.md").read_text(encoding="utf-8"))
    st.subheader(t("data_package", language))
    st.caption(t("data_package_note", language))
    st.download_button(t("download_package", language), ui.package_zip(ctx), mime="application/zip",
                       file_name=f"stance-matrix-package_{ctx.config.period.end:%Y-%m-%d}.zip", key="package_zip")
