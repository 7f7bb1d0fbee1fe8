"""The pre-commit hooks: the validate hook offered to data repositories fails on a broken
file and passes on valid data; this repository's own config runs the same command."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import yaml

from conftest import ROOT, SOURCES, statement


def hook(path: str, hook_id: str) -> dict:
    data = yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))
    hooks = data if isinstance(data, list) else [h for repo in data["repos"] for h in repo["hooks"]]
    (found,) = [h for h in hooks if h["id"] == hook_id]
    return found


def run_entry(entry: str, cwd) -> subprocess.CompletedProcess:
    # The hook runs in the data repository with the dashboard package importable.
    argv = shlex.split(entry)
    argv[0] = sys.executable if argv[0] in ("python", ".venv/bin/python") else argv[0]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DASHBOARD_CONFIG", None)
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def test_validate_hook_fails_on_a_broken_file_with_its_line(make_dataset):
    config = make_dataset({"data/sources.yaml": SOURCES, "data/positions/gbr.yaml":
                           "actor: GBR\npositions:\n" + statement("troops", "2025-02-17", "wiling")})
    result = run_entry(hook(".pre-commit-hooks.yaml", "stance-matrix-validate")["entry"], config.parent)
    assert result.returncode == 1
    assert "data/positions/gbr.yaml:5: unknown stance 'wiling' for troops" in result.stdout


def test_validate_hook_passes_on_valid_data_and_watches_the_data_files(make_dataset):
    config = make_dataset({"data/sources.yaml": SOURCES, "data/positions/gbr.yaml":
                           "actor: GBR\npositions:\n" + statement("troops", "2025-02-17", "willing")})
    offered = hook(".pre-commit-hooks.yaml", "stance-matrix-validate")
    assert run_entry(offered["entry"], config.parent).returncode == 0
    local = hook(".pre-commit-config.yaml", "stance-matrix-validate")
    assert local["entry"].endswith(offered["entry"].removeprefix("python")) and local["files"] == offered["files"]

    watched = re.compile(offered["files"])
    assert all(watched.search(p) for p in ("config.yaml", "data/positions/gbr.yaml", "data/gaps.yaml",
                                           "seeds/000_1a80b456816d0e91.txt"))
    assert not watched.search("dashboard/charts.py")
