"""The squad's own outputs (analyzer.squad.page, analyzer.squad.cohort): index.html,
squad.csv and the cohort dataset, from four athletes analysed one after the other by
api.analyze_to (the call a squad makes per athlete) on variants of sample_data/.

Every expected value is taken from the athlete's own files written by analyze_to
(findings.json, weekly.csv, activities.csv, wellness.csv) or read by hand from them and
from sample_data/README.md's stories; no Dask here (the engine's tests run it).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import math
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analyzer.api import analyze_to
from analyzer.squad.cohort import COHORT_TABLES, partition_dir, read_cohort, write_athlete_cohort
from analyzer.squad.model import FAILED, OK
from analyzer.squad.page import failed_row, read_squad_csv, row_from_report, write_squad_page

duckdb = pytest.importorskip("duckdb")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
README = ROOT / "README.md"
FILES = sorted((SAMPLE / "activities").iterdir())

SCRIPT_NAME = "<script>alert(1)</script>"
IMG_NAME = '"><img src=x onerror=alert(1)>'
#: id: (display name, inputs, shoes.csv). alice: the whole season with the Garmin export's
#: wellness and the shoes (the planted form drift is her top finding); bob: the season up to
#: 2026-08-29 (story 3's long-run spike of 2026-08-23 is active); carol: the first 8 files
#: and a broken file (one low finding); 007: the first 20 files, 2026-05-11 to 2026-06-07 (no finding, no wellness).
ATHLETES = {
    "alice": (SCRIPT_NAME, [SAMPLE / "activities", SAMPLE / "garmin_export"], SAMPLE / "shoes.csv"),
    "bob": (IMG_NAME, [p for p in FILES if p.name[:10] <= "2026-08-29"], None),
    "carol": ("Carol", FILES[:8], None),
    "007": ("", FILES[:20], None),
}
FAILED_ROWS = [
    ("erin", "Erin & Co", "no input could be read: erin.zip: <b>not a zip</b> (truncated)", 3),
    ("<script>x</script>", "", "empty export", 0),
]


@pytest.fixture(scope="module")
def squad(tmp_path_factory):
    """DIR with each athlete's analysis, index.html, squad.csv and the cohort; the rows
    and the reports by id."""
    out = tmp_path_factory.mktemp("squad")
    cache = tmp_path_factory.mktemp("cache")  # one cache: the subsets are warm after alice
    junk = tmp_path_factory.mktemp("junk") / "2026-05-22_broken.fit"
    junk.write_bytes(b"\x0e\x10not a FIT file at all")
    reports, rows = {}, []
    for athlete, (name, inputs, shoes) in ATHLETES.items():
        inputs = [*inputs, junk] if athlete == "carol" else inputs  # one file carol's export cannot read
        report = analyze_to(inputs, out / athlete, shoes=shoes, cache=cache, progress=False)
        reports[athlete] = report
        rows.append(row_from_report(report, athlete, name, out, files=len(inputs), decoded=0))
        write_athlete_cohort(report.analysis, athlete, out / "cohort")
    rows += [failed_row(i, n, why, files) for i, n, why, files in FAILED_ROWS]
    written = write_squad_page(rows, out, "km", title="Club <Zürich>")
    return {"out": out, "rows": {r.athlete_id: r for r in rows}, "reports": reports, "written": written}


def _findings(out: Path, athlete: str) -> dict:
    return json.loads((out / athlete / "findings.json").read_text(encoding="utf-8"))


def _csv(out: Path, athlete: str, name: str) -> pd.DataFrame:
    return pd.read_csv(out / athlete / f"{name}.csv", keep_default_na=True)


def _recent_runs(out: Path, athlete: str) -> pd.DataFrame:
    """The athlete's runs in the 28 days to as_of, from activities.csv."""
    as_of = dt.date.fromisoformat(_findings(out, athlete)["as_of"])
    acts = _csv(out, athlete, "activities")
    runs = acts[acts["is_run"]]
    day = pd.to_datetime(runs["start_local"]).dt.date
    return runs[(day > as_of - dt.timedelta(days=28)) & (day <= as_of)]


# --- the rows ----------------------------------------------------------------------------
def test_rows_are_the_athletes_own_files(squad):
    out = squad["out"]
    for athlete in ATHLETES:
        row, found = squad["rows"][athlete], _findings(out, athlete)
        recent = _recent_runs(out, athlete)
        assert row.status == OK and row.as_of == found["as_of"]
        assert row.runs_4w == len(recent)
        assert row.weekly_m / 1000 == pytest.approx(recent["distance_km"].sum() / 4, abs=0.001 * len(recent))
        top = found["findings"][0] if found["findings"] else None
        assert row.top_cause == (top["cause"] if top else "")
        assert row.top_severity == (top["severity"] if top else "")
        assert row.top_category == (top["category"] if top else "")
        assert (row.top_score == top["score"]) if top else math.isnan(row.top_score)
        assert row.report == f"{athlete}/report.html" and (out / row.report).is_file()
        assert row.name == (ATHLETES[athlete][0] or athlete)


def test_rows_read_by_hand(squad):
    """What the rows must say, read by hand: alice's last 4 weeks are weekly.csv's weeks of
    2026-09-28 to 2026-10-19 (runs 4 + 5 + 4 + 5; 44.126 + 47.967 + 43.105 + 46.920 km,
    sample_data: Sunday 2026-10-25 is her last day); 007's 20 files run from 2026-05-11 to
    2026-06-07 (exactly 4 weeks) and two are strength sessions."""
    rows = {r.athlete_id: r for r in read_squad_csv(squad["out"] / "squad.csv")}
    alice, zero = rows["alice"], rows["007"]
    assert (alice.as_of, alice.runs_4w) == ("2026-10-25", 18)
    assert alice.weekly_m / 1000 == pytest.approx((44.126 + 47.967 + 43.105 + 46.920) / 4, abs=0.002)
    assert (alice.top_cause, alice.top_severity) == ("running_form", "high")
    assert alice.top_evidence == "ground contact time vs own baseline at the same pace: 13.8 ms (threshold +8 ms)"
    assert (zero.as_of, zero.runs_4w, zero.top_cause) == ("2026-06-07", 18, "")
    assert rows["bob"].top_cause == "long_run_spike"
    assert rows["bob"].top_evidence == "longer by: 59.3 % (threshold >30-100%) on 2026-08-23"  # story 3: +59 %


def test_a_partly_read_export_says_so(squad):
    out = squad["out"]
    skipped = _findings(out, "carol")["skipped"]
    assert [Path(s["file"]).name for s in skipped] == ["2026-05-22_broken.fit"]
    assert squad["rows"]["carol"].reason == "1 of 9 files could not be read (see the report)"
    assert all(not squad["rows"][a].reason for a in ("alice", "bob", "007"))
    assert "1 of 9 files could not be read" in (out / "index.html").read_text(encoding="utf-8")


# --- index.html --------------------------------------------------------------------------
class _Page(HTMLParser):
    """The page's tags, attributes and text, and the athlete rows of each table."""

    def __init__(self) -> None:
        super().__init__()
        self.tags, self.attrs, self.text, self.tables = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]
        if tag == "table":
            self.tables.append([])
        ids = [v for k, v in attrs if k == "id" and v and v.startswith("athlete-")]
        if tag == "tr" and ids:
            self.tables[-1].append(ids[0].removeprefix("athlete-"))

    def handle_data(self, data):
        self.text.append(data)


def _page(out: Path) -> tuple[str, _Page]:
    text = (out / "index.html").read_text(encoding="utf-8")
    parser = _Page()
    parser.feed(text)
    return text, parser


def test_page_order_is_the_top_findings_score(squad):
    out = squad["out"]
    _, page = _page(out)
    ranked, failed = page.tables

    def key(athlete):
        found = _findings(out, athlete)["findings"]
        name = ATHLETES[athlete][0] or athlete
        return (-found[0]["score"] if found else math.inf, name.casefold(), athlete)

    assert ranked == sorted(ATHLETES, key=key)
    assert ranked == ["alice", "bob", "carol", "007"]  # 0.95 high, medium spike, low, none
    assert failed == [i for i, n, *_ in sorted(FAILED_ROWS, key=lambda r: ((r[1] or r[0]).casefold(), r[0]))]


def test_failed_athletes_are_listed_with_their_reason(squad):
    text, page = _page(squad["out"])
    failed_part = text[text.index("Could not be analysed") :]
    for athlete, _, reason, files in FAILED_ROWS:
        row = squad["rows"][athlete]
        assert (row.status, row.reason, row.files) == (FAILED, reason, files)
        assert html.escape(reason) in failed_part
        assert reason in "".join(page.text)
    assert failed_row("x", "", "line one\n  line two").reason == "line one line two"


def test_strings_from_files_are_inert_text(squad):
    out = squad["out"]
    text, page = _page(out)
    allowed = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "table", "tr", "th", "td"}
    assert set(page.tags) <= allowed | {"b", "br", "span", "a"}
    assert not [a for a in page.attrs if a.startswith("on")] and "src" not in page.attrs
    data = "".join(page.text)
    for hostile in (SCRIPT_NAME, IMG_NAME, "<script>x</script>", "Club <Zürich>"):
        assert hostile in data  # shown as text
    assert "<script" not in text and "<img" not in text
    assert "http://" not in text and "https://" not in text  # nothing fetched
    # evidence text from a file is escaped the same way
    row = replace(squad["rows"]["alice"], top_evidence='<img src=x onerror="alert(1)">')
    write_squad_page([row], out / "hostile", "km")
    text, page = _page(out / "hostile")
    assert "<img" not in text and '<img src=x onerror="alert(1)">' in "".join(page.text)


def test_page_shows_the_squads_units(squad):
    out = squad["out"]
    rows = list(squad["rows"].values())
    write_squad_page(rows, out / "miles", "mi")
    text = (out / "miles" / "index.html").read_text(encoding="utf-8")
    alice = squad["rows"]["alice"]
    assert f"<td class='num'>{alice.weekly_m / 1609.344:.1f}</td>" in text
    assert f"<td class='num'>{alice.weekly_m / 1000:.1f}</td>" in (out / "index.html").read_text(encoding="utf-8")
    with open(out / "miles" / "squad.csv", newline="", encoding="utf-8") as f:
        got = {r["athlete_id"]: r for r in csv.DictReader(f)}
    assert float(got["alice"]["weekly_mi"]) == pytest.approx(float(got["alice"]["weekly_km"]) / 1.609344, abs=0.001)


def test_squad_csv_round_trip(squad):
    out = squad["out"]
    back = read_squad_csv(out / "squad.csv")
    _, page = _page(out)
    assert [r.athlete_id for r in back] == page.tables[0] + page.tables[1]
    for r in back:
        want = squad["rows"][r.athlete_id]
        for field, value in want.as_dict().items():
            got = getattr(r, field)
            if isinstance(value, float) and math.isnan(value):
                assert math.isnan(got), field
            elif field == "weekly_m":
                assert got == pytest.approx(value, abs=0.5)
            else:
                assert got == value, field
    frame = pd.read_csv(out / "squad.csv", dtype={"athlete_id": str})
    assert frame.loc[frame["athlete_id"] == "alice", "weekly_km"].item() == round(
        squad["rows"]["alice"].weekly_m / 1000, 3
    )


# --- the cohort --------------------------------------------------------------------------
def test_one_schema_per_table_across_athletes(squad):
    cohort = squad["out"] / "cohort"
    for table, schema in COHORT_TABLES.items():
        parts = sorted((cohort / table).glob("athlete=*/*.parquet"))
        expected = {"alice"} if table == "wellness" else set(ATHLETES)  # 007 has no wellness
        assert {p.parent.name.removeprefix("athlete=") for p in parts} == expected, table
        for part in parts:
            assert pq.read_schema(part).remove_metadata().equals(schema), (table, part)
    assert pq.read_metadata(cohort / "findings" / "athlete=007" / "part-0.parquet").num_rows == 0


def test_pandas_and_duckdb_read_every_table(squad):
    cohort = squad["out"] / "cohort"
    for table, schema in COHORT_TABLES.items():
        frame = pd.read_parquet(cohort / table)
        assert list(frame.columns) == [*schema.names, "athlete"]
        glob = f"{cohort}/{table}/*/*.parquet"
        got = duckdb.sql(
            f"SELECT athlete, count(*) FROM read_parquet('{glob}', hive_partitioning = true) GROUP BY athlete"
        ).fetchall()
        assert dict(got) == frame.groupby("athlete", observed=True).size().to_dict(), table
        names = [
            d[0]
            for d in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{glob}', hive_partitioning = true)").fetchall()
        ]
        assert names == [*schema.names, "athlete"]


def _text(value):
    """A text cell as findings.json has it: None where pandas reads a null as NaN."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def test_findings_and_evidence_are_findings_json(squad):
    out = squad["out"]
    findings, evidence = read_cohort(out / "cohort", "findings"), read_cohort(out / "cohort", "evidence")
    for athlete in ATHLETES:
        want = _findings(out, athlete)
        got = findings[findings["athlete"] == athlete].sort_values("rank")
        assert len(got) == len(want["findings"])
        for (_, g), w, rank in zip(got.iterrows(), want["findings"], range(1, 99), strict=False):
            assert (g["rank"], g["cause"], g["category"], g["severity"], g["score"]) == (
                rank,
                w["cause"],
                w["category"],
                w["severity"],
                w["score"],
            )
            assert (g["window_start"].isoformat(), g["window_end"].isoformat()) == (
                w["window"]["start"],
                w["window"]["end"],
            )
            assert (g["message"], g["advice"], list(g["signals"])) == (w["message"], w["advice"], w["signals"])
            assert json.loads(g["evidence"]) == w["evidence"]
            assert g["as_of"].isoformat() == want["as_of"]
            items = evidence[(evidence["athlete"] == athlete) & (evidence["rank"] == rank)].sort_values("item")
            assert list(items["item"]) == list(range(1, len(w["evidence"]) + 1))
            for (_, e), we in zip(items.iterrows(), w["evidence"], strict=True):
                assert (e["metric"], e["unit"], e["cause"]) == (we["metric"], we["unit"], w["cause"])
                assert (_text(e["threshold"]), _text(e["source"])) == (we["threshold"], we["source"])
                assert (e["date"].isoformat() if e["date"] else None) == we["date"]
                v = we["value"]
                if isinstance(v, int | float) and not isinstance(v, bool):
                    assert e["value"] == v and e["value_text"] == json.dumps(v)
                else:
                    assert math.isnan(e["value"]) and _text(e["value_text"]) == v
    assert evidence[evidence["metric"] == "longer by"]["value"].tolist() == [59.3]  # story 3, bob


def test_weekly_is_weekly_csv_in_metres(squad):
    out = squad["out"]
    weekly = read_cohort(out / "cohort", "weekly")
    for athlete in ATHLETES:
        want = _csv(out, athlete, "weekly")
        got = weekly[weekly["athlete"] == athlete].sort_values("week_start").reset_index(drop=True)
        assert [d.isoformat() for d in got["week_start"]] == list(want["week_start"])
        assert (got["distance_m"] / 1000).round(3).tolist() == want["distance_km"].tolist()
        assert (got["longest_run_m"] / 1000).round(3).tolist() == want["longest_run_km"].tolist()
        assert got["runs"].tolist() == want["runs"].tolist()
        for col in ("acwr", "monotony", "trimp", "duration_s"):
            pd.testing.assert_series_equal(got[col].round(4), want[col], check_names=False)
        assert got["acwr_reason"].fillna("").tolist() == want["acwr_reason"].fillna("").tolist()


def test_runs_are_activities_csv_in_si(squad):
    out = squad["out"]
    runs = read_cohort(out / "cohort", "runs")
    for athlete in ATHLETES:
        acts = _csv(out, athlete, "activities")
        want = acts[acts["is_run"]].set_index("activity_id")
        got = runs[runs["athlete"] == athlete].set_index("activity_id").loc[want.index]
        assert len(got) == len(want) == (runs["athlete"] == athlete).sum()
        assert (got["distance_m"] / 1000).round(3).tolist() == want["distance_km"].tolist()
        assert got["duration_s"].round(1).tolist() == want["duration_s"].tolist()
        for mine, theirs in (("median_gct_ms", "gct_ms"), ("median_cadence_spm", "cadence_spm")):
            pd.testing.assert_series_equal(got[mine], want[theirs], check_names=False)
        pd.testing.assert_series_equal(got["deviation_gct_ms"], want["gct_vs_baseline_ms"], check_names=False)
        for col in ("feel_0_100", "rpe_0_10"):
            pd.testing.assert_series_equal(got[col], want[col], check_names=False)
        assert got["heavy"].tolist() == want["heavy"].tolist()
        assert [_text(v) for v in got["shoe"]] == [_text(v) for v in want["shoe"]]
        pd.testing.assert_series_equal((got["cumulative_m"] / 1000), want["shoe_km"], check_names=False)
    shod = runs[(runs["athlete"] == "alice") & runs["shoe"].notna()]
    assert len(shod) > 0 and set(runs.loc[runs["athlete"] != "alice", "shoe"].dropna()) == set()


def test_wellness_is_wellness_csv(squad):
    out = squad["out"]
    wellness = read_cohort(out / "cohort", "wellness")
    assert set(wellness["athlete"]) == {"alice"}
    want = _csv(out, "alice", "wellness")
    got = wellness.sort_values("date").reset_index(drop=True)
    assert [d.isoformat() for d in got["date"]] == list(want["date"])
    for col in ("sleep_s", "hrv_night_ms", "resting_hr_bpm", "weight_kg"):
        pd.testing.assert_series_equal(got[col], want[col], check_names=False)
    for col in ("hrv_status", "sleep_s_source", "resting_hr_bpm_source"):
        assert [_text(v) or "" for v in got[col]] == [_text(v) or "" for v in want[col]], col  # csv: '' -> NaN
    # sample_data story 8: the short nights of 2026-08-31 to 2026-09-06 (5.1-5.6 h asleep)
    short = got[(got["date"] >= dt.date(2026, 8, 31)) & (got["date"] <= dt.date(2026, 9, 6))]["sleep_s"] / 3600
    assert len(short) == 7 and short.between(5.1 - 0.05, 5.6 + 0.05).all()


def test_an_athlete_analysed_again_replaces_its_partitions(squad, tmp_path):
    reports = squad["reports"]
    root = tmp_path / "cohort"
    write_athlete_cohort(reports["alice"].analysis, "alice", root)
    stray = partition_dir(root, "findings", "alice") / "part-1.parquet"
    stray.write_bytes(b"an older writer's part")
    write_athlete_cohort(reports["007"].analysis, "alice", root)  # now alice has no finding, no wellness
    assert sorted(p.name for p in partition_dir(root, "findings", "alice").iterdir()) == ["part-0.parquet"]
    assert not partition_dir(root, "wellness", "alice").exists()
    assert len(read_cohort(root, "findings")) == 0
    assert len(read_cohort(root, "runs")) == squad["rows"]["007"].runs_4w  # 007's 18 runs, all in 4 weeks
    empty = read_cohort(root, "wellness")
    assert len(empty) == 0 and list(empty.columns) == [*COHORT_TABLES["wellness"].names, "athlete"]


def test_odd_ids_come_back_exactly(squad, tmp_path):
    root = tmp_path / "cohort"
    odd = "a b=c%41"
    write_athlete_cohort(squad["reports"]["carol"].analysis, odd, root)
    write_athlete_cohort(squad["reports"]["007"].analysis, "007", root)
    assert set(read_cohort(root, "runs")["athlete"]) == {odd, "007"}
    got = duckdb.sql(
        f"SELECT DISTINCT athlete FROM read_parquet('{root}/runs/*/*.parquet', hive_partitioning = true, "
        "hive_types = {'athlete': VARCHAR})"
    ).fetchall()
    assert {a for (a,) in got} == {odd, "007"}
    with pytest.raises(ValueError):
        partition_dir(root, "runs", "..")


# --- the README's queries ----------------------------------------------------------------
def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("### The squad page and the cohort dataset")
    end = min(i for i in (text.find("\n## ", start), text.find("\n### ", start + 4)) if i > 0)
    return text[start:end]


def _block(lang: str) -> str:
    return re.search(rf"```{lang}\n(.*?)```", _section(), re.S).group(1)


def _expected(out: Path) -> dict:
    """Each README query's answer, from the athletes' own files."""
    spiked = {a for a in ATHLETES if any("long_run_spike" in f["signals"] for f in _findings(out, a)["findings"])}
    gct = [
        (a, e["value"])
        for a in ATHLETES
        for f in _findings(out, a)["findings"]
        for e in f["evidence"]
        if e["metric"] == "ground contact time vs own baseline at the same pace" and e["value"] is not None
    ]
    km, runs = {}, {}
    for a in ATHLETES:
        as_of = pd.Timestamp(_findings(out, a)["as_of"])
        w = _csv(out, a, "weekly")
        km[a] = w.loc[pd.to_datetime(w["week_start"]) > as_of - pd.Timedelta(days=28), "distance_km"].mean()
        recent = _recent_runs(out, a)
        runs[a] = (len(recent), recent["distance_km"].sum(), int(recent["heavy"].astype(bool).sum()))
    well = _csv(out, "alice", "wellness")
    as_of = pd.Timestamp(_findings(out, "alice")["as_of"])
    week = well[pd.to_datetime(well["date"]) > as_of - pd.Timedelta(days=7)]
    return {
        "spiked": spiked,
        "gct": sorted(gct, key=lambda t: (-t[1], t[0])),
        "km": km,
        "runs": runs,
        "sleep_h": week["sleep_s"].mean() / 3600,
        "rhr": week["resting_hr_bpm"].mean(),
    }


def test_readme_duckdb_queries(squad, monkeypatch):
    out = squad["out"]
    monkeypatch.chdir(out)
    want = _expected(out)
    assert want["spiked"] == {"bob"} and [a for a, _ in want["gct"]] == ["alice"]  # stories 3 and 5
    statements = [s.strip() for s in _block("sql").split(";") if s.strip()]
    answers = {}
    for s in statements:
        table = re.match(r"-- (\w+):", s).group(1)
        answers[table] = duckdb.sql(s).fetchall()
    assert sorted(answers) == sorted(COHORT_TABLES)
    assert answers["findings"] == [(len(want["spiked"]),)]
    assert answers["evidence"] == want["gct"]
    assert dict(answers["weekly"]) == {a: round(v, 1) for a, v in want["km"].items()}
    for athlete, n, km, heavy in answers["runs"]:
        assert (n, heavy) == (want["runs"][athlete][0], want["runs"][athlete][2])
        assert km == pytest.approx(want["runs"][athlete][1], abs=0.06)
        assert n == squad["rows"][athlete].runs_4w
    ((athlete, sleep_h, rhr),) = answers["wellness"]
    assert athlete == "alice" and sleep_h == round(want["sleep_h"], 2) and rhr == round(want["rhr"], 1)


def test_readme_pandas_examples(squad, monkeypatch):
    out = squad["out"]
    monkeypatch.chdir(out)
    want = _expected(out)
    names: dict = {}
    exec(_block("python"), names)  # noqa: S102 - the README's own example, run as written
    assert names["spiked"] == len(want["spiked"])
    assert list(zip(names["gct"]["athlete"], names["gct"]["value"], strict=True)) == want["gct"]
    assert names["km_a_week"].to_dict() == pytest.approx(want["km"], abs=0.001)
    per = names["per_athlete"]
    for athlete, (n, km, heavy) in want["runs"].items():
        assert (per.loc[athlete, "runs"], per.loc[athlete, "heavy_runs"]) == (n, heavy)
        assert per.loc[athlete, "km"] / 1000 == pytest.approx(km, abs=0.001 * n)
    assert names["sleep_h"].to_dict() == pytest.approx({"alice": want["sleep_h"]})


def test_readme_documents_every_column(squad):
    section = _section()
    for table in ("findings", "evidence", "runs"):
        for name in COHORT_TABLES[table].names:
            assert f"`{name}`" in section, (table, name)
    assert "`<metric>_source`" in section and "`week_start`" in section
