"""The command line: exit codes, one `path:line: message` a problem, and the output columns."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from dashboard.__main__ import main

from conftest import ROOT, SOURCES, statement

GBR = "actor: GBR\npositions:\n" + "".join([
    statement("troops", "2025-02-17", "reluctant"),
    statement("troops", "2025-04-01", "willing", "src-a", "high"),
    statement("troops", "2025-04-01", "conditional", "src-b", "low"),  # contested on 1 April
    statement("nato", "2025-02-17", "supports"),
])
POL = "actor: POL\npositions:\n" + statement("troops", "2025-03-01", "rules_out", "src-b")


@pytest.fixture
def config(make_dataset):
    """A small valid dataset: GBR moves on troops (contested on 1 April), POL rules troops out."""
    return str(make_dataset({"data/sources.yaml": SOURCES, "data/positions/gbr.yaml": GBR,
                             "data/positions/pol.yaml": POL}))


@pytest.fixture
def bad_config(make_dataset):
    """The same dataset with two mistakes in GBR's file: a date that does not exist and a typo'd stance."""
    broken = GBR.replace("stance: supports", "stance: suports").replace("2025-04-01", "2025-04-31", 1)
    return str(make_dataset({"data/sources.yaml": SOURCES, "data/positions/gbr.yaml": broken,
                             "data/positions/pol.yaml": POL}))


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


# --- validate ----------------------------------------------------------------------------------

def test_validate_exits_0_on_valid_data(capsys, config):
    code, out, err = run(capsys, "validate", "--config", config)
    assert code == 0
    assert out == ""
    assert err == "valid: 2 actors, 3 sources, 5 statements\n"


def test_validate_exits_1_with_one_line_a_problem(capsys, bad_config):
    code, out, err = run(capsys, "validate", "--config", bad_config)
    assert code == 1
    assert out.splitlines() == [
        "data/positions/gbr.yaml:11: date: '2025-04-31' is not a real date; write YYYY-MM-DD",
        "data/positions/gbr.yaml:26: unknown stance 'suports' for nato; did you mean 'supports'? "
        "(allowed: opposes, not_now, ambiguous, supports, pushes_now)",
    ]
    assert err == "2 problem(s); 2 actors, 3 sources, 3 statements valid\n"


def test_validate_json_lists_problems_with_code_path_and_line(capsys, bad_config):
    code, out, _ = run(capsys, "validate", "--config", bad_config, "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["valid"] is False
    assert [(p["code"], p["path"], p["line"]) for p in report["problems"]] == [
        ("bad-date", "data/positions/gbr.yaml", 11),
        ("unknown-stance", "data/positions/gbr.yaml", 26),
    ]
    assert report["counts"] == {"actors": 2, "sources": 3, "statements": 3}


def test_validate_json_on_valid_data(capsys, config):
    code, out, _ = run(capsys, "validate", "--config", config, "--format", "json")
    assert code == 0
    assert json.loads(out) == {"valid": True, "problems": [],
                               "counts": {"actors": 2, "sources": 3, "statements": 5}}


def test_validate_missing_config_is_a_clear_problem(capsys, tmp_path):
    missing = str(tmp_path / "nowhere" / "config.yaml")
    code, out, err = run(capsys, "validate", "--config", missing)
    assert code == 1
    assert err == f"{missing}:1: config file not found\n"


def test_validate_broken_config_reports_file_and_line(capsys, make_dataset):
    path = make_dataset({"config.yaml": "title: {en: Stance Matrix\nperiod: {}\n"})
    code, out, _ = run(capsys, "validate", "--config", str(path))
    assert code == 1
    (line,) = out.splitlines()
    assert line.startswith("config.yaml:2: YAML syntax error: ")


# --- matrix ------------------------------------------------------------------------------------

def test_matrix_csv_has_the_documented_columns_and_cells(capsys, config):
    code, out, _ = run(capsys, "matrix", "--config", config, "--as-of", "2025-04-01", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "actor,dimension,stance,score,date,source,contested"
    assert read_csv(out) == [
        {"actor": "GBR", "dimension": "troops", "stance": "willing|conditional", "score": "1",
         "date": "2025-04-01", "source": "src-a|src-b", "contested": "True"},
        {"actor": "GBR", "dimension": "us_backstop", "stance": "", "score": "", "date": "", "source": "",
         "contested": "False"},
        {"actor": "GBR", "dimension": "nato", "stance": "supports", "score": "1", "date": "2025-02-17",
         "source": "src-a", "contested": "False"},
        {"actor": "POL", "dimension": "troops", "stance": "rules_out", "score": "-2", "date": "2025-03-01",
         "source": "src-b", "contested": "False"},
        {"actor": "POL", "dimension": "us_backstop", "stance": "", "score": "", "date": "", "source": "",
         "contested": "False"},
        {"actor": "POL", "dimension": "nato", "stance": "", "score": "", "date": "", "source": "",
         "contested": "False"},
    ]


def test_matrix_json_uses_null_for_no_known_position(capsys, config):
    code, out, _ = run(capsys, "matrix", "--config", config, "--as-of", "2025-03-01", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert list(rows[0]) == ["actor", "dimension", "stance", "score", "date", "source", "contested"]
    assert rows[0] == {"actor": "GBR", "dimension": "troops", "stance": "reluctant", "score": -1,
                       "date": "2025-02-17", "source": "src-a", "contested": False}
    assert rows[1] == {"actor": "GBR", "dimension": "us_backstop", "stance": None, "score": None,
                       "date": None, "source": None, "contested": False}


def test_matrix_table_shows_no_known_position_as_a_dash(capsys, config):
    code, out, _ = run(capsys, "matrix", "--config", config, "--as-of", "2025-03-01", "--format", "table")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["actor", "dimension", "stance", "score", "date", "source", "contested"]
    assert lines[2].split() == ["GBR", "us_backstop", "—", "—", "—", "—", "False"]
    assert lines[1].split() == ["GBR", "troops", "reluctant", "-1", "2025-02-17", "src-a", "False"]


def test_matrix_uses_valid_records_and_reports_the_rest_on_stderr(capsys, bad_config):
    code, out, err = run(capsys, "matrix", "--config", bad_config, "--as-of", "2025-12-31", "--format", "csv")
    assert code == 0
    assert "data/positions/gbr.yaml:26: unknown stance 'suports'" in err
    cells = {(r["actor"], r["dimension"]): r["stance"] for r in read_csv(out)}
    assert cells[("POL", "troops")] == "rules_out"
    assert cells[("GBR", "nato")] == ""  # its only record was left out


def test_matrix_bad_date_argument_is_a_clear_error(capsys, config):
    with pytest.raises(SystemExit) as exit_:
        main(["matrix", "--config", config, "--as-of", "2025-02-30"])
    assert exit_.value.code == 2
    assert "argument --as-of: '2025-02-30' is not a date; write YYYY-MM-DD" in capsys.readouterr().err


def test_matrix_missing_config_is_a_clear_error_not_a_traceback(capsys, tmp_path):
    missing = str(tmp_path / "config.yaml")
    with pytest.raises(SystemExit) as exit_:
        main(["matrix", "--config", missing, "--as-of", "2025-03-01"])
    assert exit_.value.code == f"error: config file {missing} not found (use --config PATH)"


def test_matrix_broken_config_prints_the_problem_and_exits_2(capsys, make_dataset):
    path = make_dataset({"config.yaml": "title: [unclosed\n"})
    with pytest.raises(SystemExit) as exit_:
        main(["matrix", "--config", str(path), "--as-of", "2025-03-01"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("config.yaml:") and "YAML syntax error" in err and "Traceback" not in err


# --- shifts ------------------------------------------------------------------------------------

def test_shifts_csv_has_the_documented_columns_and_only_moves(capsys, config):
    code, out, _ = run(capsys, "shifts", "--config", config, "--from", "2025-02-20", "--to", "2025-04-30",
                       "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "actor,dimension,from_stance,from_score,to_stance,to_score,delta"
    assert read_csv(out) == [
        {"actor": "GBR", "dimension": "troops", "from_stance": "reluctant", "from_score": "-1",
         "to_stance": "willing", "to_score": "1", "delta": "2"},
        {"actor": "POL", "dimension": "troops", "from_stance": "", "from_score": "",
         "to_stance": "rules_out", "to_score": "-2", "delta": ""},
    ]


def test_shifts_table_says_nothing_when_nobody_moved(capsys, config):
    code, out, _ = run(capsys, "shifts", "--config", config, "--from", "2025-05-01", "--to", "2025-06-01")
    assert code == 0
    assert out == "(nothing)\n"


def test_shifts_bad_date_argument_is_a_clear_error(capsys, config):
    with pytest.raises(SystemExit) as exit_:
        main(["shifts", "--config", config, "--from", "next week", "--to", "2025-06-01"])
    assert exit_.value.code == 2
    assert "argument --from: 'next week' is not a date; write YYYY-MM-DD" in capsys.readouterr().err


# --- schema ------------------------------------------------------------------------------------

def test_schema_prints_the_json_schema_of_a_positions_file(capsys):
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["actor"]
    position = schema["$defs"]["Position"]
    assert set(position["required"]) == {"dimension", "date", "stance", "speaker", "summary", "source"}
    assert position["additionalProperties"] is False
    assert position["properties"]["date"]["format"] == "date"
    assert "Day the statement was made" in position["properties"]["date"]["description"]


@pytest.mark.parametrize("kind, top", [("actors", "array"), ("sources", "array"), ("config", "object")])
def test_schema_of_each_kind(capsys, kind, top):
    code, out, _ = run(capsys, "schema", "--kind", kind)
    assert code == 0
    assert json.loads(out)["type"] == top


def test_schema_write_creates_one_file_a_kind(capsys, tmp_path):
    code, _, err = run(capsys, "schema", "--write", str(tmp_path / "schema"))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "schema").iterdir()) == [
        "actors.schema.json", "config.schema.json", "gaps.schema.json", "positions.schema.json", "sources.schema.json"]


# --- as a real process -------------------------------------------------------------------------

def test_validate_as_a_subprocess_prints_path_line_message_and_exits_1(bad_config):
    result = subprocess.run([sys.executable, "-m", "dashboard", "validate", "--config", bad_config],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "data/positions/gbr.yaml:11: date: '2025-04-31' is not a real date; write YYYY-MM-DD"
    assert len(result.stdout.splitlines()) == 2
    assert "Traceback" not in result.stderr


# --- coverage ----------------------------------------------------------------------------------

def test_coverage_csv_gives_known_and_applicable_cells_per_dimension_on_each_day(capsys, config):
    code, out, _ = run(capsys, "coverage", "--config", config, "--as-of", "2025-02-17", "--as-of", "2025-04-01",
                       "--format", "csv")
    assert code == 0
    rows = read_csv(out)
    assert list(rows[0]) == ["date", "event", "dimension", "known", "applicable", "share"]
    assert {(r["date"], r["event"], r["dimension"]): (r["known"], r["applicable"]) for r in rows} == {
        ("2025-02-17", "Paris meeting", "troops"): ("1", "2"), ("2025-02-17", "Paris meeting", "us_backstop"): ("0", "2"),
        ("2025-02-17", "Paris meeting", "nato"): ("1", "2"), ("2025-02-17", "Paris meeting", "all"): ("2", "6"),
        ("2025-04-01", "", "troops"): ("2", "2"), ("2025-04-01", "", "us_backstop"): ("0", "2"),
        ("2025-04-01", "", "nato"): ("1", "2"), ("2025-04-01", "", "all"): ("3", "6")}


def test_coverage_table_defaults_to_every_key_event_and_the_period_end(capsys, config):
    code, out, _ = run(capsys, "coverage", "--config", config)
    assert code == 0
    lines = out.splitlines()
    assert "troops" in lines[1] and "all" in lines[1]
    assert any("London summit" in line and "1/2 (50%)" in line and "3/6 (50%)" in line for line in lines)
    assert "2026-01-31" in lines[-1] and "period end" in lines[-1]


def test_coverage_json_is_a_list_of_records(capsys, config):
    code, out, _ = run(capsys, "coverage", "--config", config, "--as-of", "2025-03-01", "--format", "json")
    records = json.loads(out)
    assert code == 0 and len(records) == 4
    assert records[-1] == {"date": "2025-03-01", "event": "", "dimension": "all", "known": 3, "applicable": 6,
                           "share": 0.5}


@pytest.mark.parametrize("before_command", [True, False])
def test_config_option_works_before_and_after_the_command(capsys, bad_config, before_command):
    argv = ["--config", bad_config, "validate"] if before_command else ["validate", "--config", bad_config]
    code, out, _ = run(capsys, *argv)
    assert code == 1 and "suports" in out


def test_export_data_writes_a_data_package(capsys, config, tmp_path):
    code, out, _ = run(capsys, "export", "--config", config, "--data", str(tmp_path / "package"))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "package").iterdir()) == [
        "actors.csv", "datapackage.json", "matrix_by_event.csv", "sources.csv", "statements.csv"]
    assert out.splitlines()[0].endswith("datapackage.json")


def test_export_without_a_target_or_a_day_is_a_clear_error(capsys, config, tmp_path):
    with pytest.raises(SystemExit) as nothing:
        main(["export", "--config", config])
    assert "say what to export" in str(nothing.value.code)
    with pytest.raises(SystemExit) as no_day:
        main(["export", "--config", config, "--out", str(tmp_path)])
    assert "give --as-of DATE" in str(no_day.value.code)
