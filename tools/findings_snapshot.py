"""Findings every 14 days over the two real single-runner series of ../shared/data/real
(NRC GPX runs; the Strava export's GPX runs and its old-format activities.csv), as JSON.

tests/data/findings_before_issue17.json was written by this script at 961fcaa (before
issue 17) with: PYTHONPATH=<checkout of 961fcaa> python tools/findings_snapshot.py OUT.json
tests/test_no_wellness_same.py computes the same with today's code and compares.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pandas as pd

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
STEP_DAYS = 14
FIELDS = ("cause", "category", "severity", "score", "message")


def series(real: Path = REAL) -> dict[str, list[Path]]:
    gpx = real / "gpx"
    return {
        "nrc": sorted(gpx.glob("corriporai__nrc-run-*")),
        "strava": sorted(gpx.glob("AhmedAldahshoury__strava-run-*"))
        + [real / "other" / "AhmedAldahshoury__strava-export-old-format-activities.csv"],
    }


def snapshot(paths: list[Path], cache: str, dates: list[str] | None = None) -> dict[str, list[dict]]:
    """{as-of date: [the findings' FIELDS]} at every STEP_DAYS from 28 days after the
    first run (or at ``dates``)."""
    from analyzer import read_history
    from analyzer.detectors.run import analyze

    h = read_history(paths, cache=cache, progress=False)
    if dates is None:
        days = pd.to_datetime(h.runs["start_local"]).dt.normalize()
        dates = [
            d.date().isoformat()
            for d in pd.date_range(days.min() + pd.Timedelta(days=28), days.max(), freq=f"{STEP_DAYS}D")
        ]
    out = {}
    for d in dates:
        found = analyze(h, as_of=d).findings
        out[d] = [{k: (round(f.score, 4) if k == "score" else getattr(f, k)) for k in FIELDS} for f in found]
    return out


def main(target: str) -> None:
    cache = tempfile.mkdtemp()
    doc = {name: snapshot(paths, cache) for name, paths in series().items()}
    Path(target).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
