"""As-of queries on the validated statements: the matrix on a day, shifts, timelines.

The as-of rule: for each actor × dimension the position in force on day D is the
latest-dated statement with date <= D. Statements sharing that latest date but differing
in stance make the cell *contested*: every stance is kept, and the cell's score is that of
the highest-confidence statement (ties: the first in the file). A cell with no statement
yet is "no known position" (stance None), never a score of 0.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .load import Dataset
from .model import CONFIDENCE_RANK

CELL_KEYS = ["actor", "dimension"]
MATRIX_COLUMNS = ["actor", "dimension", "stance", "score", "date", "source", "contested"]
STATEMENT_COLUMNS = ["actor", "dimension", "date", "stance", "score", "source", "speaker", "summary_en",
                     "summary_ja", "quote", "conditions", "confidence", "path", "line", "order"]
SHIFT_COLUMNS = ["actor", "dimension", "from_stance", "from_score", "to_stance", "to_score", "delta"]
COVERAGE_COLUMNS = ["date", "dimension", "known", "applicable", "share"]
ALL_DIMENSIONS = "all"  # the coverage row that totals every dimension
_CELL_STRIDE = 1 << 32  # day numbers (offset to be positive) fit below this in a cell key
_DAY_OFFSET = 1 << 30
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_TEXT = pd.StringDtype("python", na_value=np.nan)  # pandas' "str" semantics, stored as Python objects


def _day(value) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def _day_number(value) -> int:
    """Days since 1970-01-01: as-of comparisons on plain integers."""
    if isinstance(value, dt.date):  # date, datetime and Timestamp: no parsing needed
        return (value if type(value) is dt.date else value.date()).toordinal() - _EPOCH_ORDINAL
    return int(_day(value).to_datetime64().astype("datetime64[D]").astype("int64"))


class PositionIndex:
    """Statements of a dataset, indexed once so that any as-of query is a few vector ops.

    Cells are also kept as one sorted integer key a cell, (actor × dimension) * 2**32 + day,
    so the cell in force on a day is one binary search (`np.searchsorted`) for every
    actor × dimension at once: a query costs well under a millisecond on 10,000 statements.
    """

    def __init__(self, dataset: Dataset):
        config = dataset.config
        self.actor_ids = list(dataset.actors)
        self.dimension_ids = [d.id for d in config.dimensions] if config else []
        records = [(s.actor, p.dimension, p.date, p.stance, s.score, p.source, p.speaker, p.summary.en,
                    p.summary.ja, p.quote or "", p.conditions or "", p.confidence, s.path, s.line, s.order)
                   for s in dataset.statements for p in (s.position,)]
        columns = dict(zip(STATEMENT_COLUMNS, map(list, zip(*records)))) if records else \
            {name: [] for name in STATEMENT_COLUMNS}
        frame = pd.DataFrame(columns, columns=STATEMENT_COLUMNS)
        # Explicit dtypes, so that a dataset without statements still gives well-typed frames.
        # Text stays in Python strings: every query takes and lists them, which Arrow-backed
        # strings (pandas' default) do several times slower.
        frame = frame.astype({name: "int64" if name in ("score", "line", "order") else _TEXT
                              for name in STATEMENT_COLUMNS if name != "date"})
        frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[s]")
        frame["confidence_rank"] = frame["confidence"].map(CONFIDENCE_RANK).astype("int64")
        # Within a day the scoring statement comes first: highest confidence, then file order.
        self.statements = frame.sort_values(
            ["actor", "dimension", "date", "confidence_rank", "order"], kind="stable").reset_index(drop=True)
        self.cells = self._cells(self.statements)
        self._build_search()

    @staticmethod
    def _cells(statements: pd.DataFrame) -> pd.DataFrame:
        """One row per actor × dimension × statement date: the cell that date would show."""
        # One pass over the sorted statements; a groupby with string joins costs ~100x more.
        keys = CELL_KEYS + ["date"]
        first: list[int] = []
        stances: list[str] = []
        sources: list[str] = []
        contested: list[bool] = []
        previous = None
        rows = zip(statements["actor"].tolist(), statements["dimension"].tolist(),
                   statements["date"].tolist(), statements["stance"].tolist(), statements["source"].tolist())
        for i, (actor, dimension, date, stance, source) in enumerate(rows):
            key = (actor, dimension, date)
            if key != previous:
                previous = key
                first.append(i)
                cell_stances, cell_sources = [stance], [source]
                stances.append(stance)
                sources.append(source)
                contested.append(False)
                continue
            if stance not in cell_stances:
                cell_stances.append(stance)
                stances[-1] = "|".join(cell_stances)
                contested[-1] = True
            if source not in cell_sources:
                cell_sources.append(source)
                sources[-1] = "|".join(cell_sources)
        cells = statements.take(first)[keys + ["stance", "score", "source", "speaker"]].reset_index(drop=True)
        cells["stances"] = pd.Series(stances, dtype=statements["stance"].dtype)
        cells["sources"] = pd.Series(sources, dtype=statements["source"].dtype)
        cells["contested"] = pd.Series(contested, dtype=bool)
        return cells

    def _build_search(self) -> None:
        actor_index = {a: i for i, a in enumerate(self.actor_ids)}
        dimension_index = {d: i for i, d in enumerate(self.dimension_ids)}
        n_dimensions = max(1, len(self.dimension_ids))
        codes = np.array([actor_index.get(a, -1) * n_dimensions + dimension_index.get(d, -1)
                          if a in actor_index and d in dimension_index else -1
                          for a, d in zip(self.cells["actor"].tolist(), self.cells["dimension"].tolist())],
                         dtype=np.int64)
        days = self.cells["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        keys = codes * _CELL_STRIDE + (days + _DAY_OFFSET)
        order = np.argsort(keys, kind="stable")
        self._keys = keys[order]
        self._rows = order
        # Cells with a missing-value row appended, so "no known position" is one more take().
        blank = {"date": pd.NaT, "stance": np.nan, "score": np.nan, "source": np.nan, "speaker": np.nan,
                 "stances": np.nan, "sources": np.nan, "contested": False}
        values = self.cells.drop(columns=CELL_KEYS)
        self._values = pd.concat([values, pd.DataFrame([blank]).astype(
            {name: (values[name].dtype if name != "score" else "float64") for name in blank})],
            ignore_index=True)
        self._blank = len(self.cells)
        grid = pd.MultiIndex.from_product([self.actor_ids, self.dimension_ids], names=CELL_KEYS).to_frame(index=False)
        self._grid_codes = np.arange(len(grid), dtype=np.int64)
        # The matrix is assembled from these column arrays: a frame-level take and concat
        # cost twice as much on every slider move.
        self._grid_columns = {name: grid[name].astype(_TEXT).array for name in CELL_KEYS}
        self._value_columns = {name: self._values[name].array for name in self._values.columns}
        # Scores as floats (NaN: no known position) and, for days when every cell is known, as ints.
        self._scores = self._values["score"].to_numpy(dtype="float64")
        self._int_scores = np.nan_to_num(self._scores).astype("int64")
        self._actor_index = pd.Index(self.actor_ids, name="actor", dtype=self.cells["actor"].dtype)
        # Statements are sorted by actor and dimension: each cell's statements are one slice.
        self._spans: dict[tuple[str, str], tuple[int, int]] = {}
        for i, key in enumerate(zip(self.statements["actor"].tolist(), self.statements["dimension"].tolist())):
            start, _ = self._spans.get(key, (i, i))
            self._spans[key] = (start, i + 1)

    def _rows_in_force(self, codes: np.ndarray, day_numbers: np.ndarray) -> np.ndarray:
        """Row in `cells` in force for each (code, day) pair, or self._blank where none."""
        targets = codes * _CELL_STRIDE + (day_numbers + _DAY_OFFSET)
        at = np.searchsorted(self._keys, targets, side="right") - 1
        safe = np.maximum(at, 0)
        hit = (at >= 0) & (self._keys[safe] // _CELL_STRIDE == codes) if len(self._keys) else np.zeros(len(codes), bool)
        return np.where(hit, self._rows[safe] if len(self._rows) else 0, self._blank)

    def matrix(self, day) -> pd.DataFrame:
        """Every actor × dimension on `day`; stance/score are None/NaN where no position is known.

        `cell` is the row of `self.cells` shown (-1: none), for callers that prepare something
        per row once, such as chart labels."""
        rows = self._rows_in_force(self._grid_codes, np.full(len(self._grid_codes), _day_number(day)))
        columns = {**self._grid_columns, **{name: column.take(rows) for name, column in self._value_columns.items()}}
        if len(rows) and (rows != self._blank).all():
            columns["score"] = self._int_scores[rows]  # as a left merge would keep it
        columns["cell"] = np.where(rows == self._blank, -1, rows)
        return pd.DataFrame(columns, copy=False)

    def shifts(self, from_day, to_day, changed_only: bool = True) -> pd.DataFrame:
        """Who moved between two days, with the statement in force at the later one."""
        before = self.matrix(from_day)[CELL_KEYS + ["stance", "score"]]
        after = self.matrix(to_day)
        shifts = before.rename(columns={"stance": "from_stance", "score": "from_score"}).merge(
            after.rename(columns={"stance": "to_stance", "score": "to_score"}), on=CELL_KEYS)
        shifts["delta"] = shifts["to_score"] - shifts["from_score"]
        if changed_only:
            moved = shifts["from_stance"].fillna("") != shifts["to_stance"].fillna("")
            shifts = shifts[moved]
        return shifts.reset_index(drop=True)

    def timeline(self, dimension: str, days: list) -> pd.DataFrame:
        """Score of each actor on `dimension` at each of `days` (rows: actors, columns: days)."""
        day_numbers = np.unique(np.array([_day_number(d) for d in days], dtype=np.int64))  # sorted
        n_actors, n_days = len(self.actor_ids), len(day_numbers)
        scores = np.full((n_actors, n_days), np.nan)
        if dimension in self.dimension_ids and n_actors and n_days:
            codes = np.arange(n_actors, dtype=np.int64) * len(self.dimension_ids) + self.dimension_ids.index(dimension)
            rows = self._rows_in_force(np.repeat(codes, n_days), np.tile(day_numbers, n_actors))
            known = (rows != self._blank).all()  # then ints, as a pivot without gaps would keep them
            scores = (self._int_scores if known else self._scores)[rows].reshape(n_actors, n_days)
        columns = pd.DatetimeIndex(day_numbers.astype("datetime64[D]").astype("datetime64[s]"), name="day")
        return pd.DataFrame(scores, index=self._actor_index, columns=columns)

    def in_force(self, actor: str, dimension: str, day) -> pd.DataFrame:
        """The statements behind one cell on `day` (several when contested), scoring one first."""
        start, stop = self._spans.get((actor, dimension), (0, 0))
        rows = self.statements.iloc[start:stop]
        rows = rows[rows["date"] <= _day(day)]
        if rows.empty:
            return rows
        return rows[rows["date"] == rows["date"].max()]


def key_days(config) -> list[dt.date]:
    """The days coverage is reported on by default: every key event and the period's end."""
    return sorted({*(event.date for event in config.events), config.period.end})


def event_labels(config, language: str) -> dict[dt.date, str]:
    """Each key event's day with its label in `language` ('; '-joined where events share a day)."""
    labels: dict[dt.date, list[str]] = {}
    for event in config.events:
        labels.setdefault(event.date, []).append(event.label(language))
    return {day: "; ".join(names) for day, names in labels.items()}


def coverage(index: PositionIndex, dataset: Dataset, days: list) -> pd.DataFrame:
    """Share of applicable cells with a known position on each of `days`, per dimension and
    for all dimensions (dimension "all"). A cell whose gap says the question does not apply
    to the actor is not applicable; every other cell counts, known or not."""
    not_applicable = {(gap.actor, gap.dimension) for gap in dataset.gaps.values() if gap.not_applicable}
    rows = []
    for day in days:
        matrix = index.matrix(day)
        applicable = np.array([cell not in not_applicable for cell in zip(matrix["actor"], matrix["dimension"])],
                              dtype=bool)
        known = matrix["stance"].notna() & applicable
        for dimension in [*index.dimension_ids, ALL_DIMENSIONS]:
            chosen = (matrix["dimension"] == dimension) if dimension != ALL_DIMENSIONS else applicable
            n_known, n_applicable = int((known & chosen).sum()), int((applicable & chosen).sum())
            rows.append((_day(day).date(), dimension, n_known, n_applicable,
                         n_known / n_applicable if n_applicable else float("nan")))
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def coverage_by_day(coverage: pd.DataFrame) -> pd.DataFrame:
    """The coverage table for people: a row a day, a column a dimension (then "all"), each
    cell "known/applicable (share)"."""
    text = [f"{k}/{n} ({s:.0%})" if n else "—"
            for k, n, s in zip(coverage["known"], coverage["applicable"], coverage["share"])]
    wide = coverage.assign(text=text).pivot(index="date", columns="dimension", values="text")
    wide = wide[list(dict.fromkeys(coverage["dimension"]))]  # dimensions in config order
    wide.columns.name = None
    return wide


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every month from start to end (end itself closes the list)."""
    days = [d.date() for d in pd.date_range(start, end, freq="ME")]
    if not days or days[-1] != end:
        days.append(end)
    return days


PLAYBACK_STEP_DAYS = 7  # playback moves the as-of date a week a frame
EVENT_HOLD_FRAMES = 1  # … and stays this many extra frames on a key event's date


@dataclass(frozen=True)
class Frame:
    """Where playback is: the as-of day, frames still to hold there, and whether it has ended."""

    day: dt.date
    hold: int = 0
    ended: bool = False


def next_frame(frame: Frame, start: dt.date, end: dt.date, events: list[dt.date], loop: bool = False) -> Frame:
    """The following frame of playback: a week on, landing on any key event in between (and
    holding there a beat); at the period's end, back to its start when looping, else ended."""
    if frame.hold > 0:
        return Frame(frame.day, frame.hold - 1)
    if frame.day >= end:
        return Frame(start) if loop else Frame(end, ended=True)
    step = min(frame.day + dt.timedelta(days=PLAYBACK_STEP_DAYS), end)
    crossed = [day for day in sorted(events) if frame.day < day <= step]
    if crossed:
        return Frame(crossed[0], EVENT_HOLD_FRAMES)
    return Frame(step)
