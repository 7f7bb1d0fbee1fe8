"""The dataset as a Frictionless (Tabular) Data Package: four UTF-8 CSV files and a
datapackage.json that describes every resource and field. No Streamlit here.

    statements.csv       one row per statement, with its actor's names and its source
    matrix_by_event.csv  every actor × dimension cell on every key-event day and the period end
    actors.csv           the actors, groups ';'-joined
    sources.csv          the sources

The matrix rows come from the same as-of query (PositionIndex) as the dashboard and the CLI:
a contested cell lists every stance and source '|'-joined, the scoring one first, as
`python -m dashboard matrix` does. Only records that validate are written, as everywhere.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import zipfile
from pathlib import Path

from .load import Dataset
from .model import CONFIDENCE_RANK
from .query import PositionIndex, event_labels, key_days

PACKAGE_NAME = "stance-matrix"
DESCRIPTOR = "datapackage.json"
STATEMENTS, MATRIX, ACTORS, SOURCES = "statements", "matrix_by_event", "actors", "sources"
RESOURCES = (STATEMENTS, MATRIX, ACTORS, SOURCES)
PACKAGE_FILES = (DESCRIPTOR, *(f"{name}.csv" for name in RESOURCES))
PERIOD_END = "period end"  # event_en of the period's last day, as `coverage` names it
CONTESTED_SEPARATOR = "|"  # stances and sources of a contested cell, as `matrix` joins them
GROUP_SEPARATOR = ";"
LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
QUOTES_NOTICE = ("Quotes are verbatim excerpts from the cited sources and remain the work of their authors and "
                 "publishers; they are included for citation, and the licence does not cover them.")

STATEMENT_COLUMNS = ["actor", "actor_name_en", "actor_name_ja", "dimension", "date", "stance", "score", "speaker",
                     "summary_en", "summary_ja", "quote", "conditions", "confidence", "source", "outlet", "title",
                     "url", "seed", "published", "accessed"]
MATRIX_COLUMNS = ["date", "event_en", "actor", "dimension", "stance", "score", "statement_date", "source",
                  "contested"]
ACTOR_COLUMNS = ["id", "name_en", "name_ja", "kind", "groups"]
SOURCE_COLUMNS = ["id", "outlet", "title", "published", "language", "url", "seed", "accessed", "note"]


# --- rows -------------------------------------------------------------------------------------

def _cell(value) -> str:
    """A CSV cell: ISO dates, lower-case booleans, empty for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _csv_bytes(columns: list[str], rows: list[tuple]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")  # no BOM: the descriptor says utf-8


def statement_rows(dataset: Dataset) -> list[tuple]:
    """One row per statement: actor (in actors.yaml order), dimension (config order), date,
    then the order in the file."""
    actor_order = {actor: i for i, actor in enumerate(dataset.actors)}
    dimension_order = {d.id: i for i, d in enumerate(dataset.config.dimensions)}
    statements = sorted(dataset.statements, key=lambda s: (
        actor_order.get(s.actor, len(actor_order)), s.actor, dimension_order.get(s.position.dimension, 0),
        s.position.date, s.order))
    rows = []
    for s in statements:
        p, actor, source = s.position, dataset.actors[s.actor], dataset.sources[s.position.source]
        rows.append((s.actor, actor.name.en, actor.name.ja, p.dimension, p.date, p.stance, s.score, p.speaker,
                     p.summary.en, p.summary.ja, p.quote, p.conditions, p.confidence, p.source, source.outlet,
                     source.title, source.url, source.seed, source.published, source.accessed))
    return rows


def event_days(config) -> list[tuple[dt.date, str]]:
    """The key days (every event and the period end) with their English labels."""
    labels = {config.period.end: PERIOD_END} | event_labels(config, "en")
    return [(day, labels[day]) for day in key_days(config)]


def matrix_rows(dataset: Dataset, index: PositionIndex | None = None) -> list[tuple]:
    """Every actor × dimension cell on every key day, from the as-of query."""
    index = index or PositionIndex(dataset)
    rows = []
    for day, event in event_days(dataset.config):
        matrix = index.matrix(day)
        for actor, dimension, stances, score, date, sources, contested in zip(
                matrix["actor"], matrix["dimension"], matrix["stances"], matrix["score"], matrix["date"],
                matrix["sources"], matrix["contested"]):
            known = isinstance(stances, str)
            rows.append((day, event, actor, dimension, stances if known else None,
                         int(score) if known else None, date.date() if known else None,
                         sources if known else None, bool(contested)))
    return rows


def actor_rows(dataset: Dataset) -> list[tuple]:
    return [(a.id, a.name.en, a.name.ja, a.kind, GROUP_SEPARATOR.join(a.groups)) for a in dataset.actors.values()]


def source_rows(dataset: Dataset) -> list[tuple]:
    return [(s.id, s.outlet, s.title, s.published, s.language, s.url, s.seed, s.accessed, s.note)
            for s in dataset.sources.values()]


# --- descriptor -------------------------------------------------------------------------------

def _field(name: str, type_: str, description: str, required: bool = False, format: str | None = None,
           **constraints) -> dict:
    field = {"name": name, "type": type_, "description": description}
    if format or type_ == "date":
        field["format"] = format or "default"  # a date's default: ISO 8601, YYYY-MM-DD
    if required:
        constraints = {"required": True, **constraints}
    if constraints:
        field["constraints"] = constraints
    return field


def _stance_ids(config) -> list[str]:
    return list(dict.fromkeys(s.id for d in config.dimensions for s in d.stances))


def _scales(config) -> str:
    """Every dimension's scale in words: 'troops (question): rules_out = -2 (Rules it out), …'."""
    def scale(dimension) -> str:
        return ", ".join(f"{s.id} = {s.score:+d} ({s.label.en})" if s.score else f"{s.id} = 0 ({s.label.en})"
                         for s in dimension.stances)

    return "; ".join(f"{d.id} ({d.question.en}): {scale(d)}" for d in config.dimensions)


def _dimension_ids(config) -> list[str]:
    return [d.id for d in config.dimensions]


def _schema_statements(config) -> dict:
    scales = _scales(config)
    fields = [
        _field("actor", "string", "Actor id (actors.csv id): ISO 3166-1 alpha-3 for states, a short id for "
               "organisations.", True),
        _field("actor_name_en", "string", "The actor's name in English.", True),
        _field("actor_name_ja", "string", "The actor's name in Japanese.", True),
        _field("dimension", "string", "The question: " + "; ".join(f"{d.id} = {d.question.en}"
                                                                    for d in config.dimensions), True,
               enum=_dimension_ids(config)),
        _field("date", "date", "The day the statement was made (YYYY-MM-DD). Dated before the period start "
               f"({config.period.start}): a standing position, the baseline.", True),
        _field("stance", "string", "Stance id on the dimension's scale. Each dimension has its own scale: "
               f"{scales}.", True, enum=_stance_ids(config)),
        _field("score", "integer", "The stance's score, -2 (least support) to +2 (most support), from the "
               "dimension's scale.", True, minimum=-2, maximum=2),
        _field("speaker", "string", "Who said it, with their office.", True),
        _field("summary_en", "string", "The position in our words, English.", True),
        _field("summary_ja", "string", "The position in our words, Japanese.", True),
        _field("quote", "string", "Verbatim from the source, in its language (empty: none recorded). "
               + QUOTES_NOTICE),
        _field("conditions", "string", "What the position depends on (empty: none recorded)."),
        _field("confidence", "string", "high: the leader's or minister's own on-record words; medium: a "
               "government position as reported; low: anonymous officials or inferred.", True,
               enum=sorted(CONFIDENCE_RANK, key=CONFIDENCE_RANK.get)),
        _field("source", "string", "Source id (sources.csv id).", True),
        _field("outlet", "string", "The source's outlet.", True),
        _field("title", "string", "The source's title.", True),
        _field("url", "string", "The source's web address (empty for a seed document).", format="uri"),
        _field("seed", "string", "The seed document the source is, seeds/<file>.txt in the project "
               "(empty for a web source)."),
        _field("published", "date", "The source's publication date.", True),
        _field("accessed", "date", "The day the quoted words were last confirmed on the web page (empty for "
               "a seed document)."),
    ]
    return {"fields": fields,
            "foreignKeys": [{"fields": "actor", "reference": {"resource": ACTORS, "fields": "id"}},
                            {"fields": "source", "reference": {"resource": SOURCES, "fields": "id"}}]}


def _schema_matrix(config) -> dict:
    stance = "(" + "|".join(re.escape(s) for s in _stance_ids(config)) + ")"
    fields = [
        _field("date", "date", "The day of the matrix: a key event or the period end.", True),
        _field("event_en", "string", f"What happened that day ('{PERIOD_END}' for the period's last day; "
               "'; '-joined when several events share it).", True),
        _field("actor", "string", "Actor id (actors.csv id).", True),
        _field("dimension", "string", "The question (see statements.csv dimension).", True,
               enum=_dimension_ids(config)),
        _field("stance", "string", "The stance in force that day: the latest statement on or before it. "
               f"Contested (several stances on that latest date): every stance, '{CONTESTED_SEPARATOR}'-joined, "
               "the scoring one first. Empty: no known position. Scales: " + _scales(config) + ".",
               pattern=f"{stance}(\\{CONTESTED_SEPARATOR}{stance})*"),
        _field("score", "integer", "The cell's score, -2 to +2 (contested: the highest-confidence statement's, "
               "ties the first in the file). Empty: no known position, never 0.", minimum=-2, maximum=2),
        _field("statement_date", "date", "The date of the statement(s) in force (empty: no known position)."),
        _field("source", "string", "Source id(s) of the statement(s) in force (sources.csv id), "
               f"'{CONTESTED_SEPARATOR}'-joined when several."),
        _field("contested", "boolean", "true when statements of the same latest date disagree on the stance.",
               True),
    ]
    return {"fields": fields, "primaryKey": ["date", "actor", "dimension"],
            "foreignKeys": [{"fields": "actor", "reference": {"resource": ACTORS, "fields": "id"}}]}


def _schema_actors(config) -> dict:
    groups = "; ".join(f"{g.id} = {g.label.en}" for g in config.groups)
    return {"fields": [
        _field("id", "string", "Actor id: ISO 3166-1 alpha-3 for states (GBR), a short upper-case id for "
               "organisations (NATO).", True, unique=True, pattern="[A-Z][A-Z0-9]{1,9}"),
        _field("name_en", "string", "Name in English.", True),
        _field("name_ja", "string", "Name in Japanese.", True),
        _field("kind", "string", "state or organization.", True, enum=["state", "organization"]),
        _field("groups", "string", f"Groups the actor belongs to, '{GROUP_SEPARATOR}'-joined (empty: none): "
               f"{groups}."),
    ], "primaryKey": ["id"]}


def _schema_sources() -> dict:
    fields = [
        _field("id", "string", "Source id, cited by statements.csv source.", True, unique=True),
        _field("outlet", "string", "Publisher or outlet.", True),
        _field("title", "string", "Title (where the page showed none, the title says so and note explains).",
               True),
        _field("published", "date", "Publication date.", True),
        _field("language", "string", "ISO 639-1 language of the source.", True, pattern="[a-z]{2}"),
        _field("url", "string", "Web address (exactly one of url / seed).", format="uri"),
        _field("seed", "string", "Seed document, seeds/<file>.txt in the project (exactly one of url / seed)."),
        _field("accessed", "date", "The day the quoted words were last confirmed on the page (web sources)."),
        _field("note", "string", "Anything a reader should know about the source."),
    ]
    return {"fields": fields, "primaryKey": ["id"]}


def _resource(name: str, title: str, description: str, schema: dict, data: bytes) -> dict:
    return {"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "title": title,
            "description": description, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": len(data), "dialect": {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"',
                                            "doubleQuote": True, "header": True},
            "schema": schema}


def descriptor(dataset: Dataset, files: dict[str, bytes], created: dt.datetime, counts: dict[str, int]) -> dict:
    config = dataset.config
    days = event_days(config)
    title = config.title.en
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": title,
        "description": (
            f"{config.title.en} / {config.title.ja}. A hand-curated, sourced dataset of "
            f"{counts[ACTORS]} countries' and organisations' positions ({counts[STATEMENTS]} statements from "
            f"{counts[SOURCES]} sources) on {len(config.dimensions)} questions: "
            + "; ".join(f"{d.id}: {d.question.en}" for d in config.dimensions)
            + f". Period {config.period.start} to {config.period.end}; statements dated before the start are "
            "the baseline. The position in force on a day is the latest-dated statement on or before it; "
            "several stances on that date make the cell contested. Summaries are in English and Japanese. "
            "The dataset's own text (codings, summaries, conditions, tables) is licensed CC BY 4.0. "
            + QUOTES_NOTICE),
        "keywords": ["Ukraine", "ceasefire", "security guarantees", "NATO", "coalition of the willing",
                     "stance", "foreign policy"],
        "created": created.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "licenses": [LICENSE],
        "sources": [{"title": "Public statements, news reports and seed documents listed in sources.csv, "
                              "each with its outlet, title, date and url or seed file",
                     "path": "sources.csv"}],
        "citation": f"{title} (dataset, {created:%Y-%m-%d}), CC BY 4.0. Quotes: see each "
                    "statement's source.",
        "temporalCoverage": {"start": config.period.start.isoformat(), "end": config.period.end.isoformat()},
        "keyDays": [{"date": day.isoformat(), "event_en": event} for day, event in days],
        "languages": list(config.languages),
        "resources": [
            _resource(STATEMENTS, "Statements",
                      "One row per statement: an actor's position on one question on the day it was made, "
                      "with its source.", _schema_statements(config), files[f"{STATEMENTS}.csv"]),
            _resource(MATRIX, "Matrix on the key days",
                      f"Every actor × dimension cell on each of the {len(days)} key days (key events and the "
                      f"period end): {counts[ACTORS]} × {len(config.dimensions)} × {len(days)} rows.",
                      _schema_matrix(config), files[f"{MATRIX}.csv"]),
            _resource(ACTORS, "Actors", "Countries and organisations.", _schema_actors(config),
                      files[f"{ACTORS}.csv"]),
            _resource(SOURCES, "Sources", "Where the statements come from.", _schema_sources(),
                      files[f"{SOURCES}.csv"]),
        ],
    }


# --- output -----------------------------------------------------------------------------------

def package_files(dataset: Dataset, created: dt.datetime | None = None) -> dict[str, bytes]:
    """The package's five files by name, datapackage.json first."""
    if dataset.config is None:
        raise ValueError("the dataset has no valid config: nothing to package")
    created = created or dt.datetime.now(dt.timezone.utc)
    tables = {
        STATEMENTS: (STATEMENT_COLUMNS, statement_rows(dataset)),
        MATRIX: (MATRIX_COLUMNS, matrix_rows(dataset)),
        ACTORS: (ACTOR_COLUMNS, actor_rows(dataset)),
        SOURCES: (SOURCE_COLUMNS, source_rows(dataset)),
    }
    files = {f"{name}.csv": _csv_bytes(columns, rows) for name, (columns, rows) in tables.items()}
    counts = {name: len(rows) for name, (_, rows) in tables.items()}
    meta = descriptor(dataset, files, created, counts)
    return {DESCRIPTOR: (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), **files}


def write_package(dataset: Dataset, out_dir: Path | str, created: dt.datetime | None = None) -> list[Path]:
    """Write the package into `out_dir` (created if needed); returns the paths written,
    datapackage.json first."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in package_files(dataset, created).items():
        (out_dir / name).write_bytes(data)
        paths.append(out_dir / name)
    return paths


def package_zip_bytes(dataset: Dataset, created: dt.datetime | None = None) -> bytes:
    """The package as a zip (the five files at its top level), e.g. for a download button."""
    created = created or dt.datetime.now(dt.timezone.utc)
    stamp = created.astimezone(dt.timezone.utc).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in package_files(dataset, created).items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
