"""The briefing pack: `python -m dashboard export` writes every chart as a 2× PNG at the
chart's own height (kaleido drives Debian's chromium)."""
from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

import pytest

from dashboard import charts
from dashboard.__main__ import main
from dashboard.load import load_dataset
from dashboard.query import PositionIndex

from conftest import SHIPPED_CONFIG, require_module

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("chromium", "kaleido")]


@pytest.fixture(scope="module")
def kaleido():
    return require_module("kaleido")


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_export_writes_each_chart_at_twice_its_own_size(tmp_path, capsys):
    assert main(["--config", str(SHIPPED_CONFIG), "export", "--as-of", "2026-01-06", "--out", str(tmp_path),
                 "--language", "ja"]) == 0
    written = sorted(p.name for p in tmp_path.glob("*.png"))
    assert written == ["matrix_2026-01-06_ja.png", "shifts_2025-02-28_2026-01-06_ja.png",
                       "timeline_nato_2026-01-06_ja.png", "timeline_troops_2026-01-06_ja.png",
                       "timeline_us_backstop_2026-01-06_ja.png"]
    dataset = load_dataset(SHIPPED_CONFIG)
    day = dt.date(2026, 1, 6)
    figure = charts.matrix_figure(dataset, PositionIndex(dataset).matrix(day), list(dataset.actors), day, "ja")
    assert figure.layout.height > 1000  # a row per actor: far taller than plotly's default 500
    assert png_size(tmp_path / "matrix_2026-01-06_ja.png") == (2400, 2 * figure.layout.height)
    assert str(tmp_path / "matrix_2026-01-06_ja.png") in capsys.readouterr().out


def test_briefing_zip_holds_the_pictures_the_matrix_csv_and_every_cited_source():
    import io
    import zipfile

    from dashboard.export import briefing_zip, cited_sources

    dataset = load_dataset(SHIPPED_CONFIG)
    day = dt.date(2025, 3, 2)
    pack = zipfile.ZipFile(io.BytesIO(briefing_zip(dataset, day, "ja")))
    names = pack.namelist()
    assert {"matrix_2025-03-02_ja.png", "stance-matrix_2025-03-02.csv", "sources.txt"} <= set(names)
    assert sum(name.endswith(".png") for name in names) == 5
    assert pack.read("stance-matrix_2025-03-02.csv").startswith(b"\xef\xbb\xbf" + b"actor,dimension,stance")
    listed = pack.read("sources.txt").decode("utf-8").splitlines()
    cited = cited_sources(dataset, day)
    assert [line.split(":")[0] for line in listed] == cited and "seed-000" in cited


def test_without_chromium_export_says_so_instead_of_a_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    with pytest.raises(SystemExit) as missing:
        main(["export", "--config", str(SHIPPED_CONFIG), "--as-of", "2025-03-02", "--out", str(tmp_path)])
    assert str(missing.value.code).startswith("error: PNG export needs Chromium")
