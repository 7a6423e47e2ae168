"""Hostile and awkward inputs: every file ends in exactly one status with a one-line
reason, and nothing crashes or hangs.

Every hostile input is built here, in tmp_path; the real files in tests/data are only
ever read (copied when a test needs to damage them).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import fitparse
import gpxpy.gpx
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from analyzer import read_history
from analyzer.cli import main
from analyzer.columns import FILE_STATUSES
from analyzer.importers import IMPORTER_VERSION
from tests.conftest import JSON_ACTIVITY_KEYS

DATA = Path(__file__).resolve().parent / "data"
FR110 = DATA / "dtcooper__garmin-fr110-run-2013.fit"
FENIX_RUN = DATA / "dtcooper__garmin-fenix5-run-57s.fit"
FENIX_WALK = DATA / "dtcooper__garmin-fenix5-walk-with-dynamics.fit"
CAR_GPX = DATA / "tkrajina__etrex20x-car-drive.gpx"

BOMB_BYTES = 50 * 2**20
GPX_NS = "http://www.topografix.com/GPX/1/1"
STRAVA_HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,"
    "Activity Gear,Filename"
)
STRAVA_ROW = '123,"Feb 6, 2013, 12:11:14 PM",Morning Run,Run,,2625,4.84,Old Shoes,activities/123.fit.gz'


# --- helpers -------------------------------------------------------------------------


def _import(paths, tmp_path: Path):
    return read_history(paths, cache=tmp_path / "cache", workers=1, progress=False)


def _by_path(history) -> dict:
    return {f.path: f for f in history.files}


def _one(history, path) -> object:
    """The FileResult of ``path`` (a path or an archive label), with its sanity checks."""
    files = _by_path(history)
    assert str(path) in files, f"{path} not among {list(files)}"
    rec = files[str(path)]
    _check_reason(rec)
    return rec


def _check_reason(rec) -> None:
    assert rec.status in FILE_STATUSES, rec
    assert "\n" not in rec.reason and "\r" not in rec.reason, rec
    if rec.status == "skipped":
        assert rec.reason.strip(), f"{rec.path} skipped without a reason"


def _fit_data_region(data: bytes) -> tuple[int, int]:
    """(start, end) of a FIT file's data records: after the header, before the CRC."""
    return data[0], len(data) - 2


# --- builders of hostile inputs (each returns the labels it creates) -----------------


def build_truncated_fit(folder: Path) -> list[str]:
    full = FR110.read_bytes()
    path = folder / "truncated.fit"
    path.write_bytes(full[: int(len(full) * 0.6)])
    return [str(path)]


def build_bit_flipped_fit(folder: Path, source: Path = FR110) -> list[str]:
    data = bytearray(source.read_bytes())
    start, end = _fit_data_region(data)
    data[(start + end) // 2] ^= 0xFF
    path = folder / f"flipped-{source.name}"
    path.write_bytes(bytes(data))
    return [str(path)]


def build_bad_crc_fit(folder: Path) -> list[str]:
    data = bytearray(FR110.read_bytes())
    data[-2] ^= 0xFF
    data[-1] ^= 0x5A
    path = folder / "bad-crc.fit"
    path.write_bytes(bytes(data))
    return [str(path)]


def _gpx_points(n: int, skip_position_of: int | None = None) -> str:
    start = dt.datetime(2020, 5, 1, 7, 0, 0, tzinfo=dt.UTC)
    rows = []
    for i in range(n):
        when = (start + dt.timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        # ~2.8 m/s northwards: a run's pace
        pos = "" if i == skip_position_of else f' lat="{52.0 + i * 2.5e-5:.7f}" lon="13.0000000"'
        rows.append(f"<trkpt{pos}><ele>40</ele><time>{when}</time></trkpt>")
    return "".join(rows)


def _gpx_doc(points: str, prolog: str = "", name: str = "test") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
        f'<gpx version="1.1" creator="heavylegs tests" xmlns="{GPX_NS}">'
        f"<trk><name>{name}</name><type>running</type><trkseg>{points}</trkseg></trk></gpx>\n"
    )


def _billion_laughs() -> str:
    ents = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)
    ]
    return f"<!DOCTYPE gpx [{''.join(ents)}]>\n"


def build_unreadable_junk(folder: Path) -> dict[str, str]:
    """Files that must each be skipped: {label: a word (regex) the reason must contain}."""
    rng = np.random.default_rng(20240501)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.bytes(500)
    files = {
        "zero.fit": (b"", r"empty"),
        "picture.fit": (png, r"signature"),
        "random.fit": (rng.bytes(4096), r"signature"),
        "README.txt": (b"My running data.\nSee the activities folder.\n", r"not an activity"),
        "shopping.csv": (b"item,qty\nbread,1\nmilk,2\n", r"not a known gear export"),
        "malformed.gpx": (
            _gpx_doc(_gpx_points(5)).replace("</trkpt>", "", 2).replace("</gpx>", "").encode(),
            r"malformed.*XML",
        ),
        "laughs.gpx": (_gpx_doc(_gpx_points(5), _billion_laughs(), name="&lol9;").encode(), r"entit"),
        "no-points.gpx": (
            f'<?xml version="1.0"?><gpx version="1.1" creator="x" xmlns="{GPX_NS}"><metadata/><trk><trkseg/></trk></gpx>'.encode(),
            r"no track points",
        ),
    }
    out = {}
    for name, (data, word) in files.items():
        (folder / name).write_bytes(data)
        out[str(folder / name)] = word
    return out


def build_gpx_missing_position(folder: Path) -> list[str]:
    path = folder / "missing-position.gpx"
    # 2 minutes at ~2.8 m/s, one point without a position: long enough to count as a run.
    path.write_text(_gpx_doc(_gpx_points(121, skip_position_of=12)), encoding="utf-8")
    return [str(path)]


def build_zip_bomb(folder: Path) -> list[str]:
    path = folder / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.fit", bytes(BOMB_BYTES))
    return [f"{path}!zeros.fit"]


def build_gz_bomb(folder: Path) -> list[str]:
    path = folder / "bomb.fit.gz"
    path.write_bytes(gzip.compress(bytes(BOMB_BYTES), compresslevel=1))
    return [str(path)]


def build_evil_zip(folder: Path) -> dict[str, str]:
    """{label: expected status} for a zip with traversal, absolute and symlink members."""
    run = FR110.read_bytes()
    path = folder / "evil.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../evil.fit", run)
        zf.writestr("/abs.fit", run)
        link = zipfile.ZipInfo("link.fit")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "good/run.fit")
        zf.writestr("good/run.fit", run)
    names = zipfile.ZipFile(path).namelist()
    assert "../evil.fit" in names and "/abs.fit" in names  # zipfile kept the hostile names
    return {
        f"{path}!../evil.fit": "skipped",
        f"{path}!/abs.fit": "skipped",
        f"{path}!link.fit": "skipped",
        f"{path}!good/run.fit": "imported",
    }


def build_garmin_export(folder: Path) -> list[str]:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("fr110.fit", FR110.read_bytes())
        zf.writestr("walk.fit", FENIX_WALK.read_bytes())
    inner_name = "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip"
    path = folder / "garmin-export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(inner_name, inner.getvalue())
        zf.writestr("__MACOSX/._junk", b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ")
    return [f"{path}!{inner_name}!fr110.fit", f"{path}!{inner_name}!walk.fit"]


def build_strava_export(folder: Path) -> list[str]:
    acts = folder / "activities"
    acts.mkdir(parents=True)
    (acts / "123.fit.gz").write_bytes(gzip.compress(FR110.read_bytes()))
    (acts / "456.gpx").write_bytes(CAR_GPX.read_bytes())
    (folder / "activities.csv").write_text(f"{STRAVA_HEADER}\n{STRAVA_ROW}\n", encoding="utf-8")
    return [str(acts / "123.fit.gz"), str(acts / "456.gpx"), str(folder / "activities.csv")]


def fit_as_gpx(source: Path) -> str:
    """An independent GPX 1.1 copy of a FIT file's track, read with fitparse directly."""
    gpx = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack()
    track.type = "running"
    segment = gpxpy.gpx.GPXTrackSegment()
    track.segments.append(segment)
    gpx.tracks.append(track)
    for msg in fitparse.FitFile(str(source)).get_messages("record"):
        v = msg.get_values()
        lat, lon, when = v.get("position_lat"), v.get("position_long"), v.get("timestamp")
        if lat is None or lon is None or not isinstance(when, dt.datetime):
            continue
        segment.points.append(
            gpxpy.gpx.GPXTrackPoint(
                lat * 180 / 2**31,
                lon * 180 / 2**31,
                elevation=v.get("enhanced_altitude") or v.get("altitude"),
                time=when.replace(tzinfo=dt.UTC),  # FIT times are UTC
            )
        )
    assert len(segment.points) > 100
    return gpx.to_xml(version="1.1")


def build_fit_and_gpx_copy(folder: Path) -> list[str]:
    fit_path, gpx_path = folder / "run.fit", folder / "run.gpx"
    fit_path.write_bytes(FR110.read_bytes())
    gpx_path.write_text(fit_as_gpx(FR110), encoding="utf-8")
    return [str(fit_path), str(gpx_path)]


# --- 1. truncated FIT ----------------------------------------------------------------


def test_truncated_fit_keeps_partial_data(tmp_path):
    (label,) = build_truncated_fit(tmp_path)
    h = _import([label], tmp_path)
    rec = _one(h, label)
    assert rec.status != "skipped", rec
    assert "partial" in rec.reason and "truncated" in rec.reason, rec.reason
    (act,) = h.all_activities.itertuples()
    assert "partial" in act.note and "truncated" in act.note, act.note
    full = _import([FR110], tmp_path / "full").all_activities
    assert 0 < act.distance_m < full["distance_m"].iloc[0]
    assert len(h.load_samples([act.activity_id])) > 0


def test_truncated_fit_run_is_imported(tmp_path):
    """The first 60 % of a run is still a run: its laps say sport 'running'."""
    (label,) = build_truncated_fit(tmp_path)
    h = _import([label], tmp_path)
    rec = _one(h, label)
    assert rec.status == "imported", rec


# --- 2. bit flip and bad CRC ---------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "read"),
    # The 57 s fenix5 recording is read but is no run (under 60 s: importers.plausible).
    [(FR110, "imported"), (FENIX_RUN, "not_run")],
    ids=["fr110", "fenix5"],
)
def test_bit_flipped_fit(tmp_path, source, read):
    (label,) = build_bit_flipped_fit(tmp_path, source)
    h = _import([label], tmp_path)
    rec = _one(h, label)
    assert rec.status in (read, "skipped"), rec
    assert "CRC" in rec.reason or "decode error" in rec.reason, rec.reason


def test_bad_crc_fit(tmp_path):
    (label,) = build_bad_crc_fit(tmp_path)
    h = _import([label], tmp_path)
    rec = _one(h, label)
    assert rec.status in ("imported", "skipped"), rec
    assert "CRC" in rec.reason, rec.reason


# --- 3. files that are not activities ------------------------------------------------


def test_unreadable_files_are_skipped_with_reason(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    expected = build_unreadable_junk(folder)
    h = _import([folder], tmp_path)
    assert len(h.files) == len(expected)
    for label, word in expected.items():
        rec = _one(h, label)
        assert rec.status == "skipped", rec
        assert pd.Series([rec.reason]).str.contains(word, case=False).iloc[0], (label, rec.reason)
    assert h.all_activities.empty


def test_entity_guard_not_fooled_by_gpx_in_a_comment(tmp_path):
    """A comment mentioning '<gpx' before the DTD must not smuggle the entities past
    the guard into the parser (billion laughs: must end quickly, skipped)."""
    path = tmp_path / "sneaky.gpx"
    prolog = "<!-- exported by <gpx> tools -->\n" + _billion_laughs()
    path.write_text(_gpx_doc(_gpx_points(5), prolog, name="&lol9;"), encoding="utf-8")
    h = _import([path], tmp_path)
    rec = _one(h, path)
    assert rec.status == "skipped", rec
    assert "entit" in rec.reason.lower(), rec.reason


# --- 4. GPX points without coordinates -----------------------------------------------


def test_gpx_points_without_coordinates_dropped(tmp_path):
    (label,) = build_gpx_missing_position(tmp_path)
    h = _import([label], tmp_path)
    rec = _one(h, label)
    assert rec.status == "imported", rec
    assert "1 track points without coordinates dropped" in rec.reason, rec.reason
    (act,) = h.activities.itertuples()
    assert act.is_run and act.sport == "running"
    assert len(h.samples) == 120


# --- 5. decompression bombs ----------------------------------------------------------


def test_zip_bomb_member_skipped(tmp_path):
    (label,) = build_zip_bomb(tmp_path)
    h = _import([tmp_path / "bomb.zip"], tmp_path)
    assert [f.path for f in h.files] == [label]
    rec = _one(h, label)
    assert rec.status == "skipped"
    assert "decompression-bomb" in rec.reason, rec.reason


def test_gz_bomb_skipped(tmp_path):
    (label,) = build_gz_bomb(tmp_path)
    h = _import([label], tmp_path)
    rec = _one(h, label)
    assert rec.status == "skipped"
    assert "decompression-bomb" in rec.reason, rec.reason


# --- 6. hostile member names ---------------------------------------------------------


def test_zip_traversal_absolute_and_symlink_members(tmp_path):
    expected = build_evil_zip(tmp_path)
    h = _import([tmp_path / "evil.zip"], tmp_path)
    assert {f.path for f in h.files} == set(expected)
    for label, status in expected.items():
        assert _one(h, label).status == status, _one(h, label)
    zip_path = tmp_path / "evil.zip"
    for name in ("../evil.fit", "/abs.fit"):
        reason = _one(h, f"{zip_path}!{name}").reason
        assert "'..'" in reason and "absolute" in reason, reason
    assert "symbolic link" in _one(h, f"{zip_path}!link.fit").reason
    good = _one(h, f"{zip_path}!good/run.fit")
    assert len(good.activity_ids) == 1
    assert h.activities["source"].tolist() == [f"{zip_path}!good/run.fit"]
    # nothing was written next to the archive or above it
    assert not (tmp_path.parent / "evil.fit").exists() and not Path("/abs.fit").exists()


# --- 7. Garmin Connect export --------------------------------------------------------


def test_garmin_export_nested_zip(tmp_path):
    labels = build_garmin_export(tmp_path)
    h = _import([tmp_path / "garmin-export.zip"], tmp_path)
    assert [f.path for f in h.files] == labels
    assert not any("__MACOSX" in f.path for f in h.files)
    run, walk = (_one(h, label) for label in labels)
    assert run.path.count("!") == 2 and walk.path.count("!") == 2
    assert run.status == "imported", run
    assert walk.status == "not_run" and "walking" in walk.reason, walk
    acts = h.all_activities.set_index("source")
    assert acts.loc[labels[0], "is_run"] and not acts.loc[labels[1], "is_run"]
    assert acts.loc[labels[1], "has_dynamics"]


# --- 8. Strava export ----------------------------------------------------------------


def test_strava_export_folder(tmp_path):
    folder = tmp_path / "strava"
    gz, gpx, csv = build_strava_export(folder)
    h = _import([folder], tmp_path)
    assert sorted(f.path for f in h.files) == sorted([gz, gpx, csv])
    assert _one(h, gz).status == "imported"
    assert _one(h, gpx).status == "not_run"
    rec = _one(h, csv)
    assert rec.status == "imported" and "activities.csv" in rec.reason, rec
    assert "Old Shoes" in h.gear["gear"].tolist()
    row = h.gear.set_index("strava_id").loc["123"]
    assert row["filename"] == "activities/123.fit.gz"
    assert row["start_utc"] == pd.Timestamp("2013-02-06 12:11:14", tz="UTC")
    assert h.activities.set_index("source").loc[gz, "distance_m"] == pytest.approx(4840, rel=0.01)


# --- 9. a FIT and an independent GPX copy of it --------------------------------------


def test_gpx_copy_of_fit_is_duplicate(tmp_path):
    fit_label, gpx_label = build_fit_and_gpx_copy(tmp_path)
    h = _import([fit_label, gpx_label], tmp_path)
    fit, gpx = _one(h, fit_label), _one(h, gpx_label)
    assert fit.status == "imported", fit
    assert gpx.status == "duplicate", gpx
    assert "same run" in gpx.reason
    acts = h.all_activities.set_index("source")
    assert acts.loc[gpx_label, "duplicate_of"] == acts.loc[fit_label, "activity_id"]
    assert acts.loc[fit_label, "duplicate_of"] == ""
    assert h.activities["source"].tolist() == [fit_label]


# --- 10. the cache -------------------------------------------------------------------


def test_cache_second_import_decodes_nothing(tmp_path):
    n_files = sum(1 for p in DATA.rglob("*") if p.is_file())
    first = _import([DATA], tmp_path)
    second = _import([DATA], tmp_path)
    assert len(first.files) == n_files
    assert first.decoded == n_files
    assert second.decoded == 0
    pd.testing.assert_frame_equal(first.all_activities, second.all_activities)
    assert [f.as_dict() for f in first.files] == [f.as_dict() for f in second.files]


def test_cache_entry_without_meta_is_not_trusted(tmp_path):
    path = tmp_path / "run.fit"
    path.write_bytes(FR110.read_bytes())
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    entry = tmp_path / "cache" / f"v{IMPORTER_VERSION}" / sha[:2] / f"{sha}.entry"
    entry.parent.mkdir(parents=True)
    entry.write_bytes(b"half-written junk, not an entry")
    h = _import([path], tmp_path)
    assert h.decoded == 1
    rec = _one(h, path)
    assert rec.status == "imported", rec
    assert entry.read_bytes().startswith(b"HLENTRY1")
    assert len(h.samples) > 0
    assert _import([path], tmp_path).decoded == 0


# --- 11. every input ends in exactly one status --------------------------------------


def test_every_input_has_exactly_one_status(tmp_path):
    folder = tmp_path / "everything"
    folder.mkdir()
    labels: list[str] = []
    labels += build_truncated_fit(folder)
    labels += build_bit_flipped_fit(folder)
    labels += build_bad_crc_fit(folder)
    labels += list(build_unreadable_junk(folder))
    labels += build_gpx_missing_position(folder)
    labels += build_zip_bomb(folder)
    labels += build_gz_bomb(folder)
    labels += list(build_evil_zip(folder))
    labels += build_garmin_export(folder)
    labels += build_strava_export(folder / "strava")
    (folder / "dup").mkdir()
    labels += build_fit_and_gpx_copy(folder / "dup")
    h = _import([folder], tmp_path)
    assert len(h.files) == len(labels)
    assert sorted(f.path for f in h.files) == sorted(labels)
    for rec in h.files:
        _check_reason(rec)
        if rec.status in ("imported", "not_run", "duplicate") and "gear" not in rec.reason:
            assert rec.activity_ids or "identical bytes" in rec.reason, rec
    counts = h.counts()
    assert sum(counts.values()) == len(labels)
    assert counts["imported"] > 0 and counts["skipped"] > 0 and counts["duplicate"] > 0 and counts["not_run"] > 0


# --- 12. unreadable file -------------------------------------------------------------


def test_unreadable_file_skipped(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: root can read a chmod 000 file")
    path = tmp_path / "locked.fit"
    path.write_bytes(FENIX_RUN.read_bytes())
    path.chmod(0)
    try:
        h = _import([path], tmp_path)
    finally:
        path.chmod(0o644)
    rec = _one(h, path)
    assert rec.status == "skipped"
    assert "cannot read" in rec.reason, rec.reason


# --- the command line ----------------------------------------------------------------

ACTIVITY_KEYS = JSON_ACTIVITY_KEYS


def test_cli_import_json(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "run.fit").write_bytes(FR110.read_bytes())
    (folder / "walk.fit").write_bytes(FENIX_WALK.read_bytes())
    (folder / "README.txt").write_text("notes\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(folder), "--cache", str(tmp_path / "cache"), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert isinstance(out["files"], list) and isinstance(out["activities"], list)
    assert len(out["files"]) == 3 and len(out["activities"]) == 2
    for f in out["files"]:
        assert {"path", "status", "reason", "activity_ids"} <= set(f)
        assert f["status"] in FILE_STATUSES and "\n" not in f["reason"]
    statuses = {Path(f["path"]).name: f["status"] for f in out["files"]}
    assert statuses == {"run.fit": "imported", "walk.fit": "not_run", "README.txt": "skipped"}
    for act in out["activities"]:
        assert ACTIVITY_KEYS <= set(act), ACTIVITY_KEYS - set(act)
        pd.Timestamp(act["start_utc"])  # ISO text
    assert {a["is_run"] for a in out["activities"]} == {True, False}


def test_cli_import_nothing_readable(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "README.txt").write_text("nothing to see\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(folder), "--cache", str(tmp_path / "cache"), "--json"])
    assert result.exit_code != 0
    assert "none of the 1 input files could be read" in result.output, result.output


def test_fifo_in_a_folder_is_skipped_without_blocking(tmp_path):
    """A named pipe would block a read forever; it is reported, not read."""
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.fit")
    shutil.copy(FR110, folder / "run.fit")
    h = read_history([folder], cache=tmp_path / "cache", workers=1, progress=False)
    status = {Path(f.path).name: f for f in h.files}
    assert status["pipe.fit"].status == "skipped" and "regular file" in status["pipe.fit"].reason
    assert status["run.fit"].status == "imported"
