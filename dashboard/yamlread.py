"""Safe YAML reading that keeps line numbers and turns every defect into a Problem.

PyYAML's C parser builds the node tree; we convert nodes ourselves instead of using its
constructor, so that duplicate keys become errors (PyYAML keeps the last one silently),
every key and list item remembers its line, no tag can construct an object, and an alias
bomb stops at a node budget instead of exhausting memory.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

try:  # the C parser is ~10x faster; fall back so a machine without libyaml still works
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 2 * 1024 * 1024  # a positions file is ~50 KB; several MB is a mistake
MAX_NODES = 500_000  # per file; far above any real positions file, far below an alias bomb


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem: a stable code, where it is, and a sentence for an editor."""

    code: str
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class Mapping(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    __slots__ = ("line", "key_lines", "defective")


class Sequence(list):
    """A YAML sequence that remembers its own line and the line of each item."""

    __slots__ = ("line", "item_lines")


class _Budget(Exception):
    pass


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


def _scalar(node: yaml.ScalarNode, path: str, problems: list[Problem]):
    tag, value = node.tag, node.value
    if tag == _STR:
        return value
    if tag == _INT:
        try:
            return int(value.replace("_", ""), 0) if value[:2].lower() in ("0x", "0o") else int(value.replace("_", ""))
        except ValueError:
            return value
    if tag == _TIMESTAMP:
        try:
            return dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
        except ValueError:
            return value  # not a real date: left as text so the schema check names it
    if tag == _BOOL:
        return value.lower() in ("true", "yes", "on")
    if tag == _NULL:
        return None
    if tag == _FLOAT:
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    if tag == "tag:yaml.org,2002:merge":
        message = "merge keys (<<) are not supported; write the fields out"
    else:
        message = f"unsupported YAML tag {tag!r}; write plain text"
    problems.append(Problem("unsupported-tag", path, node.start_mark.line + 1, message))
    return value


def _convert(root: yaml.Node, path: str, problems: list[Problem]):
    budget = [MAX_NODES]

    def convert(node: yaml.Node):
        budget[0] -= 1
        if budget[0] < 0:
            raise _Budget
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node, path, problems)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                problems.append(Problem("unsupported-tag", path, node.start_mark.line + 1,
                                        f"unsupported YAML tag {node.tag!r}"))
            seq = Sequence(convert(item) for item in node.value)
            seq.line = node.start_mark.line + 1
            seq.item_lines = [item.start_mark.line + 1 for item in node.value]
            return seq
        mapping = Mapping()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        mapping.defective = False
        if node.tag != _MAP:
            problems.append(Problem("unsupported-tag", path, mapping.line, f"unsupported YAML tag {node.tag!r}"))
        for key_node, value_node in node.value:
            key = convert(key_node)
            key = key if isinstance(key, str) else str(key)
            line = key_node.start_mark.line + 1
            if key in mapping:
                mapping.defective = True
                problems.append(Problem(
                    "duplicate-key", path, line,
                    f"duplicate key '{key[:60]}' (first at line {mapping.key_lines[key]}); remove one of them"))
                continue
            mapping[key] = convert(value_node)
            mapping.key_lines[key] = line
        return mapping

    return convert(root)


def _syntax_problem(error: yaml.YAMLError, text: str, shown_as: str) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):  # a control character; it has a position, not a mark
        line = text.count("\n", 0, error.position) + 1
        return Problem("yaml-syntax", shown_as, line, f"control character U+{error.character:04X} is not allowed "
                       "in YAML; delete it")
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None) or ""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if "quoted scalar" in context and getattr(error, "context_mark", None) is not None:
        # The parser only notices at the end of the file; the editor needs the opening quote.
        line = error.context_mark.line + 1
        return Problem("yaml-syntax", shown_as, line,
                       "YAML syntax error: a quote opened on this line is never closed")
    line = (mark.line + 1) if mark else 1
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = source_line[:len(source_line) - len(source_line.lstrip())]
    # libyaml does not always name the tab ("found character that cannot start any token").
    if "\t" in indent or "tab character" in problem or "'\\t'" in problem:
        return Problem("yaml-syntax", shown_as, line,
                       "YAML syntax error: a tab is used for indentation; indent with spaces")
    if problem.startswith("mapping values are not allowed"):
        return Problem("yaml-syntax", shown_as, line, "YAML syntax error: a ':' is not allowed here; check this "
                       "line's indentation, or put text that contains ': ' in quotes")
    return Problem("yaml-syntax", shown_as, line, f"YAML syntax error: {problem}" + (f" ({context})" if context else ""))


def read_yaml(path: Path, shown_as: str) -> tuple[object | None, list[Problem]]:
    """Parse one YAML file into Mapping/Sequence/scalars; never raises for bad content."""
    problems: list[Problem] = []
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)  # bounded: a link to /dev/zero reports size 0
        if size > MAX_FILE_BYTES or len(raw) > MAX_FILE_BYTES:
            size = max(size, len(raw))
            return None, [Problem("file-too-large", shown_as, 1,
                                  f"file is {size / 2**20:.1f} MB, over the {MAX_FILE_BYTES / 2**20:.0f} MB limit; split it")]
    except OSError as error:
        return None, [Problem("unreadable", shown_as, 1, f"cannot read file: {error.strerror}")]
    try:
        text = raw.decode("utf-8-sig")  # a BOM is harmless: accept it
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return None, [Problem("not-utf8", shown_as, line,
                              f"bytes that are not UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8")]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        return None, [_syntax_problem(error, text, shown_as)]
    if node is None:
        return None, [Problem("empty-file", shown_as, 1, "file is empty")]
    try:
        return _convert(node, shown_as, problems), problems
    except (_Budget, RecursionError):
        return None, [Problem("too-many-values", shown_as, _first_anchor_line(text, node),
                              f"file expands to more than {MAX_NODES:,} values (an alias bomb?); not loaded")]


def _first_anchor_line(text: str, root: yaml.Node) -> int:
    """Line of the first anchor (&name) or alias (*name), where an expansion starts; parsing
    events reads each alias once, so this is cheap even for a bomb."""
    for event in yaml.parse(text, Loader=_Loader):
        if getattr(event, "anchor", None) is not None:
            return event.start_mark.line + 1
    return root.start_mark.line + 1


def line_at(root: object, loc: tuple, default: int = 1) -> int:
    """The line of the deepest key or item on `loc` (a pydantic error location)."""
    line = getattr(root, "line", default)
    node = root
    for part in loc:
        if isinstance(node, Mapping) and part in node:
            line, node = node.key_lines[part], node[part]
        elif isinstance(node, Sequence) and isinstance(part, int) and 0 <= part < len(node):
            line, node = node.item_lines[part], node[part]
        else:
            break
    return line
