"""Alarms per runner: what `heavylegs analyze --as-of` raises, Sunday after Sunday.

For each single-runner series (the NRC GPX runs and the Strava GPX runs with their
activities.csv in ../shared/data/real, when that folder is there; sample_data/ with its
shoes.csv always), the history is read once (into a temporary cache) and the detectors
run as `analyze --as-of` would on every Sunday from the series' first Sunday + 4 weeks
(so there is some history) to the Sunday on or after its last activity. What the runner
sees on a Sunday is that analysis' current findings (`Analysis.findings`: those whose
window ends within 28 days of the Sunday).

Definitions (the figures of the table)
--------------------------------------
* **sighting**: one finding in one Sunday's current findings.
* **finding**: a distinct (cause, window start, window end) over all sightings; a
  finding seen on many Sundays counts once.
* **alarm**: the findings of one cause whose windows overlap (share a day), grouped
  transitively. A finding whose window grows or slides from one Sunday to the next (an
  ACWR that stays high, a worn pair, a 28-day form window) is several findings but one
  alarm. A HIGH alarm groups HIGH findings only (a medium that turns high is a new alarm).
* **event**: the alarms of one category whose windows overlap or lie at most 7 days apart
  (one starts within 7 days of another's end), grouped transitively: a mileage jump week,
  the long run inside it and the ACWR of the days after are one overtraining event; the
  three form measures of one drift are one form event. **Alarms per event** > 1 means one
  event raised several alarms. An event with a HIGH alarm is a **HIGH event**.
* **per 4 weeks**: count x 4 / the series' weeks (from the Monday of the week of its first
  activity to the last Sunday analysed).
* **at once**: the number of current findings on one Sunday (mean and max over the
  Sundays): how many alarms a runner sees at the same time.
* **two current load findings on one run or week**: the Sundays on which two current
  findings of the load category (overtraining) have overlapping windows: one run or week
  told as two load alarms.

Planted stories (sample_data only)
----------------------------------
Each story of sample_data/README.md is checked on the analysis at its own date (the
`--as-of` a runner would use): it is **found** when, for every measure the story expects,
one current finding (1) has the story's category, (2) has a window that overlaps the
story's dates and (3) names the measure: its cause is one of the measure's cause ids, OR
one of its evidence metrics contains one of the measure's metric names, OR its message
contains one of the measure's phrases (case-insensitive). So a consolidated finding
(say cause ``load_spike``, category overtraining, evidence "weekly distance" and "longer
by") still finds the weekly-jump and long-run stories. The worn-shoes story also needs the
pair past 500 miles: evidence "distance on the pair" >= 805 km, or "500 miles" in the
message. The table gives, per story, the finding(s) that matched and their severity.

Usage (the analyzer measured is whichever `import analyzer` finds first):

    PYTHONPATH=. .venv/bin/python benchmarks/alarms.py --label before --json /tmp/before.json
    PYTHONPATH=/other/checkout .venv/bin/python benchmarks/alarms.py --label after \\
        --json /tmp/after.json --compare /tmp/before.json   # both columns in one table
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_REAL = ROOT.parent / "shared" / "data" / "real"
SAMPLE = ROOT / "sample_data"

#: Days before the first analysed Sunday that give the detectors some history.
WARM_UP_DAYS = 28
#: Alarms of one category at most this many days apart are one event.
EVENT_GAP_DAYS = 7
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


# ---------------------------------------------------------------------------- series


@dataclass
class Series:
    name: str
    about: str
    paths: list[Path]
    shoes: Path | None = None
    stories: tuple = ()


def series_list(real: Path) -> list[Series]:
    """The single-runner series that are present (sample_data always)."""
    out = []
    gpx = real / "gpx"
    nrc = sorted(gpx.glob("corriporai__nrc-run-*.gpx")) if gpx.is_dir() else []
    if nrc:
        out.append(Series("nrc", f"NRC GPX series ({len(nrc)} files)", nrc))
    strava = sorted(gpx.glob("AhmedAldahshoury__strava-run-*.gpx")) if gpx.is_dir() else []
    if strava:
        csv = real / "other" / "AhmedAldahshoury__strava-export-old-format-activities.csv"
        extra = [csv] if csv.is_file() else []
        out.append(
            Series(
                "strava",
                f"Strava GPX series ({len(strava)} files{' + activities.csv' if extra else ''})",
                strava + extra,
            )
        )
    out.append(Series("sample", "sample_data/ with shoes.csv", [SAMPLE / "activities"], SAMPLE / "shoes.csv", STORIES))
    return out


# --------------------------------------------------------------------------- stories


@dataclass(frozen=True)
class Measure:
    """One thing a story expects a finding to name (see the module docstring)."""

    name: str
    causes: tuple[str, ...]
    metrics: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    check: Callable[[dict], bool] | None = None

    def named_by(self, f: dict) -> bool:
        named = (
            f["cause"] in self.causes
            or any(m.lower() in e["metric"].lower() for e in f["evidence"] for m in self.metrics)
            or any(p.lower() in f["message"].lower() for p in self.phrases)
        )
        return named and (self.check is None or self.check(f))


def _past_500_miles(f: dict) -> bool:
    for e in f["evidence"]:
        if "distance on the pair" in e["metric"].lower() and isinstance(e["value"], (int, float)):
            if e["value"] >= 805:
                return True
    return "500 miles" in f["message"]


WEEKLY_JUMP = Measure(
    "weekly distance jump", ("mileage_jump",), ("week-over-week change", "weekly distance"), ("on the week before",)
)
LONG_RUN = Measure("long-run spike", ("long_run_spike",), ("longer by",), ("longer than the longest",))
WORN_500 = Measure(
    "pair past 500 miles", ("worn_shoes",), ("distance on the pair",), ("km on them", "miles on them"), _past_500_miles
)
GROUND_CONTACT = Measure("ground contact time", ("ground_contact",), ("ground contact",), ("ground contact",))
OSCILLATION = Measure(
    "vertical oscillation", ("vertical_oscillation",), ("vertical oscillation",), ("vertical oscillation",)
)
CADENCE = Measure("cadence", ("cadence",), ("cadence",), ("cadence",))
DECOUPLING = Measure("cardiac drift in heat", ("heat_dehydration",), ("aerobic decoupling",), ("drifted",))
STRENGTH = Measure("strength sessions", ("strength_load",), ("strength session",), ("strength session",))


@dataclass(frozen=True)
class Story:
    name: str
    as_of: str  # the analysis date
    start: str  # the story's dates (a finding's window must overlap them)
    end: str
    category: str
    measures: tuple[Measure, ...]


#: sample_data/README.md, "The stories, and what a correct analysis finds".
STORIES = (
    Story(
        "2. weekly distance jump (week of 2026-07-13)",
        "2026-07-19",
        "2026-07-13",
        "2026-07-19",
        "overtraining",
        (WEEKLY_JUMP,),
    ),
    Story("3. long-run spike (2026-08-23)", "2026-08-23", "2026-08-23", "2026-08-23", "overtraining", (LONG_RUN,)),
    Story("4. worn shoes, 500 miles (2026-10-03)", "2026-10-03", "2026-10-03", "2026-10-03", "shoes", (WORN_500,)),
    Story(
        "5. form drift (2026-09-21 to 2026-10-25)",
        "2026-10-25",
        "2026-09-21",
        "2026-10-25",
        "form",
        (GROUND_CONTACT, OSCILLATION, CADENCE),
    ),
    Story(
        "6. hot long run, cardiac drift (2026-08-08)", "2026-08-08", "2026-08-08", "2026-08-08", "heat", (DECOUPLING,)
    ),
    Story(
        "7. strength block (weeks of 2026-09-07/14)", "2026-09-20", "2026-09-07", "2026-09-20", "strength", (STRENGTH,)
    ),
)


def check_story(story: Story, findings: list[dict]) -> dict:
    """{story, as_of, found, measures: [{measure, matches: ["cause severity start..end"]}]}."""
    rows = []
    for measure in story.measures:
        matches = [
            f
            for f in findings
            if f["category"] == story.category
            and f["start"] <= story.end
            and f["end"] >= story.start
            and measure.named_by(f)
        ]
        rows.append(
            {
                "measure": measure.name,
                "matches": [f"{f['cause']} {f['severity']} {f['start']}..{f['end']}" for f in matches],
            }
        )
    return {"story": story.name, "as_of": story.as_of, "found": all(r["matches"] for r in rows), "measures": rows}


# ------------------------------------------------------------------------ measuring


def _plain(value):
    """An evidence value as JSON can hold it (numpy scalars become floats)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def finding_record(f) -> dict:
    return {
        "cause": f.cause,
        "category": f.category,
        "severity": f.severity,
        "start": f.window["start"],
        "end": f.window["end"],
        "message": f.message,
        "evidence": [{"metric": e.metric, "value": _plain(e.value), "unit": e.unit} for e in f.evidence],
    }


def sunday_on_or_after(d: dt.date) -> dt.date:
    return d + dt.timedelta(days=(6 - d.weekday()) % 7)


def measure(series: Series, workers: int | None) -> dict | None:
    """Read the series once and run the detectors on every Sunday (and story date)."""
    from analyzer import read_history
    from analyzer.detectors import Context
    from analyzer.detectors.run import run_detectors

    shoe_list = None
    if series.shoes is not None:
        from analyzer.importers.shoes import read_shoes_csv

        shoe_list = read_shoes_csv(series.shoes)
    with tempfile.TemporaryDirectory(prefix="alarms-cache-") as cache:
        t0 = time.perf_counter()
        history = read_history([str(p) for p in series.paths], cache=cache, workers=workers, progress=False)
        read_s = time.perf_counter() - t0
        acts = history.activities
        if acts.empty:
            print(f"{series.name}: no activity read, skipped", file=sys.stderr)
            return None
        first, last = acts["start_local"].min().date(), acts["start_local"].max().date()
        first_sunday, last_sunday = sunday_on_or_after(first), sunday_on_or_after(last)
        sundays = []
        d = first_sunday + dt.timedelta(days=WARM_UP_DAYS)
        while d <= last_sunday:
            sundays.append(d)
            d += dt.timedelta(days=7)
        analysed: dict[dt.date, list[dict]] = {}

        def current(day: dt.date) -> list[dict]:
            if day not in analysed:
                analysis = run_detectors(Context(history, as_of=day, shoes=shoe_list))
                analysed[day] = [finding_record(f) for f in analysis.findings]
            return analysed[day]

        t1 = time.perf_counter()
        sightings = [(day, current(day)) for day in sundays]
        detect_s = time.perf_counter() - t1
        stories = [check_story(s, current(dt.date.fromisoformat(s.as_of))) for s in series.stories]
    monday = first - dt.timedelta(days=first.weekday())
    return {
        "series": series.name,
        "about": series.about,
        "activities": int(len(acts)),
        "runs": int(acts["is_run"].sum()),
        "first_activity": first.isoformat(),
        "last_activity": last.isoformat(),
        "sundays": [sundays[0].isoformat(), sundays[-1].isoformat()] if sundays else [],
        "n_sundays": len(sundays),
        "weeks": ((last_sunday - monday).days + 1) / 7,
        "read_s": round(read_s, 2),
        "detect_s": round(detect_s, 2),
        "sightings": [{"as_of": day.isoformat(), "findings": fs} for day, fs in sightings],
        "stories": stories,
    }


# ------------------------------------------------------------------------- figures


def _groups(items: list[dict], key, gap_days: int) -> list[list[dict]]:
    """Items (each with 'start', 'end' ISO dates) grouped by key, transitively, when their
    windows overlap or the next starts at most gap_days after the group's end."""
    by_key: dict = {}
    for it in items:
        by_key.setdefault(key(it), []).append(it)
    out = []
    for members in by_key.values():
        members.sort(key=lambda it: (it["start"], it["end"]))
        group, end = [], None
        for it in members:
            if group and dt.date.fromisoformat(it["start"]) > dt.date.fromisoformat(end) + dt.timedelta(days=gap_days):
                out.append(group)
                group, end = [], None
            group.append(it)
            end = it["end"] if end is None else max(end, it["end"])
        if group:
            out.append(group)
    return out


def _alarm(group: list[dict]) -> dict:
    """An alarm from its findings (each with first_seen, last_seen, sundays)."""
    first = min(group, key=lambda f: (f["first_seen"], f["start"]))
    severities = sorted({f["severity"] for f in group}, key=SEVERITY_ORDER.get)
    return {
        "cause": first["cause"],
        "category": first["category"],
        "severity": severities[0],
        "start": min(f["start"] for f in group),
        "end": max(f["end"] for f in group),
        "windows": sorted(f"{f['start']}..{f['end']}" for f in group),
        "first_seen": first["first_seen"],
        "last_seen": max(f["last_seen"] for f in group),
        "sundays": len({d for f in group for d in f["seen_on"]}),
        "message": first["message"],
    }


#: The category of the load findings (spike, weekly change, ACWR, comeback, monotony).
LOAD_CATEGORY = "overtraining"


def _overlap_pairs(findings: list[dict]) -> int:
    """Pairs of ``findings`` whose windows (ISO start..end) overlap."""
    return sum(
        1
        for i, a in enumerate(findings)
        for b in findings[i + 1 :]
        if a["start"] <= b["end"] and b["start"] <= a["end"]
    )


def figures(run: dict) -> dict:
    """The benchmark's figures for one measured series (see the module docstring)."""
    distinct: dict[tuple, dict] = {}
    for s in run["sightings"]:
        for f in s["findings"]:
            rec = distinct.setdefault(
                (f["cause"], f["start"], f["end"]),
                {**f, "first_seen": s["as_of"], "last_seen": s["as_of"], "seen_on": []},
            )
            if f["severity"] != rec["severity"]:  # same window, another severity: keep the highest
                if SEVERITY_ORDER[f["severity"]] < SEVERITY_ORDER[rec["severity"]]:
                    rec["severity"] = f["severity"]
            rec["last_seen"] = s["as_of"]
            rec["seen_on"].append(s["as_of"])
    found = list(distinct.values())
    high = [f for f in found if f["severity"] == "high"]
    alarms = [_alarm(g) for g in _groups(found, lambda f: f["cause"], gap_days=0)]
    high_alarms = [_alarm(g) for g in _groups(high, lambda f: f["cause"], gap_days=0)]
    events = _groups(alarms, lambda a: a["category"], gap_days=EVENT_GAP_DAYS)
    per_sunday = [len(s["findings"]) for s in run["sightings"]]
    high_per_sunday = [sum(f["severity"] == "high" for f in s["findings"]) for s in run["sightings"]]
    per4 = 4 / run["weeks"] if run["weeks"] else 0.0
    # One run or week, two current load findings: two findings of the load category,
    # current on the same Sunday, whose windows overlap.
    doubled = [
        s["as_of"]
        for s in run["sightings"]
        if _overlap_pairs([f for f in s["findings"] if f["category"] == LOAD_CATEGORY])
    ]
    high_alarms.sort(key=lambda a: (a["first_seen"], a["start"], a["cause"]))
    return {
        "high_findings": len(high),
        "high_findings_per_4wk": round(len(high) * per4, 2),
        "high_alarms": len(high_alarms),
        "high_alarms_per_4wk": round(len(high_alarms) * per4, 2),
        "high_events": sum(any(a["severity"] == "high" for a in ev) for ev in events),
        "high_events_per_4wk": round(sum(any(a["severity"] == "high" for a in ev) for ev in events) * per4, 2),
        "high_at_once_mean": round(sum(high_per_sunday) / len(high_per_sunday), 2) if high_per_sunday else 0.0,
        "high_at_once_max": max(high_per_sunday, default=0),
        "at_once_mean": round(sum(per_sunday) / len(per_sunday), 2) if per_sunday else 0.0,
        "at_once_max": max(per_sunday, default=0),
        "findings": len(found),
        "alarms": len(alarms),
        "events": len(events),
        "alarms_per_event": round(len(alarms) / len(events), 2) if events else 0.0,
        "alarms_per_event_max": max((len(ev) for ev in events), default=0),
        "load_doubled_sundays": len(doubled),
        "stories_found": sum(s["found"] for s in run["stories"]),
        "stories": len(run["stories"]),
        "high_alarm_list": high_alarms,
        "event_list": [
            {
                "category": ev[0]["category"],
                "start": min(a["start"] for a in ev),
                "end": max(a["end"] for a in ev),
                "alarms": [f"{a['cause']} {a['severity']} {a['start']}..{a['end']}" for a in ev],
            }
            for ev in sorted(events, key=lambda ev: min(a["start"] for a in ev))
        ],
    }


def on_the_sundays_of(run: dict, other: dict | None) -> dict | None:
    """``run`` restricted to the Sundays (and weeks) of the same series in ``other`` when
    they differ (a history that reads more of its inputs covers more Sundays), with its
    figures and rows; None when there is nothing to restrict."""
    if other is None:
        return None
    before = next((o for o in other["series"] if o["series"] == run["series"]), None)
    if before is None or not before["sundays"] or before["sundays"] == run["sundays"]:
        return None
    lo, hi = before["sundays"]
    sightings = [s for s in run["sightings"] if lo <= s["as_of"] <= hi]
    same = {
        **run,
        "sightings": sightings,
        "sundays": [sightings[0]["as_of"], sightings[-1]["as_of"]] if sightings else [],
        "n_sundays": len(sightings),
        "weeks": before["weeks"],
        "stories": [],
    }
    same["figures"] = figures(same)
    same["rows"] = table_rows(same, same["figures"])
    return same


def table_rows(run: dict, fig: dict) -> list[tuple[str, str]]:
    """(figure, value) rows of one series' table."""
    rows = [
        ("runs (activities); weeks", f"{run['runs']} ({run['activities']}); {run['weeks']:.0f}"),
        (
            "Sundays analysed",
            f"{run['n_sundays']} ({run['sundays'][0]} to {run['sundays'][1]})" if run["sundays"] else "0",
        ),
        ("**HIGH alarms per 4 weeks** (count)", f"**{fig['high_alarms_per_4wk']:.2f}** ({fig['high_alarms']})"),
        (
            "HIGH findings (cause, window) per 4 weeks (count)",
            f"{fig['high_findings_per_4wk']:.2f} ({fig['high_findings']})",
        ),
        ("HIGH events per 4 weeks (count)", f"{fig['high_events_per_4wk']:.2f} ({fig['high_events']})"),
        ("HIGH at once per Sunday: mean / max", f"{fig['high_at_once_mean']:.2f} / {fig['high_at_once_max']}"),
        ("findings at once per Sunday: mean / max", f"{fig['at_once_mean']:.2f} / {fig['at_once_max']}"),
        ("findings / alarms / events (all severities)", f"{fig['findings']} / {fig['alarms']} / {fig['events']}"),
        ("alarms per event: mean / max", f"{fig['alarms_per_event']:.2f} / {fig['alarms_per_event_max']}"),
        ("Sundays with two current load findings on one run or week", str(fig.get("load_doubled_sundays", "-"))),
    ]
    if fig["stories"]:
        rows.append(("planted stories found", f"{fig['stories_found']} / {fig['stories']}"))
    per = run["detect_s"] / run["n_sundays"] if run["n_sundays"] else 0.0
    rows.append(
        ("time: read / detectors (per Sunday)", f"{run['read_s']:.1f} s / {run['detect_s']:.1f} s ({per:.2f} s)")
    )
    return rows


# --------------------------------------------------------------------------- output


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def print_report(result: dict, other: dict | None) -> None:
    label = result["label"]
    for run in result["series"]:
        name, fig = run["series"], run["figures"]
        print(f"\n### {name}: {run['about']}, {run['first_activity']} to {run['last_activity']}\n")
        header = ["figure", label]
        before = {}
        if other is not None:
            header = ["figure", other["label"], label]
            for o in other["series"]:
                if o["series"] == name:
                    before = dict(o["rows"])
        rows = [[k, before.get(k, "-"), v] if other is not None else [k, v] for k, v in run["rows"]]
        print(markdown_table(header, rows))
        same = on_the_sundays_of(run, other)
        if same is not None:
            print(
                f"\n{label} on the Sundays of {other['label']} only ({same['sundays'][0]} to {same['sundays'][1]}; "
                f"the history itself is longer now, so the {label} column above covers more Sundays):\n"
            )
            rows = [[k, before.get(k, "-"), v] for k, v in same["rows"] if k in before and not k.startswith("time")]
            print(markdown_table(["figure", other["label"], f"{label}, same Sundays"], rows))
        print(f"\nHIGH alarms ({len(fig['high_alarm_list'])}):")
        for a in fig["high_alarm_list"]:
            windows = ", ".join(a["windows"])
            print(
                f"- {name} | {a['cause']} | {a['start']}..{a['end']} | seen {a['first_seen']} to {a['last_seen']}"
                f" ({a['sundays']} Sunday{'s' if a['sundays'] > 1 else ''}; windows {windows}) | {a['message']}"
            )
        several = [e for e in fig["event_list"] if len(e["alarms"]) > 1]
        print(f"\nEvents with several alarms ({len(several)} of {fig['events']}):")
        for e in several:
            print(f"- {e['category']} {e['start']}..{e['end']}: " + "; ".join(e["alarms"]))
        if run["stories"]:
            print("\nPlanted stories (analysed at their date):\n")
            story_rows = []
            for s in run["stories"]:
                matched = "; ".join(f"{m['measure']}: {', '.join(m['matches']) or 'none'}" for m in s["measures"])
                story_rows.append([s["story"], s["as_of"], "yes" if s["found"] else "**no**", matched])
            print(markdown_table(["story", "as of", "found", "matching findings"], story_rows))


def analyzer_source() -> dict:
    import analyzer

    path = Path(analyzer.__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = ""
    return {"path": str(path), "commit": commit}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--label", default="figures", help="the name of this run's column (e.g. before, after)")
    ap.add_argument("--json", type=Path, default=None, help="write the figures (and every sighting) to this file")
    ap.add_argument("--compare", type=Path, default=None, help="a --json file of another run: its column goes first")
    ap.add_argument(
        "--real", type=Path, default=SHARED_REAL, help="the shared real-data folder (default ../shared/data/real)"
    )
    ap.add_argument("--only", nargs="*", default=None, help="series to measure (nrc, strava, sample)")
    ap.add_argument("--workers", type=int, default=None, help="decoding processes (default all cores)")
    args = ap.parse_args(argv)
    try:
        import analyzer  # noqa: F401  (whichever is first on the path)
    except ImportError:
        sys.path.append(str(ROOT))
    other = json.loads(args.compare.read_text()) if args.compare else None
    source = analyzer_source()
    print(f"analyzer from {source['path']} {source['commit']}".rstrip())
    if not args.real.is_dir():
        print(f"{args.real} not found: sample_data only", file=sys.stderr)
    t0 = time.perf_counter()
    result = {"label": args.label, "analyzer": source, "date": dt.date.today().isoformat(), "series": []}
    for series in series_list(args.real):
        if args.only and series.name not in args.only:
            continue
        run = measure(series, args.workers)
        if run is None:
            continue
        run["figures"] = figures(run)
        run["rows"] = table_rows(run, run["figures"])
        result["series"].append(run)
    result["total_s"] = round(time.perf_counter() - t0, 1)
    print_report(result, other)
    print(f"\ntotal {result['total_s']:.1f} s")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
