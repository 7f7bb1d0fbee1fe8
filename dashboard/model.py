"""Typed records of the data contract: config, actors, sources, positions.

The field descriptions double as the JSON Schema editors see as hover help
(`python -m dashboard schema`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Language = Literal["en", "ja"]
Confidence = Literal["high", "medium", "low"]
CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
ACTOR_ID_PATTERN = r"^[A-Z][A-Z0-9]{1,9}$"
LANGUAGE_PATTERN = r"^[a-z]{2}$"
SEED_PATTERN = r"^seeds/[^/\\]+\.txt$"  # inside seeds/: a seed path cannot point elsewhere on disk
# What each pattern means, for validation messages an editor can act on.
PATTERN_HINTS = {
    ID_PATTERN: "letters, digits, '_', '.' or '-', starting with a letter or digit",
    ACTOR_ID_PATTERN: "2 to 10 upper-case letters or digits, starting with a letter (e.g. GBR, NATO)",
    LANGUAGE_PATTERN: "a two-letter lower-case language code (e.g. en, ja)",
    SEED_PATTERN: "a file in the seeds folder, written seeds/<file>.txt",
}


class Record(BaseModel):
    """Base for every record: unknown keys are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Record):
    en: str = Field(min_length=1, description="English text.")
    ja: str = Field(min_length=1, description="Japanese text (日本語).")

    def __call__(self, language: str) -> str:
        return self.ja if language == "ja" else self.en


class Stance(Record):
    id: str = Field(pattern=ID_PATTERN, description="Stance id used in position files, e.g. `willing`.")
    score: int = Field(ge=-2, le=2, description="-2 (least support) … +2 (most support).")
    label: Localized


class Dimension(Record):
    id: str = Field(pattern=ID_PATTERN, description="Dimension id, e.g. `troops`.")
    label: Localized
    question: Localized
    stances: list[Stance] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_stance_ids(self) -> "Dimension":
        ids = [s.id for s in self.stances]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate stance id {', '.join(duplicates)}")
        return self

    def stance(self, stance_id: str) -> Stance | None:
        return next((s for s in self.stances if s.id == stance_id), None)


class Period(Record):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.end < self.start:
            raise ValueError("period.end is before period.start")
        return self


class Event(Record):
    date: dt.date = Field(description="Day of the key moment.")
    label: Localized


class Group(Record):
    id: str = Field(pattern=ID_PATTERN, description="Group id used in actors.yaml, e.g. `EU`.")
    label: Localized


class Config(Record):
    title: Localized
    period: Period
    default_language: Language = "en"
    languages: list[Language] = ["en", "ja"]
    data_dir: str = Field("data", description="Folder with actors.yaml, sources.yaml and positions/, relative to config.yaml.")
    score_colors: dict[str, str] = Field(description="Colour per score, keys '-2' … '2'.")
    no_position_color: str = "#e6e6e6"
    dimensions: list[Dimension] = Field(min_length=1)
    events: list[Event] = []
    groups: list[Group] = Field([], description="Groups actors can belong to, for filtering.")
    editing: bool = Field(False, description="Let the 'Add a statement' page save to the data files. Only for a "
                                             "local, single-user setup; off, the page shows YAML to paste.")

    @model_validator(mode="after")
    def _complete_colors(self) -> "Config":
        missing = [str(s) for s in range(-2, 3) if str(s) not in self.score_colors]
        if missing:
            raise ValueError(f"score_colors lacks scores {', '.join(missing)}")
        ids = [d.id for d in self.dimensions]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate dimension id")
        return self

    def dimension(self, dimension_id: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.id == dimension_id), None)

    def color(self, score: int) -> str:
        return self.score_colors[str(score)]


class Actor(Record):
    id: str = Field(pattern=ACTOR_ID_PATTERN, description="ISO 3166-1 alpha-3 for states (GBR); short upper-case id for organisations (NATO).")
    name: Localized
    kind: Literal["state", "organization"]
    groups: list[str] = Field([], description="Groups for filtering, e.g. EU, NATO, G7.")


class Source(Record):
    id: str = Field(pattern=ID_PATTERN, description="Id cited by positions, e.g. `seed-000` or `reuters-20250302-london`.")
    outlet: str = Field(min_length=1)
    title: str = Field(min_length=1)
    published: dt.date = Field(description="Publication date; statements citing it must not be later.")
    language: str = Field(pattern=LANGUAGE_PATTERN, description="ISO 639-1 language of the source.")
    seed: str | None = Field(None, pattern=SEED_PATTERN,
                             description="Seed file, `seeds/<file>.txt` (exactly one of seed / url).")
    url: str | None = Field(None, description="http(s) address of the source (exactly one of seed / url).",
                            json_schema_extra={"pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"})  # editors flag javascript: etc.
    accessed: dt.date | None = Field(None, description="Day the cited quote was last confirmed on the page (a citation's "
                                                       "access-date); web sources only, not before `published`.")
    note: str | None = Field(None, description="Anything a reader should know about the source, e.g. how its date was established.")

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: str | None) -> str | None:
        if url is not None and not url.lower().startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://")
        return url

    @model_validator(mode="after")
    def _one_location(self) -> "Source":
        if (self.seed is None) == (self.url is None):
            raise ValueError("give exactly one of `seed` or `url`")
        return self


class Position(Record):
    dimension: str = Field(description="Dimension id from config.yaml, e.g. `troops`.")
    date: dt.date = Field(description="Day the statement was made (YYYY-MM-DD).")
    stance: str = Field(description="Stance id from this dimension's scale in config.yaml.")
    speaker: str = Field(min_length=1, description="Who said it, with their office.")
    summary: Localized = Field(description="The position in your own words, English and Japanese.")
    source: str = Field(description="Source id from sources.yaml.")
    quote: str | None = Field(None, description="Verbatim from the source, in its language.")
    conditions: str | None = Field(None, description="What the position depends on.")
    confidence: Confidence = Field("medium", description="high: own on-record words; medium: reported; low: anonymous or inferred.")


class PositionsFile(Record):
    actor: str = Field(description="Actor id; the file is named after it in lower case.")
    positions: list[Position] = []


def cell_key(actor_id: str, dimension_id: str) -> str:
    """How a matrix cell is named in clicks, links, pickers and gaps: 'GBR.troops'."""
    return f"{actor_id}.{dimension_id}"


NOT_APPLICABLE = "not applicable"


class Gap(Record):
    """A cell with no statement on purpose (data/gaps.yaml): why no position is recorded."""

    actor: str = Field(pattern=ACTOR_ID_PATTERN, description="Actor id from actors.yaml.")
    dimension: str = Field(pattern=ID_PATTERN, description="Dimension id from config.yaml.")
    reason: Localized = Field(description="Why the cell is empty: not applicable, or what was searched "
                                          "and not found.")

    @property
    def id(self) -> str:
        return cell_key(self.actor, self.dimension)

    @property
    def not_applicable(self) -> bool:
        """The question does not apply to this actor (its reason starts "Not applicable"), so
        the cell is left out of coverage rather than counted as unknown."""
        return self.reason.en.lower().startswith(NOT_APPLICABLE)


@dataclass(frozen=True, slots=True)
class Statement:
    """A validated position with where it came from: what queries and pages work on."""

    actor: str
    position: Position
    score: int
    path: str
    line: int
    order: int  # index in its file: the as-of tie rule prefers the first in the file
