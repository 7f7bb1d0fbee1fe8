"""JSON Schemas of the data files, generated from the model so editors get hover help."""
from __future__ import annotations

from .model import Actor, Config, Gap, PositionsFile, Source

SCHEMA_KINDS = ("positions", "actors", "sources", "gaps", "config")
_LIST_ITEMS = {"actors": Actor, "sources": Source, "gaps": Gap}  # files that are a list of records


def json_schema(kind: str) -> dict:
    if kind == "positions":
        schema = PositionsFile.model_json_schema()
    elif kind == "config":
        schema = Config.model_json_schema()
    else:
        item = _LIST_ITEMS[kind].model_json_schema()
        schema = {"type": "array", "items": {"$ref": f"#/$defs/{item['title']}"},
                  "$defs": {**item.pop("$defs", {}), item["title"]: item}}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"Stance Matrix {kind} file"
    return schema
