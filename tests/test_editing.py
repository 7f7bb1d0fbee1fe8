"""Adding a statement: the Add page builds YAML that validates and shows in the matrix once
pasted; with `editing: true` Save appends it in place, keeping every other byte, and a save
that would break validation writes nothing."""
from __future__ import annotations

import datetime as dt
import os

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import editing
from dashboard.load import load_dataset
from dashboard.query import PositionIndex

# A hand-written file with a comment and its own layout: a save must keep it byte for byte.
POL = """actor: POL   # Poland
positions:
  # Tusk, February
  - dimension: troops
    date: 2025-02-17
    stance: rules_out
    speaker: Donald Tusk, Prime Minister
    summary: {en: No Polish troops., ja: ポーランド軍は派遣しない。}
    source: seed-000
"""


def page_script(language: str) -> None:
    from dashboard import ui
    from dashboard.views import add

    dataset, index, data_key = ui.load(ui.config_path())
    add.render(ui.Context(dataset, index, language, data_key))


def open_add_page(config, language: str = "en") -> AppTest:
    os.environ["DASHBOARD_CONFIG"] = str(config)
    return AppTest.from_function(page_script, args=(language,), default_timeout=60).run()



@pytest.fixture
def config(make_dataset):
    return make_dataset({"data/positions/pol.yaml": POL})


def fill(at: AppTest, date: dt.date = dt.date(2025, 2, 18), source: str | None = "seed-000") -> AppTest:
    at.selectbox(key="add_actor").select("GBR")
    at = at.selectbox(key="add_dimension").select("nato").run()  # the stance list follows the question
    at.selectbox(key="add_stance_nato").select("not_now")
    at.date_input(key="add_date").set_value(date)
    at.text_input(key="add_speaker").input("Keir Starmer, Prime Minister")
    at.text_area(key="add_summary_en").input("Says membership is not for now.")
    at.text_area(key="add_summary_ja").input("加盟は今ではないと述べた。")
    if source:
        at.selectbox(key="add_source").select(source)
    return at.run()


def codes(at: AppTest) -> list[str]:
    return [block.value for block in at.code]


def test_form_shows_valid_yaml_for_the_actor_file_and_writes_nothing_by_default(config):
    before = (config.parent / "data/positions/pol.yaml").read_bytes()
    at = fill(open_add_page(config))
    assert not at.exception, at.exception
    assert "At the end of `data/positions/gbr.yaml`:" in [m.value for m in at.markdown]
    (block,) = codes(at)
    assert block.startswith("  - dimension: nato\n    date: 2025-02-18\n    stance: not_now\n")
    assert [s.value for s in at.success] == ["Valid: this entry passes every check."]
    assert not at.button and "Saving is off" in at.caption[-1].value
    assert not (config.parent / "data/positions/gbr.yaml").exists()
    assert (config.parent / "data/positions/pol.yaml").read_bytes() == before

    # Pasted as shown, it validates and is the cell's position.
    (config.parent / "data/positions/gbr.yaml").write_text("actor: GBR\npositions:\n" + block, encoding="utf-8")
    dataset = load_dataset(config)
    assert dataset.problems == []
    matrix = PositionIndex(dataset).matrix(dt.date(2025, 3, 1)).set_index(["actor", "dimension"])
    assert matrix.loc[("GBR", "nato"), "stance"] == "not_now"


def test_form_reports_what_the_validator_finds_in_the_page_language(config):
    at = fill(open_add_page(config, "ja"), date=dt.date(2025, 3, 1))  # after seed-000 was published
    assert "1件の問題があります" in at.error[0].value
    assert "date 2025-03-01 is after source 'seed-000' was published (2025-02-18)" in codes(at)[-1]


def test_new_source_goes_to_sources_yaml_and_is_checked_too(config):
    at = open_add_page(config)
    at.toggle(key="add_new_source").set_value(True).run()
    at = fill(at, source=None)
    for key, value in {"add_source_id": "bbc-20250218-starmer", "add_source_url": "javascript:alert(1)",
                       "add_source_outlet": "BBC", "add_source_title": "Starmer on NATO"}.items():
        at.text_input(key=key).input(value)
    at.date_input(key="add_source_published").set_value(dt.date(2025, 2, 18))
    at = at.run()
    assert "At the end of `data/sources.yaml`:" in [m.value for m in at.markdown]
    assert codes(at)[1].startswith("- id: bbc-20250218-starmer\n  outlet: BBC\n")
    assert "url: url must start with http:// or https://" in codes(at)[-1]


def test_with_editing_on_save_appends_in_place_keeping_every_other_byte(config):
    with (config.parent / "config.yaml").open("a", encoding="utf-8") as file:
        file.write("editing: true\n")
    pol = config.parent / "data/positions/pol.yaml"
    before = pol.read_bytes()
    at = fill(open_add_page(config))
    at.selectbox(key="add_actor").select("POL")
    at = at.run()
    at.button(key="add_save").click()
    at = at.run()
    assert [s.value for s in at.success][-1] == "Saved to data/positions/pol.yaml. The matrix shows it now."
    after = pol.read_bytes()
    assert after.startswith(before) and after[len(before):].startswith(b"  - dimension: nato\n")
    dataset = load_dataset(config)
    assert dataset.problems == [] and [s.position.stance for s in dataset.statements] == ["rules_out", "not_now"]


def test_a_save_that_would_break_validation_writes_nothing_and_says_why(config):
    with (config.parent / "config.yaml").open("a", encoding="utf-8") as file:
        file.write("editing: true\n")
    dataset = load_dataset(config)
    files = {p: p.read_bytes() for p in (config.parent / "data").rglob("*.yaml")}
    bad = editing.Addition("POL", {"dimension": "nato", "date": dt.date(2025, 3, 1), "stance": "not_now",
                                   "speaker": "Donald Tusk", "summary": {"en": "x", "ja": "x"},
                                   "source": "seed-000"})
    problems = editing.save(config, dataset, bad)
    assert [p.code for p in problems] == ["date-after-source"]
    assert {p: p.read_bytes() for p in (config.parent / "data").rglob("*.yaml")} == files


def test_saving_is_refused_unless_editing_is_on(config):
    dataset = load_dataset(config)
    with pytest.raises(PermissionError):
        editing.save(config, dataset, editing.Addition("POL", {}))
