"""What every page of the app shares: page config, cached data, the language switch and the
navigation. dashboard/app.py runs main() on every rerun."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from . import ui
from .i18n import t
from .views import about, actor, add, evidence, health, matrix, shifts
from .views import map as map_view  # `map` would shadow the built-in


def _config_error(path: Path, problems) -> None:
    st.title(t("config_broken", "en"))
    st.error(f"{path}: " + t("config_broken", "en"))
    st.code("\n".join(str(p) for p in problems) or f"{path}: unknown error", language=None)
    st.stop()


def main() -> None:
    st.set_page_config(page_title=t("app_title", "en"), page_icon=":material/grid_view:", layout="wide")
    path = ui.config_path()
    if not path.is_file():
        _config_error(path, [f"{path.name}:1: config file not found"])
    dataset, index, data_key = ui.load(path)
    if dataset.config is None:
        _config_error(path, dataset.problems)

    config = dataset.config
    ui.seed_from_url(ui.Url.LANGUAGE, config.languages, config.default_language)
    with st.sidebar:
        choice = st.segmented_control(t("language", "en") + " / " + t("language", "ja"), config.languages,
                                      format_func=ui.LANGUAGE_NAMES.get, key=ui.Url.LANGUAGE)
    language = choice or config.default_language
    ui.keep_in_url(ui.Url.LANGUAGE, language, config.default_language)
    ctx = ui.Context(dataset, index, language, data_key)
    if dataset.problems:
        st.sidebar.warning(t("broken_notice", language, n=len(dataset.problems)))

    def page(module, title_key: str, url_path: str, icon: str, default: bool = False):
        def render() -> None:
            module.render(ctx)

        render.__name__ = url_path  # Streamlit tells callable pages apart by name
        return st.Page(render, title=t(title_key, language), url_path=url_path, icon=icon, default=default)

    navigation = st.navigation([
        page(matrix, "page_matrix", "matrix", ":material/grid_view:", default=True),
        page(map_view, "page_map", "map", ":material/map:"),
        page(shifts, "page_shifts", "shifts", ":material/swap_horiz:"),
        page(actor, "page_actor", "actor", ":material/person:"),
        page(evidence, "page_evidence", "evidence", ":material/search:"),
        page(health, "page_health", "health", ":material/health_and_safety:"),
        page(add, "page_add", "add", ":material/add_circle:"),
        page(about, "page_about", "about", ":material/info:"),
    ])
    navigation.run()
