"""A history without wellness data, ratings or diary gets the same findings as before
issue 17 (tests/data/findings_before_issue17.json, written at 961fcaa by
tools/findings_snapshot.py over the real single-runner series), and its "not visible in
watch data" list names every cause that needs data a watch's activity files do not hold."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BEFORE = json.loads((ROOT / "tests" / "data" / "findings_before_issue17.json").read_text(encoding="utf-8"))
_spec = importlib.util.spec_from_file_location("findings_snapshot", ROOT / "tools" / "findings_snapshot.py")
snap = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(snap)


@pytest.mark.parametrize("name", ["nrc", "strava"])
def test_real_series_without_wellness_find_what_they_found_before(name, tmp_path):
    paths = snap.series()[name]
    if not snap.REAL.is_dir() or not all(p.exists() for p in paths):
        pytest.skip("../shared/data/real is absent")
    before = BEFORE[name]
    now = snap.snapshot(paths, str(tmp_path / "cache"), dates=sorted(before))
    assert sum(len(v) for v in before.values()) > 0  # the comparison has findings to compare
    assert now == before
