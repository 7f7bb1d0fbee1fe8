"""The map (dashboard/geo.py) and the Map page: countries in the matrix's colours, contested
ones outlined, the rest of the actors beside the map, outlines shipped with the app."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from html import escape, unescape

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from dashboard import charts, geo
from dashboard.load import load_dataset
from dashboard.query import PositionIndex

from conftest import ROOT, SHIPPED_CONFIG, require_module

DAY = dt.date(2025, 2, 17)  # the Paris meeting: Italy's troops cell is contested
LATE = dt.date(2026, 1, 6)


@pytest.fixture(scope="module")
def shipped():
    dataset = load_dataset(SHIPPED_CONFIG)
    return dataset, PositionIndex(dataset)


def map_figure(shipped, dimension="troops", day=DAY, language="en", **options):
    dataset, index = shipped
    return geo.map_figure(dataset, index.matrix(day), dimension, day, language, **options)


def countries(spec: dict) -> dict[str, dict]:
    """What the map shows for each country (by ISO-3 id), read from the figure dict: the colour
    its step of the colour scale gives it, its outline, hover text and customdata."""
    shown = {}
    for trace in spec["data"]:
        scale = trace["colorscale"]
        for location, z, hover, custom in zip(trace["locations"], trace["z"], trace["hovertext"],
                                              trace["customdata"]):
            shown[location] = {"color": scale[2 * z][1], "hover": hover, "customdata": custom,
                               "line": trace["marker"]["line"]}
    return shown


def test_every_country_on_the_map_has_its_matrix_cells_colour(shipped):
    dataset, index = shipped
    config = dataset.config
    for day in (DAY, LATE):
        matrix = index.matrix(day)
        for dimension in config.dimensions:
            shown = countries(map_figure(shipped, dimension.id, day).to_dict())
            cells = matrix[matrix["dimension"] == dimension.id].set_index("actor")
            assert set(shown) == set(geo.placement(dataset)[0])
            for actor, country in shown.items():
                score = cells.loc[actor, "score"]
                expected = config.no_position_color if score != score else config.color(int(score))
                assert country["color"] == expected, (day, dimension.id, actor)


def test_colour_scale_steps_draw_each_z_in_exactly_one_colour(shipped):
    for trace in map_figure(shipped).to_dict()["data"]:
        scale, zmin, zmax = trace["colorscale"], trace["zmin"], trace["zmax"]
        assert (zmin, zmax) == (-0.5, len(scale) / 2 - 0.5)
        for step in range(len(scale) // 2):  # each step is flat, and z = step sits in its middle
            low, high = scale[2 * step], scale[2 * step + 1]
            assert low[1] == high[1] and low[0] < (step + 0.5 - zmin - 0.5) / (zmax - zmin) + 1e-9 <= high[0] + 1e-9


def test_contested_country_has_a_thick_black_outline_and_says_so(shipped):
    shown = countries(map_figure(shipped).to_dict())
    assert shown["ITA"]["line"]["width"] == geo.CONTESTED_LINE_PX
    assert shown["ITA"]["line"]["color"] == "#111111"
    assert "Contested (sources disagree)" in shown["ITA"]["hover"]
    assert "Reluctant / not now | Willing" in shown["ITA"]["hover"]
    assert shown["GBR"]["line"]["width"] < 1


def test_hover_names_country_stance_speaker_date_and_source(shipped):
    dataset, index = shipped
    hover = countries(map_figure(shipped, "troops", LATE).to_dict())["GBR"]["hover"]
    row = next(index.in_force("GBR", "troops", LATE).itertuples())  # the scoring statement
    assert hover.startswith("United Kingdom — Own troops<br>")
    for text in (dataset.config.dimension("troops").stance(row.stance).label("en"), f"Speaker: {row.speaker}",
                 f"Date: {row.date:%Y-%m-%d}", f"Source: {row.source}"):
        assert text in hover


def test_country_without_a_position_is_grey_and_says_so(shipped):
    dataset, index = shipped
    matrix = index.matrix(DAY)
    unknown = matrix[(matrix["dimension"] == "troops") & matrix["stance"].isna()]["actor"]
    actor = next(a for a in unknown if a in geo.placement(dataset)[0])
    country = countries(map_figure(shipped).to_dict())[actor]
    assert country["color"] == dataset.config.no_position_color
    assert country["hover"].endswith("No known position")


def test_each_country_names_its_actor_for_a_click(shipped):
    assert all(c["customdata"] == actor for actor, c in countries(map_figure(shipped).to_dict()).items())


def test_organisations_and_countries_off_the_frame_are_beside_the_map(shipped):
    dataset, _ = shipped
    on_map, beside = geo.placement(dataset)
    assert {"EU", "NATO", "USA", "CAN", "AUS", "NZL", "JPN", "CHN"} <= set(beside)
    assert "MLT" in beside  # too small for the 1:110m outlines
    assert {"GBR", "FRA", "DEU", "POL", "UKR", "RUS", "TUR", "CYP", "ISL", "NOR", "PRT"} <= set(on_map)
    assert sorted(on_map + beside) == sorted(dataset.actors)


def test_beside_table_gives_each_actor_its_stance_and_colour(shipped):
    dataset, index = shipped
    beside = geo.beside_map(dataset, index.matrix(LATE), "troops", "en")
    assert list(beside["actor"]) == geo.placement(dataset)[1]
    usa = beside.set_index("actor").loc["USA"]
    (row,) = index.in_force("USA", "troops", LATE).itertuples()
    stance = dataset.config.dimension("troops").stance(row.stance)
    assert (usa["name"], usa["stance"], usa["color"]) == ("United States", stance.label("en"),
                                                          dataset.config.color(stance.score))
    assert beside.set_index("actor").loc["EU", "name"] == "European Union (institutions)"


def test_map_stands_alone_with_title_date_key_beside_list_and_footnote(shipped):
    dataset, _ = shipped
    figure = map_figure(shipped, "nato", LATE)
    assert "Ukraine in NATO as of 2026-01-06" in figure.layout.title.text
    notes = " ".join(a.text for a in figure.layout.annotations)
    assert notes.endswith(escape(charts.footnote(dataset, "en")))
    for color in [dataset.config.color(s) for s in range(-2, 3)] + [dataset.config.no_position_color]:
        assert f'<span style="color:{color}">' in notes
    assert "No known position" in notes and "Contested (sources disagree)" in notes
    assert "Not on the map:" in notes and "United States:" in notes and "NATO (Secretary General):" in notes
    assert figure.layout.geo.scope == "world" and figure.layout.geo.resolution == 110


def test_map_in_japanese_uses_japanese_labels(shipped):
    figure = map_figure(shipped, "troops", LATE, "ja")
    assert "2026-01-06時点：自国部隊の派遣" in figure.layout.title.text
    notes = " ".join(a.text for a in figure.layout.annotations)
    assert "地図外のアクター：" in notes and "米国：" in notes and "立場不明" in notes
    assert countries(figure.to_dict())["GBR"]["hover"].startswith("英国 — 自国部隊の派遣<br>")


def test_exported_map_has_no_click_hint(shipped):
    assert "Click a country" in map_figure(shipped).layout.title.text
    assert "Click a country" not in map_figure(shipped, interactive=False).layout.title.text


def test_data_text_is_escaped_in_hover_and_beside_list(make_dataset):
    fixtures = ROOT / "tests" / "fixtures" / "bad"
    config = make_dataset({name: (fixtures / f"html_in_text.{part}.yaml").read_text(encoding="utf-8")
                           for name, part in (("data/actors.yaml", "actors"), ("data/positions/gbr.yaml", "gbr"))})
    dataset = load_dataset(config)
    day = dt.date(2025, 6, 2)
    figure = geo.map_figure(dataset, PositionIndex(dataset).matrix(day), "troops", day, "en")
    spec = json.dumps(figure.to_dict())
    hover = countries(figure.to_dict())["GBR"]["hover"]
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in hover and "United Kingdom &lt;script&gt;" in hover
    assert "<script>" not in spec and "<img" not in spec


def test_outlines_are_shipped_small_with_every_drawn_actor_and_their_licence(shipped):
    dataset, _ = shipped
    outlines = geo.OUTLINES_DIR / f"{geo.SCOPE}_{geo.RESOLUTION}m.json"  # what plotly requests
    assert outlines.stat().st_size < 200_000
    topology = json.loads(outlines.read_text(encoding="utf-8"))
    assert {"countries", "land", "coastlines", "ocean"} <= set(topology["objects"])
    states = {a.id for a in dataset.actors.values() if a.kind == "state"}
    assert states - set(geo.outline_bounds()) == {"MLT"}
    assert "public domain" in (geo.OUTLINES_DIR / "LICENSE.md").read_text(encoding="utf-8")


def test_chart_config_takes_outlines_from_the_app_and_exports_at_twice_the_size():
    config = geo.plotly_config("troops", LATE)
    assert config["topojsonURL"] == "app/static/topojson/"  # Streamlit's static route, relative
    assert config["toImageButtonOptions"] == {"format": "png", "scale": 2,
                                              "filename": "stance-matrix_map-troops_2026-01-06"}
    assert geo.outlines_url_for_export().startswith("file://")


# --- the page, through AppTest --------------------------------------------------------------

def map_page_script(language: str) -> None:
    # Runs inside AppTest: the Map view as the app renders it, on $DASHBOARD_CONFIG.
    from dashboard import ui
    from dashboard.views import map as map_view

    dataset, index, data_key = ui.load(ui.config_path())
    map_view.render(ui.Context(dataset, index, language, data_key))


@pytest.fixture
def open_map(monkeypatch):
    monkeypatch.setenv("DASHBOARD_CONFIG", str(SHIPPED_CONFIG))

    def run(params: dict | None = None, language: str = "en") -> AppTest:
        at = AppTest.from_function(map_page_script, args=(language,), default_timeout=60)
        at.query_params.update(params or {})
        return at.run()

    return run


def chart_spec(at: AppTest) -> dict:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def test_map_page_opens_from_a_link_with_date_question_and_evidence(open_map):
    at = open_map({"date": "2025-02-17", "dim": "troops", "actor": "ITA"})
    assert not at.exception
    assert "Own troops as of 2025-02-17" in chart_spec(at)["layout"]["title"]["text"]
    assert "Evidence: Italy — Own troops" in [s.value for s in at.subheader]
    assert any("Sources disagree" in w.value for w in at.warning)  # both statements follow
    assert {m.value for m in at.markdown} >= {"**Reluctant / not now** · 2025-02-17 · "
                                              "Giorgia Meloni, Prime Minister \\(according to sources\\)"}
    assert (at.query_params["date"], at.query_params["actor"]) == ("2025-02-17", "ITA")


def test_map_page_keeps_the_question_in_the_url_and_follows_the_date(open_map):
    at = open_map({"dim": "nato"})
    assert "Ukraine in NATO as of 2026-01-31" in chart_spec(at)["layout"]["title"]["text"]
    assert at.query_params["dim"] == "nato"
    at.select_slider(key="date").set_value("2025-03-02").run()
    assert "Ukraine in NATO as of 2025-03-02" in chart_spec(at)["layout"]["title"]["text"]
    at.button_group(key="dim").set_value("us_backstop").run()
    assert at.query_params["dim"] == "us_backstop"
    assert "US backstop as of 2025-03-02" in chart_spec(at)["layout"]["title"]["text"]


def test_key_event_preset_moves_the_map_to_its_date(open_map):
    at = open_map()
    at.pills(key="event").set_value("2025-08-18").run()
    assert at.select_slider(key="date").value == "2025-08-18"
    assert "Own troops as of 2025-08-18" in chart_spec(at)["layout"]["title"]["text"]


def test_map_page_lists_organisations_and_far_countries_beside_the_map(open_map):
    at = open_map()
    (table,) = at.dataframe
    names = set(table.value.iloc[:, 0])
    assert {"NATO (Secretary General)", "European Union (institutions)", "United States", "Japan"} <= names
    assert "United Kingdom" not in names


def test_map_page_evidence_of_an_organisation_from_the_picker(open_map):
    at = open_map({"date": "2026-01-06"})
    at.selectbox(key="actor").set_value("NATO").run()
    assert at.query_params["actor"] == "NATO"
    assert any(s.value.startswith("Evidence: NATO") for s in at.subheader)
    assert at.markdown  # its statements


def test_map_page_in_japanese(open_map):
    at = open_map({"actor": "GBR"}, language="ja")
    assert at.title[0].value == "地図"
    assert "2026-01-31時点：自国部隊の派遣" in chart_spec(at)["layout"]["title"]["text"]
    assert at.subheader[0].value == "地図外のアクター"
    assert at.selectbox(key="actor").label == "根拠を表示するアクター"
    assert "米国" in set(at.dataframe[0].value.iloc[:, 0])


def test_map_page_warns_when_the_outlines_are_not_served(open_map):
    outlines_off = "start it with `server.enableStaticServing = true`"
    shipped_setting = streamlit.config.get_option("server.enableStaticServing")  # on in .streamlit/config.toml
    try:
        streamlit.config.set_option("server.enableStaticServing", False)
        assert any(outlines_off in w.value for w in open_map().warning)
        streamlit.config.set_option("server.enableStaticServing", True)
        assert not any(outlines_off in w.value for w in open_map().warning)
    finally:
        streamlit.config.set_option("server.enableStaticServing", shipped_setting)


# --- image export ---------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.usefixtures("chromium")
def test_png_export_draws_the_countries_from_the_shipped_outlines(shipped, tmp_path, monkeypatch):
    require_module("kaleido")
    image = require_module("PIL.Image")
    import plotly.io as pio

    monkeypatch.setenv("BROWSER_PATH", os.environ.get("BROWSER_PATH", "/usr/bin/chromium"))
    monkeypatch.setattr(pio.defaults, "topojson", geo.outlines_url_for_export())
    dataset, _ = shipped
    figure = map_figure(shipped, "troops", LATE, interactive=False)
    path = tmp_path / "map.png"
    pio.write_image(figure, path, width=1200, height=figure.layout.height, scale=2)
    png = image.open(path).convert("RGB")
    assert png.size == (2400, 2 * figure.layout.height)
    committed = tuple(int(dataset.config.color(2)[i:i + 2], 16) for i in (1, 3, 5))  # FRA, GBR on that day
    assert sum(1 for pixel in png.get_flattened_data() if pixel == committed) > 5000  # countries, not only the key


def test_japanese_map_page_has_no_english_labels(open_map):
    from conftest import data_strings, english_words
    from test_pages import texts

    at = open_map({"actor": "GBR", "date": "2025-02-17"}, language="ja")
    assert not at.exception, at.exception
    spec = chart_spec(at)
    shown = [texts(at), spec["layout"]["title"]["text"], *[a["text"] for a in spec["layout"]["annotations"]],
             *[hover for trace in spec["data"] for hover in trace["hovertext"]]]
    shown += [w.label for kind in ("selectbox", "select_slider") for w in at.get(kind)]
    shown += [str(c) for frame in at.dataframe for c in frame.value.columns] + list(at.dataframe[0].value.iloc[:, 1])
    shown += [at.selectbox(key="actor").placeholder or ""]
    text = unescape(re.sub(r"<[^>]+>", "\n", "\n".join(shown)))  # the charts' markup
    assert english_words(text, data_strings(load_dataset(SHIPPED_CONFIG))) == set()
