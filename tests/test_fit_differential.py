"""The FIT importer against a second decoder: the Garmin FIT SDK for Python.

Every FIT file of the shared real set (``../shared/data/real``, ``*.fit`` and
``*.fit.gz``; skipped cleanly when absent) and of ``sample_data/activities`` is read
twice: by ``analyzer.importers.decode`` and, independently, by ``garmin-fit-sdk``
(Garmin's own decoder; fitparse, the importer's fallback, plays no part). From the
SDK's messages a reader's view is built here (``sdk_view``):

* the sessions in time order: sport, start (``start_time``), end (start +
  ``total_elapsed_time``), ``total_distance``;
* each record belongs to the session whose [start, start + total_elapsed_time +
  60 s] holds its timestamp (the latest such session when two windows overlap), and
  a session's sample count is the number of distinct timestamps among its records;
* the runner's ratings of each session: ``workout_feel`` (0-100) and ``workout_rpe``
  (RPE x 10), None when absent; heavylegs' FEEL and RPE x 10 must equal them;
* the sum of cadence by sport, one value per sample (the first record of a timestamp
  that has one): on foot (running, walking, hiking, generic) 2 x (cadence +
  fractional_cadence) steps/min, for other sports cadence + fractional_cadence rpm.

The importer's view (``heavylegs_view``) must agree: same session count, sport, start
and end to the millisecond, distance within 0.5 m or 0.01 %, sample count, ratings, cadence sums
within 1e-9 (relative). Where they differ, DIFFERENCES lists the exact difference
(SDK value, heavylegs value) with the reason found by looking at the file (MANIFEST.md
describes each real file). A listed difference must be exactly as listed, so a fix or
a regression shows up; every other file must agree on everything. SDK_ERRORS lists the
files the SDK refuses or stops reading, with its error. (When this test was written, 40
files also differed by the importer's session end and a bike's doubled cadence; the
importer change of issue 15 fixed both and their entries went; so did a COROS ride the
fast decoder read only in part, for a field size in an event message it does not read.)
"""

from __future__ import annotations

import gzip
import hashlib
import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from garmin_fit_sdk import Decoder, Profile, Stream

from analyzer import columns as C
from analyzer.errors import NotAnActivity, UnreadableExport
from analyzer.importers import decode
from tests.conftest import REAL, SAMPLE, parse_manifest, requires_real

#: The FIT epoch: date_time values count seconds from it (FIT profile, type date_time).
FIT_EPOCH = pd.Timestamp("1989-12-31", tz="UTC")
#: Sports whose FIT cadence counts strides (one foot): steps/min = 2 x cadence.
FOOT_SPORTS = frozenset({"running", "walking", "hiking", "generic"})
#: A record this long [s] after a session's end (start + elapsed) still belongs to it.
SESSION_TAIL_S = 60
#: Distances agree within this many metres, or this share of the SDK's value.
DISTANCE_ABS_M, DISTANCE_REL = 0.5, 1e-4
#: Cadence sums agree within this relative difference.
CADENCE_REL = 1e-9


def _fit_files() -> dict[str, Path]:
    """{name: path}: real files by their path in the shared set (as MANIFEST.md names
    them), sample files as ``sample_data/activities/<file>``."""
    files = {}
    if REAL.is_dir():
        for path in sorted(REAL.rglob("*")):
            if path.is_file() and path.name.lower().endswith((".fit", ".fit.gz")):
                files[path.relative_to(REAL).as_posix()] = path
    for path in sorted((SAMPLE / "activities").glob("*.fit")):
        files[path.relative_to(SAMPLE.parent).as_posix()] = path
    return files


FIT_FILES = _fit_files()


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.lower().endswith(".gz") else data


# --- the two views of one file ---------------------------------------------------------


def _time(ts: pd.Timestamp) -> str:
    """A UTC instant as text to the millisecond, the form both views and the table use."""
    return ts.round("ms").strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def _fit_time(ms: int) -> str:
    """A FIT date_time in milliseconds as text; device-relative values (below
    0x10000000 s) land in 1990, where the SDK's own date conversion puts them."""
    return _time(FIT_EPOCH + pd.Timedelta(milliseconds=ms))


def sdk_view(data: bytes) -> dict:
    """The reader's view of one FIT file from the Garmin FIT SDK's messages (see the
    module docstring): {'sessions': [{sport, start, end, distance_m, n_samples}],
    'cadence_sum': {sport: sum}, 'errors': [the SDK's error messages]}."""
    # Only what is used here is converted (a tenth faster): date_time stays raw seconds,
    # so device-relative values stay visible, and the sport number is named below from
    # the SDK's profile; nothing used here is a component or a sub-field (cadence256,
    # which no file here carries, has no components in the SDK's profile either).
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(
        convert_datetimes_to_dates=False,
        convert_types_to_strings=False,
        expand_components=False,
        expand_sub_fields=False,
        merge_heart_rates=False,
    )
    sport_names = Profile["types"]["sport"]
    sessions = []
    for s in messages.get("session_mesgs", []):
        start, elapsed, sport = s.get("start_time"), s.get("total_elapsed_time"), s.get("sport")
        sessions.append(
            {
                "sport": "" if sport is None else sport_names.get(sport, str(sport)),
                # [ms]: total_elapsed_time has a scale of 1000 (milliseconds)
                "start_ms": None if start is None else start * 1000,
                "end_ms": None if start is None or elapsed is None else start * 1000 + round(elapsed * 1000),
                "distance_m": s.get("total_distance"),
                # the runner's ratings as the SDK names them: 0-100, RPE x 10 (FIT profile)
                "feel": s.get("workout_feel"),
                "rpe_x10": s.get("workout_rpe"),
            }
        )
    sessions.sort(key=lambda s: (s["start_ms"] is None, s["start_ms"] or 0))
    windows = [
        (i, s["start_ms"], s["end_ms"] + SESSION_TAIL_S * 1000)
        for i, s in enumerate(sessions)
        if s["end_ms"] is not None
    ]
    cadence_at: list[dict[int, float | None]] = [{} for _ in sessions]  # per session: timestamp -> cadence
    for record in messages.get("record_mesgs", []):
        ts = record.get("timestamp")
        owners = [i for i, lo, hi in windows if ts is not None and lo <= ts * 1000 <= hi]
        if not owners:
            continue
        owner = max(owners, key=lambda i: sessions[i]["start_ms"])
        value = record.get("cadence")
        if value is not None:
            value += record.get("fractional_cadence") or 0.0
            if sessions[owner]["sport"] in FOOT_SPORTS:
                value *= 2
        if cadence_at[owner].get(ts) is None:
            cadence_at[owner][ts] = value
    cadence_sum: dict[str, float] = {}
    out = []
    for s, at in zip(sessions, cadence_at, strict=True):
        values = [v for v in at.values() if v is not None]
        cadence_sum[s["sport"]] = cadence_sum.get(s["sport"], 0.0) + math.fsum(values)
        out.append(
            {
                "sport": s["sport"],
                "start": None if s["start_ms"] is None else _fit_time(s["start_ms"]),
                "end": None if s["end_ms"] is None else _fit_time(s["end_ms"]),
                "distance_m": s["distance_m"],
                "n_samples": len(at),
                "feel": s["feel"],
                "rpe_x10": s["rpe_x10"],
            }
        )
    return {
        "sessions": out,
        "cadence_sum": cadence_sum,
        "n_records": len(messages.get("record_mesgs", [])),
        "errors": [str(e) for e in errors],
    }


def _rating(value: float) -> int | None:
    """A rating column as the SDK gives it: an int, None where NaN (not rated)."""
    return None if np.isnan(value) else int(round(value))


def heavylegs_view(data: bytes, label: str) -> dict:
    """The same view from ``analyzer.importers.decode``: one session per activity row
    (by session_index); a file it refuses (UnreadableExport, NotAnActivity) has none."""
    try:
        decoded = decode(data, label, hashlib.sha256(data).hexdigest())
    except (UnreadableExport, NotAnActivity) as err:
        return {"sessions": [], "cadence_sum": {}, "refused": str(err)}
    acts = decoded.activities.sort_values(C.SESSION_INDEX)
    samples = decoded.samples
    sessions, cadence_sum = [], {}
    for _, row in acts.iterrows():
        sport = row[C.SPORT]
        part = samples[samples[C.ACTIVITY_ID] == row[C.ACTIVITY_ID]] if len(samples) else samples
        column = C.CADENCE_SPM if sport in FOOT_SPORTS else C.CADENCE_RPM
        values = part[column].to_numpy(dtype=float) if len(part) else np.array([])
        cadence_sum[sport] = cadence_sum.get(sport, 0.0) + math.fsum(values[np.isfinite(values)])
        distance = float(row[C.DISTANCE_M])
        sessions.append(
            {
                "sport": sport,
                "start": _time(row[C.START_UTC]),
                "end": _time(row[C.END_UTC]),
                "distance_m": distance if np.isfinite(distance) else None,
                "n_samples": int(row[C.N_SAMPLES]),
                "feel": _rating(row[C.FEEL]),
                "rpe_x10": _rating(row[C.RPE] * 10),
            }
        )
    return {"sessions": sessions, "cadence_sum": cadence_sum, "refused": ""}


# --- comparing them --------------------------------------------------------------------


def _same(key: str, sdk, ours) -> bool:
    """Whether two values of ``key`` agree (see the module docstring for the tolerances)."""
    if sdk is None or ours is None:
        return sdk is None and ours is None
    if key.endswith("distance_m"):
        return abs(sdk - ours) <= max(DISTANCE_ABS_M, DISTANCE_REL * abs(sdk))
    if key.startswith("cadence_sum"):
        return math.isclose(sdk, ours, rel_tol=CADENCE_REL, abs_tol=CADENCE_REL)
    return sdk == ours


def differences(sdk: dict, ours: dict) -> dict[str, tuple]:
    """{key: (SDK value, heavylegs value)} for every compared value that differs. Keys:
    'sessions' (count), 's<i>.<field>' per session (compared only when the counts
    agree), 'cadence_sum[<sport>]' (None where a side has no session of that sport)."""
    found = {}
    a, b = sdk["sessions"], ours["sessions"]
    if len(a) != len(b):
        found["sessions"] = (len(a), len(b))
    else:
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            for field in ("sport", "start", "end", "distance_m", "n_samples", "feel", "rpe_x10"):
                key = f"s{i}.{field}"
                if not _same(key, x[field], y[field]):
                    found[key] = (x[field], y[field])
    for sport in sorted(set(sdk["cadence_sum"]) | set(ours["cadence_sum"])):
        key = f"cadence_sum[{sport}]"
        x, y = sdk["cadence_sum"].get(sport), ours["cadence_sum"].get(sport)
        if not _same(key, x, y):
            found[key] = (x, y)
    return found


# --- what differs, and why -------------------------------------------------------------

#: The Garmin FIT SDK for Python stops at the first compressed-timestamp record header.
SDK_NO_COMPRESSED = (
    "SDK limit: it does not read compressed-timestamp headers ('not currently supported') and "
    "stops at the first record; this FR70 file writes its session before the records, so the "
    "SDK has the session but no record"
)
TRAINING_NO_DISTANCE = (
    "heavylegs rule: a strength (training) session without total_distance and without record "
    "distances is stated as 0 m; the SDK's session has no total_distance"
)
VIRTUAL_RIDE = (
    "damaged totals: total_elapsed_time 1632 s is shorter than total_timer_time 2760 s (MANIFEST), "
    "while the records run at 1 Hz for 2760 s from the start; the SDK-backed session ends at "
    "start + 1632 s and holds the records up to 60 s later; heavylegs ends it at start + timer "
    "(an elapsed time shorter than the timer time cannot be: the timer time is used, and the note "
    "says so) and keeps all 2760 records"
)
AMBIT3 = (
    "totals miss the last lap: the session's total_elapsed_time (4034.862 s, the 21 laps) ends at "
    "16:50:39.862, but its records run on without a break to the session's timestamp 17:06:06 "
    "(activity.total_timer_time 4962 s); the SDK-backed session stops at start + elapsed + 60 s, "
    "heavylegs ends it at the last record (records that run on without a break past the totals "
    "to the session's own timestamp: the records' span is used, and the note says so)"
)
FR70_RELATIVE = (
    "device-relative timestamps: start_time 17217864 is seconds since power-on (< 0x10000000), "
    "which the SDK gives as a 1990 date; heavylegs places the file by activity.local_timestamp "
    "(2012-02-13 12:21:03, probably the download time, MANIFEST), read as UTC"
)
NO_SESSION = (
    "no session message (FIT SDK example whose activity ends abruptly: 14 records, no "
    "lap/session/activity); heavylegs makes one sport-less activity of the records"
)

#: Files the SDK refuses or stops reading: name -> a substring of its error.
SDK_ERRORS: dict[str, str] = {
    "fit/Runalyze__garmin-fr70-intervals.fit": "at byte: 741 Compressed timestamp messages are not currently supported",
    "fit/dtcooper__garmin-fr70-run-compressed-speed-distance-relative-time.fit": (
        "at byte: 936 Compressed timestamp messages are not currently supported"
    ),
    # File CRC deliberately wrong: every message is read, then the CRC is refused.
    "other/dtcooper__corrupt-bad-file-crc.fit": "at byte: 771 CRC Error",
    # Chained, the second part's header promises 68 bytes and 15 follow: the first part is read whole.
    "other/dtcooper__corrupt-chained-nodata.fit": "longer than the number of bytes remaining",
    # Chained, the second header says '.GIT': the first part is read whole.
    "other/dtcooper__corrupt-header-chained.fit": "at byte: 771 The file is not a fit file.",
    # Cut 3 bytes short of its data and CRC: every message but the last bytes is read.
    "other/dtcooper__corrupt-unexpected-eof.fit": "longer than the number of bytes remaining",
    # Header data_size 0 and a wrong header CRC: nothing is read (heavylegs refuses it too).
    "other/jimmykane-sportslib__broken.fit": "at byte: 14 CRC Error",
}

#: name -> {key: (SDK value, heavylegs value, reason)}; keys as in ``differences``.
DIFFERENCES: dict[str, dict[str, tuple]] = {
    "fit/GoldenCheetah__garmin-virtual-ride.fit.gz": {
        "s0.end": ("2025-02-19 00:37:57.000", "2025-02-19 00:56:45.000", VIRTUAL_RIDE),
        "s0.n_samples": (1693, 2760, VIRTUAL_RIDE),
        "cadence_sum[cycling]": (89460.0, 170733.0, VIRTUAL_RIDE + ": the rpm of all 2760 records"),
    },
    "fit/Runalyze__suunto-ambit3-run-no-session-distance.fit": {
        "s0.end": ("2016-06-29 16:50:39.862", "2016-06-29 17:06:06.000", AMBIT3),
        "s0.n_samples": (4076, 4941, AMBIT3 + ": 865 more timestamps"),
        "s0.distance_m": (
            None,
            15213.0,
            "the session has no total_distance (MANIFEST); heavylegs takes the span of the record "
            "distances (7 m to 15220 m), by design",
        ),
        "cadence_sum[running]": (611532.0, 743718.0, AMBIT3 + ": the cadence of those 865 timestamps"),
    },
    "fit/Runalyze__garmin-fr70-intervals.fit": {
        "s0.n_samples": (0, 633, SDK_NO_COMPRESSED),
        "cadence_sum[running]": (0.0, 84016.0, SDK_NO_COMPRESSED),
    },
    "fit/dtcooper__garmin-fr70-run-compressed-speed-distance-relative-time.fit": {
        "s0.start": ("1990-07-18 06:44:24.000", "2012-02-13 11:16:16.000", FR70_RELATIVE),
        "s0.end": ("1990-07-18 07:49:07.273", "2012-02-13 12:20:59.273", FR70_RELATIVE),
        "s0.n_samples": (0, 755, SDK_NO_COMPRESSED),
        "cadence_sum[running]": (0.0, 123422.0, SDK_NO_COMPRESSED),
    },
    "fit/jimmykane-fitparser__suunto-race2-strength-training.fit": {
        "s0.distance_m": (None, 0.0, TRAINING_NO_DISTANCE),
    },
    "other/muktihari__fitsdk-example-activity-no-session.fit": {
        "sessions": (0, 1, NO_SESSION),
        "cadence_sum[]": (None, 0.0, NO_SESSION),
    },
    **{
        f"sample_data/activities/{day}_1830_strength.fit": {"s0.distance_m": (None, 0.0, TRAINING_NO_DISTANCE)}
        for day in (
            "2026-05-11",
            "2026-05-25",
            "2026-06-08",
            "2026-06-22",
            "2026-07-06",
            "2026-07-20",
            "2026-08-03",
            "2026-08-17",
            "2026-09-07",
            "2026-09-09",
            "2026-09-11",
            "2026-09-14",
            "2026-09-16",
            "2026-09-18",
        )
    },
}


# --- the tests -------------------------------------------------------------------------


def _views(item: tuple[str, Path]) -> tuple[str, dict]:
    name, path = item
    return name, sdk_view(_read_bytes(path))


@pytest.fixture(scope="module")
def views() -> dict[str, tuple[dict, dict]]:
    """{name: (SDK view, heavylegs view)} for every file, each file decoded once by each
    side. The SDK (pure Python, the slow side) reads in two worker processes while
    heavylegs decodes here."""
    items = list(FIT_FILES.items())
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    if context is None:
        sdk = dict(map(_views, items))
        ours = {name: heavylegs_view(_read_bytes(path), path.name) for name, path in items}
    else:
        with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
            # Largest first, so the two workers finish together.
            pending = pool.map(_views, sorted(items, key=lambda item: -item[1].stat().st_size))
            ours = {name: heavylegs_view(_read_bytes(path), path.name) for name, path in items}
            sdk = dict(pending)
    return {name: (sdk[name], ours[name]) for name, _path in items}


def _matches(expected: dict[str, tuple], found: dict[str, tuple]) -> list[str]:
    """What is wrong with ``found`` against the listed ``expected`` (empty: exactly as listed)."""
    problems = []
    for key in sorted(set(expected) | set(found)):
        if key not in found:
            problems.append(f"{key}: listed {expected[key][:2]} but the two now agree")
        elif key not in expected:
            problems.append(f"{key}: SDK {found[key][0]!r} != heavylegs {found[key][1]!r} (not listed)")
        elif not (_same(key, expected[key][0], found[key][0]) and _same(key, expected[key][1], found[key][1])):
            problems.append(f"{key}: listed {expected[key][:2]}, found {found[key]}")
    return problems


@pytest.mark.parametrize("name", sorted(FIT_FILES))
def test_heavylegs_agrees_with_the_fit_sdk_or_the_difference_is_listed(name, views):
    sdk, ours = views[name]
    problems = _matches(DIFFERENCES.get(name, {}), differences(sdk, ours))
    refused = f" (heavylegs refuses it: {ours['refused']})" if ours["refused"] else ""
    assert not problems, f"{name}{refused}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name", sorted(FIT_FILES))
def test_the_sdk_reads_every_file_but_the_listed(name, views):
    sdk, _ours = views[name]
    if name in SDK_ERRORS:
        assert len(sdk["errors"]) == 1 and SDK_ERRORS[name] in sdk["errors"][0], sdk["errors"]
    else:
        assert sdk["errors"] == []


def test_the_tables_list_real_reasons():
    """Every entry names a file of the set (a real one may be absent with the shared set)
    and gives its reason; the files listed are a minority (a table that listed everything
    would test nothing)."""
    for name in [*DIFFERENCES, *SDK_ERRORS]:
        assert name in FIT_FILES or (not REAL.is_dir() and not name.startswith("sample_data/")), name
    for name, entries in DIFFERENCES.items():
        for key, entry in entries.items():
            assert len(entry) == 3 and len(entry[2]) > 20, (name, key)
    assert len(set(DIFFERENCES) & set(FIT_FILES)) < len(FIT_FILES) / 2


@requires_real
def test_the_sdk_view_matches_the_manifest(views):
    """The reference itself against the shared set's inventory (MANIFEST.md: sports of
    the sessions, first start, record count), for the files the SDK reads whole."""
    manifest = parse_manifest(REAL / "MANIFEST.md")
    checked = 0
    for name, row in manifest.items():
        if name not in FIT_FILES or name in SDK_ERRORS or not row.get("records", "").isdigit():
            continue
        sdk, _ours = views[name]
        sports = [part.split("/")[0] for part in row["sport/sub_sport (sessions)"].split("; ") if "/" in part]
        if sports:
            assert [s["sport"] for s in sdk["sessions"]] == sports, name
            assert sdk["sessions"][0]["start"] == row["start UTC"].replace("T", " ") + ".000", name
        assert sdk["n_records"] == int(row["records"]), name
        checked += 1
    assert checked >= 40
