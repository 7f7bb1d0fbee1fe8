"""The shipped dataset: it validates, and every quote from a seed is really in that seed."""
from __future__ import annotations

import datetime as dt

from dashboard.load import load_dataset
from dashboard.model import cell_key
from dashboard.query import PositionIndex, coverage

from conftest import ROOT, SHIPPED_CONFIG


def test_shipped_dataset_validates_with_no_problems():
    dataset = load_dataset(SHIPPED_CONFIG)
    assert [str(problem) for problem in dataset.problems] == []
    assert dataset.config is not None
    assert dataset.actors and dataset.sources and dataset.statements


def test_every_quote_citing_a_seed_is_found_in_that_seed():
    # Checked here independently of the loader: the seeds break lines mid-sentence, so both
    # sides are compared with every kind of whitespace (ASCII and full-width) removed.
    dataset = load_dataset(SHIPPED_CONFIG)
    seeds = {}
    checked = []
    for statement in dataset.statements:
        source = dataset.sources[statement.position.source]
        if source.seed is None or not statement.position.quote:
            continue
        if source.seed not in seeds:
            seeds[source.seed] = "".join((ROOT / source.seed).read_text(encoding="utf-8").split())
        quote = "".join(statement.position.quote.split())
        assert quote in seeds[source.seed], f"{statement.path}:{statement.line}: quote not in {source.seed}"
        checked.append(statement)
    assert len(checked) >= 10  # the seed-based statements carry quotes; an empty check proves nothing


def test_shipped_statements_lie_within_the_period_or_before_it():
    dataset = load_dataset(SHIPPED_CONFIG)
    end = dataset.config.period.end
    assert all(s.position.date <= end for s in dataset.statements)
    assert all(s.position.date <= dataset.sources[s.position.source].published for s in dataset.statements)
    assert max(s.position.date for s in dataset.statements) <= dt.date.today()


def test_every_actor_file_is_named_after_its_actor():
    dataset = load_dataset(SHIPPED_CONFIG)
    for statement in dataset.statements:
        assert statement.path == f"data/positions/{statement.actor.lower()}.yaml"


# NATO and EU member states in 2025: the second edition covers every one of them.
NATO_AND_EU_MEMBERS = set("""ALB AUT BEL BGR CAN CYP CZE DEU DNK ESP EST FIN FRA GBR GRC HRV HUN IRL ISL ITA LTU LUX
                              LVA MKD MLT MNE NLD NOR POL PRT ROU SVK SVN SWE TUR USA""".split())


def test_dataset_covers_every_nato_and_eu_member_and_the_other_actors():
    dataset = load_dataset(SHIPPED_CONFIG)
    assert NATO_AND_EU_MEMBERS <= set(dataset.actors)
    assert {"UKR", "RUS", "CHN", "AUS", "NZL", "JPN", "NATO", "EU"} <= set(dataset.actors)
    assert len(dataset.actors) >= 44 and len(dataset.statements) >= 300
    # An actor without statements has a documented reason for each of its cells.
    silent = set(dataset.actors) - {s.actor for s in dataset.statements}
    assert all(cell_key(a, d.id) in dataset.gaps for a in silent for d in dataset.config.dimensions)


def test_every_actor_has_a_name_in_english_and_in_japanese():
    dataset = load_dataset(SHIPPED_CONFIG)
    for actor in dataset.actors.values():
        assert actor.name.en.isascii() and actor.name.en.strip(), actor.id
        # Japanese names are written in kana or kanji, not left in Latin letters.
        assert any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in actor.name.ja), actor.id


def test_every_empty_cell_at_the_period_end_is_a_documented_gap():
    dataset = load_dataset(SHIPPED_CONFIG)
    matrix = PositionIndex(dataset).matrix(dataset.config.period.end)
    empty = {cell_key(actor, dimension) for actor, dimension in
             matrix.loc[matrix["stance"].isna(), ["actor", "dimension"]].itertuples(index=False, name=None)}
    assert empty == set(dataset.gaps)  # every gap validated, so each has a reason in both languages


def test_every_key_event_has_a_statement_within_a_week():
    dataset = load_dataset(SHIPPED_CONFIG)
    week = dt.timedelta(days=7)
    for event in dataset.config.events:
        near = [s for s in dataset.statements if abs(s.position.date - event.date) <= week]
        assert near, f"no statement within a week of {event.label.en} ({event.date})"


def test_every_shipped_source_is_cited_by_a_statement():
    dataset = load_dataset(SHIPPED_CONFIG)
    cited = {s.position.source for s in dataset.statements}
    assert sorted(set(dataset.sources) - cited) == []


def test_coverage_over_time_does_not_fall_below_the_second_edition():
    # Issue #12's targets; the two not met (0.85 on 2025-06-25, 0.92 at the period end) are held at
    # what three searches reached, so a lost statement shows here. Raise them as cells fill.
    dataset = load_dataset(SHIPPED_CONFIG)
    floors = {("2025-02-17", "nato"): 0.90, ("2025-03-31", "all"): 0.75, ("2025-06-25", "all"): 0.81,
              ("2026-01-31", "all"): 0.88}
    days = sorted({dt.date.fromisoformat(day) for day, _ in floors})
    table = coverage(PositionIndex(dataset), dataset, days)
    share = {(f"{day}", dimension): value for day, dimension, value in
             zip(table["date"], table["dimension"], table["share"])}
    assert {key: round(share[key], 3) for key in floors if share[key] < floors[key]} == {}
