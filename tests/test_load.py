"""Loading and validation: every rule of the data contract reports `path:line: message`,
never raises, and leaves the rest of the data loaded."""
from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest

from dashboard.load import data_stamp, load_dataset
from dashboard.yamlread import MAX_FILE_BYTES

from conftest import ROOT, SHIPPED_CONFIG

FIXTURES = Path(__file__).parent / "fixtures" / "bad"
TODAY = dt.date(2026, 6, 1)  # after the period, so only the period end limits dates
GBR_FILE = "data/positions/gbr.yaml"


def position_item(**fields) -> str:
    """One position as a YAML list item. Its keys sit on fixed lines when it is the first item
    of a file: dimension 3, date 4, stance 5, speaker 6, summary 7, source 8, extras 9 on.
    A field given as None is left out."""
    values = {
        "dimension": "troops",
        "date": "2025-02-17",
        "stance": "willing",
        "speaker": "Keir Starmer, Prime Minister",
        "summary": "{en: Ready to send troops., ja: 派遣する用意がある。}",
        "source": "seed-000",
        **fields,
    }
    return "  - " + "\n    ".join(f"{key}: {value}" for key, value in values.items() if value is not None) + "\n"


def positions_file(actor: str, *statements: str) -> str:
    return f"actor: {actor}\npositions:\n" + "".join(statements)


POL_FILE = positions_file("POL", position_item(stance="rules_out", speaker="Donald Tusk, Prime Minister"))


def load(make_dataset, files: dict[str, str | bytes], today: dt.date = TODAY):
    """A small dataset with a valid Poland file plus `files`, loaded."""
    return load_dataset(make_dataset({"data/positions/pol.yaml": POL_FILE, **files}), today=today)


def messages(dataset) -> list[str]:
    return [str(problem) for problem in dataset.problems]


def assert_poland_still_loads(dataset) -> None:
    assert [(s.actor, s.position.stance) for s in dataset.statements if s.actor == "POL"] == [("POL", "rules_out")]


def gbr_statements(dataset) -> list:
    return [s for s in dataset.statements if s.actor == "GBR"]


# --- the baseline the bad cases are compared with -------------------------------------------

def test_small_valid_dataset_loads_without_problems(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", position_item())})
    assert messages(dataset) == []
    assert [(s.actor, s.position.dimension, s.position.stance, s.score, s.path, s.line) for s in dataset.statements] == [
        ("GBR", "troops", "willing", 1, "data/positions/gbr.yaml", 3),
        ("POL", "troops", "rules_out", -2, "data/positions/pol.yaml", 3),
    ]
    assert set(dataset.actors) == {"GBR", "POL"}
    assert set(dataset.sources) == {"seed-000", "web-1"}


# --- YAML syntax -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    pytest.param("actor: GBR\npositions:\n  - dimension: troops\n     date: 2025-02-17\n",
                 "data/positions/gbr.yaml:4: YAML syntax error: a ':' is not allowed here; check this line's "
                 "indentation, or put text that contains ': ' in quotes", id="bad-indentation"),
    pytest.param("actor: GBR\npositions:\n  - dimension: troops\n    speaker: \"Keir Starmer\n    date: 2025-02-17\n",
                 "data/positions/gbr.yaml:4: YAML syntax error: a quote opened on this line is never closed",
                 id="unclosed-quote"),
    pytest.param("actor: GBR\npositions:\n\t- dimension: troops\n",
                 "data/positions/gbr.yaml:3: YAML syntax error: a tab is used for indentation; indent with spaces",
                 id="tab-before-item"),
    pytest.param("actor: GBR\npositions:\n  - dimension: troops\n\t  date: 2025-02-17\n",
                 "data/positions/gbr.yaml:4: YAML syntax error: a tab is used for indentation; indent with spaces",
                 id="tab-before-key"),
    pytest.param("actor: GBR\npositions: " + "[" * 100_000 + "]" * 100_000 + "\n",
                 "data/positions/gbr.yaml:2: YAML syntax error: exceeded maximum nesting depth "
                 "(while increasing flow level)", id="deep-nesting"),
])
def test_yaml_syntax_error_reported_with_line(make_dataset, text, expected):
    dataset = load(make_dataset, {GBR_FILE: text})
    assert messages(dataset) == [expected]
    assert gbr_statements(dataset) == []
    assert_poland_still_loads(dataset)


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"], ids=["no-bytes", "blank-lines", "comment"])
def test_empty_file_reported(make_dataset, text):
    dataset = load(make_dataset, {GBR_FILE: text})
    assert messages(dataset) == ["data/positions/gbr.yaml:1: file is empty"]
    assert_poland_still_loads(dataset)


def test_positions_file_that_is_a_list_reported(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: "# a list, not a mapping\n- actor: GBR\n  positions: []\n"})
    assert messages(dataset) == [
        "data/positions/gbr.yaml:2: a positions file is a mapping with 'actor:' and 'positions:'"]
    assert_poland_still_loads(dataset)


def test_actors_file_that_is_a_mapping_reported(make_dataset):
    dataset = load(make_dataset, {"data/actors.yaml": "GBR: United Kingdom\n"})
    assert messages(dataset)[0] == "data/actors.yaml:1: expected a list of actors (lines starting with '- ')"
    assert dataset.actors == {}


# --- duplicate and unknown keys ----------------------------------------------------------------

def test_duplicate_key_reported_with_line(make_dataset):
    first = position_item(stance="willing") + "    stance: rules_out\n"  # stance twice: which one is meant?
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", first, position_item(dimension="nato", stance="supports"))})
    assert messages(dataset) == [
        "data/positions/gbr.yaml:9: duplicate key 'stance' (first at line 5); remove one of them"]
    # The ambiguous record is left out; the next record of the same file still loads.
    assert [(s.position.dimension, s.position.stance) for s in gbr_statements(dataset)] == [("nato", "supports")]
    assert_poland_still_loads(dataset)


def test_nested_duplicate_key_leaves_the_record_out(make_dataset):
    item = position_item(summary="{en: Ready., en: Not ready., ja: 用意がある。}")
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", item)})
    assert messages(dataset) == [
        "data/positions/gbr.yaml:7: duplicate key 'en' (first at line 7); remove one of them"]
    assert gbr_statements(dataset) == []
    assert_poland_still_loads(dataset)


def test_duplicate_top_level_key_leaves_the_file_out(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: "actor: GBR\nactor: POL\npositions:\n" + position_item()})
    assert messages(dataset) == [
        "data/positions/gbr.yaml:2: duplicate key 'actor' (first at line 1); remove one of them"]
    assert gbr_statements(dataset) == []
    assert_poland_still_loads(dataset)


def test_unknown_key_suggests_the_known_one(make_dataset):
    item = position_item(stance=None) + "    stnce: willing\n"
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", item)})
    assert messages(dataset) == [
        "data/positions/gbr.yaml:3: missing required field 'stance'",
        "data/positions/gbr.yaml:8: unknown key 'stnce'; did you mean 'stance'?",
    ]
    assert gbr_statements(dataset) == []
    assert_poland_still_loads(dataset)


def test_unknown_key_in_config_suggests_the_known_one(make_dataset):
    text = SHIPPED_CONFIG.read_text(encoding="utf-8").replace("default_language:", "defualt_language:")
    line = text.splitlines().index("defualt_language: en") + 1
    dataset = load(make_dataset, {"config.yaml": text})
    assert messages(dataset) == [f"config.yaml:{line}: unknown key 'defualt_language'; did you mean 'default_language'?"]


# --- missing fields and wrong types ------------------------------------------------------------

def test_missing_required_field_reported_at_its_record(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", position_item(speaker=None))})
    assert messages(dataset) == ["data/positions/gbr.yaml:3: missing required field 'speaker'"]
    assert_poland_still_loads(dataset)


def test_missing_actor_field_reported(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: "positions:\n" + position_item()})
    assert messages(dataset) == ["data/positions/gbr.yaml:1: missing required field 'actor'"]
    assert_poland_still_loads(dataset)


def test_missing_summary_language_reported_with_its_field(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", position_item(summary="{en: Ready.}"))})
    assert messages(dataset) == ["data/positions/gbr.yaml:7: missing required field 'summary.ja'"]
    assert_poland_still_loads(dataset)


@pytest.mark.parametrize("date, expected", [
    ("2025-13-45", "data/positions/gbr.yaml:4: date: '2025-13-45' is not a real date; write YYYY-MM-DD"),
    ('"next week"', "data/positions/gbr.yaml:4: date: 'next week' is not a real date; write YYYY-MM-DD"),
    ("2025-02-30", "data/positions/gbr.yaml:4: date: '2025-02-30' is not a real date; write YYYY-MM-DD"),
    ("2025-02-17T10:00:00", "data/positions/gbr.yaml:4: date: '2025-02-17T10:00:00' is not a real date; write YYYY-MM-DD"),
])
def test_date_that_is_not_a_real_date_reported(make_dataset, date, expected):
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", position_item(date=date))})
    assert messages(dataset) == [expected]
    assert_poland_still_loads(dataset)


def test_summary_given_as_text_reported_as_wrong_type(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", position_item(summary="Ready to send troops."))})
    assert messages(dataset) == [
        "data/positions/gbr.yaml:7: summary: expected a mapping, got text 'Ready to send troops.'"]
    assert_poland_still_loads(dataset)


def test_confidence_outside_its_scale_reported(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", position_item() + "    confidence: sure\n")})
    assert messages(dataset) == [
        "data/positions/gbr.yaml:9: confidence: input should be 'high', 'medium' or 'low' (got 'sure')"]
    assert_poland_still_loads(dataset)


def test_position_that_is_not_a_mapping_reported(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: "actor: GBR\npositions:\n  - just text\n" + position_item()})
    assert messages(dataset) == ["data/positions/gbr.yaml:3: each position must be a mapping of fields"]
    assert [s.line for s in gbr_statements(dataset)] == [4]
    assert_poland_still_loads(dataset)


def test_score_that_is_not_a_number_in_config_reported_with_line(make_dataset):
    text = SHIPPED_CONFIG.read_text(encoding="utf-8").replace(
        "{id: rules_out, score: -2,", "{id: rules_out, score: high,")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "score: high" in row)
    dataset = load(make_dataset, {"config.yaml": text})
    assert messages(dataset) == [f"config.yaml:{line}: dimensions.stances.score: 'high' is not a whole number"]
    assert dataset.config is None and dataset.statements == []


# --- references: actor, dimension, stance, source ----------------------------------------------

def test_unknown_actor_reported_with_suggestion(make_dataset):
    dataset = load(make_dataset, {"data/positions/gbx.yaml": positions_file("GBX", position_item())})
    assert messages(dataset) == ["data/positions/gbx.yaml:1: unknown actor 'GBX', not in actors.yaml; did you mean 'GBR'?"]
    assert_poland_still_loads(dataset)


@pytest.mark.parametrize("field, value, expected", [
    ("dimension", "trops", "data/positions/gbr.yaml:3: unknown dimension 'trops'; did you mean 'troops'?"),
    ("stance", "wiling", "data/positions/gbr.yaml:5: unknown stance 'wiling' for troops; did you mean 'willing'? "
                         "(allowed: rules_out, reluctant, conditional, willing, committed)"),
    ("stance", "supports", "data/positions/gbr.yaml:5: unknown stance 'supports' for troops "
                           "(allowed: rules_out, reluctant, conditional, willing, committed)"),
    ("source", "seed-00", "data/positions/gbr.yaml:8: unknown source 'seed-00'; did you mean 'seed-000'?"),
])
def test_unknown_reference_reported_with_line(make_dataset, field, value, expected):
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", position_item(**{field: value}))})
    assert messages(dataset) == [expected]
    assert gbr_statements(dataset) == []
    assert_poland_still_loads(dataset)


def test_unknown_group_reported_and_actor_kept(make_dataset):
    actors = "- id: GBR\n  name: {en: United Kingdom, ja: 英国}\n  kind: state\n  groups: [NAT0]\n" \
             "- id: POL\n  name: {en: Poland, ja: ポーランド}\n  kind: state\n"
    dataset = load(make_dataset, {"data/actors.yaml": actors})
    assert messages(dataset) == [
        "data/actors.yaml:4: unknown group 'NAT0', not in the groups of config.yaml; did you mean 'NATO'?"]
    assert set(dataset.actors) == {"GBR", "POL"}
    assert_poland_still_loads(dataset)


# --- file names and duplicate ids --------------------------------------------------------------

def test_file_name_not_matching_actor_reported(make_dataset):
    dataset = load(make_dataset, {"data/positions/uk.yaml": positions_file("GBR", position_item())})
    assert messages(dataset) == [
        "data/positions/uk.yaml:1: file name 'uk.yaml' does not match actor 'GBR'; name it gbr.yaml"]
    assert gbr_statements(dataset) == []
    assert_poland_still_loads(dataset)


def test_second_positions_file_for_one_actor_reported(make_dataset):
    dataset = load(make_dataset, {
        GBR_FILE: positions_file("GBR", position_item()),
        "data/positions/gbr-2025.yaml": positions_file("GBR", position_item(dimension="nato", stance="supports")),
    })
    assert messages(dataset) == [
        "data/positions/gbr-2025.yaml:1: actor 'GBR' already has a positions file, data/positions/gbr.yaml; "
        "move these positions into it"]
    # The correctly named file wins, whatever the sort order of the names.
    assert [s.position.dimension for s in gbr_statements(dataset)] == ["troops"]
    assert_poland_still_loads(dataset)


def test_duplicate_actor_id_reported(make_dataset):
    actors = "- id: GBR\n  name: {en: United Kingdom, ja: 英国}\n  kind: state\n" \
             "- id: POL\n  name: {en: Poland, ja: ポーランド}\n  kind: state\n" \
             "- id: GBR\n  name: {en: Britain, ja: 英国}\n  kind: state\n"
    dataset = load(make_dataset, {"data/actors.yaml": actors})
    assert messages(dataset) == ["data/actors.yaml:7: duplicate actor id 'GBR'"]
    assert dataset.actors["GBR"].name.en == "United Kingdom"
    assert_poland_still_loads(dataset)


def test_duplicate_source_id_reported(make_dataset):
    sources = "- id: seed-000\n  outlet: Reuters\n  title: Seed\n  published: 2025-02-18\n  language: ja\n" \
              "  seed: seeds/000_1a80b456816d0e91.txt\n" \
              "- id: seed-000\n  outlet: Other\n  title: Other\n  published: 2025-03-01\n  language: en\n" \
              "  url: https://example.org/other\n"
    dataset = load(make_dataset, {"data/sources.yaml": sources})
    assert messages(dataset) == ["data/sources.yaml:7: duplicate source id 'seed-000'"]
    assert dataset.sources["seed-000"].outlet == "Reuters"
    assert_poland_still_loads(dataset)


def test_actor_id_not_upper_case_reported_in_words(make_dataset):
    actors = "- id: gbr\n  name: {en: United Kingdom, ja: 英国}\n  kind: state\n" \
             "- id: POL\n  name: {en: Poland, ja: ポーランド}\n  kind: state\n"
    dataset = load(make_dataset, {"data/actors.yaml": actors})
    assert messages(dataset) == ["data/actors.yaml:1: id: 'gbr' must be 2 to 10 upper-case letters or digits, "
                                 "starting with a letter (e.g. GBR, NATO)"]
    assert_poland_still_loads(dataset)


# --- dates -------------------------------------------------------------------------------------

def test_date_after_period_end_reported(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", position_item(date="2026-03-01", source="web-1"))})
    assert messages(dataset) == [
        "data/positions/gbr.yaml:4: date 2026-03-01 is after the period end 2026-01-31",
        "data/positions/gbr.yaml:4: date 2026-03-01 is after source 'web-1' was published (2025-06-30)",
    ]
    assert_poland_still_loads(dataset)


def test_date_in_the_future_reported(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", position_item(date="2025-06-01", source="web-1"))},
                   today=dt.date(2025, 5, 1))
    assert messages(dataset) == ["data/positions/gbr.yaml:4: date 2025-06-01 is in the future"]
    assert_poland_still_loads(dataset)


def test_date_after_source_published_reported(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", position_item(date="2025-02-19"))})
    assert messages(dataset) == [
        "data/positions/gbr.yaml:4: date 2025-02-19 is after source 'seed-000' was published (2025-02-18)"]
    assert_poland_still_loads(dataset)


def test_date_on_source_published_day_is_allowed(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", position_item(date="2025-02-18"))})
    assert messages(dataset) == []
    assert len(gbr_statements(dataset)) == 1


def test_date_before_period_start_is_allowed_as_baseline(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", position_item(date="2024-07-10"))})
    assert messages(dataset) == []
    assert [s.position.date for s in gbr_statements(dataset)] == [dt.date(2024, 7, 10)]


# --- sources: urls and seeds -------------------------------------------------------------------

def source_with(location: str) -> str:
    return "- id: seed-000\n  outlet: Reuters\n  title: Seed\n  published: 2025-02-18\n  language: ja\n" \
           "  seed: seeds/000_1a80b456816d0e91.txt\n" \
           f"- id: web-1\n  outlet: Example\n  title: Web\n  published: 2025-06-30\n  language: en\n  {location}\n"


@pytest.mark.parametrize("url", [
    "javascript:alert(document.cookie)",
    '"data:text/html,<script>alert(1)</script>"',
    "ftp://example.org/file",
    "file:///etc/passwd",
    '" javascript:alert(1)"',
])
def test_url_that_is_not_http_is_rejected(make_dataset, url):
    dataset = load(make_dataset, {"data/sources.yaml": source_with(f"url: {url}")})
    assert messages(dataset) == ["data/sources.yaml:12: url: url must start with http:// or https://"]
    assert set(dataset.sources) == {"seed-000"}
    assert_poland_still_loads(dataset)


def test_https_url_is_accepted(make_dataset):
    dataset = load(make_dataset, {"data/sources.yaml": source_with("url: HTTPS://example.org/a?b=1")})
    assert messages(dataset) == []
    assert set(dataset.sources) == {"seed-000", "web-1"}


def test_accessed_date_on_or_after_published_is_accepted(make_dataset):
    dataset = load(make_dataset, {"data/sources.yaml": source_with("url: https://example.org/a\n  accessed: 2025-06-30")})
    assert messages(dataset) == []
    assert dataset.sources["web-1"].accessed == dt.date(2025, 6, 30)


@pytest.mark.parametrize("accessed, why", [("2025-06-29", "before it was published"), ("2026-06-02", "in the future")])
def test_accessed_before_published_or_in_the_future_reported(make_dataset, accessed, why):
    dataset = load(make_dataset, {"data/sources.yaml": source_with(f"url: https://example.org/a\n  accessed: {accessed}")})
    assert messages(dataset) == [f"data/sources.yaml:13: accessed {accessed} is {why} "
                                 f"(must lie between published 2025-06-30 and today {TODAY})"]


def test_source_with_both_seed_and_url_reported(make_dataset):
    dataset = load(make_dataset, {"data/sources.yaml": source_with(
        "url: https://example.org/a\n  seed: seeds/000_1a80b456816d0e91.txt")})
    assert messages(dataset) == ["data/sources.yaml:7: give exactly one of `seed` or `url`"]
    assert_poland_still_loads(dataset)


@pytest.mark.parametrize("seed", ["../../../../etc/passwd", "/etc/passwd", "seeds/../config.yaml"])
def test_seed_path_outside_the_seeds_folder_is_rejected(make_dataset, seed):
    dataset = load(make_dataset, {"data/sources.yaml": source_with(f"seed: {seed}")})
    assert messages(dataset) == [
        f"data/sources.yaml:12: seed: '{seed}' must be a file in the seeds folder, written seeds/<file>.txt"]
    assert set(dataset.sources) == {"seed-000"}
    assert_poland_still_loads(dataset)


def test_missing_seed_file_reported(make_dataset):
    dataset = load(make_dataset, {"data/sources.yaml": source_with("seed: seeds/999_missing.txt")})
    assert messages(dataset) == ["data/sources.yaml:12: seed file 'seeds/999_missing.txt' does not exist"]
    assert_poland_still_loads(dataset)


def test_position_citing_a_rejected_source_points_at_its_problem(make_dataset):
    item = position_item(source="web-1", date="2025-06-01")
    dataset = load(make_dataset, {"data/sources.yaml": source_with("url: javascript:alert(1)"),
                                  GBR_FILE: positions_file("GBR", item)})
    assert messages(dataset) == [
        "data/sources.yaml:12: url: url must start with http:// or https://",
        "data/positions/gbr.yaml:8: source 'web-1' is left out until its problem in sources.yaml is fixed",
    ]
    assert_poland_still_loads(dataset)


def test_positions_of_a_rejected_actor_point_at_its_problem(make_dataset):
    actors = "- id: GBR\n  name: {en: United Kingdom}\n  kind: state\n" \
             "- id: POL\n  name: {en: Poland, ja: ポーランド}\n  kind: state\n"
    dataset = load(make_dataset, {"data/actors.yaml": actors, GBR_FILE: positions_file("GBR", position_item())})
    assert messages(dataset) == [
        "data/actors.yaml:2: missing required field 'name.ja'",
        "data/positions/gbr.yaml:1: actor 'GBR' is left out until its problem in actors.yaml is fixed",
    ]
    assert_poland_still_loads(dataset)


# --- quotes from seeds -------------------------------------------------------------------------

SEED_QUOTE = "スターマー英首相は17日付の英紙テレグラフに寄稿し、必要であれば平和的解決策の一部として平和維持活動のため英国軍をウクライナに派遣すると表明した。"


def test_quote_not_in_its_seed_reported(make_dataset):
    item = position_item(quote="スターマー英首相は英国軍を派遣しないと表明した。")
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", item)})
    assert messages(dataset) == [
        "data/positions/gbr.yaml:9: quote not found in seed seeds/000_1a80b456816d0e91.txt "
        "(compared without whitespace); copy it verbatim"]
    assert gbr_statements(dataset) == []
    assert_poland_still_loads(dataset)


def test_quote_with_other_line_breaks_and_spaces_is_found_in_seed(make_dataset):
    # The quote breaks the sentence over lines and adds ASCII and full-width spaces.
    quote = SEED_QUOTE[:20] + "\n" + SEED_QUOTE[20:40] + " \u3000" + SEED_QUOTE[40:]
    item = position_item(quote='"' + quote.replace("\n", "\\n") + '"')
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", item)})
    assert messages(dataset) == []
    assert [s.position.quote for s in gbr_statements(dataset)] == [quote]


def test_quote_found_in_seed_that_breaks_lines_mid_sentence(make_dataset):
    seed = "英国は部隊を派遣する用意が\nあると表明した。\n"
    sources = source_with("seed: seeds/broken_lines.txt")
    item = position_item(source="web-1", date="2025-06-01", quote="部隊を派遣する用意があると表明した")
    dataset = load(make_dataset, {"seeds/broken_lines.txt": seed, "data/sources.yaml": sources,
                                  GBR_FILE: positions_file("GBR", item)})
    assert messages(dataset) == []
    assert len(gbr_statements(dataset)) == 1


# --- hostile files -----------------------------------------------------------------------------

def test_alias_bomb_is_refused_and_the_rest_loads(make_dataset):
    # How quickly: benchmarks/run.py (hostile_files); a wall-clock assert here fails on a busy machine.
    dataset = load(make_dataset, {GBR_FILE: (FIXTURES / "billion_laughs.yaml").read_text(encoding="utf-8")})
    assert messages(dataset) == [
        # Line 4 holds the first anchor, where the expansion starts.
        "data/positions/gbr.yaml:4: file expands to more than 500,000 values (an alias bomb?); not loaded"]
    assert_poland_still_loads(dataset)


def test_several_megabyte_file_is_refused_and_the_rest_loads(make_dataset):
    body = position_item() * (3 * MAX_FILE_BYTES // len(position_item().encode()) // 2)
    text = positions_file("GBR", body)
    size = len(text.encode("utf-8"))
    assert size > MAX_FILE_BYTES
    started = time.perf_counter()
    dataset = load(make_dataset, {GBR_FILE: text})
    assert time.perf_counter() - started < 5
    assert messages(dataset) == [f"data/positions/gbr.yaml:1: file is {size / 2**20:.1f} MB, over the 2 MB limit; split it"]
    assert_poland_still_loads(dataset)


def test_bytes_that_are_not_utf8_reported_with_line(make_dataset):
    text = positions_file("GBR", position_item(speaker="Keir Starmer")).encode("utf-8").replace(b"Keir", b"K\xe9ir")
    dataset = load(make_dataset, {GBR_FILE: text})
    assert messages(dataset) == [
        "data/positions/gbr.yaml:6: bytes that are not UTF-8 (byte 0xe9); save the file as UTF-8"]
    assert_poland_still_loads(dataset)


def test_latin1_file_reported_not_loaded_as_mojibake(make_dataset):
    text = positions_file("GBR", position_item(speaker="Søren Gade")).encode("latin-1", errors="replace")
    dataset = load(make_dataset, {GBR_FILE: text})
    assert messages(dataset) == [
        "data/positions/gbr.yaml:6: bytes that are not UTF-8 (byte 0xf8); save the file as UTF-8"]


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b"])
def test_control_character_reported_on_its_line_in_one_line(make_dataset, character):
    text = positions_file("GBR", position_item(speaker=f"Keir{character} Starmer"))
    dataset = load(make_dataset, {GBR_FILE: text.encode("utf-8")})
    assert messages(dataset) == [
        f"data/positions/gbr.yaml:6: control character U+{ord(character):04X} is not allowed in YAML; delete it"]
    assert_poland_still_loads(dataset)


def test_merge_key_reported_in_words(make_dataset):
    text = "actor: GBR\npositions:\n  - <<: {dimension: troops}\n    date: 2025-02-17\n"
    dataset = load(make_dataset, {GBR_FILE: text})
    assert messages(dataset)[0] == "data/positions/gbr.yaml:3: merge keys (<<) are not supported; write the fields out"
    assert gbr_statements(dataset) == []
    assert_poland_still_loads(dataset)


def test_link_to_an_endless_file_is_refused_and_the_rest_loads(make_dataset):
    config = make_dataset({"data/positions/pol.yaml": POL_FILE})
    (config.parent / GBR_FILE).symlink_to("/dev/zero")
    dataset = load_dataset(config, today=TODAY)
    assert messages(dataset) == ["data/positions/gbr.yaml:1: file is 2.0 MB, over the 2 MB limit; split it"]
    assert_poland_still_loads(dataset)


def test_huge_pasted_value_is_cut_short_in_the_message(make_dataset):
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", position_item() + "    confidence: " + "x" * 5000 + "\n")})
    (message,) = messages(dataset)
    assert message.startswith("data/positions/gbr.yaml:9: confidence: input should be 'high', 'medium' or 'low' (got 'xxx")
    assert message.endswith("…')") and len(message) < 200
    assert_poland_still_loads(dataset)


def test_utf8_bom_and_crlf_line_endings_are_accepted(make_dataset):
    text = positions_file("GBR", position_item(), position_item(dimension="nato", stance="supports"))
    data = ("\ufeff" + text).replace("\n", "\r\n").encode("utf-8")
    dataset = load(make_dataset, {GBR_FILE: data})
    assert messages(dataset) == []
    assert [(s.position.dimension, s.line) for s in gbr_statements(dataset)] == [("troops", 3), ("nato", 9)]
    assert gbr_statements(dataset)[0].position.speaker == "Keir Starmer, Prime Minister"


def test_crlf_file_reports_the_right_line(make_dataset):
    text = positions_file("GBR", position_item(), position_item(dimension="nato", stance="suports"))
    dataset = load(make_dataset, {GBR_FILE: text.replace("\n", "\r\n").encode("utf-8")})
    assert [problem.line for problem in dataset.problems] == [11]


def test_python_object_tag_is_refused_and_constructs_nothing(make_dataset, tmp_path):
    dataset = load(make_dataset, {GBR_FILE: (FIXTURES / "python_object_tag.yaml").read_text(encoding="utf-8")})
    assert messages(dataset) == [
        "data/positions/gbr.yaml:1: unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'",
        "data/positions/gbr.yaml:1: actor: expected text, got a list ['echo owned > owned.txt']",
    ]
    assert not (tmp_path / "owned.txt").exists() and not Path("owned.txt").exists()
    assert_poland_still_loads(dataset)


def test_html_and_script_text_loads_as_plain_text_unchanged(make_dataset):
    dataset = load(make_dataset, {
        "data/actors.yaml": (FIXTURES / "html_in_text.actors.yaml").read_text(encoding="utf-8"),
        GBR_FILE: (FIXTURES / "html_in_text.gbr.yaml").read_text(encoding="utf-8"),
    })
    assert messages(dataset) == []
    assert dataset.actors["GBR"].name.en == "United Kingdom <script>alert('x')</script>"
    (position,) = [s.position for s in gbr_statements(dataset)]
    assert (position.speaker, position.summary.en, position.summary.ja, position.quote, position.conditions) == (
        '<img src=x onerror="alert(1)">',
        "<script>alert('x')</script>",
        '<a href="javascript:alert(1)">英国</a>',
        "<script>alert('x')</script> & <img src=x onerror=\"alert(1)\">",
        "<b>bold</b> &amp; <!-- comment -->",
    )
    assert_poland_still_loads(dataset)


# --- config.yaml -------------------------------------------------------------------------------

def test_broken_config_gives_a_problem_with_file_and_line(make_dataset):
    text = SHIPPED_CONFIG.read_text(encoding="utf-8").replace("  start: 2025-02-01", "  start: [2025-02-01")
    line = text.splitlines().index("  start: [2025-02-01") + 1
    dataset = load(make_dataset, {"config.yaml": text})
    assert dataset.config is None and dataset.statements == []
    assert len(dataset.problems) == 1
    assert dataset.problems[0].path == "config.yaml"
    assert dataset.problems[0].line == line + 1  # the flow list runs on to the next line before failing
    assert dataset.problems[0].message.startswith("YAML syntax error: ")


def test_config_that_is_a_list_reported(make_dataset):
    dataset = load(make_dataset, {"config.yaml": "- title\n"})
    assert messages(dataset) == ["config.yaml:1: config.yaml must be a mapping of settings"]


def test_missing_config_file_reported(tmp_path):
    dataset = load_dataset(tmp_path / "config.yaml")
    assert messages(dataset) == ["config.yaml:1: cannot read file: No such file or directory"]
    assert dataset.config is None


def test_missing_actors_file_reported_and_sources_still_load(make_dataset):
    config = make_dataset({"data/positions/pol.yaml": POL_FILE})
    (config.parent / "data" / "actors.yaml").unlink()
    dataset = load_dataset(config, today=TODAY)
    assert messages(dataset) == [
        "data/actors.yaml:1: cannot read file: No such file or directory",
        "data/positions/pol.yaml:1: unknown actor 'POL', not in actors.yaml",
    ]
    assert set(dataset.sources) == {"seed-000", "web-1"}


# --- cache key -----------------------------------------------------------------------------------

def test_data_stamp_changes_when_a_file_is_saved_or_added(make_dataset):
    config = make_dataset({"data/positions/pol.yaml": POL_FILE})
    before = data_stamp(config)
    assert data_stamp(config) == before
    pol = config.parent / "data" / "positions" / "pol.yaml"
    pol.write_text(POL_FILE + position_item(dimension="nato", stance="supports"), encoding="utf-8")
    edited = data_stamp(config)
    assert edited != before
    (config.parent / GBR_FILE).write_text(positions_file("GBR", position_item()), encoding="utf-8")
    assert len(data_stamp(config)) == len(edited) + 1
    added = data_stamp(config)
    (config.parent / "data" / "gaps.yaml").write_text(gap_item("POL", "nato"), encoding="utf-8")
    assert data_stamp(config) != added


def test_hidden_files_in_positions_are_neither_loaded_nor_watched(make_dataset):
    # Editors leave hidden lock and backup files beside the one being edited (emacs: .#pol.yaml).
    config = make_dataset({"data/positions/pol.yaml": POL_FILE})
    before = data_stamp(config)
    (config.parent / "data" / "positions" / ".#pol.yaml").write_text("not: [valid yaml", encoding="utf-8")
    assert data_stamp(config) == before
    dataset = load_dataset(config)
    assert not dataset.problems and {s.actor for s in dataset.statements} >= {"POL"}


# --- gaps.yaml ------------------------------------------------------------------------------------

def gap_item(actor: str, dimension: str) -> str:
    return (f"- actor: {actor}\n  dimension: {dimension}\n"
            "  reason: {en: Searched; nothing found., ja: 調査したが見つからない。}\n")


def cell_problems(dataset) -> list[str]:
    """Problems other than the empty cells the small fixture leaves undocumented."""
    return [str(p) for p in dataset.problems if p.code != "undocumented-gap"]


def test_documented_gap_is_loaded_with_its_reason_in_both_languages(make_dataset):
    dataset = load(make_dataset, {"data/gaps.yaml": gap_item("POL", "us_backstop")})
    assert cell_problems(dataset) == []
    assert dataset.gaps["POL.us_backstop"].reason("ja") == "調査したが見つからない。"


def test_gap_for_unknown_actor_or_dimension_is_a_problem_with_its_line(make_dataset):
    dataset = load(make_dataset, {"data/gaps.yaml": gap_item("POL", "us_backstop") + gap_item("PLO", "nato")
                                  + gap_item("POL", "natto")})
    assert cell_problems(dataset) == [
        "data/gaps.yaml:4: unknown actor 'PLO'; did you mean 'POL'?",
        "data/gaps.yaml:8: unknown dimension 'natto'; did you mean 'nato'?"]
    assert list(dataset.gaps) == ["POL.us_backstop"]
    assert_poland_still_loads(dataset)


def test_gap_whose_cell_has_a_statement_is_reported_and_not_shown(make_dataset):
    dataset = load(make_dataset, {"data/gaps.yaml": gap_item("POL", "troops")})
    assert cell_problems(dataset) == ["data/gaps.yaml:1: gap POL.troops is listed as empty, but the cell has a "
                                 "statement; remove it from gaps.yaml"]
    assert dataset.gaps == {}


def test_with_gaps_yaml_every_cell_empty_at_the_period_end_needs_a_reason(make_dataset):
    # POL has troops only; GBR has no file at all. Two of POL's cells are documented.
    dataset = load(make_dataset, {"data/positions/pol.yaml": POL_FILE,
                                  "data/gaps.yaml": gap_item("POL", "us_backstop") + gap_item("POL", "nato")})
    undocumented = [p for p in messages(dataset) if "no reason in gaps.yaml" in p]
    assert undocumented == [f"data/gaps.yaml:1: GBR.{d} has no statement by the period end and no reason in "
                            "gaps.yaml; add a statement, or the gap with why it is empty"
                            for d in ("troops", "us_backstop", "nato")]


def test_blanked_positions_file_is_refused_not_silently_empty(make_dataset):
    # An editor's slip: `positions:` with nothing after it loses every statement of the actor.
    dataset = load(make_dataset, {"data/positions/pol.yaml": "actor: POL\npositions:\n",
                                  "data/gaps.yaml": gap_item("POL", "us_backstop") + gap_item("POL", "nato")})
    assert messages(dataset)[0] == ("data/positions/pol.yaml:2: no statements: 'positions:' is empty; "
                                    "restore POL's statements or delete the file")
    assert "data/positions/pol.yaml:1: POL.troops has no statement by the period end and no reason in " \
           "gaps.yaml; add a statement, or the gap with why it is empty" in messages(dataset)


# --- problem codes -------------------------------------------------------------------------------

@pytest.mark.parametrize("fields, code", [
    ({"colour": "red"}, "unknown-key"),
    ({"speaker": None}, "missing-field"),
    ({"date": "2025-02-30"}, "bad-date"),
    ({"confidence": "hihg"}, "not-allowed"),
    ({"speaker": "[Keir, Starmer]"}, "wrong-type"),
    ({"stance": "wiling"}, "unknown-stance"),
    ({"source": "seed-00"}, "unknown-source"),
])
def test_each_kind_of_mistake_in_a_statement_has_its_own_code(make_dataset, fields, code):
    dataset = load(make_dataset, {GBR_FILE: positions_file("GBR", position_item(**fields))})
    assert [p.code for p in dataset.problems] == [code]


def test_source_mistakes_have_their_own_codes(make_dataset):
    dataset = load(make_dataset, {"data/sources.yaml": source_with("url: ftp://example.org/a")
                                  + "- id: web-2\n  outlet: X\n  title: Y\n  published: 2025-06-30\n  language: en\n"})
    assert [p.code for p in dataset.problems] == ["bad-url", "invalid-record"]


def test_every_problem_code_is_listed_for_editors_in_the_data_readme():
    # The codes a tool can rely on: every one the loader can emit has a line in data/README.md.
    source = "".join((ROOT / "dashboard" / name).read_text(encoding="utf-8") for name in ("load.py", "yamlread.py"))
    codes = set(re.findall(r'(?:Problem|report)\(\s*"([a-z0-9-]+)"', source))
    codes |= set(re.findall(r'return "([a-z-]+)", ', source))  # pydantic errors, by kind (_describe)
    codes |= {"bad-url", "invalid-value"}  # chosen by field name in one expression
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", readme, flags=re.M))
    assert len(codes) > 25 and codes <= listed, sorted(codes - listed)
