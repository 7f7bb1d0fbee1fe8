"""The JSON Schemas editors use: committed files match the model, and the shipped data fits them."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from dashboard.schema import SCHEMA_KINDS, json_schema

from conftest import ROOT, require_module

SCHEMA_DIR = ROOT / "schema"
# Which data files each schema describes (the same mapping as .vscode/settings.json).
FILES = {
    "positions": "data/positions/*.yaml",
    "actors": "data/actors.yaml",
    "sources": "data/sources.yaml",
    "gaps": "data/gaps.yaml",
    "config": "config.yaml",
}


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_committed_schema_file_matches_the_model(kind):
    committed = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(kind), (
        f"schema/{kind}.schema.json is stale: run `python -m dashboard schema --write schema` and commit it")


def test_vscode_settings_map_every_data_file_to_its_schema():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {f"./schema/{kind}.schema.json": FILES[kind] for kind in SCHEMA_KINDS}


def _as_json(value):
    """YAML as an editor's language server sees it: dates are strings."""
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_shipped_files_fit_their_schema(kind):
    jsonschema = require_module("jsonschema")
    validator = jsonschema.Draft202012Validator(json_schema(kind), format_checker=jsonschema.FormatChecker())
    paths = sorted(ROOT.glob(FILES[kind]))
    assert paths
    for path in paths:
        data = _as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == [], path


def test_schema_flags_a_javascript_url_for_editors():
    jsonschema = require_module("jsonschema")
    source = {"id": "x", "outlet": "o", "title": "t", "published": "2025-02-18", "language": "en",
              "url": "javascript:alert(1)"}
    assert not jsonschema.Draft202012Validator(json_schema("sources")).is_valid([source])
    assert jsonschema.Draft202012Validator(json_schema("sources")).is_valid([{**source, "url": "https://a.org/"}])
