"""Shared fixtures: the real public files in ../shared/data/real and their MANIFEST."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
REAL = ROOT.parent / "shared" / "data" / "real"

#: Keys every activity of `heavylegs import --json` carries (issue 2's contract).
JSON_ACTIVITY_KEYS = frozenset(
    {
        "activity_id",
        "source",
        "start_utc",
        "utc_offset_s",
        "sport",
        "sub_sport",
        "is_run",
        "distance_m",
        "duration_s",
        "has_dynamics",
    }
)


def parse_manifest(path: Path) -> dict[str, dict[str, str]]:
    """MANIFEST.md tables -> {relative file path: {column: cell}} (all three tables)."""
    rows: dict[str, dict[str, str]] = {}
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if set(line.replace("|", "").strip()) <= {"-", " "}:
            continue
        match = re.match(r"`([^`]+)`", cells[0])
        if match and len(cells) == len(header):
            rows[match.group(1)] = dict(zip(header, cells, strict=True))
    return rows


requires_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is absent (the shared real-data set)")


@pytest.fixture(scope="session")
def manifest() -> dict[str, dict[str, str]]:
    if not REAL.is_dir():
        pytest.skip(f"{REAL} is absent")
    return parse_manifest(REAL / "MANIFEST.md")


@pytest.fixture(scope="session")
def real_history(tmp_path_factory):
    """The whole real folder imported once (both cores), shared by the real-data tests."""
    if not REAL.is_dir():
        pytest.skip(f"{REAL} is absent")
    from analyzer import read_history

    cache = tmp_path_factory.mktemp("real-cache")
    return read_history([REAL], cache=cache, progress=False)


SAMPLE = ROOT / "sample_data"


@pytest.fixture(scope="session")
def sample_history(tmp_path_factory):
    """The generated season in sample_data/ imported once for the whole session."""
    from analyzer import read_history

    cache = tmp_path_factory.mktemp("sample-cache")
    return read_history([SAMPLE], cache=cache, progress=False)
