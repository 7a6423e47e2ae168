"""`heavylegs squad` on the real engine (Dask distributed): the roster (ids, collisions,
athletes.csv), the per-file time budget outside the main thread, batch decoding of a large
athlete, a LocalCluster of 2 worker processes, a scheduler and a worker started as separate
processes, a worker killed mid-squad, and Ctrl-C. Each athlete's findings must be those of
`api.analyze_to` on that athlete alone (what `heavylegs analyze` runs)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import psutil
import pytest
from click.testing import CliRunner

from analyzer import api
from analyzer.cache import entryfile
from analyzer.cache.inputs import InputMemo
from analyzer.cli import main
from analyzer.errors import InputFileError
from analyzer.ingest import sources
from analyzer.squad import engine, roster, tasks, uptodate
from analyzer.squad.model import FAILED, OK

REPO = Path(__file__).resolve().parents[1]
ACTIVITIES = REPO / "sample_data" / "activities"
GARMIN = REPO / "sample_data" / "garmin_export"
FILES = sorted(ACTIVITIES.iterdir())


@pytest.fixture
def spawn_env(monkeypatch):
    """Processes started by the tests (Dask workers, the command) import this checkout."""
    path = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    monkeypatch.setenv("PYTHONPATH", path)
    return dict(os.environ)


# --- the roster -------------------------------------------------------------------------


def test_athlete_ids_are_made_safe_for_paths():
    assert roster.athlete_id("alice") == "alice"
    assert roster.athlete_id("Zoë Müller") == "Zo__M_ller"  # ë, space, ü: 3 characters outside A-Za-z0-9._-
    assert roster.athlete_id("ＢＯＢ-２") == "BOB-2"  # NFKC: full-width letters and digits
    assert roster.athlete_id(".hidden") == "_hidden" and roster.athlete_id("...x") == "_x"
    assert roster.athlete_id("") == "_" and roster.athlete_id("名前") == "__"
    assert roster.athlete_id("a" * 200) == "a" * roster.MAX_ID_CHARS


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_the_roster_is_every_folder_and_zip_under_each_root(tmp_path):
    root = tmp_path / "squad"
    for name in ("bob", "Zoë", ".git", "out"):
        (root / name).mkdir(parents=True)
    _zip(root / "carol.ZIP", {"a.fit": b"x"})
    (root / "notes.txt").write_text("not an athlete")
    athletes = roster.read_roster([root], skip=[root / "out"])
    assert [(a.athlete_id, a.path.name) for a in athletes] == [("Zo_", "Zoë"), ("bob", "bob"), ("carol", "carol.ZIP")]
    assert all(a.name == a.athlete_id and a.shoes is None and a.diary is None for a in athletes)


@pytest.mark.parametrize(
    ("first", "second"),
    [("alice", "alice.zip"), ("Carol", "carol.zip"), ("Zoë", "Zoé")],
)
def test_two_athletes_with_one_id_stop_the_squad_naming_both(tmp_path, first, second):
    root = tmp_path / "squad"
    root.mkdir()
    for name in (first, second):
        _zip(root / name, {"a.fit": b"x"}) if name.endswith(".zip") else (root / name).mkdir()
    with pytest.raises(roster.RosterError) as err:
        roster.read_roster([root])
    text = str(err.value)
    assert str(root / first) in text and str(root / second) in text and "same id" in text


def test_the_same_athlete_under_two_roots_and_reserved_names_are_refused(tmp_path):
    for root in ("r1", "r2"):
        (tmp_path / root / "dan").mkdir(parents=True)
    with pytest.raises(roster.RosterError, match=f"{tmp_path / 'r1' / 'dan'} and {tmp_path / 'r2' / 'dan'}"):
        roster.read_roster([tmp_path / "r1", tmp_path / "r2"])
    (tmp_path / "r3" / "Cohort").mkdir(parents=True)
    with pytest.raises(roster.RosterError, match="'Cohort' is a name of the squad's output"):
        roster.read_roster([tmp_path / "r3"])


def test_a_collision_ends_the_command_with_one_line_and_status_2(tmp_path):
    root = tmp_path / "squad"
    (root / "alice").mkdir(parents=True)
    _zip(root / "alice.zip", {"a.fit": b"x"})
    res = CliRunner().invoke(main, ["squad", str(root), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("Error: athletes ")
    assert not (tmp_path / "out").exists()  # stopped before anything was started or written


def _roster_root(tmp_path: Path, csv_text: str) -> Path:
    root = tmp_path / "squad"
    for name in ("alice", "bob"):
        (root / name).mkdir(parents=True)
    (root / "alice_shoes.csv").write_text("name,first_used\nA,2026-01-01\n")
    (root / "athletes.csv").write_text(csv_text, encoding="utf-8")
    return root


def test_athletes_csv_gives_names_and_files(tmp_path):
    root = _roster_root(
        tmp_path, "athlete_id,name,shoes_csv,diary_csv,coach\nalice,Alice <A.> Smith,alice_shoes.csv,,Kim\n"
    )
    alice, bob = roster.read_roster([root])
    assert (alice.name, alice.shoes, alice.diary) == ("Alice <A.> Smith", root / "alice_shoes.csv", None)
    assert (bob.name, bob.shoes) == ("bob", None)  # not in the file: its id


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("athlete_id,name\nalice,A\nzed,Z\n", "row 3: athlete_id 'zed': no folder or .zip of that name under"),
        ("athlete_id,name\nalice,A\n\nalice,B\n", "row 4: athlete_id 'alice' is already given in row 2"),
        ("athlete_id,shoes_csv\nbob,none.csv\n", "row 2: shoes_csv 'none.csv': no such file under"),
        ("id,name\nalice,A\n", "row 1: no athlete_id column"),
        ("athlete_id,name\n,A\n", "row 2: empty athlete_id"),
        ("", "empty file"),
    ],
)
def test_a_bad_athletes_csv_row_stops_the_squad_naming_file_and_row(tmp_path, text, reason):
    root = _roster_root(tmp_path, text)
    with pytest.raises(InputFileError) as err:
        roster.read_roster([root])
    assert str(err.value).startswith(f"{root / 'athletes.csv'}: ") and reason in str(err.value)
    res = CliRunner().invoke(main, ["squad", str(root), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and res.stderr.count("\n") == 1 and reason in res.stderr


# --- the per-file time budget in a worker's thread ---------------------------------------


def _in_thread(fn):
    """fn() run in another thread, as a Dask worker runs its tasks: {'value' or 'error'}."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as err:  # noqa: BLE001 - the test reports it
            box["error"] = err

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not thread.is_alive()
    return box


def test_the_time_budget_stops_a_slow_decoder_outside_the_main_thread(monkeypatch):
    """No signal reaches a worker's thread: ingest.deadline's watchdog stops the decoder
    there, even one that swallows every Exception, and it stays stopped."""
    import analyzer.ingest.pool as pool

    steps = [0]

    def stuck_decode(*_args):
        while True:  # a decoder going round a pathological file, swallowing its errors
            try:
                steps[0] += 1
                time.sleep(0.001)
            except Exception:  # noqa: BLE001, S110 - what a careless importer does
                pass

    monkeypatch.setattr(pool, "decode", stuck_decode)
    monkeypatch.setattr(pool, "DECODE_BUDGET_S", 0.3)
    start = time.perf_counter()
    box = _in_thread(lambda: pool.decode_one("stuck.fit", b"data", "0" * 64))
    took = time.perf_counter() - start
    meta, decoded = box["value"]
    assert decoded is None
    assert meta == {"kind": "error", "reason": "decoding took longer than 0.3 s: not read", pool.NOT_CACHED: 1}
    assert 0.3 <= took < 1.5
    reached = steps[0]
    assert reached > 10  # it did run
    time.sleep(0.3)
    assert steps[0] == reached  # and it stopped


def test_a_file_decoded_in_a_thread_is_the_same_and_no_late_interruption_comes(monkeypatch):
    import analyzer.ingest.pool as pool

    data = FILES[2].read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    here_meta, here = pool.decode_one(FILES[2].name, data, sha)  # the main thread: a timer signal
    monkeypatch.setattr(pool, "DECODE_BUDGET_S", 0.5)

    def decode_then_wait():
        meta, decoded = pool.decode_one(FILES[2].name, data, sha)
        for _ in range(300):  # 3 s of Python steps after the budget would have run out
            time.sleep(0.01)
        return meta, decoded

    box = _in_thread(decode_then_wait)
    assert "error" not in box
    meta, decoded = box["value"]
    assert meta == here_meta and meta["kind"] == "activity"
    pd.testing.assert_frame_equal(decoded.activities, here.activities)


def test_a_history_read_in_a_thread_skips_the_file_over_budget_and_does_not_cache_it(tmp_path, monkeypatch):
    import analyzer.ingest.pool as pool
    from analyzer.ingest import read_history

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FILES[2], folder / "run.fit")

    def slow_decode(*_args):
        end = time.monotonic() + 10
        while time.monotonic() < end:
            time.sleep(0.01)

    monkeypatch.setattr(pool, "decode", slow_decode)
    monkeypatch.setattr(pool, "DECODE_BUDGET_S", 0.2)
    box = _in_thread(lambda: read_history([folder], cache=tmp_path / "cache", workers=1, progress=False))
    assert [(f.status, f.reason) for f in box["value"].files] == [
        ("skipped", "decoding took longer than 0.2 s: not read")
    ]
    monkeypatch.undo()
    again = _in_thread(lambda: read_history([folder], cache=tmp_path / "cache", workers=1, progress=False))["value"]
    assert again.decoded == 1 and [f.status for f in again.files] == ["imported"]


# --- batches of a large athlete ---------------------------------------------------------


def test_plan_batches_groups_files_and_shares_a_large_zip_out():
    counts = [(f"a{i}", 1) for i in range(1, 6)] + [("z.zip", 250)] + [(f"b{i}", 1) for i in range(1, 4)]
    assert engine.plan_batches(counts, batch_files=4) == [
        (("a1", "a2", "a3", "a4"), 0, 1),
        *[(("z.zip",), k, 63) for k in range(63)],  # 250 inputs, 4 a batch: 63 parts
        (("a5", "b1", "b2", "b3"), 0, 1),
    ]


def test_survey_counts_files_and_the_members_of_nested_zips(tmp_path):
    inner = _zip(tmp_path / "inner.zip", {"x.fit": b"1", "y.fit": b"2", "z.gpx": b"3"})
    outer = _zip(tmp_path / "outer.zip", {"a/inner.zip": inner.read_bytes(), "b.fit": b"4", "__MACOSX/._b.fit": b"5"})
    folder = tmp_path / "athlete"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(outer, folder / "sub" / "export.zip")
    (folder / "run.fit").write_bytes(b"6")
    assert tasks.survey((str(folder),)) == [(str(folder / "run.fit"), 1), (str(folder / "sub" / "export.zip"), 4)]
    assert tasks.survey((str(outer),)) == [(str(outer), 4)]


def test_batches_decode_every_file_once_and_the_analysis_finds_a_warm_cache(tmp_path, monkeypatch):
    """decode_batch over a plan covers every input once (by file and by share of a zip);
    the athlete's analysis then decodes nothing and finds what it finds from a cold cache;
    after it, the batches do not even read a file (the input memo knows them)."""
    monkeypatch.setattr(InputMemo, "SETTLE_S", 0.0)  # the files written here count as settled
    athlete = tmp_path / "athlete"
    athlete.mkdir()
    for f in FILES[30:42]:
        shutil.copy(f, athlete / f.name)
    _zip(athlete / "more.zip", {f.name: f.read_bytes() for f in FILES[42:48]})
    counts = tasks.survey((str(athlete),))
    assert sum(n for _, n in counts) == 18
    plan = engine.plan_batches(counts, batch_files=5)
    assert [len(paths) for paths, _, parts in plan if parts == 1] == [5, 5, 2] and sum(p > 1 for *_, p in plan) == 2
    cache = tmp_path / "cache"
    decoded = [tasks.decode_batch(paths, part, parts, str(cache)) for paths, part, parts in plan]
    assert sum(decoded) == 18  # 18 distinct files, each decoded by exactly one batch
    assert tasks.decode_batch((str(athlete),), 0, 1, str(cache)) == 0  # all there now
    warm = api.analyze_to([athlete], tmp_path / "warm", cache=cache, workers=1, progress=False)
    cold = api.analyze_to([athlete], tmp_path / "cold", cache=tmp_path / "cold-cache", workers=1, progress=False)
    assert warm.analysis.history.decoded == 0 and cold.analysis.history.decoded == 18
    assert _findings(tmp_path / "warm") == _findings(tmp_path / "cold")
    opened: list[str] = []
    real_read = sources._read_file
    monkeypatch.setattr(sources, "_read_file", lambda path, info: opened.append(path) or real_read(path, info))
    assert [tasks.decode_batch(paths, part, parts, str(cache)) for paths, part, parts in plan] == [0] * len(plan)
    assert opened == []
    for memo in cache.glob("catalog/*/inputs.json"):
        memo.unlink()
    assert [tasks.decode_batch(paths, part, parts, str(cache)) for paths, part, parts in plan] == [0] * len(plan)
    assert len(opened) == 12 + 2  # without the memo: every FIT file, and the zip once for each of its 2 shares


# --- the squad on the real engine -------------------------------------------------------


def _findings(folder: Path) -> list:
    return json.loads((folder / "findings.json").read_text(encoding="utf-8"))["findings"]


def _copy_files(files, folder: Path) -> None:
    folder.mkdir(parents=True)
    for f in files:
        shutil.copy(f, folder / f.name)


@pytest.fixture(scope="module")
def squad_root(tmp_path_factory) -> Path:
    """Six athletes made from sample_data: the whole season (with its shoes.csv given in
    athletes.csv), two parts of it (one as a zip), one with the Garmin export's wellness
    files, a hostile zip and an empty folder."""
    root = tmp_path_factory.mktemp("squad") / "squad"
    shutil.copytree(ACTIVITIES, root / "full")
    _copy_files(FILES[30:45], root / "part")
    _copy_files(FILES[80:95], root / "garmin")
    shutil.copytree(GARMIN, root / "garmin" / "garmin_export")
    _copy_files(FILES[50:65], root / "second")
    _zip(root / "zipped.zip", {f"activities/{f.name}": f.read_bytes() for f in FILES[34:48]})
    noise = b"".join(hashlib.sha256(bytes([i])).digest() for i in range(64))
    _zip(root / "broken.zip", {"../escape.fit": FILES[3].read_bytes(), "noise.fit": noise})
    (root / "empty").mkdir()
    shutil.copy(REPO / "sample_data" / "shoes.csv", root / "full_shoes.csv")
    (root / "athletes.csv").write_text("athlete_id,name,shoes_csv\nfull,Full <Season>,full_shoes.csv\n")
    return root


@pytest.fixture(scope="module")
def reference(squad_root, tmp_path_factory):
    """findings of api.analyze_to on one athlete alone (serially, its own cold cache),
    and how many files it decoded."""
    done: dict = {}
    base = tmp_path_factory.mktemp("reference")

    def get(name: str, as_of: str | None = None, units: str = "km") -> tuple[list, int]:
        key = (name, as_of, units)
        if key not in done:
            out = base / f"{name}-{as_of}-{units}"
            shoes = squad_root / "full_shoes.csv" if name == "full" else None
            paths = [squad_root / (f"{name}.zip" if name == "zipped" else name)]
            report = api.analyze_to(
                paths,
                out,
                as_of=as_of,
                units=units,
                shoes=shoes,
                cache=out.with_suffix(".cache"),
                workers=1,
                progress=False,
            )
            done[key] = (_findings(out), report.analysis.history.decoded)
        return done[key]

    return get


def _athlete_folders(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "cohort")


def test_a_squad_on_a_local_cluster_of_two_workers_matches_each_athlete_alone(
    squad_root, reference, tmp_path, spawn_env, monkeypatch
):
    """The local cluster started and closed by run_squad (2 worker processes); the whole
    season counts as a large athlete here (over 100 files), so batch tasks decode it
    first. Every athlete's findings are those of analyze_to on it alone; the hostile zip
    and the empty folder get FAILED rows with their reasons; a rerun decodes nothing and
    replaces each athlete's folder whole."""
    monkeypatch.setattr(engine, "LARGE_ATHLETE_FILES", 100)
    monkeypatch.setattr(engine, "BATCH_FILES", 40)
    out = tmp_path / "out"
    rows = engine.run_squad([squad_root], out, workers=2, progress=False)
    assert [r.athlete_id for r in rows] == ["broken", "empty", "full", "garmin", "part", "second", "zipped"]
    by_id = {r.athlete_id: r for r in rows}
    broken, empty = by_id.pop("broken"), by_id.pop("empty")
    assert broken.status == FAILED and broken.reason.startswith(
        f"none of the 2 input files could be read: {squad_root / 'broken.zip'}!../escape.fit: archive member name"
    )
    assert (empty.status, empty.reason) == (FAILED, "no input files given")
    assert by_id["full"].name == "Full <Season>"
    assert any(f["cause"] == "worn_shoes" for f in _findings(out / "full"))  # its shoes.csv was given
    for aid, row in by_id.items():
        findings, decoded = reference(aid)
        assert row.status == OK and row.reason == ""
        assert _findings(out / aid) == findings, aid
        assert row.decoded == decoded and row.files == decoded, aid  # every file decoded once, none twice
        assert row.report == f"{aid}/report.html" and (out / aid / "report.html").is_file()
        assert (out / "cohort" / "findings" / f"athlete={aid}" / "part-0.parquet").is_file()
    assert _athlete_folders(out) == sorted(by_id)  # failed athletes have none
    assert not (out / tasks.TMP_FOLDER).exists()
    _check_page_and_cohort(rows, out, by_id)
    before = {aid: (out / aid / "findings.json").stat().st_ino for aid in by_id}
    for record in (out / ".cache").glob(f"*/{uptodate.RECORD}"):
        record.unlink()  # without its up-to-date record, every athlete is analysed again
    again = engine.run_squad([squad_root], out, workers=2, progress=False)
    assert [(r.athlete_id, r.status, r.decoded) for r in again] == [(r.athlete_id, r.status, 0) for r in rows]
    for aid in by_id:
        assert _findings(out / aid) == reference(aid)[0]
        assert (out / aid / "findings.json").stat().st_ino != before[aid]  # a new folder, moved in whole
    assert _athlete_folders(out) == sorted(by_id) and not (out / tasks.TMP_FOLDER).exists()
    # Unchanged since (and older than the settling time): the rows come from the records,
    # no folder is written again.
    kept = {aid: (out / aid / "findings.json").stat().st_ino for aid in by_id}
    third = engine.run_squad([squad_root], out, workers=2, progress=False)
    assert [json.dumps(r.as_dict()) for r in third] == [json.dumps(r.as_dict()) for r in again]  # NaN as NaN
    assert {aid: (out / aid / "findings.json").stat().st_ino for aid in by_id} == kept


def _check_page_and_cohort(rows, out: Path, ok: dict) -> None:
    """The squad page lists every athlete, and DuckDB reads every cohort table over the
    athletes' partitions: each finished athlete's findings as in its findings.json, the
    wellness table only for the athlete whose export has wellness files."""
    import duckdb

    from analyzer.squad.cohort_schema import COHORT_TABLES
    from analyzer.squad.page import write_squad_page

    write_squad_page(rows, out, "km")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert all(f"{r.athlete_id}" in page for r in rows) and "Full &lt;Season&gt;" in page
    con = duckdb.connect()
    for table in COHORT_TABLES:
        glob = str(out / "cohort" / table / "*" / "*.parquet")
        query = f"SELECT athlete, count(*) FROM read_parquet('{glob}', hive_partitioning = true) GROUP BY athlete"
        counts = dict(con.execute(query).fetchall())
        if table == "wellness":
            assert set(counts) == {"garmin"}, counts
        elif table in ("findings", "evidence"):
            assert set(counts) <= set(ok), counts
        else:
            assert set(counts) == set(ok), (table, counts)
    glob = str(out / "cohort" / "findings" / "*" / "*.parquet")
    for aid in ok:
        got = con.execute(
            f"SELECT cause, severity FROM read_parquet('{glob}', hive_partitioning = true) WHERE athlete = ? ORDER BY rank",
            [aid],
        ).fetchall()
        assert got == [(f["cause"], f["severity"]) for f in _findings(out / aid)], aid


def _dask(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("dask")), *args]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(15)


def test_the_squad_command_on_a_scheduler_and_a_worker_started_as_separate_processes(
    squad_root, reference, tmp_path, spawn_env
):
    scheduler_file = tmp_path / "scheduler.json"
    logs = tmp_path / "logs"
    logs.mkdir()
    started = []
    try:
        command = ["scheduler", "--port", "0", "--no-dashboard", "--scheduler-file", str(scheduler_file)]
        started.append(_popen(_dask(*command), spawn_env, logs / "scheduler.txt"))
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        command = ["worker", "--scheduler-file", str(scheduler_file), "--nworkers", "1", "--nthreads", "1"]
        started.append(_popen(_dask(*command, "--no-dashboard"), spawn_env, logs / "worker.txt"))
        root = tmp_path / "squad"
        root.mkdir()
        for name in ("part", "zipped.zip"):
            (root / name).symlink_to(squad_root / name)
        out = tmp_path / "out"
        args = ["squad", str(root), "--out", str(out), "--scheduler", address, "--as-of", "2026-07-08", "--units", "mi"]
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 0, res.output
        assert res.stdout.splitlines() == [
            "Squad: 2 athletes, 2 analysed, 0 failed",
            f"Squad page: {(out / 'index.html').resolve()}",
        ]
        assert (out / "index.html").is_file() and (out / "squad.csv").is_file()
        for aid in ("part", "zipped"):
            assert _findings(out / aid) == reference(aid, "2026-07-08", "mi")[0], aid
    finally:
        for proc in reversed(started):
            _stop(proc)


def _popen(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "w") as fh:
        return subprocess.Popen(command, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)


def test_the_squad_command_refuses_workers_with_a_scheduler(tmp_path):
    (tmp_path / "a").mkdir()
    res = CliRunner().invoke(
        main, ["squad", str(tmp_path), "--out", str(tmp_path / "o"), "--scheduler", "tcp://x:1", "--workers", "2"]
    )
    assert res.exit_code == 2 and "--workers" in res.stderr and not (tmp_path / "o").exists()


def _squad_of(tmp_path: Path, squad_root: Path, names: tuple[str, ...]) -> Path:
    """A squad folder whose athletes are links to some of squad_root's (same files, same
    findings as the references)."""
    root = tmp_path / "squad"
    root.mkdir()
    for name in names:
        (root / name).symlink_to(squad_root / name)
    if "full" in names:  # with its shoes.csv, named in athletes.csv
        for name in ("athletes.csv", "full_shoes.csv"):
            shutil.copy(squad_root / name, root / name)
    return root


def test_a_worker_killed_mid_squad_loses_and_duplicates_no_athlete(
    squad_root, reference, tmp_path, spawn_env, monkeypatch
):
    """A real LocalCluster of 2 worker processes; one is killed (SIGKILL) while it
    analyses an athlete. Dask retries its tasks: every athlete is in the result once,
    once on disk, whole, with the findings of its analysis alone."""
    from distributed import Client, LocalCluster, get_task_stream

    monkeypatch.setattr(engine, "LARGE_ATHLETE_FILES", 10)  # every athlete decoded by batch tasks first
    monkeypatch.setattr(engine, "BATCH_FILES", 8)
    names = ("garmin", "part", "second", "zipped.zip")
    root = _squad_of(tmp_path, squad_root, names)
    out = tmp_path / "out"
    killed: dict = {}
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0", silence_logs=logging.ERROR) as cluster,
        Client(cluster) as client,
    ):
        pids = client.run(os.getpid)

        finished = threading.Event()

        def kill_one_analysing():
            while not finished.is_set():
                running = client.run(lambda dask_worker: [str(ts.key) for ts in dask_worker.state.executing])
                for address, keys in running.items():
                    if any(k.startswith("analyze-") for k in keys) and address in pids:
                        os.kill(pids[address], signal.SIGKILL)
                        killed.update(pid=pids[address], keys=keys)
                        return
                time.sleep(0.05)

        with get_task_stream(client) as stream:
            killer = threading.Thread(target=kill_one_analysing)
            killer.start()
            try:
                rows = engine.run_squad([root], out, scheduler=cluster.scheduler_address, progress=False)
            finally:
                finished.set()
                killer.join()
        keys = [str(t["key"]) for t in stream.data]
    assert killed and not psutil.pid_exists(killed["pid"])
    assert any(k.startswith("batch-") for k in keys)
    ids = ["garmin", "part", "second", "zipped"]
    assert [(r.athlete_id, r.status) for r in rows] == [(aid, OK) for aid in ids]
    for aid in ids:
        assert _findings(out / aid) == reference(aid)[0], aid
        assert (out / "cohort" / "findings" / f"athlete={aid}" / "part-0.parquet").is_file()
    assert _athlete_folders(out) == ids and not (out / tasks.TMP_FOLDER).exists()


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_ctrl_c_closes_the_cluster_and_leaves_whole_caches(squad_root, reference, tmp_path, spawn_env):
    """`heavylegs squad` interrupted (SIGINT to its process group, as Ctrl-C in a terminal)
    once its workers decode: one line, exit 130, no process of it left, every cache entry
    whole, and an analysis from those caches finds what a fresh one finds."""
    names = ("full", "garmin", "part")
    root = _squad_of(tmp_path, squad_root, names)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "analyzer", "squad", str(root), "--out", str(out), "--workers", "2"]
    proc = subprocess.Popen(
        command, env=spawn_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    seen: dict[int, psutil.Process] = {}
    commands: list[str] = []
    try:
        end = time.monotonic() + 120
        while time.monotonic() < end and proc.poll() is None:
            for child in psutil.Process(proc.pid).children(recursive=True):
                if child.pid not in seen:
                    seen[child.pid] = child
                    commands.append(" ".join(child.cmdline()))
            if len(list(out.glob(".cache/*/v*/*/*.entry"))) >= 3:
                break  # the workers are decoding
            time.sleep(0.1)
        assert proc.poll() is None, "the squad ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    assert err.splitlines() == [
        "Interrupted: the cluster is closed; finished athletes are in --out, a rerun does the rest."
    ]
    assert sum("spawn_main" in c for c in commands) >= 2  # the local cluster's 2 worker processes
    end = time.monotonic() + 20
    while any(_alive(p) for p in seen.values()) and time.monotonic() < end:
        time.sleep(0.2)
    assert not [p.pid for p in seen.values() if _alive(p)]
    entries = list(out.glob(".cache/*/v*/*/*"))
    assert len(entries) >= 3
    for entry in entries:  # renamed into place whole: its metadata names the entry, every table reads
        assert entry.suffix == ".entry", entry
        meta, tables = entryfile.unpack(entry.read_bytes())
        assert meta["sha256"] == entry.stem and sorted(tables) == meta["tables"]
        for table in tables.values():
            table.to_pandas()
    for aid in _athlete_folders(out):
        assert {"findings.json", "report.html"} <= {p.name for p in (out / aid).iterdir()}
    for aid in names:
        shoes = root / "full_shoes.csv" if aid == "full" else None
        rerun = tmp_path / "rerun" / aid
        api.analyze_to([root / aid], rerun, shoes=shoes, cache=out / ".cache" / aid, workers=1, progress=False)
        assert _findings(rerun) == reference(aid)[0], aid


def test_a_scheduler_out_of_reach_or_without_workers_is_one_line(tmp_path, monkeypatch):
    from distributed import LocalCluster

    (tmp_path / "squad" / "a").mkdir(parents=True)
    out = tmp_path / "out"
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT_S", 1.0)
    res = CliRunner().invoke(
        main, ["squad", str(tmp_path / "squad"), "--out", str(out), "--scheduler", "tcp://127.0.0.1:9"]
    )
    assert res.exit_code == 2 and res.stderr.startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9: ")
    assert res.stderr.count("\n") == 1 and not out.exists()
    monkeypatch.setattr(engine, "WORKER_WAIT_S", 1.0)
    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0", silence_logs=logging.ERROR) as cluster:
        with pytest.raises(
            engine.SchedulerError, match=f"no Dask worker joined {cluster.scheduler_address} within 1 s"
        ):
            engine.run_squad([tmp_path / "squad"], out, scheduler=cluster.scheduler_address, progress=False)
    assert not out.exists()
