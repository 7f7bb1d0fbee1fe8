"""Write a synthetic dataset in the real file format, for the performance benchmarks.

    python -m benchmarks.generate [DIR] [--actors 200] [--statements 10000] [--seed 1]

DIR (default benchmarks/generated/, git-ignored) gets a copy of config.yaml, data/actors.yaml,
data/sources.yaml (url sources only, so no seed quote lookups) and one
data/positions/<id>.yaml per actor. The output is deterministic for a given seed and
validates with zero problems.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = Path(__file__).resolve().parent / "generated"

SPEAKERS = ["Prime Minister", "President", "Foreign Minister", "Defence Minister", "Chancellor",
            "Ambassador to NATO", "Government spokesperson", "Deputy Prime Minister"]
EN_PHRASES = ["is ready to contribute to a reassurance force", "wants clear US guarantees first",
              "says membership is not on the table now", "keeps every option open",
              "rules out ground troops for now", "backs an invitation at the next summit",
              "ties any deployment to a lasting ceasefire", "asks parliament for a mandate"]
JA_PHRASES = ["安心供与部隊への貢献に前向き", "まず米国の明確な保証を求める", "現時点で加盟は議題にないと述べた",
              "あらゆる選択肢を排除しない", "当面は地上部隊の派遣を否定", "次回首脳会議での招待を支持",
              "派遣は恒久的な停戦が条件", "議会に承認を求める"]
CONFIDENCES = ["high", "medium", "medium", "low"]


def _q(text: str) -> str:
    """A YAML scalar as an editor would write it: plain when that is safe, else double-quoted."""
    if text and text[0] not in "-?:,[]{}#&*!|>'\"%@`" and ": " not in text and " #" not in text \
            and not text.endswith(":") and "\\" not in text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dates(config: dict, today: dt.date):
    start = dt.date.fromisoformat(str(config["period"]["start"])) - dt.timedelta(days=60)  # baseline
    end = min(dt.date.fromisoformat(str(config["period"]["end"])), today)
    return start, (end - start).days


def generate(out: Path, actors: int = 200, statements: int = 10_000, seed: int = 1,
             today: dt.date | None = None) -> Path:
    """Write the dataset under `out` and return the path of its config.yaml."""
    rng = random.Random(seed)
    today = today or dt.date.today()
    config_text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    config = yaml.safe_load(config_text)
    dimensions = [(d["id"], [s["id"] for s in d["stances"]]) for d in config["dimensions"]]
    group_ids = [g["id"] for g in config.get("groups", [])]
    start, span = _dates(config, today)

    positions_dir = out / "data" / "positions"
    if positions_dir.exists():  # only our own folder is replaced, so stale actors do not linger
        shutil.rmtree(positions_dir)
    positions_dir.mkdir(parents=True)
    (out / "config.yaml").write_text(config_text, encoding="utf-8")

    # Sources: one url source per ~20 statements, published over the whole range.
    n_sources = max(1, statements // 20)
    sources = []
    lines = ["# Synthetic sources (benchmarks/generate.py)."]
    for i in range(n_sources):
        published = start + dt.timedelta(days=rng.randrange(span + 1))
        sid = f"web-{i:05d}"
        sources.append((sid, published))
        lines += [f"- id: {sid}", "  outlet: Example Wire", f"  title: {_q(f'Synthetic article {i}')}",
                  f"  published: {published.isoformat()}", f"  language: {rng.choice(['en', 'ja'])}",
                  f"  url: https://example.org/articles/{i}"]
    (out / "data" / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    actor_ids = [f"X{i:03d}" for i in range(actors)]
    lines = ["# Synthetic actors (benchmarks/generate.py)."]
    for i, actor in enumerate(actor_ids):
        groups = sorted(rng.sample(group_ids, k=min(len(group_ids), rng.randint(0, 3))))
        lines += [f"- id: {actor}", f"  name: {{en: {_q(f'Country {i}')}, ja: {_q(f'国{i}')}}}",
                  f"  kind: {'organization' if i % 25 == 0 else 'state'}", f"  groups: [{', '.join(groups)}]"]
    (out / "data" / "actors.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    per_actor = [statements // actors + (1 if i < statements % actors else 0) for i in range(actors)]
    for actor, count in zip(actor_ids, per_actor):
        lines = [f"actor: {actor}", "positions:"]
        previous = None
        for k in range(count):
            # Every 8th statement repeats the previous one's dimension and date with another
            # stance and source: a contested cell, as real sources sometimes disagree.
            if previous is not None and k % 8 == 7:
                dimension, stances, date = previous
                source_choices = [s for s in sources if s[1] >= date]
            else:
                dimension, stances = rng.choice(dimensions)
                sid, published = rng.choice(sources)
                date = start + dt.timedelta(days=rng.randrange((published - start).days + 1))
                source_choices = [(sid, published)]
            sid = rng.choice(source_choices)[0]
            phrase = rng.randrange(len(EN_PHRASES))
            lines += [f"  - dimension: {dimension}",
                      f"    date: {date.isoformat()}",
                      f"    stance: {rng.choice(stances)}",
                      f"    speaker: {_q(f'Speaker {rng.randrange(9)}, {rng.choice(SPEAKERS)}')}",
                      "    summary:",
                      f"      en: {_q(f'{actor} {EN_PHRASES[phrase]}; statement {k} on {dimension}.')}",
                      f"      ja: {_q(f'{actor}は{JA_PHRASES[phrase]}（{dimension}、第{k}発言）。')}",
                      f"    source: {sid}"]
            if k % 2 == 0:
                lines.append(f"    quote: {_q(f'We said on {date.isoformat()} that {EN_PHRASES[phrase]}.')}")
            if k % 3 == 0:
                lines.append(f"    conditions: {_q('A ceasefire holds and a US backstop is agreed.')}")
            lines.append(f"    confidence: {rng.choice(CONFIDENCES)}")
            previous = (dimension, stances, date)
        (positions_dir / f"{actor.lower()}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out / "config.yaml"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_DIR, help="directory to write into")
    parser.add_argument("--actors", type=int, default=200)
    parser.add_argument("--statements", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    config = generate(args.out, args.actors, args.statements, args.seed)
    print(config)


if __name__ == "__main__":
    main()
