"""Every page through Streamlit's AppTest: renders on the shipped data and with a broken file,
and the date, language and link state behave as a user expects."""
from __future__ import annotations

import datetime as dt
import json
import os
import time

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.load import load_dataset
from dashboard.query import PositionIndex

from conftest import ROOT, SHIPPED_CONFIG, data_strings, english_words, matrix_cells, matrix_rows

APP = str(ROOT / "dashboard" / "app.py")
PAGES = ["matrix", "map", "shifts", "actor", "evidence", "health", "add", "about"]
BROKEN_GBR = "actor: GBR\npositions:\n  - dimension: troops\n    date: 2025-13-45\n  stance: [\n"


def page_script(page: str, language: str) -> None:
    # Runs inside AppTest: one view rendered as the app would, on $DASHBOARD_CONFIG.
    import importlib

    from dashboard import ui

    dataset, index, data_key = ui.load(ui.config_path())
    importlib.import_module(f"dashboard.views.{page}").render(ui.Context(dataset, index, language, data_key))


def open_page(page: str, config=SHIPPED_CONFIG, language: str = "en", params: dict | None = None) -> AppTest:
    os.environ["DASHBOARD_CONFIG"] = str(config)
    at = AppTest.from_function(page_script, args=(page, language), default_timeout=60)
    at.query_params.update(params or {})
    return at.run()


def open_app(config=SHIPPED_CONFIG, params: dict | None = None) -> AppTest:
    os.environ["DASHBOARD_CONFIG"] = str(config)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params or {})
    return at.run()



def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def matrix_title(at: AppTest) -> str:
    return chart_specs(at)[0]["layout"]["title"]["text"]


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "title", "subheader", "info", "warning", "error", "success")
             for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_shipped_data(page, language):
    at = open_page(page, language=language)
    assert not at.exception, at.exception
    assert at.title, "every page has a title"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_the_rest_when_a_file_is_broken(make_dataset, page):
    pol = ("actor: POL\npositions:\n  - dimension: troops\n    date: 2025-02-17\n    stance: rules_out\n"
           "    speaker: Donald Tusk, Prime Minister\n    summary: {en: No Polish troops., ja: 派兵しない。}\n"
           "    source: seed-000\n")
    config = make_dataset({"data/positions/gbr.yaml": BROKEN_GBR, "data/positions/pol.yaml": pol})
    at = open_page(page, config)
    assert not at.exception, at.exception
    if page == "health":
        listed = texts(at) + "\n".join(str(c.value) for c in at.get("code"))
        assert "data/positions/gbr.yaml:5: YAML syntax error" in listed


FIXTURES = ROOT / "tests" / "fixtures" / "bad"
GOOD_GBR_START = "actor: GBR\npositions:\n  - dimension: troops\n    date: 2025-02-17\n"
HOSTILE_FILES = {
    "duplicate key": ("data/positions/gbr.yaml", GOOD_GBR_START + "    stance: willing\n    stance: reluctant\n",
                      "data/positions/gbr.yaml:6: duplicate key 'stance'"),
    "typo in a key": ("data/positions/gbr.yaml", GOOD_GBR_START + "    stnce: willing\n",
                      "data/positions/gbr.yaml:5: unknown key 'stnce'; did you mean 'stance'?"),
    "tab indentation": ("data/positions/gbr.yaml", "actor: GBR\npositions:\n\t- dimension: troops\n",
                        "data/positions/gbr.yaml:3: YAML syntax error: a tab is used for indentation"),
    "alias bomb": ("data/positions/gbr.yaml", (FIXTURES / "billion_laughs.yaml").read_text(encoding="utf-8"),
                   "(an alias bomb?); not loaded"),
    "not UTF-8": ("data/positions/gbr.yaml", "actor: GBR\npositions:\n# caf\xe9\n".encode("latin-1"),
                  "data/positions/gbr.yaml:3: bytes that are not UTF-8"),
    "javascript url": ("data/sources.yaml", "- id: seed-000\n  outlet: R\n  title: S\n  published: 2025-02-18\n"
                       "  language: ja\n  seed: seeds/000_1a80b456816d0e91.txt\n- id: bad\n  outlet: X\n  title: X\n"
                       "  published: 2025-02-01\n  language: en\n  url: javascript:alert(1)\n",
                       "data/sources.yaml:12: url: url must start"),
    "python tag": ("data/positions/gbr.yaml", (FIXTURES / "python_object_tag.yaml").read_text(encoding="utf-8"),
                   "unsupported YAML tag"),
}


@pytest.mark.parametrize("case", list(HOSTILE_FILES))
def test_hostile_file_is_listed_on_data_health_and_the_matrix_still_renders(make_dataset, case):
    relative, content, expected = HOSTILE_FILES[case]
    config = make_dataset({relative: content, "data/positions/pol.yaml": (
        "actor: POL\npositions:\n  - dimension: troops\n    date: 2025-02-17\n    stance: rules_out\n"
        "    speaker: Donald Tusk\n    summary: {en: No troops., ja: 派兵しない。}\n    source: seed-000\n")})
    health = open_page("health", config)
    assert not health.exception, health.exception
    assert expected in "\n".join(str(c.value) for c in health.get("code"))
    app = open_app(config, params={"date": "2025-03-01"})
    assert not app.exception, app.exception
    assert any("data problem" in w.value for w in app.get("warning"))
    assert matrix_cells(chart_specs(app)[0])["POL.troops"]["legend"].startswith("-2")


def test_app_opens_on_the_matrix_at_the_period_end():
    at = open_app()
    assert not at.exception
    assert at.select_slider(key="date").value == "2026-01-31"
    assert "Positions as of 2026-01-31" in matrix_title(at)


def test_moving_the_date_slider_redraws_the_matrix():
    at = open_app()
    at.select_slider(key="date").set_value("2025-03-02").run()
    assert "Positions as of 2025-03-02" in matrix_title(at)


def test_key_event_button_jumps_to_its_date():
    at = open_app()
    at.pills(key="event").set_value("2025-08-18").run()
    assert at.select_slider(key="date").value == "2025-08-18"
    assert "Positions as of 2025-08-18" in matrix_title(at)
    assert at.pills(key="event").value is None  # the preset does not stay selected


def test_language_from_the_link_switches_every_label():
    at = open_app(params={"lang": "ja"})
    assert "2026-01-31時点の各国の立場" in matrix_title(at)
    assert at.title[0].value.startswith("スタンス・マトリクス")


def test_deep_link_reopens_date_and_selected_cell_with_its_evidence():
    at = open_app(params={"date": "2025-02-17", "cell": "ITA.troops"})
    assert at.selectbox(key="cell").value == "ITA.troops"
    shown = texts(at)
    assert "Sources disagree on this date" in shown
    assert "Reluctant / not now" in shown and "Willing" in shown


def test_group_filter_keeps_only_members():
    at = open_app(params={"groups": "NB8"})
    rows = matrix_rows(chart_specs(at)[0]).values()
    assert "Sweden" in rows and "Germany" not in rows


def rows_top_down(at: AppTest) -> list[str]:
    """The matrix's actor names as they read from the top row down."""
    rows = matrix_rows(chart_specs(at)[0])
    return [rows[y] for y in sorted(rows, reverse=True)]


@pytest.fixture(scope="module")
def shipped():
    dataset = load_dataset(SHIPPED_CONFIG)
    return dataset, PositionIndex(dataset)


def test_sort_by_average_score_puts_the_most_supportive_first_within_the_group(shipped):
    dataset, index = shipped
    at = open_app(params={"groups": "NB8", "sort": "score", "date": "2026-01-06"})
    names = {a.name("en"): a.id for a in dataset.actors.values()}
    mean = index.matrix(dt.date(2026, 1, 6)).groupby("actor")["score"].mean()
    rows = rows_top_down(at)
    assert {names[n] for n in rows} == {a.id for a in dataset.actors.values() if "NB8" in a.groups}
    scores = [mean[names[n]] for n in rows]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


def test_sort_by_change_puts_the_actor_that_moved_most_first(shipped):
    dataset, index = shipped
    at = open_app(params={"sort": "change", "since": "2025-02-17", "date": "2026-01-06"})
    names = {a.name("en"): a.id for a in dataset.actors.values()}
    moved = index.shifts(dt.date(2025, 2, 17), dt.date(2026, 1, 6), changed_only=False)
    change = moved.assign(size=moved["delta"].abs()).groupby("actor")["size"].sum()
    sizes = [change.get(names[n], 0) for n in rows_top_down(at)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > 0


def test_broken_config_shows_file_and_line_instead_of_a_traceback(make_dataset, tmp_path):
    config = make_dataset()
    config.write_text("title: {en: x, ja: y}\nperiod: [\n", encoding="utf-8")
    at = open_app(config)
    assert not at.exception
    assert any("config.yaml:" in str(c.value) for c in at.get("code"))


def test_a_saved_edit_shows_on_the_next_rerun(make_dataset):
    config = make_dataset()
    at = open_app(config)
    assert matrix_cells(chart_specs(at)[0])["POL.troops"]["legend"] == "No known position"
    positions = config.parent / "data" / "positions" / "pol.yaml"
    positions.write_text("actor: POL\npositions:\n  - dimension: troops\n    date: 2025-02-17\n    stance: rules_out\n"
                         "    speaker: Donald Tusk\n    summary: {en: No troops., ja: 派兵しない。}\n"
                         "    source: seed-000\n", encoding="utf-8")
    later = time.time() + 5
    os.utime(positions, (later, later))
    at.run()
    assert matrix_cells(chart_specs(at)[0])["POL.troops"]["legend"].startswith("-2")


def test_html_in_data_is_shown_as_text(make_dataset):
    config = make_dataset({name: (FIXTURES / f"html_in_text.{part}.yaml").read_text(encoding="utf-8")
                           for name, part in (("data/actors.yaml", "actors"), ("data/positions/gbr.yaml", "gbr"))})
    at = open_app(config, params={"date": "2025-06-02", "cell": "GBR.troops"})
    assert not at.exception
    for element in at.get("markdown"):
        assert not element.proto.allow_html
    assert "\\<script\\>" in texts(at)  # markdown-escaped: shows literally
    assert "United Kingdom \\<script\\>" in at.subheader[0].value


def test_evidence_search_filters_statements_and_offers_csv():
    at = open_page("evidence", params={"q": "Meloni"})
    table = at.dataframe[0].value
    assert len(table) > 0
    assert table.astype(object).fillna("").astype(str).apply(lambda row: "meloni" in " ".join(row).lower(), axis=1).all()
    assert at.get("download_button")


def searched_gap():
    """A shipped cell left empty after a search (not a not-applicable one), with its reason."""
    dataset = load_dataset(SHIPPED_CONFIG)
    gap = next(gap for gap in dataset.gaps.values() if not gap.not_applicable)
    return dataset, gap


def test_empty_cell_shows_why_no_position_is_recorded():
    _, gap = searched_gap()
    at = open_app(params={"cell": gap.id})
    shown = texts(at)
    assert "No known position on this date." in shown
    assert "Why no position is recorded" in shown and gap.reason.en[:40] in shown.replace("\\", "")  # markdown escapes


def test_health_page_lists_gaps_at_the_period_end_with_their_reasons():
    dataset, gap = searched_gap()
    at = open_page("health", language="ja")
    (missing,) = [frame.value for frame in at.dataframe if "理由（data/gaps.yaml）" in frame.value.columns]
    assert len(missing) == len(dataset.gaps)
    shown = {(actor, reason) for actor, reason in zip(missing["アクター"], missing["理由（data/gaps.yaml）"])}
    assert (dataset.actors[gap.actor].name.ja, gap.reason.ja) in shown
    at = open_page("health")
    assert "Actor × dimension with no statement" in texts(at)
    titles = [spec["layout"]["title"]["text"] for spec in chart_specs(at)]
    assert [title.split(",")[0] for title in titles] == ["<b>Known positions on each key date",
                                                         "<b>Statements per month"]


def test_health_page_tables_the_known_share_on_every_key_date_in_the_page_language():
    at = open_page("health", language="ja")
    (shares,) = [frame.value for frame in at.dataframe if "すべての論点" in frame.value.columns]
    config = load_dataset(SHIPPED_CONFIG).config
    assert list(shares.index)[-1] == f"{config.period.end:%Y-%m-%d}" and len(shares) == len(config.events) + 1
    assert shares.loc["2025-03-02", "出来事"] == "ロンドン首脳会合"
    assert shares["すべての論点"].str.fullmatch(r"\d+/\d+ \(\d+%\)").all()


def test_health_problem_table_uses_the_field_names_of_validate_json(make_dataset, capsys):
    from dashboard.__main__ import main

    config = make_dataset({"data/positions/gbr.yaml": "actor: GBR\npositions:\n  - dimension: troops\n    colour: red\n"})
    main(["validate", "--config", str(config), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    (table,) = [frame.value for frame in open_page("health", config).dataframe if "message" in frame.value.columns]
    assert list(table.columns) == list(report["problems"][0])
    assert table.to_dict("records") == report["problems"]


def test_health_shows_what_uncommitted_edits_change_when_the_data_is_in_git(make_dataset):
    import subprocess

    from conftest import SOURCES, statement

    config = make_dataset({"data/sources.yaml": SOURCES, "data/positions/gbr.yaml":
                           "actor: GBR\npositions:\n" + statement("troops", "2025-02-17", "reluctant")})
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "data"]):
        subprocess.run(git + args, cwd=config.parent, check=True)
    at = open_page("health", config)
    assert "No uncommitted edits to the data." in texts(at)
    gbr = config.parent / "data/positions/gbr.yaml"
    gbr.write_text(gbr.read_text(encoding="utf-8").replace("reluctant", "willing"), encoding="utf-8")
    at = open_page("health", config, language="ja")
    (cells,) = [frame.value for frame in at.dataframe if "変更後" in frame.value.columns]
    assert cells.to_dict("records") == [{"アクター": "英国", "論点": "自国部隊の派遣", "変更前": "消極的・時期尚早",
                                         "変更後": "前向き", "開始日": "2025-02-17", "終了日": "2026-01-31", "日数": 349}]


# --- every label in Japanese ---------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_japanese_pages_have_no_english_labels(page):
    dataset = load_dataset(SHIPPED_CONFIG)
    params = {"cell": "GBR.troops", "actor": "GBR"} if page in ("matrix", "actor") else {}
    at = open_page(page, language="ja", params=params)
    assert not at.exception, at.exception
    shown = [texts(at)]
    shown += [w.label for kind in ("selectbox", "multiselect", "text_input", "text_area", "date_input",
                                   "select_slider", "number_input", "toggle", "button", "radio")
              for w in at.get(kind) if getattr(w, "label", None)]
    shown += [str(c) for frame in at.dataframe for c in frame.value.columns]
    shown += [getattr(w, "placeholder", "") or "" for w in at.get("selectbox") + at.get("multiselect")]
    leftovers = english_words("\n".join(shown), data_strings(dataset))
    assert leftovers == set(), sorted(leftovers)


def test_about_offers_the_data_package_as_a_zip():
    import io
    import zipfile

    at = open_page("about", language="ja")
    (button,) = at.get("download_button")
    assert button.proto.label == "データパッケージをダウンロード（.zip）"
    from dashboard import ui

    dataset, _, key = ui.load(SHIPPED_CONFIG)
    names = zipfile.ZipFile(io.BytesIO(ui.package_zip(ui.Context(dataset, None, "ja", key)))).namelist()
    assert sorted(names) == ["actors.csv", "datapackage.json", "matrix_by_event.csv", "sources.csv", "statements.csv"]


# --- playback ------------------------------------------------------------------------------------

def test_play_moves_the_date_a_week_a_frame_stopping_on_key_events_and_pause_keeps_it():
    at = open_page("matrix", params={"date": "2025-02-01"})
    at.button(key="play").click().run()
    assert at.button(key="play").label == "❚❚ Pause"
    shown = []
    for _ in range(5):  # each rerun is one tick of the playback timer
        shown.append(matrix_title(at).split("as of ")[1][:10])
        assert at.query_params["date"] == [shown[-1]] or at.query_params["date"] == shown[-1]
        at.run()
    # A week on, but landing on the Hegseth (12 Feb) and Paris (17 Feb) events and holding a beat.
    assert shown == ["2025-02-01", "2025-02-08", "2025-02-12", "2025-02-12", "2025-02-17"]
    at.button(key="play").click().run()
    assert at.button(key="play").label == "▶ Play"
    paused = matrix_title(at).split("as of ")[1][:10]
    at.run()
    assert matrix_title(at).split("as of ")[1][:10] == paused  # stays there
    assert at.select_slider(key="date").value == paused and not at.select_slider(key="date").disabled


def test_play_at_the_end_of_the_period_starts_from_its_beginning_and_stops_at_the_end():
    at = open_page("matrix", params={"date": "2026-01-31"})
    at.button(key="play").click().run()
    assert "as of 2025-02-01" in matrix_title(at)
    at = open_page("matrix", params={"date": "2026-01-28"})
    at.button(key="play").click().run()
    at.run()  # 2026-01-31
    at.run()  # the end: playback stops there
    assert "as of 2026-01-31" in matrix_title(at) and at.button(key="play").label == "▶ Play"


def test_matrix_downloads_the_visible_rows_and_all_actors_as_csv_with_bom():
    import csv as csv_module
    import io

    at = open_page("matrix", params={"date": "2025-03-02", "groups": "NB8"})
    visible, everything = at.get("download_button")
    assert visible.proto.label == "CSV: this view"
    # The payload lives on the server; the button names the file with the date.
    from dashboard import tables
    from dashboard.query import PositionIndex as Index

    dataset = load_dataset(SHIPPED_CONFIG)
    payload = tables.spreadsheet_csv(tables.matrix_table(Index(dataset).matrix(dt.date(2025, 3, 2))))
    assert payload.startswith(b"\xef\xbb\xbf") and payload.decode("utf-8-sig").splitlines()[0] == \
        "actor,dimension,stance,score,date,source,contested"
    rows = list(csv_module.DictReader(io.StringIO(payload.decode("utf-8-sig"))))
    assert len(rows) == len(dataset.actors) * 3


def test_map_plays_too_and_keeps_the_chosen_question():
    at = open_page("map", params={"date": "2025-02-01", "dim": "nato"})
    at.button(key="play").click().run()
    at.run()
    assert at.query_params["date"] in ("2025-02-08", ["2025-02-08"])
    title = chart_specs(at)[0]["layout"]["title"]["text"]
    assert "2025-02-08" in title and "Ukraine in NATO" in title


# --- every view in the URL -----------------------------------------------------------------------

FULL_URLS = {  # page → every parameter it keeps, and the widget state each one restores
    "matrix": ({"date": "2025-03-02", "groups": ["NB8", "G7"], "sort": "change", "since": "2025-02-17",
                "cell": "SWE.troops"},
               {"date": "2025-03-02", "groups": ["NB8", "G7"], "sort": "change", "since": "2025-02-17",
                "cell": "SWE.troops"}),
    "map": ({"date": "2025-06-25", "dim": "nato", "actor": "GBR"}, {"date": "2025-06-25", "dim": "nato", "actor": "GBR"}),
    "shifts": ({"from": "2025-03-02", "to": "2025-06-25", "dim": "us_backstop"},
               {"from": "2025-03-02", "to": "2025-06-25", "dim": "us_backstop"}),
    "actor": ({"actor": "FRA"}, {"actor": "FRA"}),
    "evidence": ({"q": "troops", "actors": ["GBR", "FRA"], "dims": ["nato"], "sources": ["seed-000"],
                  "dates": ["2025-02-01", "2025-06-30"]},
                 {"q": "troops", "actors": ["GBR", "FRA"], "dims": ["nato"], "sources": ["seed-000"],
                  "dates": (dt.date(2025, 2, 1), dt.date(2025, 6, 30))}),
    "health": ({"stale": "3"}, {"stale": "3"}),
}


@pytest.mark.parametrize("page", list(FULL_URLS))
def test_a_link_with_every_parameter_reopens_each_widget(page):
    params, expected = FULL_URLS[page]
    at = open_page(page, params=params)
    assert not at.exception, at.exception
    assert {key: at.session_state[key] for key in expected} == expected


def test_language_comes_from_the_link_and_goes_back_into_it():
    at = open_app(params={"lang": "ja"})
    assert at.session_state["lang"] == "ja" and "時点の各国の立場" in matrix_title(at)
    at.session_state["lang"] = "en"
    at.run()
    assert "lang" not in at.query_params  # the default language leaves the link clean


@pytest.mark.parametrize("page, key, value, in_url", [
    ("matrix", "groups", ["EU"], ["EU"]),
    ("matrix", "sort", "score", ["score"]),
    ("matrix", "date", "2025-06-25", ["2025-06-25"]),
    ("map", "dim", "us_backstop", ["us_backstop"]),
    ("shifts", "dim", "nato", ["nato"]),
    ("shifts", "from", "2025-04-10", ["2025-04-10"]),
    ("actor", "actor", "POL", ["POL"]),
    ("evidence", "actors", ["DEU"], ["DEU"]),
    ("evidence", "dates", (dt.date(2025, 3, 1), dt.date(2025, 4, 1)), ["2025-03-01", "2025-04-01"]),
    ("evidence", "q", "Macron", ["Macron"]),
    ("health", "stale", "4", ["4"]),
])
def test_changing_a_widget_writes_its_parameter_into_the_link(page, key, value, in_url):
    at = open_page(page)
    widget = next((w for w in at.main if getattr(w, "key", None) == key and hasattr(w, "set_value")), None)
    if widget is not None:
        widget.set_value(value)  # as a reader's change arrives from the browser
    else:  # widgets AppTest cannot drive (segmented controls): their state
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    shown = at.query_params[key]
    assert (shown if isinstance(shown, list) else [shown]) == in_url
