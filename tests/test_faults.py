"""Faults while the app runs: a file saved half-written, a file deleted, config.yaml broken, a
seed removed. Each time the next rerun shows the problem, keeps serving the rest, and recovers
fully once the file is right again, without a restart."""
from __future__ import annotations

import os
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, SOURCES, statement

APP = str(ROOT / "dashboard" / "app.py")
GBR = "actor: GBR\npositions:\n" + statement("troops", "2025-02-17", "willing") + statement("nato", "2025-02-17",
                                                                                             "supports")
POL = "actor: POL\npositions:\n" + statement("troops", "2025-03-01", "rules_out", "src-b")



@pytest.fixture
def running(make_dataset):
    """The app open on a small dataset (Matrix page), and the dataset's root folder."""
    config = make_dataset({"data/sources.yaml": SOURCES, "data/positions/gbr.yaml": GBR,
                           "data/positions/pol.yaml": POL})
    os.environ["DASHBOARD_CONFIG"] = str(config)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = "2025-03-31"
    at.run()
    assert not at.exception and not sidebar_warnings(at)
    return at, config.parent


def sidebar_warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.sidebar.warning]


def drawn_actors(at: AppTest) -> set[str]:
    import json

    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    (cells,) = [trace for trace in spec["data"] if trace.get("customdata")]
    return {key.split(".")[0] for key, color in zip(cells["customdata"], cells["marker"]["color"])
            if color != "#e6e6e6"}  # actors with a known position on the day


def test_half_written_file_is_a_problem_until_it_is_complete(running):
    at, root = running
    gbr = root / "data/positions/gbr.yaml"
    gbr.write_text(GBR[:GBR.index("    summary:", 60) + 14], encoding="utf-8")  # cut inside the 2nd record
    at.run()
    assert not at.exception
    assert sidebar_warnings(at) == ["1 data problem(s): the affected records are left out. See Data health."]
    assert "POL" in drawn_actors(at)  # the rest is served
    gbr.write_text(GBR, encoding="utf-8")
    at.run()
    assert not sidebar_warnings(at) and drawn_actors(at) == {"GBR", "POL"}


def test_deleted_file_empties_its_cells_and_restoring_it_brings_them_back(running):
    at, root = running
    gbr = root / "data/positions/gbr.yaml"
    gbr.unlink()
    at.run()
    assert not at.exception and drawn_actors(at) == {"POL"}
    gbr.write_text(GBR, encoding="utf-8")
    at.run()
    assert drawn_actors(at) == {"GBR", "POL"}


def test_broken_config_shows_where_and_fixing_it_recovers(running):
    at, root = running
    config = root / "config.yaml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good.replace("period:", "period: [", 1), encoding="utf-8")
    at.run()
    assert not at.exception
    assert any("config.yaml:" in str(c.value) for c in at.get("code"))
    assert not at.get("plotly_chart")
    config.write_text(good, encoding="utf-8")
    at.run()
    assert not at.exception and drawn_actors(at) == {"GBR", "POL"}


def test_removed_seed_is_a_problem_for_the_statements_citing_it(running, tmp_path):
    at, root = running
    sources = root / "data/sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + "- id: seed-000\n  outlet: Reuters\n  title: Seed\n"
                       "  published: 2025-02-18\n  language: ja\n  seed: seeds/000_1a80b456816d0e91.txt\n",
                       encoding="utf-8")
    pol = root / "data/positions/pol.yaml"
    pol.write_text(POL.replace("src-b", "seed-000").replace("2025-03-01", "2025-02-17"), encoding="utf-8")
    at.run()
    assert not sidebar_warnings(at) and "POL" in drawn_actors(at)
    seed = root / "seeds/000_1a80b456816d0e91.txt"
    shutil.move(seed, tmp_path / seed.name)
    at.run()
    assert not at.exception and drawn_actors(at) == {"GBR"}
    assert sidebar_warnings(at) == ["2 data problem(s): the affected records are left out. See Data health."]
    shutil.move(tmp_path / seed.name, seed)
    at.run()
    assert not sidebar_warnings(at) and drawn_actors(at) == {"GBR", "POL"}
