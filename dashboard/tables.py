"""Query results as the tables people take away: the CLI's csv/json/table output and the app's
CSV downloads share these columns."""
from __future__ import annotations

import pandas as pd

from .query import MATRIX_COLUMNS, SHIFT_COLUMNS


def _integer_scores(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        table[column] = table[column].astype("Int64")  # whole numbers, blank where no position
    return table


def matrix_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """`actor,dimension,stance,score,date,source,contested`: a contested cell lists every stance
    and source, the scoring one first."""
    table = matrix.assign(stance=matrix["stances"], source=matrix["sources"],
                          date=matrix["date"].dt.strftime("%Y-%m-%d"))[MATRIX_COLUMNS]
    return _integer_scores(table, ["score"])


def shifts_table(shifts: pd.DataFrame) -> pd.DataFrame:
    """`actor,dimension,from_stance,from_score,to_stance,to_score,delta`."""
    return _integer_scores(shifts[SHIFT_COLUMNS].copy(), ["from_score", "to_score", "delta"])


def spreadsheet_csv(table: pd.DataFrame) -> bytes:
    """CSV for a download: UTF-8 with a byte-order mark, so spreadsheet programs read the
    Japanese text correctly."""
    return table.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
