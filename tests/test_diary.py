"""The runner's diary (diary.csv): what no device records, by day.

* good rows become wellness readings in SI units and reach History.daily_wellness, both
  as a diary.csv among the inputs and as ``--diary FILE``; the values are the file's,
  converted by hand (7.5 h = 27000 s, 10 min = 600 s);
* each kind of bad row gives one line naming the file, the CSV line and the problem;
* a bad diary.csv among the inputs is skipped with that line, the rest imported;
* ``heavylegs analyze --diary`` and ``heavylegs import --diary``: a good diary is used, a
  bad one stops the command with one line on stderr, exit 2, no traceback, nothing in --out.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from analyzer import InputFileError, analyze_to, read_history
from analyzer import columns as C
from analyzer.cli import main
from analyzer.importers.diary import HEADER_HELP, read_diary

DATA = Path(__file__).resolve().parent / "data"
#: A 57 s run of 2017-06-11 (UTC-7): the history the diary is added to.
RUN = DATA / "dtcooper__garmin-fenix5-run-57s.fit"

#: A note with a comma, quotes and a line break: the rows after it keep their CSV line numbers.
GOOD = (
    "date,sleep_h,legs_heavy_0_10,soreness_0_10,carbs_g,fluids_l,stretching_min,ferritin_ug_l,note\n"
    "2017-06-09,7.5,3,2,350,2.5,10,,easy day\n"
    '2017-06-10,5.25,7,,,1.8,0,28,"blood test; legs like lead,\nslept ""badly"""\n'
    "2017-06-11,,,,,,,,\n"
)


DIARY_METRICS = (
    C.SLEEP_S,
    C.LEGS_HEAVY,
    C.SORENESS,
    C.CARBS_G,
    C.FLUIDS_L,
    C.STRETCHING_S,
    C.FERRITIN_UG_L,
    C.DIARY_NOTE,
)


def _write(tmp_path: Path, text: str, name: str = "diary.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _runs(tmp_path: Path) -> Path:
    folder = tmp_path / "runs"
    folder.mkdir(exist_ok=True)
    shutil.copy(RUN, folder / "run.fit")
    return folder


def _check_daily(daily: pd.DataFrame, source: str) -> None:
    """The GOOD diary's days, converted by hand."""
    daily = daily.set_index(C.DATE)
    # 06-11 is an empty row: no reading (the run's file gives that day a weight, no more).
    from_diary = daily[[m + C.SOURCE_SUFFIX for m in DIARY_METRICS]].eq(source).any(axis=1)
    assert list(daily.index[from_diary]) == [pd.Timestamp("2017-06-09"), pd.Timestamp("2017-06-10")]
    first, second = daily.loc["2017-06-09"], daily.loc["2017-06-10"]
    assert first[C.SLEEP_S] == 27000.0 and second[C.SLEEP_S] == 18900.0  # 7.5 h, 5.25 h
    assert first[C.LEGS_HEAVY] == 3.0 and second[C.LEGS_HEAVY] == 7.0
    assert first[C.SORENESS] == 2.0 and math.isnan(second[C.SORENESS])
    assert first[C.CARBS_G] == 350.0 and math.isnan(second[C.CARBS_G])
    assert first[C.FLUIDS_L] == 2.5 and second[C.FLUIDS_L] == 1.8
    assert first[C.STRETCHING_S] == 600.0 and second[C.STRETCHING_S] == 0.0  # 0 min is a value
    assert math.isnan(first[C.FERRITIN_UG_L]) and second[C.FERRITIN_UG_L] == 28.0
    assert first[C.DIARY_NOTE] == "easy day"
    assert second[C.DIARY_NOTE] == 'blood test; legs like lead,\nslept "badly"'
    assert first[C.SLEEP_S + C.SOURCE_SUFFIX] == source and second[C.FERRITIN_UG_L + C.SOURCE_SUFFIX] == source


def test_read_diary_gives_readings_in_si_units(tmp_path):
    path = _write(tmp_path, GOOD)
    frame = read_diary(path)
    assert set(frame[C.ORIGIN]) == {C.ORIGIN_DIARY} and set(frame[C.WELLNESS_SOURCE]) == {str(path)}
    # 7 values and a note on 06-09 (ferritin empty), 5 values and a note on 06-10.
    assert frame.groupby(C.DATE).size().tolist() == [7, 6]
    one = frame[(frame[C.DATE] == pd.Timestamp("2017-06-09")) & (frame[C.METRIC] == C.STRETCHING_S)]
    assert one[C.VALUE].tolist() == [600.0]


def test_a_diary_among_the_inputs_reaches_daily_wellness(tmp_path):
    diary = _write(tmp_path, GOOD)
    h = read_history([_runs(tmp_path), diary], cache=tmp_path / "cache", progress=False)
    rec = next(f for f in h.files if f.path == str(diary))
    assert rec.status == C.IMPORTED
    assert rec.reason == (
        "diary: 2 days (sleep_h 2, legs_heavy_0_10 2, soreness_0_10 1, carbs_g 1, fluids_l 2, "
        "stretching_min 2, note 2, ferritin_ug_l 1)"
    )
    _check_daily(h.daily_wellness, str(diary))


def test_add_wellness_remakes_the_daily_table(tmp_path):
    diary = _write(tmp_path, GOOD, name="my-diary.csv")
    h = read_history([_runs(tmp_path)], cache=tmp_path / "cache", progress=False)
    before = h.daily_wellness  # computed (and kept) before the diary is added: the run's weight only
    assert before[C.DATE].tolist() == [pd.Timestamp("2017-06-11")] and before[C.SLEEP_S].isna().all()
    h.add_wellness(read_diary(diary))
    _check_daily(h.daily_wellness, str(diary))


BAD = [
    ("2017-06-09,7\n2017-6-10,8\n", "row 3: date '2017-6-10' is not an ISO date (YYYY-MM-DD)"),
    ("2017-02-30,7\n", "row 2: date '2017-02-30' is not an ISO date (YYYY-MM-DD)"),
    (",7\n", "row 2: empty date"),
    ('2017-06-09,"7,5"\n', "row 2: sleep_h '7,5' is not a number (use a decimal point)"),
    ("2017-06-09,seven\n", "row 2: sleep_h 'seven' is not a number"),
    ("2017-06-09,nan\n", "row 2: sleep_h 'nan' is not a number"),
    ("2017-06-09,25\n", "row 2: sleep_h 25 is out of range (0-24 h)"),
    ("2017-06-09,7\n2017-06-10,6\n2017-06-09,8\n", "row 4: date 2017-06-09 given twice (first in row 2)"),
    ("2017-06-09,7,extra\n", "row 2: 3 cells where the header has 2 (quote a note with commas)"),
]


@pytest.mark.parametrize(("body", "message"), BAD)
def test_bad_rows_give_one_line(tmp_path, body, message):
    path = _write(tmp_path, "date,sleep_h\n" + body)
    with pytest.raises(InputFileError) as err:
        read_diary(path)
    assert str(err.value) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        ("legs_heavy_0_10", "11", "legs_heavy_0_10 11 is out of range (0-10)"),
        ("soreness_0_10", "-1", "soreness_0_10 -1 is out of range (0-10)"),
        ("carbs_g", "2500", "carbs_g 2500 is out of range (0-2000 g)"),
        ("fluids_l", "2500", "fluids_l 2500 is out of range (0-20 L)"),
        ("stretching_min", "1441", "stretching_min 1441 is out of range (0-1440 min)"),
        ("ferritin_ug_l", "0.5", "ferritin_ug_l 0.5 is out of range (1-1000 ug/L)"),
        ("ferritin_ug_l", "1200", "ferritin_ug_l 1200 is out of range (1-1000 ug/L)"),
    ],
)
def test_each_column_has_its_range(tmp_path, column, cell, message):
    # Its edges are allowed (row 2), the value past them is not (row 3).
    low, high = {
        "legs_heavy_0_10": (0, 10),
        "soreness_0_10": (0, 10),
        "carbs_g": (0, 2000),
        "fluids_l": (0, 20),
        "stretching_min": (0, 1440),
        "ferritin_ug_l": (1, 1000),
    }[column]
    path = _write(tmp_path, f"date,{column}\n2017-06-08,{low}\n2017-06-09,{high}\n2017-06-10,{cell}\n")
    with pytest.raises(InputFileError) as err:
        read_diary(path)
    assert str(err.value) == f"{path}: row 4: {message}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("day,sleep_h\n2017-06-09,7\n", f"missing column date ({HEADER_HELP})"),
        ("date,sleep_hours\n2017-06-09,7\n", f"unknown column 'sleep_hours' ({HEADER_HELP})"),
        ("date,sleep_h,Sleep_H\n2017-06-09,7,7\n", "column 'sleep_h' given twice"),
        ("date\n2017-06-09\n", f"no diary column ({HEADER_HELP})"),
        ("", f"empty diary ({HEADER_HELP})"),
    ],
)
def test_bad_headers_give_one_line(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(InputFileError) as err:
        read_diary(path)
    assert str(err.value) == f"{path}: {message}"


def test_row_numbers_are_csv_lines_after_a_note_on_two_lines(tmp_path):
    path = _write(tmp_path, 'date,note,sleep_h\n2017-06-09,"two\nlines",7\n\n2017-06-10,ok,x\n')
    with pytest.raises(InputFileError) as err:
        read_diary(path)
    assert (err.value.row, err.value.reason) == (5, "row 5: sleep_h 'x' is not a number")


def test_headers_are_not_case_sensitive_and_a_bom_is_ignored(tmp_path):
    path = tmp_path / "diary.csv"
    path.write_bytes("\ufeffDate, Sleep_H ,NOTE\n2017-06-09,6,fine\n".encode())
    frame = read_diary(path)
    assert sorted(zip(frame[C.METRIC], frame[C.VALUE].fillna(-1), frame[C.TEXT], strict=True)) == [
        (C.DIARY_NOTE, -1.0, "fine"),
        (C.SLEEP_S, 21600.0, ""),
    ]


def test_a_bad_diary_among_the_inputs_is_skipped_with_its_line(tmp_path):
    diary = _write(tmp_path, "date,legs_heavy_0_10\n2017-06-09,4\n2017-06-10,12\n")
    h = read_history([_runs(tmp_path), diary], cache=tmp_path / "cache", progress=False)
    by_path = {f.path: f for f in h.files}
    assert by_path[str(diary)].status == C.SKIPPED
    assert by_path[str(diary)].reason == "diary: row 3: legs_heavy_0_10 12 is out of range (0-10)"
    assert by_path[str(_runs(tmp_path) / "run.fit")].status != C.SKIPPED
    # nothing of the diary's (the run's FIT file gives its profile's resting HR and weight)
    assert (h.wellness[C.ORIGIN] != C.ORIGIN_DIARY).all() and h.daily_wellness[C.LEGS_HEAVY].isna().all()


# --- the command line and the library ------------------------------------------------------


def _one_line_error(res) -> str:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    return lines[0]


def test_analyze_with_a_bad_diary_stops_before_writing(tmp_path):
    diary = _write(tmp_path, "date,sleep_h\n2017-06-09,7\n2017-06-09,6\n")
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main,
        ["analyze", str(_runs(tmp_path)), "--diary", str(diary), "--out", str(out), "--cache", str(tmp_path / "c")],
    )
    assert _one_line_error(res) == f"Error: {diary}: row 3: date 2017-06-09 given twice (first in row 2)"
    assert not out.exists()


def test_import_with_a_bad_diary_exits_2(tmp_path):
    diary = _write(tmp_path, "date,fluids_l\n2017-06-09,1500\n")
    res = CliRunner().invoke(
        main, ["import", str(_runs(tmp_path)), "--diary", str(diary), "--cache", str(tmp_path / "c")]
    )
    assert _one_line_error(res) == f"Error: {diary}: row 2: fluids_l 1500 is out of range (0-20 L)"
    assert res.stdout == ""  # stopped before importing


def test_import_with_a_good_diary_says_what_it_read(tmp_path):
    diary = _write(tmp_path, GOOD, name="notes.csv")
    args = ["import", str(_runs(tmp_path)), "--diary", str(diary), "--cache", str(tmp_path / "c")]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    summary = (
        "2 days (sleep_h 2, legs_heavy_0_10 2, soreness_0_10 1, carbs_g 1, fluids_l 2, "
        "stretching_min 2, note 2, ferritin_ug_l 1)"
    )
    assert f"Diary {diary}: {summary}" in res.stdout.splitlines()
    res = CliRunner().invoke(main, [*args, "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["diary"] == {"path": str(diary), "summary": summary}


def test_analyze_with_a_good_diary_uses_it(tmp_path):
    diary = _write(tmp_path, GOOD, name="notes.csv")
    out = tmp_path / "out"
    args = ["analyze", str(_runs(tmp_path)), "--diary", str(diary), "--out", str(out), "--cache", str(tmp_path / "c")]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert (out / "findings.json").exists()
    # The library call the command makes: the diary's days are the analysis's wellness.
    report = analyze_to([_runs(tmp_path)], tmp_path / "out2", diary=diary, cache=tmp_path / "c")
    assert report.analysis.context.as_of.isoformat() == "2017-06-11"
    _check_daily(report.analysis.context.wellness, str(diary))
