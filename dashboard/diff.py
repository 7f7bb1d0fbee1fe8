"""What an edit changes: the statements added, removed or changed between two versions of the
data, and every cell whose position in force differs on some day of the period.

Old versions come from git (`git show REV:path` of each data file, copied into a temporary
folder the loader reads); the working tree is read as it is. Nothing in the repository is
written or checked out.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .load import Dataset, load_dataset
from .model import Statement, cell_key

WORKING_TREE = None  # TARGET default: the files as they are on disk
# Fields compared between two versions of one statement (besides its source).
COMPARED_FIELDS = ("stance", "speaker", "summary", "quote", "conditions", "confidence")


class DiffError(Exception):
    """A revision or repository problem, said in one sentence for the command line."""


@dataclass(frozen=True)
class StatementChange:
    actor: str
    dimension: str
    date: dt.date
    source: str
    kind: str  # added | removed | changed
    fields: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # changed: old, new


@dataclass(frozen=True)
class CellChange:
    """Days on which one cell's position in force differs: `old` → `new` (stance ids joined
    by '|' when contested; None: no known position) from `start` to `end`, inclusive."""

    actor: str
    dimension: str
    old: str | None
    new: str | None
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class DataDiff:
    base: str
    target: str
    period_end: dt.date
    statements: list[StatementChange]
    cells: list[CellChange]
    problems: list[str]  # validation problems of the target (records left out of the comparison)

    @property
    def empty(self) -> bool:
        return not self.statements and not self.cells


# --- reading a revision ----------------------------------------------------------------------------

def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, check=False)


def repository_root(path: Path) -> Path:
    """The git work tree that holds `path`, or DiffError outside one."""
    found = _git(path if path.is_dir() else path.parent, "rev-parse", "--show-toplevel")
    if found.returncode != 0:
        raise DiffError(f"{path} is not inside a git repository; diff compares git revisions of the data")
    return Path(found.stdout.decode().strip())


def head_revision(path: Path) -> str | None:
    """The commit HEAD names in the repository holding `path`; None outside git (or before a
    first commit), where there is nothing to compare uncommitted edits with."""
    try:
        found = _git(path if path.is_dir() else path.parent, "rev-parse", "--verify", "--quiet", "HEAD")
    except OSError:  # no git on this machine
        return None
    if found.returncode != 0:
        return None
    return found.stdout.decode().strip()


def _materialize(repo: Path, revision: str, config_path: Path, into: Path) -> Path:
    """Copy config.yaml, its data folder and seeds/ as they are at `revision` into `into`
    (with `git show REV:path`, file by file); returns the copied config's path."""
    if _git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").returncode != 0:
        raise DiffError(f"unknown revision '{revision}'")
    config_rel = config_path.resolve().relative_to(repo)
    base = config_rel.parent
    listing = _git(repo, "ls-tree", "-r", "-z", "--name-only", revision, "--", base.as_posix() or ".")
    names = [n for n in listing.stdout.decode().split("\0") if n]
    if config_rel.as_posix() not in names:
        raise DiffError(f"{config_rel} does not exist at revision '{revision}'")
    for name in names:
        if not name.endswith((".yaml", ".txt")):
            continue  # data, config and seeds only
        content = _git(repo, "show", f"{revision}:{name}")
        if content.returncode != 0:
            raise DiffError(f"cannot read {name} at '{revision}': {content.stderr.decode().strip()}")
        target = into / Path(name).relative_to(base)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.stdout)
    return into / config_rel.name


def load_revision(config_path: Path, revision: str | None, workdir: Path) -> Dataset:
    """The dataset at `revision` (None: the working tree)."""
    config_path = Path(config_path).resolve()
    if revision is WORKING_TREE:
        return load_dataset(config_path)
    repo = repository_root(config_path)
    copy = _materialize(repo, revision, config_path, workdir / revision.replace("/", "_"))
    return load_dataset(copy)


# --- comparing ------------------------------------------------------------------------------------

def _field_text(position, name: str) -> str | None:
    value = getattr(position, name)
    if value is None:
        return None
    if name == "summary":
        return f"{value.en} / {value.ja}"
    return str(value)


def _by_identity(statements: list[Statement]) -> dict[tuple, Statement]:
    """Statements by (actor, dimension, date, source, n): n counts repeats in file order."""
    keyed = {}
    for statement in statements:
        p = statement.position
        n = 0
        while (statement.actor, p.dimension, p.date, p.source, n) in keyed:
            n += 1
        keyed[(statement.actor, p.dimension, p.date, p.source, n)] = statement
    return keyed


def _changed_fields(old: Statement, new: Statement) -> dict[str, tuple[str | None, str | None]]:
    names = ("source", *COMPARED_FIELDS)
    pairs = {name: (_field_text(old.position, name), _field_text(new.position, name)) for name in names}
    return {name: pair for name, pair in pairs.items() if pair[0] != pair[1]}


def statement_changes(base: Dataset, target: Dataset) -> list[StatementChange]:
    """Statements added, removed and changed. A statement keeps its identity while its actor,
    dimension, date and source stay; one whose source alone was replaced (re-sourced) pairs
    with the remaining statement of the same actor, dimension and date."""
    old, new = _by_identity(base.statements), _by_identity(target.statements)
    changes = []
    for key in old.keys() & new.keys():
        fields = _changed_fields(old[key], new[key])
        if fields:
            changes.append(StatementChange(*key[:4], "changed", fields))
    removed = [key for key in old if key not in new]
    added = [key for key in new if key not in old]
    for key in list(removed):
        partner = next((k for k in added if k[:3] == key[:3]), None)
        if partner is not None:
            removed.remove(key)
            added.remove(partner)
            changes.append(StatementChange(*partner[:4], "changed", _changed_fields(old[key], new[partner])))
    changes += [StatementChange(*key[:4], "removed") for key in removed]
    changes += [StatementChange(*key[:4], "added") for key in added]
    return sorted(changes, key=lambda c: (c.actor, c.dimension, c.date, c.source, c.kind))


def _in_force(dataset: Dataset) -> dict[str, list[tuple[dt.date, str]]]:
    """Per cell, its change points: (date, stance ids in force from that date, '|'-joined when
    contested), in date order. The as-of rule: the latest date wins; a tie is contested."""
    by_day: dict[str, dict[dt.date, list[str]]] = {}
    for statement in dataset.statements:
        p = statement.position
        stances = by_day.setdefault(cell_key(statement.actor, p.dimension), {}).setdefault(p.date, [])
        if p.stance not in stances:
            stances.append(p.stance)
    return {cell: [(day, "|".join(sorted(stances))) for day, stances in sorted(days.items())]
            for cell, days in by_day.items()}


def _stance_on(points: list[tuple[dt.date, str]], day: dt.date) -> str | None:
    stance = None
    for date, value in points:
        if date > day:
            break
        stance = value
    return stance


def cell_changes(base: Dataset, target: Dataset) -> list[CellChange]:
    """Every stretch of days in the period where a cell's position in force differs."""
    period = target.config.period
    old, new = _in_force(base), _in_force(target)
    changes = []
    for cell in sorted(old.keys() | new.keys()):
        before, after = old.get(cell, []), new.get(cell, [])
        if before == after:
            continue
        # Positions can only differ from one change point to the next: compare at each.
        points = sorted({period.start, *(d for d, _ in before + after if period.start < d <= period.end)})
        actor, dimension = cell.split(".", 1)
        for i, start in enumerate(points):
            end = points[i + 1] - dt.timedelta(days=1) if i + 1 < len(points) else period.end
            was, now = _stance_on(before, start), _stance_on(after, start)
            if was == now:
                continue
            last = changes[-1] if changes else None
            if last and (last.actor, last.dimension, last.old, last.new) == (actor, dimension, was, now) \
                    and last.end + dt.timedelta(days=1) == start:
                changes[-1] = CellChange(actor, dimension, was, now, last.start, end)
            else:
                changes.append(CellChange(actor, dimension, was, now, start, end))
    return changes


def diff(config_path: Path, base: str | None = "HEAD", target: str | None = WORKING_TREE) -> DataDiff:
    """Compare the data at `base` with the data at `target` (None: the working tree)."""
    with tempfile.TemporaryDirectory(prefix="stance-diff-") as tmp:
        old = load_revision(config_path, base, Path(tmp))
        new = load_revision(config_path, target, Path(tmp))
    if old.config is None or new.config is None:
        which = base if old.config is None else (target or "the working tree")
        raise DiffError(f"config.yaml at {which} does not load; run `python -m dashboard validate`")
    return DataDiff(base or "the working tree", target or "the working tree", new.config.period.end,
                    statement_changes(old, new), cell_changes(old, new), [str(p) for p in new.problems])


# --- formatting -----------------------------------------------------------------------------------

def _stance(value: str | None) -> str:
    return value if value is not None else "(no position)"


def describe_cell(change: CellChange, period_end: dt.date) -> str:
    """`GBR troops: willing → committed from 2026-01-06 to 2026-01-06 (1 day)`."""
    span = (f"from {change.start} to the period end" if change.end == period_end
            else f"from {change.start} to {change.end}")
    return (f"{change.actor} {change.dimension}: {_stance(change.old)} → {_stance(change.new)} {span} "
            f"({change.days} day{'s' if change.days != 1 else ''})")


def describe_statement(change: StatementChange) -> str:
    head = f"{change.actor} {change.dimension} {change.date} ({change.source})"
    if change.kind != "changed":
        return f"{change.kind}: {head}"
    fields = "; ".join(f"{name}: {old!r} → {new!r}" for name, (old, new) in change.fields.items())
    return f"changed: {head}: {fields}"


def as_text(result: DataDiff) -> str:
    if result.empty:
        return f"No change in the data between {result.base} and {result.target}."
    lines = [f"Data changes, {result.base} → {result.target}:", "",
             f"Statements ({len(result.statements)}):"]
    lines += [f"  {describe_statement(c)}" for c in result.statements] or ["  (none)"]
    lines += ["", f"Cells whose position in force changes ({len(result.cells)}):"]
    lines += [f"  {describe_cell(c, result.period_end)}" for c in result.cells] or ["  (none)"]
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(result: DataDiff) -> str:
    """Ready to paste into a pull-request review."""
    if result.empty:
        return f"**No change in the data** between `{result.base}` and `{result.target}`."
    lines = [f"### Data changes: `{result.base}` → `{result.target}`", "",
             f"**Statements** ({len(result.statements)})", "",
             "| change | actor | question | date | source | fields |", "|---|---|---|---|---|---|"]
    for c in result.statements:
        fields = "; ".join(f"{name}: {_md(str(old))} → {_md(str(new))}" for name, (old, new) in c.fields.items())
        lines.append(f"| {c.kind} | {c.actor} | {c.dimension} | {c.date} | `{c.source}` | {fields} |")
    lines += ["", f"**Cells whose position in force changes** ({len(result.cells)})", "",
              "| actor | question | was | now | from | to | days |", "|---|---|---|---|---|---|---|"]
    for c in result.cells:
        end = "period end" if c.end == result.period_end else str(c.end)
        lines.append(f"| {c.actor} | {c.dimension} | {_md(_stance(c.old))} | {_md(_stance(c.new))} | {c.start} | "
                     f"{end} | {c.days} |")
    return "\n".join(lines)


def as_json(result: DataDiff) -> str:
    return json.dumps({
        "base": result.base, "target": result.target,
        "statements": [{"kind": c.kind, "actor": c.actor, "dimension": c.dimension, "date": c.date.isoformat(),
                        "source": c.source, "fields": {k: list(v) for k, v in c.fields.items()}}
                       for c in result.statements],
        "cells": [{"actor": c.actor, "dimension": c.dimension, "old": c.old, "new": c.new,
                   "start": c.start.isoformat(), "end": c.end.isoformat(), "days": c.days} for c in result.cells],
        "problems": result.problems,
    }, ensure_ascii=False, indent=1)
