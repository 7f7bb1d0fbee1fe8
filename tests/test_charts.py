"""Chart builders: each figure stands alone (title with date, legend, source footnote),
cells are clickable points naming their cell, and data text is escaped."""
from __future__ import annotations

import datetime as dt

import pytest

from dashboard import charts
from dashboard.load import load_dataset
from dashboard.query import PositionIndex, coverage, key_days, month_ends

from conftest import ROOT, SHIPPED_CONFIG, matrix_cells, matrix_key_entries, matrix_rows

DAY = dt.date(2025, 2, 17)


@pytest.fixture(scope="module")
def shipped():
    dataset = load_dataset(SHIPPED_CONFIG)
    return dataset, PositionIndex(dataset)


def matrix_figure(dataset, index, day=DAY, language="en"):
    order = sorted(dataset.actors)
    return charts.matrix_figure(dataset, index.matrix(day), order, day, language)


def cells(figure):
    return matrix_cells(figure.to_dict())


def test_matrix_title_names_the_as_of_date_and_footnote_names_the_source(shipped):
    figure = matrix_figure(*shipped)
    assert "Positions as of 2025-02-17" in figure.layout.title.text
    footnotes = [a.text for a in figure.layout.annotations]
    assert any(text.split("<br>")[-1].startswith("Source: Stance Matrix dataset") for text in footnotes)


def test_matrix_key_always_lists_every_score_no_position_and_contested(shipped):
    dataset, index = shipped
    # On the period end no cell is contested, yet the key still explains the outline.
    figure = matrix_figure(dataset, index, dataset.config.period.end)
    names = [name for _, name in matrix_key_entries(figure.to_dict())]
    assert names == ["+2 (most support)", "+1", "0", "-1", "-2 (least support)", "No known position",
                     "Contested (sources disagree)"]


def test_matrix_draws_every_cell_in_its_actors_row_and_dimensions_column(shipped):
    dataset, index = shipped
    shown = cells(matrix_figure(dataset, index))
    assert len(shown) == len(dataset.actors) * len(dataset.config.dimensions)
    assert shown["GBR.troops"]["row"] == "United Kingdom" and shown["GBR.troops"]["column"] == "Own troops"
    assert shown["USA.nato"]["row"] == "United States"


def test_first_actor_of_the_order_is_the_top_row(shipped):
    dataset, index = shipped
    order = ["POL", "GBR", "FRA"]
    figure = charts.matrix_figure(dataset, index.matrix(DAY), order, DAY, "en")
    rows = matrix_rows(figure.to_dict())
    assert [rows[y] for y in sorted(rows, reverse=True)] == ["Poland", "United Kingdom", "France"]
    assert {key.split(".")[0] for key in cells(figure)} == set(order)


def test_contested_cell_is_outlined_and_lists_both_stances(shipped):
    italy = cells(matrix_figure(*shipped))["ITA.troops"]
    assert italy["outlined"] and "Reluctant / not now | Willing" in italy["text"]
    assert italy["legend"] == "-1"  # coloured by the higher-confidence statement
    assert "Contested (sources disagree)" in italy["hover"]


def test_cell_without_statement_is_grey_not_zero(shipped):
    eu_troops = cells(matrix_figure(*shipped))["EU.troops"]
    assert eu_troops["legend"] == "No known position" and not eu_troops["outlined"]


def test_matrix_in_japanese_uses_japanese_labels(shipped):
    figure = matrix_figure(*shipped, language="ja")
    assert "2025-02-17時点の各国の立場" in figure.layout.title.text
    assert cells(figure)["GBR.troops"]["row"] == "英国"
    assert "立場不明" in dict(matrix_key_entries(figure.to_dict())).values()


def test_data_text_is_escaped_in_hover_and_labels(make_dataset):
    fixtures = ROOT / "tests" / "fixtures" / "bad"
    config = make_dataset({name: (fixtures / f"html_in_text.{part}.yaml").read_text(encoding="utf-8")
                           for name, part in (("data/actors.yaml", "actors"), ("data/positions/gbr.yaml", "gbr"))})
    dataset = load_dataset(config)
    figure = matrix_figure(dataset, PositionIndex(dataset), dt.date(2025, 6, 2))
    hover = " ".join(cell["hover"] for cell in cells(figure).values())
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in hover
    assert "United Kingdom &lt;script&gt;" in hover and "<script>" not in hover and "<img" not in hover
    assert any(name.startswith("United Kingdom &lt;script&gt;") for name in matrix_rows(figure.to_dict()).values())


def test_timeline_marks_every_key_event_and_names_it_in_a_key(shipped):
    dataset, index = shipped
    config = dataset.config
    figure = charts.timeline_figure(dataset, index.timeline("troops", month_ends(config.period.start, config.period.end)),
                                    "troops", "en")
    assert len(figure.layout.shapes) == len(config.events)
    key = " ".join(a.text for a in figure.layout.annotations)
    assert "Paris declaration (2026-01-06)" in key and "Own troops: score by month" in figure.layout.title.text


def test_shifts_chart_has_one_bar_per_scored_move(shipped):
    dataset, index = shipped
    start, end = dt.date(2025, 2, 28), dt.date(2026, 1, 31)
    shifts = index.shifts(start, end)
    figure = charts.shifts_figure(dataset, shifts, start, end, "en")
    assert len(figure.data[0].x) == shifts["delta"].notna().sum() > 0
    assert "2025-02-28 → 2026-01-31" in figure.layout.title.text


def test_png_button_exports_at_twice_the_size_named_by_what_and_when():
    config = charts.png_config("matrix", dt.date(2025, 3, 2))
    assert config["toImageButtonOptions"] == {"format": "png", "scale": 2, "filename": "stance-matrix_matrix_2025-03-02"}


def test_statements_per_month_counts_every_statement_in_a_bar_per_month(shipped):
    dataset, index = shipped
    figure = charts.statements_per_month_figure(dataset, index.statements, "en")
    bars = dict(zip(figure.data[0].x, figure.data[0].y))
    first = f"{index.statements['date'].min():%Y-%m}"  # a baseline statement from before the period
    assert list(bars)[0] == first < "2025-02" and list(bars)[-1] == "2026-01" and "2025-07" in bars
    assert sum(bars.values()) == len(dataset.statements)
    assert f"Statements per month, {first} – 2026-01" in figure.layout.title.text
    assert any(a.text.endswith(charts.footnote(dataset, "en")) for a in figure.layout.annotations)


@pytest.mark.parametrize("day", [DAY, dt.date(2026, 1, 31)])  # with contested and empty cells; at the end
def test_matrix_from_texts_built_once_per_dataset_is_the_same_figure(shipped, day):
    dataset, index = shipped
    matrix, order = index.matrix(day), sorted(dataset.actors)
    built_once = charts.cell_texts(dataset, index.cells, "ja")
    assert (charts.matrix_figure(dataset, matrix, order, day, "ja", texts=built_once).to_dict()
            == charts.matrix_figure(dataset, matrix, order, day, "ja").to_dict())


def test_coverage_chart_draws_a_line_per_dimension_and_one_for_all_in_percent(shipped):
    dataset, index = shipped
    days = key_days(dataset.config)
    table = coverage(index, dataset, days)
    figure = charts.coverage_figure(dataset, table, "ja")
    assert [trace.name for trace in figure.data] == ["自国部隊の派遣", "米国の後ろ盾", "ウクライナのNATO加盟", "すべての論点"]
    total = figure.data[-1]
    assert len(total.x) == len(days) and total.line.width > figure.data[0].line.width
    assert list(total.y) == [round(s * 100, 1) for s in table[table["dimension"] == "all"]["share"]]
    assert f"{days[0]:%Y-%m-%d}～{days[-1]:%Y-%m-%d}" in figure.layout.title.text
    assert any(a.text.endswith(charts.footnote(dataset, "ja")) for a in figure.layout.annotations)
