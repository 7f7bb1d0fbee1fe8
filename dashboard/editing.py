"""Adding a statement without writing YAML by hand: the entry as YAML text, checked by the same
validator as the files, and (only where config.yaml says `editing: true`) appended to the
actor's file and sources.yaml — atomically, keeping every existing byte, and only when the
result validates.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .load import Dataset, load_dataset
from .yamlread import Problem

POSITION_FIELDS = ("dimension", "date", "stance", "speaker", "summary", "source", "quote", "conditions", "confidence")
SOURCE_FIELDS = ("id", "outlet", "title", "published", "language", "url", "accessed", "note")


@dataclass(frozen=True)
class Addition:
    """One statement to add, and the new source it cites (None: it cites an existing one)."""

    actor: str
    position: dict
    source: dict | None = None


def _block(record: dict, fields: tuple[str, ...], indent: str) -> str:
    """One YAML list item, keys in contract order, empty optional fields left out."""
    kept = {name: record[name] for name in fields if record.get(name) not in (None, "", {})}
    text = yaml.safe_dump([kept], allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    return "".join(indent + line if line.strip() else line for line in text.splitlines(keepends=True))


def position_yaml(addition: Addition) -> str:
    """The statement as it goes at the end of `positions:` in the actor's file."""
    return _block(addition.position, POSITION_FIELDS, "  ")


def source_yaml(addition: Addition) -> str:
    """The new source as it goes at the end of sources.yaml ('' when it cites an existing one)."""
    return _block(addition.source, SOURCE_FIELDS, "") if addition.source else ""


def positions_path(dataset: Dataset, actor: str) -> Path:
    return dataset.root / dataset.config.data_dir / "positions" / f"{actor.lower()}.yaml"


def sources_path(dataset: Dataset) -> Path:
    return dataset.root / dataset.config.data_dir / "sources.yaml"


def _appended(text: str, block: str, actor: str | None = None) -> str:
    """`text` with `block` added at its end, every existing byte kept. A new or empty positions
    file gets its `actor:` / `positions:` header first."""
    if actor is not None and not text.strip():
        text = f"actor: {actor}\npositions:\n"
    if actor is not None and text.rstrip().endswith("positions: []"):
        text = text.rstrip()[:-len("[]")].rstrip() + "\n"  # an explicitly empty list takes items now
    return text + ("" if not text or text.endswith("\n") else "\n") + block


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def new_texts(dataset: Dataset, addition: Addition) -> dict[Path, str]:
    """The files the addition changes, with their whole new text."""
    texts = {positions_path(dataset, addition.actor):
             _appended(_read(positions_path(dataset, addition.actor)), position_yaml(addition), addition.actor)}
    if addition.source:
        texts[sources_path(dataset)] = _appended(_read(sources_path(dataset)), source_yaml(addition))
    return texts


def check(config_path: Path, dataset: Dataset, addition: Addition) -> list[Problem]:
    """Problems the addition brings, found by loading a copy of the data with it appended (the
    validator the files go through); problems the data already had are not repeated."""
    root = dataset.root
    with tempfile.TemporaryDirectory(prefix="stance-add-") as tmp:
        copy = Path(tmp)
        shutil.copy(config_path, copy / Path(config_path).name)
        shutil.copytree(root / dataset.config.data_dir, copy / dataset.config.data_dir)
        if (root / "seeds").is_dir():
            os.symlink(root / "seeds", copy / "seeds")  # read only, and the largest folder
        for path, text in new_texts(dataset, addition).items():
            target = copy / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        after = load_dataset(copy / Path(config_path).name)
    before = {str(p) for p in dataset.problems}
    return [p for p in after.problems if str(p) not in before]


def _write_atomically(path: Path, text: str) -> None:
    # A temporary file in the same folder, then a rename: a reader sees the old file or the
    # new one, never half of it.
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        if path.exists():
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save(config_path: Path, dataset: Dataset, addition: Addition) -> list[Problem]:
    """Append the addition to the files when the result validates; returns the problems that
    stopped it (then nothing was written). Refuses unless config.yaml has `editing: true`."""
    if not dataset.config.editing:
        raise PermissionError("saving is off: set `editing: true` in config.yaml (local, single-user setups)")
    problems = check(config_path, dataset, addition)
    if problems:
        return problems
    # The source first: a statement never cites a source that is not on disk yet.
    for path, text in sorted(new_texts(dataset, addition).items(), key=lambda item: item[0].name != "sources.yaml"):
        _write_atomically(path, text)
    return []
