"""Shared fixtures: paths of the shipped dataset and a builder for small datasets in tmp dirs."""
from __future__ import annotations

import importlib
import os
import re
import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CONFIG = ROOT / "config.yaml"
CHROMIUM = "/usr/bin/chromium"
# .ci/run sets this: there a missing browser or library fails its tests instead of skipping
# them, so a green CI run has run every test.
REQUIRE_ALL_TESTS = os.environ.get("STANCE_MATRIX_REQUIRE_ALL_TESTS") == "1"


def require(available: bool, what: str) -> None:
    """Skip the calling test when `what` is missing on this machine; fail it in CI."""
    if available:
        return
    if REQUIRE_ALL_TESTS:
        pytest.fail(f"{what} is missing; CI installs it and must run every test", pytrace=False)
    pytest.skip(f"{what} is missing")


def require_module(name: str):
    """The module `name`, imported, or a skip (a failure in CI) when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        require(False, f"Python package {name}")


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, for tests of what only a browser shows (and kaleido's PNG export)."""
    require(Path(CHROMIUM).exists(), f"Debian's chromium ({CHROMIUM})")
    return CHROMIUM

# Three web sources and a one-statement builder for small positions files in tests.
SOURCES = """\
- id: src-a
  outlet: Outlet A
  title: A
  published: 2026-01-31
  language: en
  url: https://example.org/a
- id: src-b
  outlet: Outlet B
  title: B
  published: 2026-01-31
  language: en
  url: https://example.org/b
- id: src-c
  outlet: Outlet C
  title: C
  published: 2026-01-31
  language: en
  url: https://example.org/c
"""


def statement(dimension: str, date: str, stance: str, source: str = "src-a", confidence: str = "medium") -> str:
    return (f"  - dimension: {dimension}\n    date: {date}\n    stance: {stance}\n    speaker: Someone, Minister\n"
            f"    summary: {{en: Said so., ja: そう述べた。}}\n    source: {source}\n    confidence: {confidence}\n")


@pytest.fixture(autouse=True)
def _restore_config_env():
    """Tests that open the app point DASHBOARD_CONFIG at their dataset: put it back afterwards."""
    saved = os.environ.get("DASHBOARD_CONFIG")
    yield
    if saved is None:
        os.environ.pop("DASHBOARD_CONFIG", None)
    else:
        os.environ["DASHBOARD_CONFIG"] = saved


@pytest.fixture
def make_dataset(tmp_path):
    """Write a small dataset (config.yaml copied from the shipped one) and return its config path.

    Call with file contents keyed by path relative to the dataset root, e.g.
    make_dataset({"data/positions/gbr.yaml": "actor: GBR\\n..."}). actors.yaml and
    sources.yaml default to a minimal valid pair; seeds/ is copied from the project.
    """

    def build(files: dict[str, str | bytes] | None = None) -> Path:
        shutil.copy(SHIPPED_CONFIG, tmp_path / "config.yaml")
        shutil.copytree(ROOT / "seeds", tmp_path / "seeds", dirs_exist_ok=True)
        defaults = {
            "data/actors.yaml": """\
                - id: GBR
                  name: {en: United Kingdom, ja: 英国}
                  kind: state
                  groups: [NATO]
                - id: POL
                  name: {en: Poland, ja: ポーランド}
                  kind: state
                  groups: [EU, NATO]
                """,
            "data/sources.yaml": """\
                - id: seed-000
                  outlet: Reuters
                  title: Seed article
                  published: 2025-02-18
                  language: ja
                  seed: seeds/000_1a80b456816d0e91.txt
                - id: web-1
                  outlet: Example News
                  title: A web article
                  published: 2025-06-30
                  language: en
                  url: https://example.org/article
                """,
        }
        (tmp_path / "data" / "positions").mkdir(parents=True, exist_ok=True)
        for relative, content in {**defaults, **(files or {})}.items():
            path = tmp_path / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        return tmp_path / "config.yaml"

    return build


def matrix_key_entries(spec: dict) -> list[tuple[str, str]]:
    """(colour, name) of each entry of the matrix's colour key, in the order it reads."""
    key = [a["text"] for a in spec["layout"]["annotations"] if "<span style=" in a["text"]]
    return re.findall(r'<span style="color:(#[0-9a-fA-F]{6})"><b>.</b></span> ([^&<]+)', key[0]) if key else []


def matrix_rows(spec: dict) -> dict[int, str]:
    """The actor name the matrix chart writes beside each row (y), from its names trace."""
    (names,) = [trace for trace in spec["data"] if trace.get("name") == "actors"]
    return dict(zip(names["y"], names["text"]))


def matrix_cells(spec: dict) -> dict[str, dict]:
    """What the matrix chart shows for each cell key ('GBR.troops'), read from its figure dict
    (the spec st.plotly_chart sends, or go.Figure.to_dict()): the colour key entry whose
    colour the square has, the row and column it sits in, its label, hover text and outline."""
    data, layout = spec["data"], spec["layout"]
    legend = dict(matrix_key_entries(spec))
    (cells,) = [trace for trace in data if trace.get("customdata")]
    (outline,) = [trace for trace in data if trace.get("marker", {}).get("symbol") == "square-open"]
    rows = matrix_rows(spec)
    columns = dict(zip(layout["xaxis"]["tickvals"], layout["xaxis"]["ticktext"]))
    outlined = set(zip(outline["x"], outline["y"]))
    return {key: {"legend": legend.get(color), "row": rows[y], "column": columns[x], "text": text, "hover": hover,
                  "outlined": (x, y) in outlined}
            for key, color, text, hover, x, y in zip(cells["customdata"], cells["marker"]["color"], cells["text"],
                                                     cells["hovertext"], cells["x"], cells["y"])}


# --- the English-word check of Japanese pages (test_pages, test_browser) -----------------------

ALLOWED_LATIN = {"NATO", "EU", "G7", "CSV", "PNG", "URL", "YAML", "ID", "Stance", "Matrix", "id"}  # names and formats


def data_strings(dataset) -> list[str]:
    """Text that comes from the data (quotes, English summaries, outlets, ids …): shown as it is
    in either language, so left out of the English-word check. Longest first."""
    found = set()
    for s in dataset.statements:
        p = s.position
        found |= {p.speaker, p.summary.en, p.quote or "", p.conditions or "", p.source, p.stance, s.actor}
    for source in dataset.sources.values():
        found |= {source.id, source.outlet, source.title, source.url or "", source.seed or "", source.note or "",
                  source.language}
    found |= {f"{a}.{d.id}" for a in dataset.actors for d in dataset.config.dimensions} | set(dataset.actors)
    found |= {s.id for d in dataset.config.dimensions for s in d.stances} | {d.id for d in dataset.config.dimensions}
    return sorted((text for text in found if text), key=len, reverse=True)


def english_words(text: str, data: list[str]) -> set[str]:
    text = re.sub(r"```.*?```|`[^`]*`", " ", text, flags=re.S)  # code: field names and values editors type
    text = text.replace("\\", "")  # markdown escapes of data text (ui.plain)
    for item in data:
        text = text.replace(item, " ") if len(item) > 3 else re.sub(rf"\b{re.escape(item)}\b", " ", text)
    text = re.sub(r"[\w/.-]*\.(yaml|txt|md|json|zip|csv|png)|https?://\S+|\b\d{4}-\d{2}-\d{2}\b", " ", text)
    return {w for w in re.findall(r"[A-Za-z][A-Za-z'’-]+", text) if w not in ALLOWED_LATIN}
