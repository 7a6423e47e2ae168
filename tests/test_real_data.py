"""The importer against the real public files in ../shared/data/real, checked against
their MANIFEST.md and against direct decodes with fitparse/gpxpy.

Skipped cleanly when the shared folder is absent (a user's fresh clone)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import fitparse
import gpxpy
import numpy as np
import pytest

from analyzer import columns as C
from tests.conftest import JSON_ACTIVITY_KEYS, REAL, parse_manifest, requires_real

pytestmark = requires_real

MANIFEST = parse_manifest(REAL / "MANIFEST.md") if REAL.is_dir() else {}
FIT_ROWS = {k: v for k, v in MANIFEST.items() if "fitparse" in v}
GPX_ROWS = {k: v for k, v in MANIFEST.items() if "gpxpy" in v}
DYNAMICS = {
    "GCT": C.STANCE_TIME_MS,
    "VO": C.VERTICAL_OSCILLATION_MM,
    "VR": C.VERTICAL_RATIO_PCT,
    "step": C.STEP_LENGTH_MM,
    "GCTbal": C.STANCE_TIME_BALANCE_PCT,
}


def rel(label: str) -> str:
    return label[len(str(REAL)) + 1 :]


@pytest.fixture(scope="module")
def results(real_history):
    return {rel(f.path): f for f in real_history.files}


def file_activities(history, result):
    acts = history.all_activities
    return acts[acts[C.ACTIVITY_ID].isin(result.activity_ids)]


def test_every_file_on_disk_has_exactly_one_status(real_history, results):
    on_disk = sorted(str(p.relative_to(REAL)) for p in REAL.rglob("*") if p.is_file())
    labels = [rel(f.path) for f in real_history.files]
    assert len(labels) == len(set(labels)), "a file was reported twice"
    for name in on_disk:
        covered = [lab for lab in labels if lab == name or lab.startswith(name + "!")]
        assert covered, f"{name} has no status"
    assert {f.status for f in real_history.files} <= set(C.FILE_STATUSES)
    for f in real_history.files:
        assert "\n" not in f.reason
        if f.status == C.SKIPPED:
            assert f.reason, f"{f.path} skipped without a reason"


#: Files fitparse fails on in a message heavylegs skips (a COROS event whose uint32 field
#: is one byte): read whole.
READ_PAST_FITPARSE = {"other/dtcooper__coros-pace2-ride-fitparse-fails.fit"}


def too_short_to_run(row: dict[str, str]) -> bool:
    """Under 60 s or 200 m by the MANIFEST's own duration and distance: a watch started and
    stopped, not a run (importers.plausible)."""
    clock = (row.get("dur elapsed (timer)") or row.get("elapsed") or "").split(" ")[0]
    km = row.get("distance km") or ""
    if not re.fullmatch(r"\d+:\d\d:\d\d", clock) or not re.fullmatch(r"\d+(\.\d+)?", km):
        return False
    h, m, sec = (int(x) for x in clock.split(":"))
    return h * 3600 + m * 60 + sec < 60 or float(km) < 0.2


@pytest.mark.parametrize("name", sorted(FIT_ROWS) + sorted(GPX_ROWS))
def test_status_agrees_with_manifest(name, results, real_history):
    row = MANIFEST[name]
    verdict = row.get("fitparse") or row.get("gpxpy")
    res = results[name]
    notes = row["notes"]
    if name in READ_PAST_FITPARSE:
        # fitparse fails in a message heavylegs does not read; fitdecode's count (MANIFEST notes).
        acts = file_activities(real_history, res)
        assert res.status == C.NOT_RUN and acts[C.SPORT].tolist() == ["cycling"], (res.status, res.reason)
        assert acts[C.N_SAMPLES].tolist() == [int(re.search(r"reads it \((\d+) records\)", notes).group(1))]
        return
    if verdict.startswith("FAILS"):
        # Unreadable: skipped, or the part read before the failure kept and said so.
        assert res.status == C.SKIPPED or re.search(r"partial|CRC|without coordinates dropped", res.reason), (
            res.status,
            res.reason,
        )
        return
    if (
        "(no session)" in row.get("sport/sub_sport (sessions)", "")
        and "weight" not in row.get("sport/sub_sport (sessions)", "")
        and "activity ends abruptly" not in notes
    ):
        assert res.status == C.SKIPPED and "not an activity" in res.reason
        return
    if "weight" in row.get("sport/sub_sport (sessions)", ""):
        assert res.status == C.NOT_RUN and "weight" in res.reason
        return
    assert res.status in (C.IMPORTED, C.DUPLICATE, C.NOT_RUN), (res.status, res.reason)
    acts = file_activities(real_history, res)
    if "NON-RUNNING" in notes and "probably" not in notes:
        assert not acts[C.IS_RUN].any()
        assert res.status in (C.NOT_RUN, C.DUPLICATE)
    elif too_short_to_run(row):
        assert not acts[C.IS_RUN].any() and res.status == C.NOT_RUN, (res.status, res.reason)
        assert "not counted as a run" in res.reason
    elif "NON-RUNNING" not in notes and (name.startswith("gpx/") or "running" in row["sport/sub_sport (sessions)"]):
        assert acts[C.IS_RUN].any(), f"{name}: a run not imported as a run"
        assert res.status in (C.IMPORTED, C.DUPLICATE)


def test_every_readable_running_file_is_imported(results, real_history):
    """The issue's Done-when: every running file the manifest marks readable is imported
    (or is a duplicate of one that is)."""
    for name, row in {**FIT_ROWS, **GPX_ROWS}.items():
        verdict = row.get("fitparse") or row.get("gpxpy")
        running = "NON-RUNNING" not in row["notes"] and (
            name.startswith("gpx/") or row.get("sport/sub_sport (sessions)", "").startswith("running")
        )
        if verdict == "OK" and running and not too_short_to_run(row):
            assert results[name].status in (C.IMPORTED, C.DUPLICATE), (name, results[name].reason)


def test_session_distance_agrees_with_samples(real_history):
    acts = real_history.all_activities
    runs = acts[acts[C.IS_RUN] & (acts[C.FORMAT] == "fit") & (acts[C.DISTANCE_M] > 100)]
    samples = real_history.load_samples(runs[C.ACTIVITY_ID])
    span = samples.groupby(C.ACTIVITY_ID)[C.SAMPLE_DISTANCE_M].agg(lambda d: d.max() - d.min())
    checked = 0
    for _, run in runs.iterrows():
        got = span.get(run[C.ACTIVITY_ID], np.nan)
        assert abs(got - run[C.DISTANCE_M]) <= 0.01 * run[C.DISTANCE_M], (run[C.SOURCE], got, run[C.DISTANCE_M])
        checked += 1
    assert checked > 30


@pytest.mark.parametrize("name", [k for k, v in FIT_ROWS.items() if v["fitparse"] == "OK" and v["distance km"]])
def test_distance_matches_manifest(name, results, real_history):
    row = FIT_ROWS[name]
    acts = file_activities(real_history, results[name])
    assert abs(acts[C.DISTANCE_M].sum() / 1000 - float(row["distance km"])) <= 0.006


@pytest.mark.parametrize("name", [k for k, v in FIT_ROWS.items() if v["fitparse"] == "OK"])
def test_dynamics_columns_present_exactly_where_manifest_says(name, results, real_history):
    row = FIT_ROWS[name]
    res = results[name]
    if not res.activity_ids:
        pytest.skip("no activity in this file")
    samples = real_history.load_samples(res.activity_ids)
    for key, col in DYNAMICS.items():
        assert (row[key] != "-") == bool(samples[col].notna().any()), (key, row[key])
    assert (row["HR"] != "-") == bool(samples[C.HEART_RATE_BPM].notna().any())
    acts = file_activities(real_history, res)
    # Dynamics on half of a session's records or more (the MANIFEST's share: Y = 90 %+, Y46% = 46 %).
    shares = [
        int(v[1:-1]) if v.startswith("Y") and v.endswith("%") else (100 if v == "Y" else 0)
        for v in (row["GCT"], row["VO"])
    ]
    on_foot = any(s in row["sport/sub_sport (sessions)"] for s in ("running", "walking"))
    single = ";" not in row["sport/sub_sport (sessions)"]
    if single:
        assert acts[C.HAS_DYNAMICS].any() == (on_foot and max(shares) >= 50), (shares, on_foot)
    else:  # multisport: only the legs on foot can have dynamics
        assert not acts.loc[~acts[C.SPORT].isin(["running", "walking"]), C.HAS_DYNAMICS].any()


def _manifest_offset(cell: str) -> float | None:
    m = re.fullmatch(r"([+-]\d+(?:\.\d+)?) h", cell)
    return float(m.group(1)) * 3600 if m else None


@pytest.mark.parametrize("name", [k for k, v in FIT_ROWS.items() if v.get("UTC offset")])
def test_local_offset_matches_manifest(name, results, real_history):
    row = FIT_ROWS[name]
    acts = file_activities(real_history, results[name])
    expected = _manifest_offset(row["UTC offset"])
    if expected is None:  # "bogus (...)": the device's offset must not be believed
        assert not acts[C.UTC_OFFSET_SOURCE].str.startswith("fit activity.local_timestamp").any()
        return
    if row["device (file_id)"].startswith("coros/"):
        # COROS writes local = UTC (DOMAIN.md): the zone of the first GPS fix is used.
        assert acts[C.UTC_OFFSET_SOURCE].str.startswith("position").all()
        if "equals UTC" in row["notes"]:
            # The file name says 11:16:30 local for 10:16:30 UTC: UTC+1.
            assert (acts[C.UTC_OFFSET_S] == 3600).all()
        return
    assert (acts[C.UTC_OFFSET_S] == expected).all(), acts[[C.UTC_OFFSET_S, C.UTC_OFFSET_SOURCE]]


@pytest.mark.parametrize("name", [k for k, v in FIT_ROWS.items() if re.match(r"\d{4}-", v["start UTC"])])
def test_start_time_matches_manifest(name, results, real_history):
    acts = file_activities(real_history, results[name])
    if acts.empty:
        pytest.skip("no activity")
    first = acts[C.START_UTC].min()
    assert first.strftime("%Y-%m-%dT%H:%M:%S") == FIT_ROWS[name]["start UTC"]


@pytest.mark.parametrize("name", [k for k, v in GPX_ROWS.items() if v["gpxpy"] == "OK"])
def test_gpx_heart_rate_and_distance(name, results, real_history):
    row = GPX_ROWS[name]
    acts = file_activities(real_history, results[name])
    assert bool(acts[C.HAS_HR].iloc[0]) == (int(row["hr pts"]) > 0)
    samples = real_history.load_samples(acts[C.ACTIVITY_ID])
    for col in DYNAMICS.values():
        assert samples[col].isna().all(), "GPX must leave running dynamics missing, never zero"
    # Independent figure: gpxpy's own 2-D length (per segment) of the same file.
    gpx = gpxpy.parse((REAL / name).read_text(encoding="utf-8"))
    expected = gpx.length_2d()
    if expected > 100:
        assert abs(acts[C.DISTANCE_M].iloc[0] - expected) <= 0.01 * expected


def test_suunto_reexports_are_duplicates(results, real_history):
    a = results["fit/jimmykane-sportslib__suunto9-trail-run.fit"]
    b = results["fit/jimmykane-sportslib__suunto9-trail-run-reexport.fit"]
    assert sorted([a.status, b.status]) == [C.DUPLICATE, C.IMPORTED]
    kept, dup = (a, b) if a.status == C.IMPORTED else (b, a)
    acts = real_history.all_activities.set_index(C.ACTIVITY_ID)
    assert acts.loc[dup.activity_ids[0], C.DUPLICATE_OF] == kept.activity_ids[0]


def test_fit_zip_and_fit_gz_are_read(results, real_history):
    member = [k for k in results if k.startswith("other/GoldenCheetah__suunto-run-20km.fit.zip!")]
    assert [m.split("!")[1] for m in member] == ["Move_2019_03_17_10_24_32_Running.fit"]  # __MACOSX ignored
    assert results[member[0]].status in (C.IMPORTED, C.DUPLICATE)
    assert "identical bytes" in results[member[0]].reason or results[member[0]].status == C.IMPORTED
    gz = results["fit/GoldenCheetah__garmin-virtual-ride.fit.gz"]
    assert gz.status == C.NOT_RUN and "cycling" in gz.reason
    acts = file_activities(real_history, gz)
    assert acts[C.DISTANCE_M].iloc[0] == pytest.approx(14920, abs=10)


def test_samples_equal_a_direct_fitparse_decode(real_history, results):
    """Cadence, ground contact time and vertical oscillation computed from fitparse's
    records by hand (steps/min = 2 x (cadence + fractional_cadence))."""
    name = "fit/alex-hhh__garmin-fr920xt-run-dynamics.fit"
    samples = real_history.load_samples(results[name].activity_ids)
    ours = {
        ts.tz_localize(None).to_pydatetime(): row
        for ts, row in zip(samples[C.TIMESTAMP], samples.itertuples(), strict=False)
    }
    compared = 0
    for msg in fitparse.FitFile(str(REAL / name)).get_messages("record"):
        r = msg.get_values()
        got = ours.get(r.get("timestamp"))
        if got is None:
            continue
        got = got._asdict()
        if r.get("cadence") is not None:
            expected = 2 * (r["cadence"] + (r.get("fractional_cadence") or 0))
            assert got[C.CADENCE_SPM] == pytest.approx(expected)
        if r.get("stance_time") is not None:
            assert got[C.STANCE_TIME_MS] == pytest.approx(r["stance_time"])
        if r.get("vertical_oscillation") is not None:
            assert got[C.VERTICAL_OSCILLATION_MM] == pytest.approx(r["vertical_oscillation"])
        if r.get("position_lat") is not None:
            assert got[C.LATITUDE_DEG] == pytest.approx(r["position_lat"] * 180 / 2**31)
        compared += 1
    assert compared > 600
    assert 140 < samples[C.CADENCE_SPM].median() < 200  # steps/min, not strides


def test_developer_fields_never_overwrite_native(real_history, results):
    """Stryd writes developer 'Speed'/'Distance' that differ from native speed/distance
    only by case: both must survive, under their own names."""
    name = "fit/dtcooper__stryd-pod-run-developer-fields.fit"
    samples = real_history.load_samples(results[name].activity_ids)
    assert {C.DEV_PREFIX + "Speed", C.DEV_PREFIX + "Distance", C.DEV_PREFIX + "Form Power"} <= set(samples.columns)
    native = [m.get_values() for m in fitparse.FitFile(str(REAL / name)).get_messages("record")]
    native_speed = np.array([r.get("enhanced_speed", r.get("speed")) for r in native], dtype=float)
    assert np.nanmedian(samples[C.SPEED_M_S]) == pytest.approx(np.nanmedian(native_speed))


def test_device_relative_timestamps_are_placed_and_said(results, real_history):
    res = results["fit/dtcooper__garmin-fr70-run-compressed-speed-distance-relative-time.fit"]
    acts = file_activities(real_history, res)
    assert "device-relative" in res.reason and "uncertain" in res.reason
    assert acts[C.START_UTC].iloc[0].year == 2012
    assert acts[C.DISTANCE_M].iloc[0] == pytest.approx(10248.67, abs=0.01)


def test_cli_import_real_folder_json(real_history, tmp_path):
    """`heavylegs import ../shared/data/real --json` as a user runs it (console script),
    reusing the fixture's cache so nothing is decoded twice."""
    exe = shutil.which("heavylegs", path=str(__import__("pathlib").Path(sys.executable).parent))
    assert exe, "console script not installed"
    cache = real_history.cache.layout.root
    out = subprocess.run(
        [exe, "import", str(REAL), "--cache", str(cache), "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    doc = json.loads(out.stdout)
    assert len(doc["files"]) == len(real_history.files)
    for f in doc["files"]:
        assert set(f) == {"path", "status", "reason", "activity_ids"}
        assert f["status"] in C.FILE_STATUSES
    for a in doc["activities"]:
        assert JSON_ACTIVITY_KEYS <= set(a)


#: The recording device's serial number as fitparse reads file_id (checked by hand
#: with fitparse.FitFile(path).get_messages("file_id")): one watch over three files,
#: two other watches, and a Suunto whose file_id gives no serial (None: "").
DEVICE_SERIALS = {
    "fit/alex-hhh__garmin-fr920xt-run-dynamics.fit": ("garmin", "fr920xt", "3892803602"),
    "fit/alex-hhh__garmin-fr920xt-pool-swim.fit": ("garmin", "fr920xt", "3892803602"),
    "fit/alex-hhh__garmin-fr920xt-triathlon.fit": ("garmin", "fr920xt", "3892803602"),
    "fit/GoldenCheetah__garmin-fenix5plus-run-dynamics.fit": ("garmin", "3110", "3974419953"),
    "fit/Runalyze__garmin-fr630-run-dynamics.fit": ("garmin", "fr630", "3913831698"),
    "fit/GoldenCheetah__suunto-run-20km.fit": ("suunto", "23", ""),
}


@pytest.mark.parametrize("name", sorted(DEVICE_SERIALS))
def test_device_serial_is_read_from_file_id(name, results, real_history):
    acts = file_activities(real_history, results[name])
    assert len(acts)
    for col, want in zip((C.MANUFACTURER, C.PRODUCT, C.DEVICE_SERIAL), DEVICE_SERIALS[name], strict=True):
        assert set(acts[col]) == {want}, col
    (file_id,) = [m.get_values() for m in fitparse.FitFile(str(REAL / name)).get_messages("file_id")]
    serial = file_id.get("serial_number")
    assert DEVICE_SERIALS[name][2] == ("" if serial is None else str(serial))


def _first_file_id(path) -> dict:
    """fitparse's first file_id message (it opens the file, so a damaged tail does not
    matter)."""
    for msg in fitparse.FitFile(str(path)).get_messages("file_id"):
        return msg.get_values()
    return {}


def test_every_fit_activity_has_its_file_id_serial(real_history, results):
    """Every activity of a FIT file carries its file_id serial number ('' when fitparse
    reads none); GPX activities have none."""
    checked = 0
    for name, res in results.items():
        acts = file_activities(real_history, res)
        if not len(acts) or not (name.startswith("fit/") and name.endswith(".fit")):
            if len(acts) and name.endswith(".gpx"):
                assert set(acts[C.DEVICE_SERIAL]) == {""}, name
            continue
        serial = _first_file_id(REAL / name).get("serial_number")
        assert set(acts[C.DEVICE_SERIAL]) == {"" if serial is None else str(serial)}, name
        checked += 1
    assert checked >= 30
