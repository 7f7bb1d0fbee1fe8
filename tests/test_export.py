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
