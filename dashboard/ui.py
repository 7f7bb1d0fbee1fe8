"""Streamlit helpers shared by the pages: cached loading, the view state in the URL, and
rendering of statements. Pages stay thin by calling these."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import streamlit as st

from . import charts, diff, package, tables
from .i18n import t
from .load import Dataset, data_stamp, load_dataset
from .model import cell_key
from .query import Frame, PositionIndex, next_frame

LANGUAGE_NAMES = {"en": "EN", "ja": "日本語"}


class Url:
    """Every URL parameter of the app, named once; each is also the key of the widget it
    restores, so a copied link reopens the same view. One mechanism keeps them: seed_from_url
    before the widget is drawn, keep_in_url after. (Streamlit's `bind="query-params"` would
    put a format_func's label in the URL, refuses writes from code such as playback, and
    syncs in the browser, where a test without one cannot see it.)"""

    LANGUAGE = "lang"
    DATE = "date"  # Matrix, Map: the as-of date
    SINCE = "since"  # Matrix, sorted by change: compared with this date
    GROUPS = "groups"
    SORT = "sort"
    CELL = "cell"  # Matrix: the cell whose evidence is open
    QUESTION = "dim"  # Map, Shifts: one question
    ACTOR = "actor"  # Actor profile, Map: one actor
    FROM, TO = "from", "to"  # Shifts: the two dates compared
    SEARCH = "q"  # Evidence
    ACTORS = "actors"  # Evidence: filter by actors
    QUESTIONS = "dims"  # Evidence: filter by questions
    SOURCES = "sources"  # Evidence: filter by sources
    DATES = "dates"  # Evidence: first and last day shown
    STALE = "stale"  # Data health: months without a statement


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


@dataclass(frozen=True)
class Context:
    """What every page needs: the data, its index, and the chosen language."""

    dataset: Dataset
    index: PositionIndex
    language: str
    data_key: tuple | None = None  # (config path, stamp hash): names this data in caches

    @property
    def config(self):
        return self.dataset.config

    def actor_name(self, actor_id: str) -> str:
        return self.dataset.actors[actor_id].name(self.language)

    def dimension_label(self, dimension_id: str) -> str:
        return self.config.dimension(dimension_id).label(self.language)

    def stance_label(self, dimension_id: str, stance_id) -> str:
        if not isinstance(stance_id, str):
            return t("no_position", self.language)
        return " | ".join(self.config.dimension(dimension_id).stance(s).label(self.language)
                          for s in stance_id.split("|"))

    def gap_reason(self, actor_id: str, dimension_id: str) -> str | None:
        """Why the cell is documented as empty (data/gaps.yaml), if it is."""
        gap = self.dataset.gaps.get(cell_key(actor_id, dimension_id))
        return gap.reason(self.language) if gap else None

    def days(self) -> list[str]:
        """Every day of the period as ISO text: the options of the date sliders (and URL values)."""
        return _days(self.config.period.start, self.config.period.end)


@lru_cache(maxsize=4)
def _days(start: dt.date, end: dt.date) -> list[str]:
    return [d.strftime("%Y-%m-%d") for d in pd.date_range(start, end, freq="D")]


def config_path() -> Path:
    """`streamlit run dashboard/app.py -- --config PATH`, else $DASHBOARD_CONFIG, else ./config.yaml."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--config")
    args, _ = parser.parse_known_args(sys.argv[1:])
    return Path(args.config or os.environ.get("DASHBOARD_CONFIG") or "config.yaml").resolve()


@st.cache_resource(max_entries=4, show_spinner="Loading data…")
def _load(path: str, stamp: int) -> tuple[Dataset, PositionIndex | None]:
    # `stamp` (a hash of each file's size and mtime) is part of the cache key: a saved edit reloads.
    dataset = load_dataset(path)
    return dataset, (PositionIndex(dataset) if dataset.config is not None else None)


def load(path: Path) -> tuple[Dataset, PositionIndex | None, tuple]:
    """The dataset and its index, reloaded when a data file changes, and the key naming them."""
    # One number as the key: Streamlit hashes a cache key item by item on every rerun. The
    # cache lives in this process, so Python's own (per-process) hash is a sound key.
    key = (str(path), hash(data_stamp(path)))
    return (*_load(*key), key)


@st.cache_resource(max_entries=8)
def _cell_texts(data_key: tuple, language: str, _dataset: Dataset, _index: PositionIndex) -> charts.CellTexts:
    # Keyed on the data and the language; the leading underscores keep Streamlit from hashing
    # the dataset and index themselves on every rerun.
    return charts.cell_texts(_dataset, _index.cells, language)


@st.cache_resource(max_entries=4, show_spinner=False)
def _uncommitted(data_key: tuple, head: str) -> diff.DataDiff | None:
    # Keyed on the data files' stamp and the HEAD commit: recomputed after an edit or a commit.
    try:
        return diff.diff(Path(data_key[0]), head, diff.WORKING_TREE)
    except diff.DiffError:
        return None


def uncommitted_edits(ctx: Context) -> diff.DataDiff | None:
    """What the uncommitted edits change, when the data lives in a git checkout."""
    if ctx.data_key is None:
        return None
    head = diff.head_revision(Path(ctx.data_key[0]))
    return _uncommitted(ctx.data_key, head) if head else None


@st.cache_resource(max_entries=2, show_spinner=False)
def _package_zip(data_key: tuple, _dataset: Dataset) -> bytes:
    return package.package_zip_bytes(_dataset)


def package_zip(ctx: Context) -> bytes:
    """The dataset as a Frictionless Data Package (.zip), built once per version of the data."""
    return _package_zip(ctx.data_key, ctx.dataset) if ctx.data_key else package.package_zip_bytes(ctx.dataset)


def cell_texts(ctx: Context) -> charts.CellTexts | None:
    """The matrix texts of every cell of the index, built once per dataset and language."""
    if ctx.data_key is None:
        return None
    return _cell_texts(ctx.data_key, ctx.language, ctx.dataset, ctx.index)


def plain(text: str) -> str:
    """Data text for st.markdown: markdown syntax is escaped so it shows literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def seed_from_url(key: str, options, default, multi: bool = False) -> None:
    """Give widget `key` its value from the URL (or `default`) before it is drawn: the first
    time only, so the reader's later changes win. `options` are the values a link may carry
    (an option id, never a label that depends on the language); None takes any text."""
    if key in st.session_state:
        return
    if multi:
        value = [v for v in st.query_params.get_all(key) if options is None or v in options] or default
    else:
        value = st.query_params.get(key)
        value = value if value is not None and (options is None or value in options) else default
    st.session_state[key] = value


def keep_in_url(key: str, value, default) -> None:
    """Write a widget's value to the URL so a copied link reopens this view."""
    if value == default or value in (None, [], ""):
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value)


def day_picker(ctx: Context, label_key: str, key: str, default: str) -> dt.date:
    """A date slider over the period, kept in the URL parameter `key` (ISO text)."""
    days = ctx.days()
    if st.session_state.get(key) not in days:
        st.session_state.pop(key, None)
    seed_from_url(key, days, default)
    value = st.select_slider(t(label_key, ctx.language), options=days, key=key)
    keep_in_url(key, value, None)
    return dt.date.fromisoformat(value)


def is_web_link(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("https://", "http://"))


def render_statement(ctx: Context, row: pd.Series) -> None:
    """One statement with its evidence: stance, speaker, summary, quote, conditions, source."""
    language = ctx.language
    source = ctx.dataset.sources[row["source"]]
    with st.container(border=True):
        st.markdown(f"**{plain(ctx.stance_label(row['dimension'], row['stance']))}** · "
                    f"{row['date']:%Y-%m-%d} · {plain(row['speaker'])}")
        st.markdown(plain(row["summary_ja"] if language == "ja" else row["summary_en"]))
        st.caption(plain(row["summary_en"] if language == "ja" else row["summary_ja"]))
        if row["quote"]:
            st.markdown(f"> {plain(row['quote'])}")
        if row["conditions"]:
            st.markdown(f"*{t('conditions', language)}:* {plain(row['conditions'])}")
        level = t(f"level_{row['confidence']}", language)
        st.caption(f"{t('confidence', language)}: {level} · {t('source', language)}: "
                   f"{plain(source.outlet)} — {plain(source.title)} ({source.published:%Y-%m-%d})"
                   + (f" · {plain(source.note)}" if source.note else ""))
        if is_web_link(source.url):
            st.link_button(t("open_source", language), source.url)
        elif source.seed:
            with st.expander(f"{t('seed_file', language)}: {source.seed}"):
                st.text((ctx.dataset.root / source.seed).read_text(encoding="utf-8", errors="replace"))


def filter_actors(ctx: Context, groups: list[str]) -> list[str]:
    """Actor ids in file order, kept when they belong to any of `groups` (all when empty)."""
    actors = ctx.dataset.actors.values()
    return [a.id for a in actors if not groups or set(a.groups) & set(groups)]


def statements_table(ctx: Context, statements: pd.DataFrame) -> pd.DataFrame:
    """Statements as a readable, downloadable table in the chosen language."""
    language = ctx.language
    sources = ctx.dataset.sources
    return pd.DataFrame({
        t("date", language): statements["date"].dt.strftime("%Y-%m-%d"),
        t("actor", language): statements["actor"].map(ctx.actor_name),
        t("dimension", language): statements["dimension"].map(ctx.dimension_label),
        t("stance", language): [ctx.stance_label(d, s) for d, s in zip(statements["dimension"], statements["stance"])],
        t("score", language): statements["score"],
        t("speaker", language): statements["speaker"],
        t("summary", language): statements["summary_ja" if language == "ja" else "summary_en"],
        t("quote", language): statements["quote"],
        t("conditions", language): statements["conditions"],
        t("confidence", language): [t(f"level_{c}", language) for c in statements["confidence"]],
        t("source", language): statements["source"],
        t("url", language): [sources[s].url if is_web_link(sources[s].url) else None for s in statements["source"]],
        t("seed_file", language): [sources[s].seed for s in statements["source"]],
    })


# --- the as-of date: presets and playback, shared by the Matrix and Map pages ---------------------

# Seconds between playback frames, by speed; a frame also takes its own time to compute and draw
# (benchmarks/playback.py), so "fast" gives 4-6 frames a second.
SPEEDS = {"slow": 1.0, "normal": 0.5, "fast": 0.15}


def _jump_to_event() -> None:
    if st.session_state.get("event"):
        st.session_state[Url.DATE] = st.session_state["_play_date"] = st.session_state["event"]
        st.session_state["_frame_hold"] = 0
    st.session_state["event"] = None  # a preset is an action: nothing stays selected afterwards


def event_presets(ctx: Context) -> None:
    """The key events as buttons that move the as-of date (and a playing frame) there."""
    labels = {f"{e.date:%Y-%m-%d}": f"{e.date:%Y-%m-%d} · {e.label(ctx.language)}" for e in ctx.config.events}
    st.pills(t("key_events", ctx.language), list(labels), format_func=labels.get, key="event",
             on_change=_jump_to_event)


def _toggle_playback(ctx: Context) -> None:
    days = ctx.days()
    if st.session_state.get("playing"):
        st.session_state[Url.DATE] = st.session_state["_play_date"]  # Pause stays on the frame shown
        st.session_state["playing"] = False
        return
    start = st.session_state.get(Url.DATE) or days[-1]
    st.session_state["_play_date"] = days[0] if start == days[-1] else start  # at the end: from the start
    st.session_state["_frame_hold"] = 0
    st.session_state["_played_once"] = False
    st.session_state["playing"] = True


def playback_controls(ctx: Context) -> float | None:
    """▶ Play / ❚❚ Pause, speed and loop; the seconds between frames while playing, else None."""
    language = ctx.language
    playing = st.session_state.get("playing", False)
    play, speed, loop = st.columns([1, 2, 1], vertical_alignment="bottom")
    play.button(t("pause" if playing else "play", language), key="play", on_click=_toggle_playback, args=(ctx,),
                type="primary" if playing else "secondary", width="stretch")
    chosen = speed.segmented_control(t("speed", language), list(SPEEDS), key="speed", default="normal",
                                     format_func=lambda s: t(f"speed_{s}", language)) or "normal"
    loop.toggle(t("loop", language), key="loop")
    return SPEEDS[chosen] if playing else None


def _playback_day(ctx: Context) -> dt.date:
    """The frame to show while playing: one step on from the last (the first frame after ▶
    shows where playback starts). At the period's end without loop, playback stops there."""
    config = ctx.config
    current = dt.date.fromisoformat(st.session_state["_play_date"])
    if st.session_state.get("_played_once"):
        frame = next_frame(Frame(current, st.session_state.get("_frame_hold", 0)), config.period.start,
                           config.period.end, [e.date for e in config.events], st.session_state.get("loop", False))
        if frame.ended:
            st.session_state[Url.DATE] = f"{frame.day:%Y-%m-%d}"
            st.session_state["playing"] = False
            st.rerun(scope="app")  # stops the timer and shows ▶ Play again
        current = frame.day
        st.session_state["_frame_hold"] = frame.hold
    st.session_state["_played_once"] = True
    st.session_state["_play_date"] = f"{current:%Y-%m-%d}"
    return current


def as_of_picker(ctx: Context, playing: bool) -> dt.date:
    """The as-of date: the slider, or while playing the frame's date, which drives the view; the
    slider then shows it, locked until Pause (a value set under a slider the browser is still
    sending back would be overwritten by it), and the URL follows it."""
    if not playing:
        return day_picker(ctx, "as_of", Url.DATE, ctx.days()[-1])
    day = _playback_day(ctx)
    st.select_slider(t("as_of", ctx.language), options=ctx.days(), value=f"{day:%Y-%m-%d}", disabled=True)
    st.query_params[Url.DATE] = f"{day:%Y-%m-%d}"
    return day


def render_evidence(ctx: Context, actor_id: str, dimension_id: str, day: dt.date) -> None:
    """The statements behind one cell on `day`, or why it has none."""
    language = ctx.language
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


def matrix_downloads(ctx: Context, visible: pd.DataFrame, matrix: pd.DataFrame, day: dt.date) -> None:
    """The matrix on `day` as CSV in the CLI's columns: the rows in view, or every actor."""
    language = ctx.language
    left, right, _ = st.columns([1, 1, 2])
    # The CSVs are made when a button is clicked, not on every rerun (slider moves, playback).
    left.download_button(t("csv_visible", language), lambda: tables.spreadsheet_csv(tables.matrix_table(visible)),
                         file_name=f"stance-matrix_{day:%Y-%m-%d}.csv", mime="text/csv", key="csv_visible",
                         on_click="ignore")
    right.download_button(t("csv_all", language), lambda: tables.spreadsheet_csv(tables.matrix_table(matrix)),
                          file_name=f"stance-matrix_all-actors_{day:%Y-%m-%d}.csv", mime="text/csv",
                          key="csv_all", on_click="ignore")


def playable(ctx: Context, view) -> None:
    """Play controls above `view(ctx, playing)`, which alone reruns on the playback timer: the
    date, the chart and the evidence change together and the page around them stays still."""
    interval = playback_controls(ctx)
    st.fragment(run_every=interval)(view)(ctx, interval is not None)


def question_picker(ctx: Context) -> str:
    """One question (dimension), kept in the URL; the first by default."""
    labels = {d.id: d.label(ctx.language) for d in ctx.config.dimensions}
    first = ctx.config.dimensions[0].id
    seed_from_url(Url.QUESTION, labels, first)
    question = st.segmented_control(t("dimension", ctx.language), list(labels), format_func=labels.get,
                                    key=Url.QUESTION) or first
    keep_in_url(Url.QUESTION, question, first)
    return question
