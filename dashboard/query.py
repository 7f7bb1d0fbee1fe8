"""As-of queries on the validated statements: the matrix on a day, shifts, timelines.

The as-of rule: for each actor × dimension the position in force on day D is the
latest-dated statement with date <= D. Statements sharing that latest date but differing
in stance make the cell *contested*: every stance is kept, and the cell's score is that of
the highest-confidence statement (ties: the first in the file). A cell with no statement
yet is "no known position" (stance None), never a score of 0.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from .load import Dataset
from .model import CONFIDENCE_RANK

CELL_KEYS = ["actor", "dimension"]
MATRIX_COLUMNS = ["actor", "dimension", "stance", "score", "date", "source", "contested"]
SHIFT_COLUMNS = ["actor", "dimension", "from_stance", "from_score", "to_stance", "to_score", "delta"]


def _day(value) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


class PositionIndex:
    """Statements of a dataset, indexed once so that any as-of query is a few vector ops."""

    def __init__(self, dataset: Dataset):
        config = dataset.config
        self.actor_ids = list(dataset.actors)
        self.dimension_ids = [d.id for d in config.dimensions] if config else []
        rows = [{
            "actor": s.actor,
            "dimension": s.position.dimension,
            "date": s.position.date,
            "stance": s.position.stance,
            "score": s.score,
            "source": s.position.source,
            "speaker": s.position.speaker,
            "summary_en": s.position.summary.en,
            "summary_ja": s.position.summary.ja,
            "quote": s.position.quote or "",
            "conditions": s.position.conditions or "",
            "confidence": s.position.confidence,
            "path": s.path,
            "line": s.line,
            "order": s.order,
        } for s in dataset.statements]
        frame = pd.DataFrame(rows, columns=[
            "actor", "dimension", "date", "stance", "score", "source", "speaker", "summary_en",
            "summary_ja", "quote", "conditions", "confidence", "path", "line", "order"])
        frame["date"] = pd.to_datetime(frame["date"])
        frame["confidence_rank"] = frame["confidence"].map(CONFIDENCE_RANK).astype("int64")
        # Within a day the scoring statement comes first: highest confidence, then file order.
        self.statements = frame.sort_values(
            ["actor", "dimension", "date", "confidence_rank", "order"], kind="stable").reset_index(drop=True)
        self.cells = self._cells(self.statements)

    @staticmethod
    def _cells(statements: pd.DataFrame) -> pd.DataFrame:
        """One row per actor × dimension × statement date: the cell that date would show."""
        keys = CELL_KEYS + ["date"]
        grouped = statements.groupby(keys, sort=False)
        cells = grouped.head(1)[keys + ["stance", "score", "source", "speaker"]].reset_index(drop=True)
        distinct = statements.drop_duplicates(keys + ["stance"])
        joined = distinct.groupby(keys, sort=False).agg(stances=("stance", "|".join), n_stances=("stance", "size"))
        sources = statements.drop_duplicates(keys + ["source"]).groupby(keys, sort=False)["source"].agg("|".join)
        cells = cells.join(joined, on=keys).join(sources.rename("sources"), on=keys)
        cells["contested"] = cells["n_stances"] > 1
        return cells.drop(columns="n_stances")

    def matrix(self, day) -> pd.DataFrame:
        """Every actor × dimension on `day`; stance/score are None/NaN where no position is known."""
        in_force = self.cells[self.cells["date"] <= _day(day)].groupby(CELL_KEYS, sort=False).tail(1)
        grid = pd.MultiIndex.from_product([self.actor_ids, self.dimension_ids], names=CELL_KEYS).to_frame(index=False)
        matrix = grid.merge(in_force, on=CELL_KEYS, how="left")
        matrix["contested"] = matrix["contested"].fillna(False).astype(bool)
        return matrix

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
        cells = self.cells.loc[self.cells["dimension"] == dimension, ["actor", "date", "score"]]
        points = pd.MultiIndex.from_product(
            [sorted({_day(d) for d in days}), self.actor_ids], names=["day", "actor"]).to_frame(index=False)
        joined = pd.merge_asof(points, cells.sort_values("date", kind="stable"),
                               left_on="day", right_on="date", by="actor")
        table = joined.pivot(index="actor", columns="day", values="score")
        return table.reindex(self.actor_ids)

    def in_force(self, actor: str, dimension: str, day) -> pd.DataFrame:
        """The statements behind one cell on `day` (several when contested), scoring one first."""
        rows = self.statements[(self.statements["actor"] == actor) & (self.statements["dimension"] == dimension)
                               & (self.statements["date"] <= _day(day))]
        if rows.empty:
            return rows
        return rows[rows["date"] == rows["date"].max()]


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every month from start to end (end itself closes the list)."""
    days = [d.date() for d in pd.date_range(start, end, freq="ME")]
    if not days or days[-1] != end:
        days.append(end)
    return days
