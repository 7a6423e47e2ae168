"""The TCX importer (issue 17) on real files from Garmin, Polar and Suunto, and on TCX
written here from the same samples as a FIT run made with fit-tool.

Expected values are read from the files by hand (grep, and an independent parse with
xml.etree, not lxml), and written below; heart rate and cadence are recomputed here
with xml.etree from the file's bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import io
import json
import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer import columns as C
from analyzer import read_history
from analyzer.importers import decode
from tests.conftest import DATA, ROOT
from tests.fitmake import Leg, fit_bytes
from tests.tcxmake import activity, iso, lap, run_tcx, tcx_bytes, trackpoint

WELLNESS = Path(__file__).parents[1].parent / "shared" / "data" / "wellness"
TCX_DIR = WELLNESS / "tcx"
requires_tcx = pytest.mark.skipif(not TCX_DIR.is_dir(), reason=f"{TCX_DIR} is absent (the shared wellness set)")
#: The FR945 treadmill run (dblock/tcx, MIT), copied into tests/data.
TREADMILL = DATA / "dblock__garmin-fr945-treadmill-runcadence.tcx"
NS = {"t": "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"}
T0 = dt.datetime(2024, 5, 4, 6, 30, tzinfo=dt.UTC)


def _bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix.lower() == ".gz" else data


def _decode(data: bytes, label: str = "made.tcx"):
    return decode(data, label, hashlib.sha256(data).hexdigest())


def _etree_points(data: bytes) -> tuple[list[float], list[float]]:
    """Heart rate and the per-point cadence value as written (RunCadence, else plain
    Cadence) of each trackpoint time's first trackpoint, parsed with xml.etree."""
    root = ET.fromstring(data.lstrip())
    hr, cad, seen = [], [], set()
    for tp in root.iter(f"{{{NS['t']}}}Trackpoint"):
        time = tp.find("t:Time", NS).text
        if time in seen:
            continue
        seen.add(time)
        value = tp.find("t:HeartRateBpm/t:Value", NS)
        hr.append(float(value.text) if value is not None else math.nan)
        run = [e for e in tp.iter() if e.tag.endswith("}RunCadence")]
        plain = tp.find("t:Cadence", NS)
        cad.append(float(run[0].text) if run else float(plain.text) if plain is not None else math.nan)
    return hr, cad


# file: (trackpoints, samples = distinct trackpoint times, start (first Lap StartTime),
#        sum of the laps' DistanceMeters, sum of their TotalTimeSeconds, max HR,
#        max cadence as written (per foot), manufacturer, product, UTC offset [h] at the
#        first GPS fix or None without GPS)
REAL_TCX = {
    "garmin_fr945_treadmill_hr_runcadence__dblock-tcx.tcx": (
        215, 215, "2025-10-24T15:25:26Z", 4111.48, 1638.071, 144, 79, "garmin", "Forerunner 945", None,
    ),
    "garmin_fr945_outdoor_run_gps_hr_runcadence__dblock-tcx.tcx": (
        1042, 1040, "2025-09-24T13:40:09Z", 12934.31, 4369.146, 184, 86, "garmin", "Forerunner 945", -4,
    ),
    "garmin_fr310xt_2013-06-01-183220.TCX.gz": (
        3881, 3867, "2013-06-01T17:32:20Z", 14134.3099976, 3864.4139862, 165, 95, "garmin", "Forerunner 310XT", 1,
    ),
    # Lap start 11:19:55.000, first trackpoint 11:19:56; a 619 s pause inside the
    # second lap's track: the laps' 1545 s are the timer time.
    "polar_v800_run__sports-lib_6281425038.tcx": (
        1545, 1545, "2016-09-12T11:19:55Z", 4156.7001953125, 1545.0, 139, 95, "polar", "V800", 2,
    ),
    # 32 laps, most with an empty <Track />; the first trackpoint comes at 18:14:32.
    "suunto_spartan_ultra_run__sports-lib_unknown_example.tcx": (
        752, 745, "2017-05-09T18:11:26Z", 5729.0, 1916.167, 177, 109, "suunto", "Spartan Ultra", 2,
    ),
}  # fmt: skip


@requires_tcx
@pytest.mark.parametrize("name", sorted(REAL_TCX))
def test_real_tcx(name):
    n_points, n_samples, start, lap_m, lap_s, max_hr, max_cad, maker, product, offset_h = REAL_TCX[name]
    data = _bytes(TCX_DIR / name)
    assert data.count(b"<Trackpoint>") == n_points
    d = _decode(data, name)
    assert d.kind == "activity" and len(d.activities) == 1
    a = d.activities.iloc[0]
    assert (a[C.FORMAT], a[C.SPORT], a[C.SPORT_SOURCE], a[C.SESSION_INDEX]) == ("tcx", "running", "file", 0)
    assert a[C.IS_RUN] and not a[C.SUSPECT] and not a[C.HAS_DYNAMICS]
    assert a[C.START_UTC] == pd.Timestamp(start)
    assert a[C.DISTANCE_M] == pytest.approx(lap_m, abs=1e-6)
    assert a[C.TIMER_S] == pytest.approx(lap_s, abs=1e-6) and a[C.DURATION_S] == a[C.TIMER_S]
    assert a[C.ELAPSED_S] >= a[C.TIMER_S]
    assert (a[C.MANUFACTURER], a[C.PRODUCT]) == (maker, product)
    assert a[C.N_SAMPLES] == len(d.samples) == n_samples
    hr, cad = _etree_points(data)
    assert a[C.HAS_HR] and a[C.AVG_HR] == pytest.approx(np.nanmean(hr), rel=1e-12)
    assert d.samples[C.HEART_RATE_BPM].max() == max_hr
    # Per-foot cadence (RunCadence, or Polar/Suunto's plain <Cadence>) is doubled.
    assert d.samples[C.CADENCE_SPM].max() == 2 * max_cad
    assert d.samples[C.CADENCE_SPM].mean() == pytest.approx(2 * np.nanmean(cad), rel=1e-12)
    assert d.samples[C.CADENCE_RPM].isna().all() and d.samples[C.STANCE_TIME_MS].isna().all()
    if offset_h is None:
        assert math.isnan(a[C.UTC_OFFSET_S]) and a[C.UTC_OFFSET_SOURCE].startswith("unknown")
    else:
        assert a[C.UTC_OFFSET_S] == offset_h * 3600 and a[C.UTC_OFFSET_SOURCE].startswith("position")
    plain_cadence = name.startswith(("polar", "suunto"))
    assert ("TCX <Cadence> counts strides" in a[C.NOTE]) == plain_cadence


@requires_tcx
def test_real_tcx_devices_and_samples():
    a = _decode(_bytes(TCX_DIR / "garmin_fr310xt_2013-06-01-183220.TCX.gz")).activities.iloc[0]
    assert a[C.DEVICE_SERIAL] == "3825396202"  # <UnitId>
    polar = _decode(_bytes(TCX_DIR / "polar_v800_run__sports-lib_6281425038.tcx")).samples
    # Polar writes no speed: distance over time. Its first two points (11:19:56, :57)
    # are at 2.2999999523 m, the third at 3.9000000954 m.
    assert polar[C.SAMPLE_DISTANCE_M].iloc[0] == pytest.approx(2.299999952316284)
    assert polar[C.SPEED_M_S].iloc[1] == 0.0
    assert polar[C.SPEED_M_S].iloc[2] == pytest.approx(3.900000095367432 - 2.299999952316284)
    suunto = _decode(_bytes(TCX_DIR / "suunto_spartan_ultra_run__sports-lib_unknown_example.tcx")).samples
    # Suunto writes no DistanceMeters per trackpoint: summed from positions.
    assert suunto[C.SAMPLE_DISTANCE_M].is_monotonic_increasing and suunto[C.SAMPLE_DISTANCE_M].iloc[0] == 0.0
    assert suunto[C.TIMESTAMP].iloc[0] == pd.Timestamp("2017-05-09T18:14:32Z")


def test_heavylegs_import_json_reads_a_tcx(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "analyzer", "import", str(TREADMILL), "--json", "--cache", str(tmp_path / "c")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert [f["status"] for f in report["files"]] == ["imported"]
    (act,) = report["activities"]
    assert act["format"] == "tcx" and act["is_run"] and act["distance_m"] == pytest.approx(4111.48)
    assert act["start_utc"] == "2025-10-24T15:25:26+00:00"


# --- the same run as FIT and as TCX ------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _same_run() -> tuple[bytes, bytes]:
    """A 40-minute run at 1 Hz with changing speed, heart rate and cadence, as a FIT file
    (fit-tool) and as a TCX written from the same samples (distance = integrated speed,
    as tests/fitmake.py writes the FIT records)."""
    rng = np.random.default_rng(17)
    t = np.arange(2401, dtype=float)
    speed = np.round(3.0 + 0.4 * np.sin(t / 300) + rng.normal(0, 0.05, len(t)), 3)
    hr = np.round(140 + 15 * t / t[-1] + rng.normal(0, 2, len(t)))
    strides = np.round(84 + 3 * np.sin(t / 200) + rng.normal(0, 1, len(t)))
    distance = np.concatenate([[0.0], np.cumsum(speed[1:] * np.diff(t))])
    fit = fit_bytes([Leg("running", t, speed, strides, hr)], T0.replace(tzinfo=None))
    return fit, run_tcx(T0, t, distance, hr, strides, speed)


def test_tcx_agrees_with_fit_of_the_same_samples():
    fit_data, tcx_data = _same_run()
    f, x = _decode(fit_data, "run.fit"), _decode(tcx_data, "run.tcx")
    fa, xa = f.activities.iloc[0], x.activities.iloc[0]
    assert fa[C.START_UTC] == xa[C.START_UTC] == pd.Timestamp(T0)
    for col in (C.DISTANCE_M, C.DURATION_S, C.ELAPSED_S, C.AVG_HR):
        assert xa[col] == pytest.approx(fa[col], rel=0.01), col
    assert xa[C.N_SAMPLES] == fa[C.N_SAMPLES] == 2401
    # Cadence in steps/min: FIT's strides doubled, TCX's RunCadence doubled.
    assert x.samples[C.CADENCE_SPM].mean() == pytest.approx(f.samples[C.CADENCE_SPM].mean(), rel=0.01)
    assert 160 < x.samples[C.CADENCE_SPM].mean() < 180
    assert xa[C.DISTANCE_M] == pytest.approx(7200, rel=0.02)  # 40 min at ~3 m/s


def test_fit_and_tcx_of_one_run_are_one_activity_and_a_duplicate(tmp_path):
    fit_data, tcx_data = _same_run()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_run.fit").write_bytes(fit_data)
    (folder / "b_run.tcx").write_bytes(tcx_data)
    h = read_history([folder], cache=tmp_path / "cache", workers=1, progress=False)
    status = {Path(f.path).name: (f.status, f.reason) for f in h.files}
    assert status["a_run.fit"][0] == "imported"
    assert status["b_run.tcx"][0] == "duplicate" and "a_run.fit" in status["b_run.tcx"][1]
    assert len(h.runs) == 1 and h.runs.iloc[0][C.FORMAT] == "fit"


# --- archives ------------------------------------------------------------------------------


def test_tcx_gz_through_read_history(tmp_path):
    gz = tmp_path / "treadmill.TCX.gz"
    gz.write_bytes(gzip.compress(TREADMILL.read_bytes()))
    h = read_history([gz], cache=tmp_path / "cache", workers=1, progress=False)
    assert [(f.path, f.status) for f in h.files] == [(str(gz), "imported")]
    assert h.runs.iloc[0][C.DISTANCE_M] == pytest.approx(4111.48)


def test_a_strava_export_of_tcx_files(tmp_path):
    """A Strava export zip whose activities are .tcx.gz and .tcx: the walker hands each to
    the TCX importer, and the CSV's rows are matched to them by file name."""
    _fit, other_run = _same_run()
    csv = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,"
        "Activity Gear,Filename\n"
        '111,"Oct 24, 2025, 3:25:26 PM",Treadmill,Run,,1638,4.11,Shoe A,activities/111.tcx.gz\n'
        '222,"May 4, 2024, 6:30:00 AM",Morning Run,Run,,2400,7.20,Shoe B,activities/222.tcx\n'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("export/activities.csv", csv)
        z.writestr("export/activities/111.tcx.gz", gzip.compress(TREADMILL.read_bytes()))
        z.writestr("export/activities/222.tcx", other_run)
    export = tmp_path / "export.zip"
    export.write_bytes(buffer.getvalue())
    h = read_history([export], cache=tmp_path / "cache", workers=1, progress=False)
    status = {f.path.split("!", 1)[1]: (f.status, f.reason) for f in h.files}
    assert status["export/activities/111.tcx.gz"][0] == status["export/activities/222.tcx"][0] == "imported"
    assert status["export/activities.csv"][0] == "imported"
    assert "2 read from their files; 0 added from its rows" in status["export/activities.csv"][1]
    runs = h.runs.sort_values(C.START_UTC)
    assert runs[C.FORMAT].tolist() == ["tcx", "tcx"]
    assert runs[C.DISTANCE_M].tolist() == pytest.approx([7200, 4111.48], rel=0.02)


# --- structure: several activities, sports, tracks, pauses, laps only ---------------------


def _points(t0_s: float, n: int, **extra) -> list[str]:
    return [trackpoint(iso(T0, t0_s + i), hr=150.0, **{k: v(i) for k, v in extra.items()}) for i in range(n)]


def test_activities_sports_and_cadence_units():
    run_lap = lap(iso(T0, 0), 600.0, 1800.0, [_points(0, 601, dist=lambda i: 3.0 * i, cad=lambda i: 86.0)])
    ride_lap = lap(iso(T0, 900), 600.0, 6000.0, [_points(900, 601, dist=lambda i: 10.0 * i, cad=lambda i: 90.0)])
    walk_lap = lap(iso(T0, 1800), 600.0, 800.0, [_points(1800, 601, dist=lambda i: 1.33 * i)])
    steps_lap = lap(iso(T0, 2700), 600.0, 1800.0, [_points(2700, 601, dist=lambda i: 3.0 * i, cad=lambda i: 172.0)])
    doc = tcx_bytes(
        [
            activity("Running", [run_lap], creator="Polar V800", unit_id=0),
            activity("Biking", [ride_lap], creator="Edge 530"),
            activity("Other", [walk_lap], creator="Suunto 9"),
            activity("Running", [steps_lap], creator="Some Watch"),
        ]
    )
    d = _decode(doc)
    a = d.activities.set_index(C.SESSION_INDEX)
    assert a[C.SPORT].tolist() == ["running", "cycling", "generic", "running"]
    assert a[C.IS_RUN].tolist() == [True, False, False, True]
    assert a[C.MANUFACTURER].tolist() == ["polar", "garmin", "suunto", ""]
    assert a[C.PRODUCT].tolist() == ["V800", "Edge 530", "9", "Some Watch"]
    assert a[C.DEVICE_SERIAL].tolist() == ["", "3305146736", "3305146736", "3305146736"]
    assert "TCX sport 'Other'" in a.loc[2, C.NOTE]
    s = d.samples.groupby(C.ACTIVITY_ID)
    spm, rpm = s[C.CADENCE_SPM].median(), s[C.CADENCE_RPM].median()
    ids = a[C.ACTIVITY_ID].tolist()
    assert spm[ids[0]] == 172.0  # Polar's plain <Cadence> 86 counts one foot
    assert math.isnan(spm[ids[1]]) and rpm[ids[1]] == 90.0  # a ride's rpm as recorded
    assert spm[ids[3]] == 172.0  # already steps (over 120): kept
    assert "counts strides" in a.loc[0, C.NOTE] and "counts strides" not in a.loc[3, C.NOTE]


def test_tracks_pauses_and_laps_without_trackpoints(tmp_path):
    # Lap 1: two tracks with a 5-minute pause between them (auto-pause); lap 2: laps only
    # (Suunto's empty <Track />); the timer time is the laps' 600 + 300 + 240 s.
    first = _points(0, 301, dist=lambda i: 3.0 * i)
    second = _points(600, 301, dist=lambda i: 900.0 + 3.0 * i)
    laps = [
        lap(iso(T0, 0), 600.0, 1800.0, [first, second]),
        lap(iso(T0, 900), 300.0, 800.0, [[]]),
        lap(iso(T0, 1200), 240.0, 700.0, None),
    ]
    d = _decode(tcx_bytes([activity("Running", laps)]))
    a = d.activities.iloc[0]
    assert a[C.TIMER_S] == 1140.0 and a[C.ELAPSED_S] == 1440.0 and a[C.DISTANCE_M] == 3300.0
    assert a[C.N_SAMPLES] == 602
    # No speed across the pause (the first point of a track).
    assert math.isnan(d.samples[C.SPEED_M_S].iloc[301]) and d.samples[C.SPEED_M_S].iloc[302] == 3.0
    # An activity of laps only is an activity with no samples, and imports whole.
    laps_only = tcx_bytes([activity("Running", [lap(iso(T0, 0), 1800.0, 5000.0, [[]])])])
    (tmp_path / "laps.tcx").write_bytes(laps_only)
    h = read_history([tmp_path / "laps.tcx"], cache=tmp_path / "cache", workers=1, progress=False)
    (f,) = h.files
    assert f.status == "imported" and "laps only" in f.reason
    run = h.runs.iloc[0]
    assert (run[C.DISTANCE_M], run[C.DURATION_S], run[C.N_SAMPLES]) == (5000.0, 1800.0, 0)
    assert h.features.iloc[0]["form_reason"] != "features could not be computed from the samples"


def test_time_zones_positions_and_a_missing_sport():
    # A time with its zone (+02:00) and no GPS: the offset the file states.
    zoned = "<Time>2024-05-04T08:30:00+02:00</Time>"
    points = [trackpoint(iso(T0, i), dist=3.0 * i) for i in range(301)]
    points[0] = points[0].replace(f"<Time>{iso(T0, 0)}</Time>", zoned)
    d = _decode(tcx_bytes([activity(None, [lap(iso(T0, 0), 300.0, 900.0, [points])])]))
    a = d.activities.iloc[0]
    assert a[C.START_UTC] == pd.Timestamp(T0)
    assert (a[C.UTC_OFFSET_S], a[C.UTC_OFFSET_SOURCE]) == (7200.0, "tcx time zone")
    # No Sport attribute: inferred from the median speed (3 m/s), as for an untyped GPX.
    assert (a[C.SPORT], a[C.SPORT_SOURCE]) == ("running", "inferred") and "median moving speed 3.00" in a[C.NOTE]
    # Times in UTC with a GPS fix in Oslo: the zone there (CEST, +2 h).
    gps = [trackpoint(iso(T0, i), lat=59.91, lon=10.75 + i * 1e-5, hr=140.0) for i in range(301)]
    b = _decode(tcx_bytes([activity("Running", [lap(iso(T0, 0), 300.0, 170.0, [gps])])])).activities.iloc[0]
    assert b[C.UTC_OFFSET_S] == 7200.0 and b[C.UTC_OFFSET_SOURCE] == "position (Europe/Oslo)"
    # Positions only: distance summed from them (haversine), 300 steps of 1e-5 deg of longitude.
    metres = 2 * 6_371_008.8 * math.asin(math.cos(math.radians(59.91)) * math.sin(math.radians(1e-5) / 2))
    assert b[C.DISTANCE_M] == 170.0  # the lap's
    last = _decode(tcx_bytes([activity("Running", [lap(iso(T0, 0), 300.0, 0.0, [gps])])])).activities.iloc[0]
    assert last[C.DISTANCE_M] == pytest.approx(300 * metres, rel=1e-6)  # a lap of 0 m: the positions'


def test_a_file_with_an_activity_of_laps_only_and_one_with_trackpoints():
    only_laps = activity("Running", [lap(iso(T0, 0), 1800.0, 5000.0, [[]])])
    points = [trackpoint(iso(T0, 4000 + i), dist=3.0 * i, hr=150.0) for i in range(301)]
    tracked = activity("Running", [lap(iso(T0, 4000), 300.0, 900.0, [points])])
    d = _decode(tcx_bytes([only_laps, tracked]))
    a = d.activities
    assert a[C.SESSION_INDEX].tolist() == [0, 1] and a[C.N_SAMPLES].tolist() == [0, 301]
    assert a[C.DISTANCE_M].tolist() == [5000.0, 900.0]
    assert (d.samples[C.ACTIVITY_ID] == a[C.ACTIVITY_ID].iloc[1]).all() and len(d.samples) == 301
