"""Command line: validate, matrix, shifts, coverage, diff, schema, export — the same core the app uses."""
from __future__ import annotations

import argparse
from dataclasses import asdict
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .load import Dataset, load_dataset
from .schema import SCHEMA_KINDS, json_schema

if TYPE_CHECKING:
    import pandas as pd


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def _default_config() -> str:
    return os.environ.get("DASHBOARD_CONFIG", "config.yaml")


def _load_or_exit(args) -> Dataset:
    path = Path(args.config)
    if not path.is_file():
        sys.exit(f"error: config file {path} not found (use --config PATH)")
    dataset = load_dataset(path)
    if dataset.config is None:
        for problem in dataset.problems:
            print(problem, file=sys.stderr)
        sys.exit(2)
    return dataset


def _report_problems(dataset: Dataset) -> None:
    if dataset.problems:
        for problem in dataset.problems:
            print(problem, file=sys.stderr)
        print(f"({len(dataset.problems)} problem(s): the records above were left out; "
              "run `python -m dashboard validate`)", file=sys.stderr)


def _emit(table: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        table.to_csv(sys.stdout, index=False, lineterminator="\n")
    elif fmt == "json":
        print(table.to_json(orient="records", force_ascii=False, indent=1))
    else:
        # Int64 scores cannot hold a dash: show every missing value as "—" through object dtype.
        print(table.astype(object).where(table.notna(), "—").to_string(index=False) if len(table) else "(nothing)")


def cmd_validate(args) -> int:
    path = Path(args.config)
    if not path.is_file():
        print(f"{path}:1: config file not found", file=sys.stderr)
        return 1
    dataset = load_dataset(path)
    if args.format == "json":
        print(json.dumps({
            "valid": not dataset.problems,
            "problems": [asdict(p) for p in dataset.problems],
            "counts": {"actors": len(dataset.actors), "sources": len(dataset.sources),
                       "statements": len(dataset.statements)},
        }, ensure_ascii=False, indent=1))
    else:
        for problem in dataset.problems:
            print(problem)
        summary = (f"{len(dataset.actors)} actors, {len(dataset.sources)} sources, "
                   f"{len(dataset.statements)} statements")
        print(f"{len(dataset.problems)} problem(s); {summary} valid" if dataset.problems else f"valid: {summary}",
              file=sys.stderr)
    return 1 if dataset.problems else 0


def cmd_matrix(args) -> int:
    from .query import PositionIndex  # pandas is slow to import: `validate` does without
    from .tables import matrix_table

    dataset = _load_or_exit(args)
    _report_problems(dataset)
    _emit(matrix_table(PositionIndex(dataset).matrix(args.as_of)), args.format)
    return 0


def cmd_shifts(args) -> int:
    from .query import PositionIndex
    from .tables import shifts_table

    dataset = _load_or_exit(args)
    _report_problems(dataset)
    _emit(shifts_table(PositionIndex(dataset).shifts(args.from_day, args.to_day)), args.format)
    return 0


def cmd_coverage(args) -> int:
    from .query import PositionIndex, coverage, coverage_by_day, event_labels, key_days

    dataset = _load_or_exit(args)
    _report_problems(dataset)
    config = dataset.config
    events = {config.period.end: "period end"} | event_labels(config, "en")  # an event's own name wins
    table = coverage(PositionIndex(dataset), dataset, args.as_of or key_days(config))
    table.insert(1, "event", table["date"].map(lambda day: events.get(day, "")))
    if args.format != "table":
        table["date"] = table["date"].map(dt.date.isoformat)
        table["share"] = table["share"].round(4)
        _emit(table, args.format)
        return 0
    wide = coverage_by_day(table)
    wide.insert(0, "event", [events.get(day, "") for day in wide.index])
    print("Known positions among applicable cells (not-applicable gaps left out):")
    _emit(wide.reset_index(), "table")
    return 0


def cmd_diff(args) -> int:
    from . import diff

    path = Path(args.config)
    if not path.is_file():
        sys.exit(f"error: config file {path} not found (use --config PATH)")
    try:
        result = diff.diff(path, args.base, args.target)
    except diff.DiffError as error:
        sys.exit(f"error: {error}")
    print({"text": diff.as_text, "markdown": diff.as_markdown, "json": diff.as_json}[args.format](result))
    if result.problems:
        print(f"({len(result.problems)} problem(s) in {result.target}: those records are left out of the "
              "comparison; run `python -m dashboard validate`)", file=sys.stderr)
    return 0


def cmd_schema(args) -> int:
    if args.write:
        out = Path(args.write)
        out.mkdir(parents=True, exist_ok=True)
        for kind in SCHEMA_KINDS:
            (out / f"{kind}.schema.json").write_text(json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n",
                                                     encoding="utf-8")
        print(f"wrote {len(SCHEMA_KINDS)} schemas to {out}", file=sys.stderr)
    else:
        print(json.dumps(json_schema(args.kind), indent=2, ensure_ascii=False))
    return 0


def cmd_export(args) -> int:
    if not (args.data or args.out):
        sys.exit("error: say what to export: --out DIR (briefing PNGs, with --as-of) and/or --data DIR "
                 "(the dataset as a Frictionless Data Package)")
    if args.out and not args.as_of:
        sys.exit("error: --out writes the briefing PNGs of one day: give --as-of DATE")
    dataset = _load_or_exit(args)
    _report_problems(dataset)
    written = []
    if args.data:
        from .package import write_package

        written += write_package(dataset, Path(args.data))
    if args.out:
        from .export import RendererMissing, export_briefing  # plotly image export is heavy: only when asked

        try:
            written += export_briefing(dataset, args.as_of, Path(args.out), args.language, args.shifts_from,
                                       progress=lambda message: print(message, file=sys.stderr))
        except RendererMissing as missing:
            sys.exit(f"error: {missing}")
    for path in written:
        print(path)
    return 0


def parser() -> argparse.ArgumentParser:
    config_help = "path to config.yaml (default: $DASHBOARD_CONFIG or ./config.yaml)"
    common = argparse.ArgumentParser(add_help=False)
    # Accepted before the command and after it; SUPPRESS keeps a command's parser from
    # overwriting a --config given before the command with its own default.
    common.add_argument("--config", default=argparse.SUPPRESS, help=config_help)
    formats = argparse.ArgumentParser(add_help=False)
    formats.add_argument("--format", choices=["csv", "json", "table"], default="table")

    main = argparse.ArgumentParser(prog="python -m dashboard",
                                   description="Stance Matrix: validate and query the positions dataset.")
    main.add_argument("--config", default=_default_config(), help=config_help)
    commands = main.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", parents=[common], help="check every data file (exit 1 on problems)")
    validate.add_argument("--format", choices=["text", "json"], default="text")
    validate.set_defaults(run=cmd_validate)

    matrix = commands.add_parser("matrix", parents=[common, formats], help="the matrix on a date")
    matrix.add_argument("--as-of", type=_date, required=True, metavar="DATE")
    matrix.set_defaults(run=cmd_matrix)

    shifts = commands.add_parser("shifts", parents=[common, formats], help="who moved between two dates")
    shifts.add_argument("--from", dest="from_day", type=_date, required=True, metavar="DATE")
    shifts.add_argument("--to", dest="to_day", type=_date, required=True, metavar="DATE")
    shifts.set_defaults(run=cmd_shifts)

    coverage = commands.add_parser("coverage", parents=[common, formats],
                                   help="share of cells with a known position on each key date")
    coverage.add_argument("--as-of", type=_date, action="append", metavar="DATE",
                          help="a day to report (repeatable; default: every key event and the period end)")
    coverage.set_defaults(run=cmd_coverage)

    diff = commands.add_parser("diff", parents=[common], help="what an edit changes: statements and cells, by day")
    diff.add_argument("base", nargs="?", default="HEAD", help="git revision to compare from (default: HEAD)")
    diff.add_argument("target", nargs="?", default=None,
                      help="git revision to compare to (default: the working tree, uncommitted edits included)")
    diff.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    diff.set_defaults(run=cmd_diff)

    schema = commands.add_parser("schema", parents=[common], help="JSON Schema of the data files")
    schema.add_argument("--kind", choices=SCHEMA_KINDS, default="positions")
    schema.add_argument("--write", metavar="DIR", help="write every schema to DIR instead of printing one")
    schema.set_defaults(run=cmd_schema)

    export = commands.add_parser("export", parents=[common],
                                 help="briefing PNGs of the matrix and shifts, and/or the dataset as a data package")
    export.add_argument("--as-of", type=_date, metavar="DATE", help="the day of the briefing PNGs")
    export.add_argument("--out", metavar="DIR", help="write the briefing PNGs here")
    export.add_argument("--data", metavar="DIR",
                        help="write the dataset as a Frictionless Data Package here (CSV + datapackage.json)")
    export.add_argument("--language", choices=["en", "ja"], default=None)
    export.add_argument("--shifts-from", type=_date, default=None, metavar="DATE",
                        help="chart the shifts since DATE (default: the end of the period's first month)")
    export.set_defaults(run=cmd_export)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # `… | head` closed the pipe: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
