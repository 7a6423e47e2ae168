"""Bad input the runner gives (a shoes.csv, a shoe override file, files none of which can
be read) stops the command with one line naming the file, the row and the problem,
exit status 2, no traceback, and nothing written to --out; the library raises the
same AnalyzerError."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer import InputFileError, NoInputRead, analyze_to
from analyzer.cli import main

DATA = Path(__file__).resolve().parent / "data"
RUN = DATA / "dtcooper__garmin-fenix5-run-57s.fit"


def _runs(tmp_path: Path) -> Path:
    folder = tmp_path / "runs"
    folder.mkdir()
    shutil.copy(RUN, folder / "run.fit")
    return folder


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _analyze(tmp_path: Path, *args: str):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["analyze", *args, "--out", str(out), "--cache", str(tmp_path / "cache")])
    return res, out


def _one_line_error(res) -> str:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    return lines[0]


def test_bad_date_in_shoes_csv(tmp_path):
    shoes = _write(tmp_path, "shoes.csv", "name,first_used\nPegasus,2024-01-01\nNovablast,notadate\n")
    res, out = _analyze(tmp_path, str(_runs(tmp_path)), "--shoes", str(shoes))
    line = _one_line_error(res)
    # The file, the row (line 3 of the file: the second pair) and the problem.
    assert line == f"Error: {shoes}: row 3: first_used 'notadate' is not an ISO date (YYYY-MM-DD)"
    assert not out.exists()


def test_shoes_csv_without_its_columns(tmp_path):
    shoes = _write(tmp_path, "shoes.csv", "pair,since\nPegasus,2024-01-01\n")
    res, out = _analyze(tmp_path, str(_runs(tmp_path)), "--shoes", str(shoes))
    assert _one_line_error(res) == (
        f"Error: {shoes}: missing column name, first_used (header: name,first_used,retired,initial_km)"
    )
    assert not out.exists()


def test_bad_override_file(tmp_path):
    overrides = _write(tmp_path, "overrides.csv", "activity_id,shoe\nabc-0,Pegasus\n ,Novablast\n")
    res, out = _analyze(tmp_path, str(_runs(tmp_path)), "--shoe-overrides", str(overrides))
    assert _one_line_error(res) == f"Error: {overrides}: row 3: empty id"
    assert not out.exists()


def test_override_file_with_another_header(tmp_path):
    overrides = _write(tmp_path, "overrides.csv", "id,pair\nabc-0,Pegasus\n")
    res, out = _analyze(tmp_path, str(_runs(tmp_path)), "--shoe-overrides", str(overrides))
    assert _one_line_error(res) == f"Error: {overrides}: expected the header activity_id,shoe"
    assert not out.exists()


def test_nothing_readable(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.fit").write_bytes(b"not a fit file at all")
    (folder / "b.gpx").write_bytes(b"\x00\x01")
    res, out = _analyze(tmp_path, str(folder))
    line = _one_line_error(res)
    assert line.startswith(f"Error: none of the 2 input files could be read: {folder / 'a.fit'}: not a FIT file")
    assert line.endswith("(and 1 more not read)")
    assert not out.exists()


def test_import_of_nothing_readable_exits_2(tmp_path):
    (tmp_path / "README.txt").write_text("nothing to see\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["import", str(tmp_path / "README.txt"), "--cache", str(tmp_path / "cache")])
    assert _one_line_error(res).startswith("Error: none of the 1 input files could be read: ")


def test_the_library_raises_the_same_errors(tmp_path):
    shoes = _write(tmp_path, "shoes.csv", "name,first_used\nPegasus,notadate\n")
    with pytest.raises(InputFileError) as err:
        analyze_to([_runs(tmp_path)], tmp_path / "out", shoes=shoes, cache=tmp_path / "cache")
    assert (err.value.path, err.value.row) == (str(shoes), 2)
    with pytest.raises(NoInputRead):
        analyze_to([tmp_path / "missing.fit"], tmp_path / "out", cache=tmp_path / "cache")
    assert not (tmp_path / "out").exists()


def test_the_console_script_prints_no_traceback(tmp_path):
    exe = shutil.which("heavylegs", path=str(Path(sys.executable).parent))
    assert exe, "console script not installed"
    shoes = _write(tmp_path, "shoes.csv", "name,first_used\nPegasus,notadate\n")
    out = tmp_path / "out"
    done = subprocess.run(
        [exe, "analyze", str(_runs(tmp_path)), "--shoes", str(shoes), "--out", str(out), "--cache", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr == f"Error: {shoes}: row 2: first_used 'notadate' is not an ISO date (YYYY-MM-DD)\n"
    assert done.stdout == "" and not out.exists()
