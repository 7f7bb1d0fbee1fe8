"""The Frictionless Data Package: it validates, its tables match the dataset, the zip holds the same files."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest

from dashboard.load import load_dataset
from dashboard.package import PACKAGE_FILES, package_files, package_zip_bytes, write_package
from dashboard.query import key_days

from conftest import SHIPPED_CONFIG, SOURCES, require_module, statement

CREATED = dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.timezone.utc)

GBR = "actor: GBR\npositions:\n" + "".join([
    statement("troops", "2025-02-17", "reluctant"),
    statement("troops", "2025-04-01", "willing", "src-a", "high"),
    statement("troops", "2025-04-01", "conditional", "src-b", "low"),  # contested from 1 April
    statement("nato", "2025-02-17", "supports"),
])
POL = "actor: POL\npositions:\n" + statement("troops", "2025-03-01", "rules_out", "src-b")


def rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def validate(descriptor_path):
    frictionless = require_module("frictionless")
    report = frictionless.validate(str(descriptor_path))
    errors = [(task.name, getattr(error, "row_number", None), getattr(error, "field_name", None), error.type,
               error.message) for task in report.tasks for error in task.errors]
    return report, report.errors + errors


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    dataset = load_dataset(SHIPPED_CONFIG)
    out = tmp_path_factory.mktemp("package")
    return dataset, write_package(dataset, out, created=CREATED), out


@pytest.fixture
def small(make_dataset, tmp_path):
    dataset = load_dataset(make_dataset({"data/sources.yaml": SOURCES, "data/positions/gbr.yaml": GBR,
                                         "data/positions/pol.yaml": POL}))
    assert not [p for p in dataset.problems if p.code != "undocumented-gap"]
    return dataset, write_package(dataset, tmp_path / "package", created=CREATED)


def test_shipped_package_is_valid_frictionless(shipped):
    _, paths, out = shipped
    assert [p.name for p in paths] == list(PACKAGE_FILES)
    report, errors = validate(out / "datapackage.json")
    assert report.valid, errors[:20]


def test_shipped_row_counts_match_the_dataset(shipped):
    dataset, _, out = shipped
    assert len(rows(out / "statements.csv")) == len(dataset.statements)
    assert len(rows(out / "actors.csv")) == len(dataset.actors)
    assert len(rows(out / "sources.csv")) == len(dataset.sources)
    days = key_days(dataset.config)
    matrix = rows(out / "matrix_by_event.csv")
    assert len(matrix) == len(dataset.actors) * len(dataset.config.dimensions) * len(days)
    assert sorted({row["date"] for row in matrix}) == [d.isoformat() for d in days]
    assert {row["event_en"] for row in matrix if row["date"] == dataset.config.period.end.isoformat()} \
        == {"period end"}


def test_files_are_utf8_without_bom_and_headers_match_the_descriptor(shipped):
    _, _, out = shipped
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        data = (out / resource["path"]).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        assert resource["bytes"] == len(data)
        header = data.decode("utf-8").split("\n", 1)[0].split(",")
        assert header == [field["name"] for field in resource["schema"]["fields"]]
        for field in resource["schema"]["fields"]:
            assert field["type"] in {"string", "date", "integer", "boolean"}
            assert field["description"]
    assert "﻿" not in (out / "statements.csv").read_text(encoding="utf-8")


def test_descriptor_metadata_and_constraints(shipped):
    dataset, _, out = shipped
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert "quotes" in descriptor["description"].lower()
    assert descriptor["title"] and descriptor["created"] == "2026-02-01T12:00:00Z"
    assert descriptor["sources"] and descriptor["citation"]
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    stance_ids = {s.id for d in dataset.config.dimensions for s in d.stances}
    assert set(fields["stance"]["constraints"]["enum"]) == stance_ids
    for dimension in dataset.config.dimensions:  # each scale is spelled out in the description
        assert all(f"{s.id} = " in fields["stance"]["description"] for s in dimension.stances)
    assert fields["score"]["constraints"] == {"required": True, "minimum": -2, "maximum": 2}
    assert fields["confidence"]["constraints"]["enum"] == ["high", "medium", "low"]
    assert fields["date"]["type"] == "date" and fields["score"]["type"] == "integer"


def test_small_package_tables(small):
    dataset, paths = small
    out = paths[0].parent
    report, errors = validate(out / "datapackage.json")
    assert report.valid, errors
    statements = rows(out / "statements.csv")
    assert len(statements) == 5
    first = statements[0]
    assert [first[name] for name in ("actor", "actor_name_ja", "dimension", "date", "stance", "score", "outlet",
                                     "url", "published")] == \
        ["GBR", "英国", "troops", "2025-02-17", "reluctant", "-1", "Outlet A", "https://example.org/a", "2026-01-31"]
    assert first["quote"] == "" and first["seed"] == ""
    assert rows(out / "actors.csv")[1] == {"id": "POL", "name_en": "Poland", "name_ja": "ポーランド", "kind": "state",
                                           "groups": "EU;NATO"}
    matrix = rows(out / "matrix_by_event.csv")
    assert len(matrix) == 2 * 3 * len(key_days(dataset.config))
    cell = {(r["date"], r["actor"], r["dimension"]): r for r in matrix}
    # Contested from 1 April: on the 10 April key day both stances, the high-confidence one scoring.
    contested = cell[("2025-04-10", "GBR", "troops")]
    assert contested["contested"] == "true"
    assert (contested["stance"], contested["score"], contested["statement_date"], contested["source"]) == \
        ("willing|conditional", "1", "2025-04-01", "src-a|src-b")
    assert cell[("2025-03-27", "GBR", "troops")]["contested"] == "false"
    assert cell[("2025-03-27", "GBR", "troops")]["stance"] == "reluctant"
    blank = cell[("2025-02-12", "GBR", "troops")]  # before any statement: no known position, not 0
    assert (blank["stance"], blank["score"], blank["statement_date"], blank["contested"]) == ("", "", "", "false")
    assert {r["contested"] for r in matrix} == {"true", "false"}


def test_a_broken_file_fails_validation(small):
    _, paths = small
    statements = paths[0].parent / "statements.csv"
    statements.write_text(statements.read_text(encoding="utf-8").replace(",reluctant,-1,", ",hesitant,-1,", 1),
                          encoding="utf-8")
    report, errors = validate(paths[0])
    assert not report.valid
    assert ("statements", 2, "stance", "constraint-error") in [e[:4] for e in errors]


def test_zip_holds_the_same_files(shipped):
    dataset, paths, _ = shipped
    with zipfile.ZipFile(io.BytesIO(package_zip_bytes(dataset, created=CREATED))) as archive:
        assert archive.namelist() == list(PACKAGE_FILES)
        assert archive.testzip() is None
        for path in paths:
            assert archive.read(path.name) == path.read_bytes(), path.name


def test_package_files_is_deterministic_for_a_given_time(small):
    dataset, _ = small
    assert package_files(dataset, CREATED) == package_files(dataset, CREATED)
    assert package_zip_bytes(dataset, CREATED) == package_zip_bytes(dataset, CREATED)
