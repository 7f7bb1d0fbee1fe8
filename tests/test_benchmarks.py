"""The benchmark tooling behaves: the generator writes valid data, and the indexed as-of
queries agree with the as-of rule applied by hand on that data. (Timings are not tested.)"""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from benchmarks import run
from benchmarks.generate import generate
from dashboard.load import load_dataset
from dashboard.model import CONFIDENCE_RANK
from dashboard.query import PositionIndex, month_ends

TODAY = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    config = generate(tmp_path_factory.mktemp("generated"), actors=6, statements=150, seed=3, today=TODAY)
    return load_dataset(config, today=TODAY)


def test_generated_dataset_validates_with_zero_problems(small):
    assert small.problems == []
    assert len(small.actors) == 6
    assert len(small.statements) == 150


def test_generator_writes_one_positions_file_per_actor_and_url_sources(small):
    files = sorted(p.name for p in (small.root / "data" / "positions").glob("*.yaml"))
    assert files == [f"x{i:03d}.yaml" for i in range(6)]
    assert all(source.url and source.url.startswith("https://") for source in small.sources.values())


def test_generator_is_deterministic_for_a_seed(tmp_path):
    first = generate(tmp_path / "a", actors=3, statements=40, seed=7, today=TODAY).parent
    second = generate(tmp_path / "b", actors=3, statements=40, seed=7, today=TODAY).parent
    for path in sorted(first.rglob("*.yaml")):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()


def test_generated_dataset_has_contested_cells(small):
    index = PositionIndex(small)
    assert index.cells["contested"].any()


def _by_hand(dataset, actor: str, dimension: str, day: dt.date):
    """The as-of rule written out plainly: latest date <= day; ties by confidence, then file order."""
    candidates = [s for s in dataset.statements
                  if s.actor == actor and s.position.dimension == dimension and s.position.date <= day]
    if not candidates:
        return None, None, False
    latest = max(s.position.date for s in candidates)
    same_day = [s for s in candidates if s.position.date == latest]
    scoring = min(same_day, key=lambda s: (CONFIDENCE_RANK[s.position.confidence], s.order))
    return scoring.position.stance, scoring.score, len({s.position.stance for s in same_day}) > 1


def test_indexed_matrix_agrees_with_the_as_of_rule_by_hand(small):
    index = PositionIndex(small)
    period = small.config.period
    for day in [period.start - dt.timedelta(days=90), period.start, dt.date(2025, 6, 30), period.end]:
        matrix = index.matrix(day)
        assert len(matrix) == len(small.actors) * len(small.config.dimensions)
        for row in matrix.itertuples():
            stance, score, contested = _by_hand(small, row.actor, row.dimension, day)
            shown = row.stance if isinstance(row.stance, str) else None
            assert (shown, row.contested) == (stance, contested), (row.actor, row.dimension, day)
            if score is not None:
                assert row.score == score


def test_timeline_agrees_with_the_matrix_on_each_month_end(small):
    index = PositionIndex(small)
    days = month_ends(small.config.period.start, small.config.period.end)
    timeline = index.timeline("troops", days)
    assert list(timeline.index) == list(small.actors)
    for day in days[::3]:
        matrix = index.matrix(day).set_index(["actor", "dimension"])["score"]
        for actor in small.actors:
            expected, shown = matrix[(actor, "troops")], timeline.loc[actor, timeline.columns[days.index(day)]]
            assert (expected != expected and shown != shown) or expected == shown  # NaN == NaN here


def test_in_force_returns_the_statements_of_the_cell_on_that_day(small):
    index = PositionIndex(small)
    day = dt.date(2025, 9, 1)
    for actor in small.actors:
        rows = index.in_force(actor, "nato", day)
        stance, _, _ = _by_hand(small, actor, "nato", day)
        assert (rows.iloc[0]["stance"] if len(rows) else None) == stance
        assert (rows["date"] <= pd.Timestamp(day)).all() and rows["actor"].eq(actor).all()


def test_memory_benchmark_reports_resident_growth_as_json(small):
    result = run.bench_memory(small.root / "config.yaml")
    assert result["unit"] == "MB" and result["floor"] == run.MEMORY_BUDGET_MB
    json.dumps(result)  # the report is one JSON object


def test_load_benchmark_counts_the_files_and_keeps_line_numbers(small):
    result = run.bench_load(small.root / "config.yaml", repeat=1)
    assert result["files"] == 3 + 6
    assert result["problems"] == 0 and result["line_numbers"] is True
