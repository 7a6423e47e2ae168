"""A squad's rerun does not analyse an athlete whose outputs are up to date
(squad/uptodate.py), and analyses again one whose inputs, outputs, options or code
changed; a single-threaded Dask worker draws the charts itself, the same bytes as the
figure helper."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from analyzer import api
from analyzer.squad import tasks, uptodate
from analyzer.squad.model import FAILED, OK

REPO = Path(__file__).resolve().parents[1]
FILES = sorted((REPO / "sample_data" / "activities").iterdir())
#: Ten activities of the sample season (2026-06-21 to 07-04: 8 runs, a strength session, a GPX run).
TEN = FILES[30:40]


@pytest.fixture
def settled(monkeypatch):
    """Files written by the test count as settled (the rule is tested on its own below)."""
    monkeypatch.setattr(uptodate, "SETTLE_S", 0.0)


@pytest.fixture
def analyses(monkeypatch) -> list:
    """The calls of api.analyze_to made from here on."""
    calls: list = []
    real = api.analyze_to

    def counted(*args, **kw):
        calls.append(kw.get("helper"))
        return real(*args, **kw)

    monkeypatch.setattr(api, "analyze_to", counted)
    return calls


def _athlete(tmp_path: Path, files=TEN) -> Path:
    folder = tmp_path / "squad" / "ann"
    folder.mkdir(parents=True)
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


def _job(athlete: Path, out: Path, **kw) -> tasks.Job:
    return tasks.Job("ann", "Ann", (str(athlete),), str(out), str(out / ".cache" / "ann"), **kw)


def _outputs(out: Path) -> dict[str, tuple[str, int, int]]:
    """(SHA-256, modification time, inode) of every output file (not the cache)."""
    return {
        p.relative_to(out).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
            p.stat().st_ino,
        )
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".cache" not in p.parts
    }


def test_an_unchanged_athlete_is_not_analysed_again_and_its_outputs_stay(tmp_path, settled, analyses):
    athlete, out = _athlete(tmp_path), tmp_path / "out"
    first = tasks.analyze_athlete(_job(athlete, out))
    assert (first.status, first.files, first.decoded) == (OK, 10, 10)
    assert (out / ".cache" / "ann" / uptodate.RECORD).is_file()
    before = _outputs(out)
    assert {"ann/report.html", "ann/findings.json", "cohort/findings/athlete=ann/part-0.parquet"} <= set(before)
    again = tasks.analyze_athlete(_job(athlete, out))
    assert len(analyses) == 1  # the first call only
    assert json.dumps(again.as_dict()) == json.dumps({**first.as_dict(), "decoded": 0})  # NaN as NaN
    assert _outputs(out) == before  # not one file written again


def _add_file(athlete: Path, out: Path) -> None:
    shutil.copy(FILES[40], athlete / FILES[40].name)


def _change_file(athlete: Path, out: Path) -> None:
    (athlete / TEN[1].name).write_bytes(FILES[41].read_bytes())


def _remove_report(athlete: Path, out: Path) -> None:
    (out / "ann" / "report.html").unlink()


def _remove_cohort(athlete: Path, out: Path) -> None:
    shutil.rmtree(out / "cohort" / "findings" / "athlete=ann")


def _edit_output(athlete: Path, out: Path) -> None:
    with open(out / "ann" / "weekly.csv", "a") as fh:
        fh.write("edited\n")


def _add_output(athlete: Path, out: Path) -> None:
    (out / "ann" / "notes.txt").write_text("a coach's note")


def _spoil_record(athlete: Path, out: Path) -> None:
    (out / ".cache" / "ann" / uptodate.RECORD).write_text("{not json")


@pytest.mark.parametrize(
    ("change", "files", "decoded"),
    [
        (_add_file, 11, 1),  # the new file is the only one decoded
        (_change_file, 10, 1),  # one file's bytes are another activity's
        (_remove_report, 10, 0),
        (_remove_cohort, 10, 0),
        (_edit_output, 10, 0),
        (_add_output, 10, 0),
        (_spoil_record, 10, 0),
    ],
)
def test_a_changed_input_or_output_is_analysed_again(tmp_path, settled, analyses, change, files, decoded):
    athlete, out = _athlete(tmp_path), tmp_path / "out"
    tasks.analyze_athlete(_job(athlete, out))
    before = _outputs(out)
    change(athlete, out)
    row = tasks.analyze_athlete(_job(athlete, out))
    assert len(analyses) == 2
    assert (row.status, row.files, row.decoded) == (OK, files, decoded)
    after = _outputs(out)
    if files == 10 and change is not _change_file:
        # The same inputs: the outputs are written again with the same bytes (a file
        # added by hand goes with the old folder).
        assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}
    assert tasks.analyze_athlete(_job(athlete, out)).decoded == 0 and len(analyses) == 2  # recorded again


def test_other_options_or_code_are_analysed_again(tmp_path, settled, analyses, monkeypatch):
    athlete, out = _athlete(tmp_path), tmp_path / "out"
    tasks.analyze_athlete(_job(athlete, out))
    miles = tasks.analyze_athlete(_job(athlete, out, units="mi"))
    assert len(analyses) == 2 and miles.status == OK
    earlier = tasks.analyze_athlete(_job(athlete, out, units="mi", as_of="2026-06-28"))
    assert len(analyses) == 3 and earlier.as_of == "2026-06-28"
    monkeypatch.setattr(uptodate, "code_version", lambda: "another version of heavylegs")
    tasks.analyze_athlete(_job(athlete, out, units="mi", as_of="2026-06-28"))
    assert len(analyses) == 4


def test_inputs_written_within_the_settling_time_are_not_recorded(tmp_path, analyses):
    athlete, out = _athlete(tmp_path), tmp_path / "out"  # written a moment ago
    assert tasks.analyze_athlete(_job(athlete, out)).status == OK
    assert not (out / ".cache" / "ann" / uptodate.RECORD).exists()
    assert tasks.analyze_athlete(_job(athlete, out)).decoded == 0
    assert len(analyses) == 2


def test_an_athlete_that_fails_now_loses_its_record_and_outputs(tmp_path, settled, analyses):
    athlete, out = _athlete(tmp_path), tmp_path / "out"
    assert tasks.analyze_athlete(_job(athlete, out)).status == OK
    for f in athlete.iterdir():
        f.unlink()
    (athlete / "noise.fit").write_bytes(b"not a FIT file")
    row = tasks.analyze_athlete(_job(athlete, out))
    assert row.status == FAILED and row.reason.startswith("none of the 1 input files could be read")
    assert not (out / ".cache" / "ann" / uptodate.RECORD).exists()
    assert not (out / "ann").exists() and not (out / "cohort" / "findings" / "athlete=ann").exists()
    assert tasks.analyze_athlete(_job(athlete, out)).status == FAILED and len(analyses) == 3


def test_the_record_names_every_input_and_output(tmp_path, settled):
    athlete, out = _athlete(tmp_path), tmp_path / "out"
    tasks.analyze_athlete(_job(athlete, out))
    record = json.loads((out / ".cache" / "ann" / uptodate.RECORD).read_text())
    assert sorted(Path(p).name for p in record["inputs"]) == sorted(f.name for f in TEN)
    size = (athlete / TEN[0].name).stat().st_size
    assert record["inputs"][str(athlete / TEN[0].name)][2] == size == TEN[0].stat().st_size
    outputs = {Path(p).relative_to(out).as_posix() for p in record["outputs"]}
    assert outputs == {k for k in _outputs(out)}
    assert record["row"]["athlete_id"] == "ann" and record["job"]["units"] == "km"


def test_charts_drawn_in_this_process_are_the_helpers_bytes(tmp_path):
    athlete = _athlete(tmp_path)
    here = api.analyze_to([athlete], tmp_path / "here", cache=tmp_path / "c1", workers=1, progress=False, helper=False)
    helper = api.analyze_to([athlete], tmp_path / "helper", cache=tmp_path / "c2", workers=1, progress=False)
    assert set(here.written) == set(helper.written)
    for kind, path in here.written.items():
        assert Path(path).read_bytes() == Path(helper.written[kind]).read_bytes(), kind


def test_a_single_threaded_dask_worker_draws_the_charts_itself():
    from distributed import Client, LocalCluster

    assert tasks.draws_here() is False  # outside Dask: the helper process
    for threads, expected in ((1, True), (2, False)):
        with LocalCluster(n_workers=1, threads_per_worker=threads, processes=False, dashboard_address=":0") as cluster:
            with Client(cluster) as client:
                assert client.submit(tasks.draws_here, pure=False).result() is expected
