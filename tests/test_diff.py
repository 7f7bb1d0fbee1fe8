"""`python -m dashboard diff`: what an edit changes, statements and cells by day, between git
revisions of the data (or a revision and the working tree)."""
from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest

from dashboard import diff
from dashboard.__main__ import main

from conftest import SOURCES, statement

GBR = "actor: GBR\npositions:\n" + statement("troops", "2025-02-17", "reluctant") \
      + statement("troops", "2026-01-07", "committed")
POL = "actor: POL\npositions:\n" + statement("troops", "2025-03-01", "rules_out", "src-b")


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(make_dataset):
    """A git repository holding a small dataset, committed once."""
    config = make_dataset({"data/sources.yaml": SOURCES, "data/positions/gbr.yaml": GBR,
                           "data/positions/pol.yaml": POL})
    root = config.parent
    git(root, "init", "-q")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "data")
    return config


def edit(config, text_before: str, text_after: str, file: str = "data/positions/gbr.yaml"):
    path = config.parent / file
    path.write_text(path.read_text(encoding="utf-8").replace(text_before, text_after), encoding="utf-8")


def test_moving_a_statement_a_day_earlier_names_the_cell_and_the_day(repo):
    edit(repo, "2026-01-07", "2026-01-06")
    result = diff.diff(repo)  # HEAD against the working tree
    # A statement is identified by its date: moved, it is one removed and one added.
    assert [(c.kind, c.date) for c in result.statements] == [("added", dt.date(2026, 1, 6)),
                                                            ("removed", dt.date(2026, 1, 7))]
    assert [diff.describe_cell(c, result.period_end) for c in result.cells] == [
        "GBR troops: reluctant → committed from 2026-01-06 to 2026-01-06 (1 day)"]


def test_changed_stance_lists_the_changed_field_and_every_day_it_holds(repo):
    edit(repo, "stance: reluctant", "stance: conditional")
    result = diff.diff(repo)
    (change,) = result.statements
    assert (change.kind, change.fields) == ("changed", {"stance": ("reluctant", "conditional")})
    (cell,) = result.cells
    assert (cell.old, cell.new, cell.start, cell.end) == ("reluctant", "conditional", dt.date(2025, 2, 17),
                                                          dt.date(2026, 1, 6))


def test_new_baseline_fills_the_cell_from_the_period_start(repo):
    edit(repo, "positions:\n", "positions:\n" + statement("nato", "2024-07-10", "supports"))
    result = diff.diff(repo)
    assert [(c.kind, c.actor, c.dimension) for c in result.statements] == [("added", "GBR", "nato")]
    assert [diff.describe_cell(c, result.period_end) for c in result.cells] == [
        "GBR nato: (no position) → supports from 2025-02-01 to the period end (365 days)"]


def test_re_sourced_statement_is_one_change_of_its_source(repo):
    edit(repo, "source: src-b", "source: src-c", "data/positions/pol.yaml")
    result = diff.diff(repo)
    assert [(c.kind, c.source, c.fields) for c in result.statements] == [
        ("changed", "src-c", {"source": ("src-b", "src-c")})]
    assert result.cells == []  # the same stance on the same days


def test_two_committed_revisions_and_every_format(repo, capsys):
    edit(repo, "stance: rules_out", "stance: reluctant", "data/positions/pol.yaml")
    git(repo.parent, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "POL softens")
    assert main(["diff", "--config", str(repo), "HEAD~1", "HEAD"]) == 0
    text = capsys.readouterr().out
    assert "changed: POL troops 2025-03-01 (src-b): stance: 'rules_out' → 'reluctant'" in text
    assert "POL troops: rules_out → reluctant from 2025-03-01 to the period end (337 days)" in text
    main(["diff", "--config", str(repo), "HEAD~1", "HEAD", "--format", "markdown"])
    markdown = capsys.readouterr().out
    assert "| POL | troops | rules_out | reluctant | 2025-03-01 | period end | 337 |" in markdown
    main(["diff", "--config", str(repo), "HEAD~1", "HEAD", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["cells"] == [{"actor": "POL", "dimension": "troops", "old": "rules_out", "new": "reluctant",
                                "start": "2025-03-01", "end": "2026-01-31", "days": 337}]
    main(["diff", "--config", str(repo)])  # the working tree is clean
    assert capsys.readouterr().out.startswith("No change in the data between HEAD and the working tree.")


def test_diff_reads_revisions_without_touching_the_working_tree(repo):
    edit(repo, "stance: reluctant", "stance: willing")
    before = (repo.parent / "data/positions/gbr.yaml").read_text(encoding="utf-8")
    diff.diff(repo, "HEAD")
    assert (repo.parent / "data/positions/gbr.yaml").read_text(encoding="utf-8") == before
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo.parent, capture_output=True, text=True)
    assert status.stdout.split() == ["M", "data/positions/gbr.yaml"]


def test_unknown_revision_and_no_repository_are_clear_errors(repo, make_dataset, tmp_path_factory, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["diff", "--config", str(repo), "no-such-rev"])
    assert exit_info.value.code == "error: unknown revision 'no-such-rev'"
    outside = tmp_path_factory.mktemp("plain") / "config.yaml"
    outside.write_text((repo.parent / "config.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["diff", "--config", str(outside)])
    assert "is not inside a git repository" in str(exit_info.value.code)
