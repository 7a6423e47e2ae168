"""The findings of sample_data/activities (with sample_data/shoes.csv) on every Sunday of
the season and at the default date, as JSON: what tests/test_wellness_detectors.py
compares a history without wellness data against.

Run it on the checkout whose findings are the reference (for the stored file, the code
at 8ddbc42, before issue 17's detectors, exported with ``git archive 8ddbc42``):

    PYTHONPATH=<checkout> python tools/sample_findings.py <checkout> <out.json>

``activities_sha256`` fingerprints the activity files, so that the test knows when
sample_data/activities changed and the reference must be made again.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

import pandas as pd


def activities_sha256(folder: Path) -> str:
    """One digest of every file's name and bytes in ``folder``."""
    digest = hashlib.sha256()
    for p in sorted(folder.iterdir()):
        digest.update(p.name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return digest.hexdigest()


def sundays(sample: Path) -> list[str]:
    season = json.loads((sample / "index.json").read_text(encoding="utf-8"))["season"]
    first = pd.Timestamp(season["first_monday"])
    return [(first + pd.Timedelta(days=6 + 7 * w)).date().isoformat() for w in range(season["weeks"])]


def finding_row(f) -> dict:
    return {
        "cause": f.cause,
        "category": f.category,
        "severity": f.severity,
        "score": f.score,
        "window": dict(f.window),
        "signals": list(f.signals),
        "message": f.message,
    }


def main(root: Path, out: Path) -> None:
    from analyzer import analyze, read_history

    sample = root / "sample_data"
    with tempfile.TemporaryDirectory() as cache:
        history = read_history([sample / "activities"], cache=cache, progress=False)
        analyses = {
            day or "default": [finding_row(f) for f in analyze(history, as_of=day, shoes=sample / "shoes.csv").findings]
            for day in [*sundays(sample), None]
        }
    doc = {"activities_sha256": activities_sha256(sample / "activities"), "analyses": analyses}
    out.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
