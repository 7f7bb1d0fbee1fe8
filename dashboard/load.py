"""YAML files → typed model, with every problem as `path:line: message`.

One broken file or record never stops the rest: it becomes a Problem and is left out.
"""
from __future__ import annotations

import datetime as dt
import difflib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .model import (PATTERN_HINTS, Actor, Config, Gap, Localized, Position, PositionsFile, Source, Statement,
                    cell_key)
from .yamlread import Mapping, Problem, Sequence, line_at, read_yaml

_KNOWN_KEYS = sorted({name for model in (Config, Actor, Source, Position, PositionsFile, Localized, Gap)
                      for name in model.model_fields})
LIST_FILES = ("actors.yaml", "sources.yaml")  # in the data directory, beside positions/
GAPS_FILE = "gaps.yaml"  # optional, in the data directory


@dataclass
class Dataset:
    """Everything loaded from one config: what validated, and every problem found."""

    config: Config | None
    root: Path
    actors: dict[str, Actor] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    gaps: dict[str, Gap] = field(default_factory=dict)  # by cell key, e.g. 'HUN.us_backstop'
    problems: list[Problem] = field(default_factory=list)
    # Ids of actors and sources whose own record has a problem: references to them are not
    # "unknown", they point at that problem.
    rejected_ids: set[str] = field(default_factory=set)


def _rejected(item: object, dataset: Dataset) -> None:
    if isinstance(item, Mapping) and isinstance(item.get("id"), str):
        dataset.rejected_ids.add(item["id"])


def _did_you_mean(word: str, candidates) -> str:
    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _field_name(loc: tuple) -> str:
    return ".".join(str(part) for part in loc if isinstance(part, str)) or "record"


def _short(value: object, limit: int = 60) -> str:
    """repr() cut to a readable length: a problem is one line, whatever was pasted into the file."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 2] + "…" + text[-1]


def _kind_of(value: object) -> str:
    """What a YAML value is, in an editor's words."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list {_short(value)}"
    if isinstance(value, bool):
        return f"yes/no {value!r}"
    if isinstance(value, (int, float)):
        return f"a number {_short(value)}"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"a date {value.isoformat()}"
    return f"text {_short(value)}"


def _describe(error: dict) -> tuple[str, str]:
    """A problem code and an editor-friendly sentence for one pydantic error."""
    loc, kind, value = error["loc"], error["type"], error.get("input")
    name = _field_name(loc)
    if kind == "extra_forbidden":
        return "unknown-key", f"unknown key {_short(str(loc[-1]))}{_did_you_mean(str(loc[-1]), _KNOWN_KEYS)}"
    if kind == "missing":
        return "missing-field", f"missing required field '{name}'"
    if kind.startswith(("date_", "datetime_")):
        shown = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
        return "bad-date", f"{name}: {_short(str(shown))} is not a real date; write YYYY-MM-DD"
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") in PATTERN_HINTS:
        return "bad-format", f"{name}: {_short(value)} must be {PATTERN_HINTS[error['ctx']['pattern']]}"
    if kind.startswith("int_"):
        return "not-a-number", f"{name}: {_short(value)} is not a whole number"
    if kind in ("string_type", "dict_type", "list_type", "model_type", "model_attributes_type"):
        expected = {"string_type": "text", "dict_type": "a mapping", "list_type": "a list"}.get(kind, "a mapping")
        return "wrong-type", f"{name}: expected {expected}, got {_kind_of(value)}"
    message = error["msg"]
    message = message.removeprefix("Value error, ")
    message = f"{message[0].lower()}{message[1:]}" + (f" (got {_short(value)})" if kind == "literal_error" else "")
    if kind == "literal_error":
        return "not-allowed", f"{name}: {message}"
    if name == "record":  # a rule on the whole record, e.g. exactly one of seed / url
        return "invalid-record", message
    return ("bad-url" if name == "url" else "invalid-value"), f"{name}: {message}"


def _has_duplicate_key(data: object) -> bool:
    if isinstance(data, Mapping):
        return data.defective or any(_has_duplicate_key(value) for value in data.values())
    if isinstance(data, Sequence):
        return any(_has_duplicate_key(item) for item in data)
    return False


def _validate(model: type[BaseModel], data: object, path: str, problems: list[Problem]):
    """Validate `data` as `model`; on failure record each error at its line and return None."""
    if _has_duplicate_key(data):
        return None  # a duplicate key, even nested, was already reported; the record is ambiguous
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            code, message = _describe(item)
            problems.append(Problem(code, path, line_at(data, item["loc"]), message))
        return None


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def load_config(config_path: Path) -> tuple[Config | None, list[Problem]]:
    shown = config_path.name
    data, problems = read_yaml(config_path, shown)
    if data is None:
        return None, problems
    if not isinstance(data, Mapping):
        return None, problems + [Problem("not-a-mapping", shown, 1, "config.yaml must be a mapping of settings")]
    config = _validate(Config, data, shown, problems)
    return config, problems


def _records(data: object, shown: str, what: str, problems: list[Problem]) -> list[tuple[object, int]]:
    """The items of a top-level list file, each with its line."""
    if data is None:
        return []
    if not isinstance(data, Sequence):
        problems.append(Problem("not-a-list", shown, getattr(data, "line", 1),
                                f"expected a list of {what} (lines starting with '- ')"))
        return []
    return list(zip(data, data.item_lines))


def _list_records(root: Path, path: Path, model, what: str, registry: dict, dataset: Dataset):
    """The valid records of a list file (actors.yaml, sources.yaml) whose id is not taken yet,
    each with its YAML item and the file's shown path."""
    shown = _shown(path, root)
    data, problems = read_yaml(path, shown)
    dataset.problems += problems
    for item, line in _records(data, shown, f"{what}s", dataset.problems):
        record = _validate(model, item, shown, dataset.problems)
        if record is None:
            _rejected(item, dataset)
        elif record.id in registry:
            dataset.problems.append(Problem("duplicate-id", shown, line, f"duplicate {what} id '{record.id}'"))
        else:
            yield record, item, shown


def _load_actors(root: Path, data_dir: Path, dataset: Dataset) -> None:
    group_ids = [g.id for g in dataset.config.groups]
    for actor, item, shown in _list_records(root, data_dir / "actors.yaml", Actor, "actor", dataset.actors, dataset):
        unknown = [g for g in actor.groups if g not in group_ids]
        if unknown:
            dataset.problems.append(Problem("unknown-group", shown, line_at(item, ("groups",)),
                                            f"unknown group '{unknown[0]}', not in the groups of config.yaml"
                                            f"{_did_you_mean(unknown[0], group_ids)}"))
        dataset.actors[actor.id] = actor


def _load_sources(root: Path, data_dir: Path, dataset: Dataset, today: dt.date) -> None:
    for source, item, shown in _list_records(root, data_dir / "sources.yaml", Source, "source", dataset.sources,
                                             dataset):
        if source.accessed is not None and not source.published <= source.accessed <= today:
            when = "before it was published" if source.accessed < source.published else "in the future"
            dataset.problems.append(Problem("accessed-date", shown, line_at(item, ("accessed",)),
                                            f"accessed {source.accessed} is {when} (must lie between published "
                                            f"{source.published} and today {today})"))
        if source.seed is not None and not (root / source.seed).is_file():
            dataset.problems.append(Problem("unknown-seed", shown, line_at(item, ("seed",)),
                                            f"seed file '{source.seed}' does not exist"))
            dataset.rejected_ids.add(source.id)
            continue
        dataset.sources[source.id] = source


def _load_gaps(root: Path, data_dir: Path, dataset: Dataset) -> None:
    """data/gaps.yaml, when there is one: cells left empty on purpose, and why. Read after the
    positions: a gap must name a known actor and dimension, and its cell must have no statement."""
    path = data_dir / GAPS_FILE
    if not path.is_file():
        return
    dimension_ids = [d.id for d in dataset.config.dimensions]
    with_statements = {cell_key(s.actor, s.position.dimension) for s in dataset.statements}
    for gap, item, shown in _list_records(root, path, Gap, "gap", dataset.gaps, dataset):
        if gap.actor not in dataset.actors:
            if gap.actor not in dataset.rejected_ids:
                dataset.problems.append(Problem("unknown-actor", shown, line_at(item, ("actor",)),
                                                f"unknown actor '{gap.actor}'"
                                                f"{_did_you_mean(gap.actor, dataset.actors)}"))
        elif gap.dimension not in dimension_ids:
            dataset.problems.append(Problem("unknown-dimension", shown, line_at(item, ("dimension",)),
                                            f"unknown dimension '{gap.dimension}'"
                                            f"{_did_you_mean(gap.dimension, dimension_ids)}"))
        elif gap.id in with_statements:
            dataset.problems.append(Problem("gap-has-statement", shown, line_at(item, ("actor",)),
                                            f"gap {gap.id} is listed as empty, but the cell has a statement; "
                                            f"remove it from {GAPS_FILE}"))
        else:
            dataset.gaps[gap.id] = gap
    # With gaps.yaml the dataset documents every empty cell: a cell empty at the period's end
    # without a reason is a loss (a blanked file, a deleted statement), not an honest gap.
    for actor in dataset.actors:
        actor_file = data_dir / "positions" / f"{actor.lower()}.yaml"
        shown = _shown(actor_file if actor_file.is_file() else path, root)
        for dimension in dimension_ids:
            key = cell_key(actor, dimension)
            if key not in with_statements and key not in dataset.gaps:
                dataset.problems.append(Problem(
                    "undocumented-gap", shown, 1, f"{key} has no statement by the period end and no reason in "
                    f"{GAPS_FILE}; add a statement, or the gap with why it is empty"))


def _without_whitespace(text: str) -> str:
    # The seeds break lines mid-sentence (and mix full-width spaces), so quotes are
    # compared with every kind of whitespace removed.
    return "".join(text.split())


class _SeedTexts(dict):
    def __init__(self, root: Path):
        super().__init__()
        self.root = root

    def __missing__(self, seed: str) -> str:
        text = _without_whitespace((self.root / seed).read_text(encoding="utf-8", errors="replace"))
        self[seed] = text
        return text


def _check_position(position: Position, item: Mapping, shown: str, dataset: Dataset,
                    seeds: _SeedTexts, today: dt.date) -> int | None:
    """Cross-reference checks; returns the stance's score, or None after recording problems."""
    config = dataset.config
    found: list[Problem] = []

    def report(code: str, key: str, message: str) -> None:
        found.append(Problem(code, shown, line_at(item, (key,)), message))

    dimension = config.dimension(position.dimension)
    stance = None
    if dimension is None:
        report("unknown-dimension", "dimension", f"unknown dimension {_short(position.dimension)}"
               f"{_did_you_mean(position.dimension, [d.id for d in config.dimensions])}")
    else:
        stance = dimension.stance(position.stance)
        if stance is None:
            allowed = ", ".join(s.id for s in dimension.stances)
            report("unknown-stance", "stance", f"unknown stance {_short(position.stance)} for {dimension.id}"
                   f"{_did_you_mean(position.stance, [s.id for s in dimension.stances])} (allowed: {allowed})")
    source = dataset.sources.get(position.source)
    if source is None and position.source in dataset.rejected_ids:
        report("rejected-source", "source", f"source '{position.source}' is left out until its problem "
               "in sources.yaml is fixed")
    elif source is None:
        report("unknown-source", "source", f"unknown source {_short(position.source)}"
               f"{_did_you_mean(position.source, dataset.sources)}")
    if position.date > config.period.end:
        report("date-after-period", "date", f"date {position.date} is after the period end {config.period.end}")
    elif position.date > today:
        report("date-in-future", "date", f"date {position.date} is in the future")
    if source is not None:
        if position.date > source.published:
            report("date-after-source", "date", f"date {position.date} is after source '{source.id}' "
                   f"was published ({source.published})")
        if position.quote and source.seed and _without_whitespace(position.quote) not in seeds[source.seed]:
            report("quote-not-in-seed", "quote", f"quote not found in seed {source.seed} "
                   "(compared without whitespace); copy it verbatim")
    dataset.problems += found
    return None if found or stance is None else stance.score


def _load_positions_file(path: Path, root: Path, dataset: Dataset, seeds: _SeedTexts, today: dt.date) -> None:
    # One file per actor, named after it: a second file for an actor fails the name check.
    shown = _shown(path, root)
    data, problems = read_yaml(path, shown)
    dataset.problems += problems
    if data is None:
        return
    if not isinstance(data, Mapping):
        dataset.problems.append(Problem("not-a-mapping", shown, getattr(data, "line", 1),
                                        "a positions file is a mapping with 'actor:' and 'positions:'"))
        return
    # Validate the envelope first, the positions one by one, so a bad record loses only itself.
    envelope = Mapping({k: v for k, v in data.items() if k != "positions"})
    envelope.line, envelope.key_lines, envelope.defective = data.line, data.key_lines, data.defective
    header = _validate(PositionsFile, envelope, shown, dataset.problems)
    if header is None:
        return
    actor = header.actor
    actor_line = line_at(data, ("actor",))
    if actor not in dataset.actors and actor in dataset.rejected_ids:
        dataset.problems.append(Problem("rejected-actor", shown, actor_line,
                                        f"actor '{actor}' is left out until its problem in actors.yaml is fixed"))
        return
    if actor not in dataset.actors:
        dataset.problems.append(Problem("unknown-actor", shown, actor_line,
                                        f"unknown actor {_short(actor)}, not in actors.yaml{_did_you_mean(actor, dataset.actors)}"))
        return
    if path.stem != actor.lower():
        expected = path.with_name(f"{actor.lower()}.yaml")
        if expected.is_file():
            message = (f"actor '{actor}' already has a positions file, {_shown(expected, root)}; "
                       f"move these positions into it")
        else:
            message = f"file name '{path.name}' does not match actor '{actor}'; name it {actor.lower()}.yaml"
        dataset.problems.append(Problem("file-name", shown, actor_line, message))
        return
    items = data.get("positions", [])
    if items is None:  # `positions:` left with nothing after it: every statement of the actor gone
        dataset.problems.append(Problem("empty-positions", shown, line_at(data, ("positions",)),
                                        f"no statements: 'positions:' is empty; restore {actor}'s statements "
                                        "or delete the file"))
        return
    if not isinstance(items, Sequence):
        dataset.problems.append(Problem("not-a-list", shown, line_at(data, ("positions",)),
                                        "positions: expected a list of statements"))
        return
    for order, (item, line) in enumerate(zip(items, items.item_lines)):
        if not isinstance(item, Mapping):
            dataset.problems.append(Problem("not-a-mapping", shown, line, "each position must be a mapping of fields"))
            continue
        position = _validate(Position, item, shown, dataset.problems)
        if position is None:
            continue
        score = _check_position(position, item, shown, dataset, seeds, today)
        if score is not None:
            dataset.statements.append(Statement(actor, position, score, shown, line, order))


def _is_positions_file(name: str) -> bool:
    return name.endswith(".yaml") and not name.startswith(".")  # hidden files skipped, as a glob would


def _positions_files(positions_dir: Path) -> list[Path]:
    """The *.yaml files of positions/ in name order."""
    try:
        with os.scandir(positions_dir) as entries:
            names = sorted(e.name for e in entries if _is_positions_file(e.name))
    except OSError:
        return []
    return [positions_dir / name for name in names]


def data_files(config_path: Path, data_dir: Path | None) -> list[Path]:
    """Every file the dataset is read from: config, actors, sources, each positions file, and
    gaps.yaml when there is one."""
    files = [Path(config_path)]
    if data_dir is not None:
        files += [data_dir / name for name in LIST_FILES]
        files += _positions_files(data_dir / "positions")
        files += [path for path in (data_dir / GAPS_FILE,) if path.is_file()]
    return files


def _file_stamp(path: Path | str) -> tuple:
    try:
        info = os.stat(path)
        return str(path), info.st_size, info.st_mtime_ns
    except OSError:
        return str(path), -1, -1


@lru_cache(maxsize=16)
def _data_dir(config_stamp: tuple) -> Path | None:
    # Keyed on config.yaml's own stamp: it is parsed again only when it changes.
    config_path = Path(config_stamp[0])
    config, _ = load_config(config_path)
    return None if config is None else config_path.parent / config.data_dir


def data_stamp(config_path: Path) -> tuple:
    """(path, size, mtime) of every data file and seed: changes whenever an editor saves one.

    Runs on every dashboard rerun, so it only lists and stats files, straight from os.scandir."""
    config_stamp = _file_stamp(Path(config_path))
    data_dir = _data_dir(config_stamp)
    if data_dir is None:
        return (config_stamp,)
    stamps = [config_stamp, *(_file_stamp(data_dir / name) for name in (*LIST_FILES, GAPS_FILE))]
    # The seeds too: quotes are checked against them, so a removed or edited seed changes the data.
    for folder, wanted in ((data_dir / "positions", _is_positions_file),
                           (Path(config_path).parent / "seeds", lambda name: name.endswith(".txt"))):
        try:
            with os.scandir(folder) as entries:
                stamps += sorted((entry.path, info.st_size, info.st_mtime_ns) for entry in entries
                                 if wanted(entry.name) for info in (entry.stat(),))
        except OSError:
            pass
    return tuple(stamps)


def load_dataset(config_path: Path | str, today: dt.date | None = None) -> Dataset:
    """Load and validate everything; never raises for bad data."""
    config_path = Path(config_path).resolve()
    root = config_path.parent
    config, problems = load_config(config_path)
    dataset = Dataset(config=config, root=root, problems=problems)
    if config is None:
        return dataset
    data_dir = root / config.data_dir
    _load_actors(root, data_dir, dataset)
    today = today or dt.date.today()
    _load_sources(root, data_dir, dataset, today)
    seeds = _SeedTexts(root)
    for path in _positions_files(data_dir / "positions"):
        _load_positions_file(path, root, dataset, seeds, today)
    _load_gaps(root, data_dir, dataset)
    return dataset
