"""The as-of rule, contested cells, shifts and timelines, on small datasets with known answers."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from dashboard.load import load_dataset
from dashboard.query import PositionIndex, coverage, coverage_by_day, key_days, month_ends

from conftest import SOURCES, statement

def positions_file(actor: str, statements: list[str]) -> str:
    return f"actor: {actor}\npositions:\n" + "".join(statements) if statements else f"actor: {actor}\npositions: []\n"


def index(make_dataset, gbr: list[str], pol: list[str] | None = None) -> PositionIndex:
    files = {"data/sources.yaml": SOURCES, "data/positions/gbr.yaml": positions_file("GBR", gbr)}
    if pol is not None:
        files["data/positions/pol.yaml"] = positions_file("POL", pol)
    dataset = load_dataset(make_dataset(files), today=dt.date(2026, 6, 1))
    assert [str(p) for p in dataset.problems] == []
    return PositionIndex(dataset)


def cell(positions: PositionIndex, actor: str, dimension: str, day: str) -> dict:
    matrix = positions.matrix(dt.date.fromisoformat(day))
    (row,) = matrix[(matrix["actor"] == actor) & (matrix["dimension"] == dimension)].to_dict("records")
    return row


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT or pd.isna(value)


# --- the as-of rule ----------------------------------------------------------------------------

def test_latest_statement_on_or_before_date_wins(make_dataset):
    # Written out of date order: the file order must not matter, only the dates.
    positions = index(make_dataset, [
        statement("troops", "2025-03-02", "willing"),
        statement("troops", "2025-02-17", "reluctant"),
        statement("troops", "2025-06-01", "committed"),
    ])
    assert cell(positions, "GBR", "troops", "2025-03-01")["stance"] == "reluctant"
    assert cell(positions, "GBR", "troops", "2025-03-02")["stance"] == "willing"  # on the day counts
    assert cell(positions, "GBR", "troops", "2025-05-31")["stance"] == "willing"
    on_june = cell(positions, "GBR", "troops", "2025-06-01")
    assert (on_june["stance"], on_june["score"], on_june["date"], on_june["source"]) == (
        "committed", 2, pd.Timestamp("2025-06-01"), "src-a")


def test_statement_after_date_is_ignored(make_dataset):
    positions = index(make_dataset, [statement("troops", "2025-02-17", "willing")])
    before = cell(positions, "GBR", "troops", "2025-02-16")
    assert missing(before["stance"]) and missing(before["score"])


def test_baseline_statement_before_period_start_counts(make_dataset):
    positions = index(make_dataset, [statement("nato", "2024-07-10", "supports")])
    at_start = cell(positions, "GBR", "nato", "2025-02-01")
    assert (at_start["stance"], at_start["score"], at_start["date"]) == ("supports", 1, pd.Timestamp("2024-07-10"))


def test_no_statement_is_no_known_position_not_zero(make_dataset):
    positions = index(make_dataset, [statement("troops", "2025-02-17", "willing")], pol=[])
    for actor, dimension in [("GBR", "nato"), ("POL", "troops")]:
        row = cell(positions, actor, dimension, "2025-12-31")
        assert missing(row["stance"])
        assert math.isnan(row["score"])  # NaN, never 0: "no known position" is not "ambiguous"
        assert missing(row["date"]) and missing(row["source"])
        assert row["contested"] is False or row["contested"] == False  # noqa: E712 (numpy bool)


def test_matrix_has_every_actor_and_dimension_in_config_order(make_dataset):
    positions = index(make_dataset, [statement("nato", "2025-02-17", "supports")], pol=[])
    matrix = positions.matrix(dt.date(2025, 3, 1))
    assert list(zip(matrix["actor"], matrix["dimension"])) == [
        ("GBR", "troops"), ("GBR", "us_backstop"), ("GBR", "nato"),
        ("POL", "troops"), ("POL", "us_backstop"), ("POL", "nato"),
    ]
    assert matrix["score"].isna().tolist() == [True, True, False, True, True, True]


def test_each_actor_and_dimension_is_an_independent_cell(make_dataset):
    positions = index(make_dataset,
                      [statement("troops", "2025-02-17", "willing"), statement("nato", "2025-03-01", "opposes")],
                      pol=[statement("troops", "2025-02-20", "rules_out")])
    matrix = positions.matrix(dt.date(2025, 3, 1)).set_index(["actor", "dimension"])
    assert matrix["stance"].dropna().to_dict() == {
        ("GBR", "troops"): "willing", ("GBR", "nato"): "opposes", ("POL", "troops"): "rules_out"}
    assert matrix["score"].dropna().to_dict() == {("GBR", "troops"): 1, ("GBR", "nato"): -2, ("POL", "troops"): -2}


# --- contested cells ---------------------------------------------------------------------------

def test_same_date_different_stances_is_contested_keeping_every_stance(make_dataset):
    positions = index(make_dataset, [
        statement("troops", "2025-02-17", "willing", "src-a", "low"),
        statement("troops", "2025-02-17", "reluctant", "src-b", "high"),
        statement("troops", "2025-02-17", "conditional", "src-c"),  # medium by default
    ])
    row = cell(positions, "GBR", "troops", "2025-02-20")
    assert row["contested"]
    # The score is the highest-confidence statement's; every stance and source is kept, scoring one first.
    assert (row["stance"], row["score"], row["source"]) == ("reluctant", -1, "src-b")
    assert row["stances"].split("|") == ["reluctant", "conditional", "willing"]
    assert row["sources"].split("|") == ["src-b", "src-c", "src-a"]
    behind = positions.in_force("GBR", "troops", dt.date(2025, 2, 20))
    assert behind["stance"].tolist() == ["reluctant", "conditional", "willing"]


def test_contested_confidence_tie_goes_to_the_first_in_the_file(make_dataset):
    positions = index(make_dataset, [
        statement("troops", "2025-02-17", "reluctant", "src-a", "medium"),
        statement("troops", "2025-02-17", "willing", "src-b", "high"),
        statement("troops", "2025-02-17", "rules_out", "src-c", "high"),
    ])
    row = cell(positions, "GBR", "troops", "2025-02-17")
    assert row["contested"]
    assert (row["stance"], row["score"], row["source"]) == ("willing", 1, "src-b")


def test_same_date_same_stance_is_not_contested(make_dataset):
    positions = index(make_dataset, [
        statement("troops", "2025-02-17", "willing", "src-a", "low"),
        statement("troops", "2025-02-17", "willing", "src-b", "high"),
    ])
    row = cell(positions, "GBR", "troops", "2025-02-17")
    assert not row["contested"]
    assert (row["stance"], row["stances"], row["score"], row["source"]) == ("willing", "willing", 1, "src-b")
    assert row["sources"].split("|") == ["src-b", "src-a"]


def test_disagreement_on_an_earlier_date_is_settled_by_a_later_statement(make_dataset):
    positions = index(make_dataset, [
        statement("troops", "2025-02-17", "willing", "src-a"),
        statement("troops", "2025-02-17", "rules_out", "src-b"),
        statement("troops", "2025-03-02", "conditional", "src-c"),
    ])
    assert cell(positions, "GBR", "troops", "2025-02-28")["contested"]
    later = cell(positions, "GBR", "troops", "2025-03-02")
    assert not later["contested"] and later["stance"] == "conditional"


# --- shifts ------------------------------------------------------------------------------------

def test_shifts_between_two_dates_list_who_moved_and_by_how_much(make_dataset):
    positions = index(make_dataset, [
        statement("troops", "2025-02-17", "reluctant"),
        statement("troops", "2025-04-01", "committed"),   # moved: -1 → +2
        statement("nato", "2025-02-17", "supports"),
        statement("nato", "2025-04-01", "supports"),      # restated, unchanged: left out
        statement("us_backstop", "2025-04-01", "demands"),  # new: from no known position
    ], pol=[
        statement("troops", "2025-02-17", "willing"),
        statement("troops", "2025-03-15", "rules_out"),   # moved: +1 → -2
        statement("troops", "2025-06-01", "willing"),     # after the later date: ignored
    ])
    shifts = positions.shifts(dt.date(2025, 3, 1), dt.date(2025, 5, 1))
    rows = shifts[["actor", "dimension", "from_stance", "from_score", "to_stance", "to_score", "delta"]]
    records = {(r["actor"], r["dimension"]): r for r in rows.to_dict("records")}
    assert set(records) == {("GBR", "troops"), ("GBR", "us_backstop"), ("POL", "troops")}
    assert {k: (r["from_stance"], r["from_score"], r["to_stance"], r["to_score"], r["delta"])
            for k, r in records.items() if k != ("GBR", "us_backstop")} == {
        ("GBR", "troops"): ("reluctant", -1, "committed", 2, 3),
        ("POL", "troops"): ("willing", 1, "rules_out", -2, -3),
    }
    new = records[("GBR", "us_backstop")]
    assert missing(new["from_stance"]) and math.isnan(new["from_score"])
    assert (new["to_stance"], new["to_score"]) == ("demands", 2) and math.isnan(new["delta"])


def test_shifts_can_include_unchanged_cells_when_asked(make_dataset):
    positions = index(make_dataset, [statement("nato", "2025-02-17", "supports")], pol=[])
    every = positions.shifts(dt.date(2025, 3, 1), dt.date(2025, 5, 1), changed_only=False)
    assert len(every) == 6
    assert positions.shifts(dt.date(2025, 3, 1), dt.date(2025, 5, 1)).empty


# --- timeline ----------------------------------------------------------------------------------

def test_month_ends_cover_the_period_and_close_on_its_end():
    assert month_ends(dt.date(2025, 2, 1), dt.date(2025, 5, 31)) == [
        dt.date(2025, 2, 28), dt.date(2025, 3, 31), dt.date(2025, 4, 30), dt.date(2025, 5, 31)]
    assert month_ends(dt.date(2025, 2, 1), dt.date(2025, 4, 15)) == [
        dt.date(2025, 2, 28), dt.date(2025, 3, 31), dt.date(2025, 4, 15)]


def test_timeline_by_month_gives_each_actors_score_at_each_month_end(make_dataset):
    positions = index(make_dataset, [
        statement("troops", "2025-02-17", "reluctant"),
        statement("troops", "2025-04-01", "committed"),
        statement("nato", "2025-02-17", "opposes"),  # another dimension: not in this timeline
    ], pol=[statement("troops", "2025-03-15", "rules_out")])
    days = month_ends(dt.date(2025, 2, 1), dt.date(2025, 4, 30))
    timeline = positions.timeline("troops", days)
    assert list(timeline.index) == ["GBR", "POL"]
    assert [pd.Timestamp(c) for c in timeline.columns] == [pd.Timestamp(d) for d in days]
    assert timeline.loc["GBR"].tolist() == [-1, -1, 2]
    pol = timeline.loc["POL"].tolist()
    assert math.isnan(pol[0]) and pol[1:] == [-2, -2]  # no position in February: NaN, not 0


@pytest.mark.parametrize("day", ["2025-01-15", "2025-12-31"])
def test_dataset_without_statements_gives_an_all_unknown_matrix(make_dataset, day):
    positions = index(make_dataset, [], pol=[])
    matrix = positions.matrix(dt.date.fromisoformat(day))
    assert len(matrix) == 6
    assert matrix["score"].isna().all() and matrix["stance"].isna().all()
    assert not matrix["contested"].any()


# --- coverage ----------------------------------------------------------------------------------

def test_coverage_counts_known_cells_among_applicable_ones_per_dimension_and_in_all(make_dataset):
    gaps = ("- actor: POL\n  dimension: troops\n  reason: {en: 'Not applicable: no force.', ja: 対象外。}\n"
            "- actor: POL\n  dimension: nato\n  reason: {en: Searched; nothing found., ja: 見つからない。}\n")
    dataset = load_dataset(make_dataset({
        "data/sources.yaml": SOURCES, "data/gaps.yaml": gaps,
        "data/positions/gbr.yaml": "actor: GBR\npositions:\n" + statement("troops", "2025-03-01", "willing")
        + statement("nato", "2024-07-10", "supports"),
        "data/positions/pol.yaml": "actor: POL\npositions:\n" + statement("us_backstop", "2025-06-01", "supports"),
    }), today=dt.date(2026, 6, 1))
    assert [p.message.split()[0] for p in dataset.problems] == ["GBR.us_backstop"]  # no statement, no reason
    table = coverage(PositionIndex(dataset), dataset, [dt.date(2025, 2, 17), dt.date(2025, 6, 1)])
    rows = {(f"{day}", dim): (known, applicable) for day, dim, known, applicable in
            zip(table["date"], table["dimension"], table["known"], table["applicable"])}
    # POL's troops cell does not apply: 1 applicable troops cell, 5 cells in all.
    assert rows == {
        ("2025-02-17", "troops"): (0, 1), ("2025-02-17", "us_backstop"): (0, 2), ("2025-02-17", "nato"): (1, 2),
        ("2025-02-17", "all"): (1, 5),
        ("2025-06-01", "troops"): (1, 1), ("2025-06-01", "us_backstop"): (1, 2), ("2025-06-01", "nato"): (1, 2),
        ("2025-06-01", "all"): (3, 5)}
    assert table["share"].iloc[-1] == pytest.approx(0.6)
    wide = coverage_by_day(table)
    assert list(wide.columns) == ["troops", "us_backstop", "nato", "all"]
    assert wide.loc[dt.date(2025, 6, 1), "all"] == "3/5 (60%)"


def test_key_days_are_the_events_and_the_period_end_in_order(make_dataset):
    config = load_dataset(make_dataset()).config
    days = key_days(config)
    assert days == sorted(days) and days[-1] == config.period.end
    assert set(days) == {e.date for e in config.events} | {config.period.end}
