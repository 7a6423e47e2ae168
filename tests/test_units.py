"""Unit checks of the importer's pieces, against values worked out by hand."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pandas as pd
import pytest

from analyzer import columns as C
from analyzer import read_history
from analyzer.importers.base import sane_offset
from analyzer.importers.gpx import EARTH_RADIUS_M, decode_gpx, haversine_m
from analyzer.ingest.duplicates import find_duplicates
from analyzer.ingest.local_time import fill_local_time
from tests.conftest import DATA

from .fakes import activities, activity


@pytest.mark.parametrize(
    ("offset_s", "ok"),
    [
        (0, True),
        (3600, True),
        (-7 * 3600, True),
        (20700, True),
        (14 * 3600, True),
        (225, False),
        (-160.27 * 3600, False),
        (15 * 3600, False),
        (float("nan"), False),
        (None, False),
    ],
)
def test_sane_offset(offset_s, ok):
    # Nepal is UTC+5:45 (20700 s): a whole number of quarter hours.
    assert sane_offset(offset_s) is ok


def test_haversine_one_degree_of_latitude():
    # One degree along a meridian is 2 pi R / 360.
    d = haversine_m(np.array([0.0, 1.0]), np.array([10.0, 10.0]))
    assert d[0] == pytest.approx(2 * math.pi * EARTH_RADIUS_M / 360, rel=1e-12)
    # One degree of longitude at 60 deg N is half of that (cos 60 = 0.5), to 0.01 %.
    d = haversine_m(np.array([60.0, 60.0]), np.array([0.0, 1.0]))
    assert d[0] == pytest.approx(math.pi * EARTH_RADIUS_M / 360, rel=1e-4)


def _gpx(points: list[tuple[float, float, str]], extra: str = "", sport: str | None = None) -> bytes:
    trkpts = "".join(f'<trkpt lat="{lat}" lon="{lon}"><time>{t}</time>{extra}</trkpt>' for lat, lon, t in points)
    typ = f"<type>{sport}</type>" if sport else ""
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk>{typ}<trkseg>{trkpts}</trkseg></trk></gpx>"
    ).encode()


def _line(speed_m_s: float, n: int = 120) -> list[tuple[float, float, str]]:
    """Points 1 s apart going north at ``speed_m_s`` from (45 N, 7 E)."""
    step_deg = speed_m_s / (2 * math.pi * EARTH_RADIUS_M / 360)
    start = pd.Timestamp("2024-05-01T06:00:00Z")
    return [
        (45 + i * step_deg, 7.0, (start + pd.Timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")) for i in range(n)
    ]


def test_gpx_untyped_track_is_classified_by_speed():
    run = decode_gpx(_gpx(_line(3.0)), "run.gpx", "a" * 64)
    assert run.activities[C.IS_RUN].iloc[0] and run.activities[C.SPORT_SOURCE].iloc[0] == "inferred"
    assert run.activities[C.DISTANCE_M].iloc[0] == pytest.approx(3.0 * 119, rel=1e-6)
    assert run.samples[C.SPEED_M_S].iloc[1:].to_numpy() == pytest.approx(3.0, rel=1e-6)
    drive = decode_gpx(_gpx(_line(10.0)), "drive.gpx", "b" * 64)
    assert not drive.activities[C.IS_RUN].iloc[0]
    assert "outside" in drive.activities[C.NOTE].iloc[0]


@pytest.mark.parametrize(("recorded", "expected"), [(85, 170), (172, 172)])
def test_gpx_cadence_is_steps_per_minute(recorded, expected):
    ext = (
        f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:cad>{recorded}</gpxtpx:cad>"
        "<gpxtpx:hr>150</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions>"
    )
    d = decode_gpx(_gpx(_line(3.0), ext, "running"), "cad.gpx", "c" * 64)
    assert d.samples[C.CADENCE_SPM].median() == expected
    assert d.samples[C.HEART_RATE_BPM].median() == 150
    assert d.samples[C.STANCE_TIME_MS].isna().all()  # GPX has no dynamics: NaN, never 0
    # Europe/Rome at 45 N 7 E, May: UTC+2 (daylight saving), from the position.
    assert d.activities[C.UTC_OFFSET_S].iloc[0] == 7200


def _acts(rows: list[dict]) -> pd.DataFrame:
    """Activities from rows giving start_s [s after 2024-03-01 07:00 UTC], elapsed time
    and whatever else the test is about (the shared builder, tests/fakes.py)."""
    t0 = pd.Timestamp("2024-03-01T07:00:00")
    return activities(
        activity(
            start=t0 + pd.Timedelta(seconds=r.pop("start_s")),
            hours=r[C.ELAPSED_S] / 3600,
            i=i,
            prefix="id",
            **{C.SOURCE: f"f{i}", C.FILE_SHA256: f"{i}" * 64, C.HAS_HR: True, C.N_SAMPLES: 100, C.TIMER_S: np.nan},
            **r,
        )
        for i, r in enumerate(rows)
    )


def test_duplicates_follow_the_two_minute_five_percent_rule():
    acts = _acts(
        [
            {"start_s": 0, C.ELAPSED_S: 3000, C.DISTANCE_M: 10000},
            {"start_s": 90, C.ELAPSED_S: 2900, C.DISTANCE_M: 10400, C.HAS_DYNAMICS: True},  # 4 %: same run, richer
            {"start_s": 100, C.ELAPSED_S: 3000, C.DISTANCE_M: 10600},  # 6 % from the first and 1.9 % from the second
            {"start_s": 4000, C.ELAPSED_S: 3000, C.DISTANCE_M: 10000},  # another run the same morning
        ]
    )
    dups = find_duplicates(acts, {f"f{i}": i for i in range(4)})
    # id0~id1 (4 %), id1~id2 (1.9 %): one outing, id1 has dynamics and is kept.
    assert {k: v[0] for k, v in dups.items()} == {"id0": "id1", "id2": "id1"}


def test_duplicates_need_close_starts():
    acts = _acts(
        [
            {"start_s": 0, C.ELAPSED_S: 3000, C.DISTANCE_M: 10000},
            {"start_s": 121, C.ELAPSED_S: 3000, C.DISTANCE_M: 10000},
        ]
    )
    assert find_duplicates(acts, {}) == {}


def test_unknown_offset_borrows_the_nearest_known_one():
    acts = _acts(
        [
            {"start_s": 0, C.ELAPSED_S: 60, C.DISTANCE_M: 100, C.UTC_OFFSET_S: 3600.0},
            {"start_s": 86400, C.ELAPSED_S: 60, C.DISTANCE_M: 100, C.UTC_OFFSET_S: np.nan},
            {"start_s": 10 * 86400, C.ELAPSED_S: 60, C.DISTANCE_M: 100, C.UTC_OFFSET_S: -18000.0},
        ]
    )
    out = fill_local_time(acts).set_index(C.ACTIVITY_ID)
    assert out.loc["id1", C.START_LOCAL] == pd.Timestamp("2024-03-02T08:00:00")
    assert "assumed" in out.loc["id1", C.NOTE]
    assert out.loc["id2", C.START_LOCAL] == pd.Timestamp("2024-03-11T02:00:00")


def test_user_files_are_never_modified(tmp_path):
    files = [p for p in DATA.rglob("*") if p.is_file()]
    before = {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files}
    read_history([DATA], cache=tmp_path / "cache", workers=2, progress=False)
    after = {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files}
    assert before == after
