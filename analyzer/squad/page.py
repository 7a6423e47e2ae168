"""The squad page, DIR/index.html, and squad.csv: one line per athlete (model.AthleteRow),
the athletes most likely in trouble first.

index.html has the report's offline style (report/html.py: its CSS, no script, no
network); every string that comes from a file or a user (names from athletes.csv, folder
names, evidence, reasons) is escaped. squad.csv holds the same rows, machine-readable.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import math
import os
import re
from pathlib import Path
from urllib.parse import quote

from .. import columns as C
from ..atomic import write_atomic
from ..detectors.base import LOOKBACK_DAYS, SEVERITIES
from ..report.html import CSS as REPORT_CSS
from ..report.model import NO_FINDING, title_of
from ..report.palette import SEVERITY_COLOURS
from ..units import UNIT_M
from .model import FAILED, OK, AthleteRow

#: Days the squad page counts runs and weekly distance over: the four weeks to the
#: analysis date, the same window the active findings are judged in (detectors.base).
WINDOW_DAYS = LOOKBACK_DAYS
#: Longest evidence line or reason on the page and in squad.csv [characters]
#: (heavylegs convention: one line of a table cell; the whole is in the athlete's report).
MAX_LINE_CHARS = 200

SQUAD_CSS = (
    REPORT_CSS
    + """
.squad td.cause{border-left:6px solid #999}
"""
    + "".join(f".squad td.sev-{sev}{{border-left-color:{colour}}}" for sev, colour in SEVERITY_COLOURS.items())
    + """
.squad td.num{text-align:right} .squad td.date{white-space:nowrap} .id{color:#555;font-size:0.85em}
"""
)


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def one_line(text, limit: int = MAX_LINE_CHARS) -> str:
    """``text`` on one line (runs of white space, line breaks included, become one space),
    cut to ``limit`` characters with an ellipsis."""
    line = re.sub(r"\s+", " ", "" if text is None else str(text)).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _value_text(value) -> str:
    if isinstance(value, float):
        return f"{value:g}" if math.isfinite(value) else ""
    return "" if value is None else str(value)


def telling_evidence(finding) -> object | None:
    """The evidence row that says most about ``finding``: the first measured against a
    threshold (the detector's own comparison), else the first that is not a consolidated
    finding's 'measure:' heading, else the first; None without evidence."""
    rows = list(getattr(finding, "evidence", ()) or ())
    for row in rows:
        if row.threshold not in (None, "") and row.value is not None:
            return row
    for row in rows:
        if not str(row.metric).startswith("measure:"):
            return row
    return rows[0] if rows else None


def evidence_line(finding) -> str:
    """The telling evidence row in words, e.g. 'longer by: 45 % (threshold >30-100%) on
    2026-06-06'; its values are in the analysis's units, as the detectors wrote them."""
    row = telling_evidence(finding)
    if row is None:
        return ""
    value = " ".join(p for p in (_value_text(row.value), str(row.unit or "")) if p)
    text = f"{row.metric}: {value}" if value else str(row.metric)
    if row.threshold not in (None, ""):
        text += f" (threshold {row.threshold})"
    if row.date:
        text += f" on {row.date}"
    return one_line(text)


def recent_runs(runs, as_of: dt.date) -> tuple[int, float]:
    """(runs, mean weekly distance [m]) over the WINDOW_DAYS to ``as_of`` inclusive, from
    a run table with a local ``date`` column (features.load.runs_only)."""
    if not len(runs):
        return 0, 0.0
    first = as_of - dt.timedelta(days=WINDOW_DAYS - 1)
    days = runs[C.DATE].dt.date
    recent = runs[(days >= first) & (days <= as_of)]
    return int(len(recent)), float(recent[C.DISTANCE_M].fillna(0.0).sum()) / (WINDOW_DAYS / 7)


def row_from_report(report, athlete_id: str, name: str, out_dir: Path, files: int, decoded: int) -> AthleteRow:
    """The line of an athlete whose analysis finished: ``report`` is api.Report (its
    analysis and the files written), ``out_dir`` the squad's out folder. The reason says
    how many of the athlete's files could not be read, when some could not."""
    analysis = report.analysis
    runs, weekly = recent_runs(analysis.context.runs, analysis.as_of)
    given = analysis.history.files
    unread = sum(1 for f in given if f.status == C.SKIPPED)
    row = AthleteRow(
        athlete_id=athlete_id,
        name=name or athlete_id,
        status=OK,
        reason=f"{unread} of {len(given)} files could not be read (see the report)" if unread else "",
        as_of=analysis.as_of.isoformat(),
        runs_4w=runs,
        weekly_m=weekly,
        report=Path(os.path.relpath(report.main, out_dir)).as_posix(),
        files=files,
        decoded=decoded,
    )
    if analysis.findings:
        top = analysis.findings[0]
        row.top_cause, row.top_category, row.top_severity = top.cause, top.category, top.severity
        row.top_score = float(top.score)
        row.top_evidence = evidence_line(top)
    return row


def failed_row(athlete_id: str, name: str, reason: str, files: int = 0) -> AthleteRow:
    """The line of an athlete whose export could not be analysed, with the reason."""
    why = one_line(reason) or "the analysis failed without a reason"
    return AthleteRow(athlete_id=athlete_id, name=name or athlete_id, status=FAILED, reason=why, files=files)


def ranked(rows: list[AthleteRow]) -> list[AthleteRow]:
    """The finished athletes, the highest top-finding score first, those without a finding
    after; ties by name, then id."""
    done = [r for r in rows if r.status != FAILED]

    def key(r: AthleteRow):
        score = r.top_score if r.top_cause and math.isfinite(r.top_score) else -math.inf
        return (-score, r.name.casefold(), r.athlete_id)

    return sorted(done, key=key)


def failed(rows: list[AthleteRow]) -> list[AthleteRow]:
    """The athletes that could not be analysed, by name, then id."""
    return sorted((r for r in rows if r.status == FAILED), key=lambda r: (r.name.casefold(), r.athlete_id))


def _distance(metres: float, units: str) -> str:
    return f"{metres / UNIT_M[units]:.1f}" if math.isfinite(metres) else ""


def _athlete_cell(r: AthleteRow) -> str:
    same = r.name == r.athlete_id
    return f"<td><b>{_e(r.name)}</b>" + ("" if same else f"<br><span class='id'>{_e(r.athlete_id)}</span>") + "</td>"


def _ok_row(r: AthleteRow, units: str) -> str:
    if r.top_cause:
        sev = f" sev-{r.top_severity}" if r.top_severity in SEVERITIES else ""
        cause = (
            f"<td class='cause{sev}'><span class='sev'>{_e(r.top_severity)}</span> <b>{_e(title_of(r.top_cause))}</b>"
            f" ({_e(r.top_category)}), score {r.top_score:.2f}</td><td>{_e(r.top_evidence)}</td>"
        )
    else:
        cause = f"<td class='cause'>none</td><td>{_e(NO_FINDING)}</td>"
    link = f"<a href='{_e(quote(r.report))}'>report</a>" if r.report else ""
    note = f"<br><span class='id'>{_e(r.reason)}</span>" if r.reason else ""
    return (
        f"<tr id='athlete-{_e(r.athlete_id)}'>{_athlete_cell(r)}<td class='date'>{_e(r.as_of)}</td>"
        f"<td class='num'>{r.runs_4w}</td><td class='num'>{_distance(r.weekly_m, units)}</td>{cause}"
        f"<td>{link}{note}</td></tr>"
    )


def render_page(rows: list[AthleteRow], units: str, title: str = "") -> str:
    """index.html as one string (see the module docstring)."""
    title = title or "heavylegs squad"
    done, bad = ranked(rows), failed(rows)
    found = [r for r in done if r.top_cause]
    high = sum(1 for r in found if r.top_severity == "high")
    dates = sorted({r.as_of for r in done if r.as_of})
    when = "" if not dates else f"as of {dates[0]}" if len(dates) == 1 else f"as of {dates[0]} to {dates[-1]}"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{_e(title)}</title><style>{SQUAD_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p class='sub'>{len(rows)} athletes {_e(when)}: {len(found)} with a likely cause of heavy legs "
        f"({high} high), {len(done) - len(found)} without, {len(bad)} could not be analysed. Runs and weekly "
        f"distance over the {WINDOW_DAYS // 7} weeks to each athlete's analysis date; distances in {_e(units)}. "
        "Athletes are ranked by the score of their top finding (severity, strength of evidence, recency).</p>",
    ]
    if done:
        parts.append(
            "<h2>Athletes, most likely cause first</h2><table class='squad'><tr><th>athlete</th><th>as of</th>"
            f"<th>runs, last {WINDOW_DAYS // 7} weeks</th><th>{_e(units)} a week</th><th>top cause</th>"
            "<th>evidence</th><th>report</th></tr>"
        )
        parts += [_ok_row(r, units) for r in done]
        parts.append("</table>")
    if bad:
        parts.append("<h2>Could not be analysed</h2><table class='squad failed'><tr><th>athlete</th><th>files</th>")
        parts.append("<th>reason</th></tr>")
        parts += [
            f"<tr id='athlete-{_e(r.athlete_id)}'>{_athlete_cell(r)}<td class='num'>{r.files}</td>"
            f"<td>{_e(r.reason)}</td></tr>"
            for r in bad
        ]
        parts.append("</table>")
    parts.append(
        "<p class='sub'>heavylegs: each athlete's report has the evidence, its sources and advice. "
        "If heavy legs persist despite rest, see a physician.</p></body></html>"
    )
    return "\n".join(parts)


#: squad.csv's columns: AthleteRow's fields, with the weekly distance in km (weekly_km)
#: in place of metres, and in miles too (weekly_mi) on a squad shown in miles.
def csv_columns(units: str) -> list[str]:
    fields = list(AthleteRow.__dataclass_fields__)
    at = fields.index("weekly_m")
    return [*fields[:at], "weekly_km", *(["weekly_mi"] if units == "mi" else []), *fields[at + 1 :]]


def squad_csv(rows: list[AthleteRow], units: str) -> str:
    """squad.csv: the page's rows in the page's order (ranked, then failed)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=csv_columns(units), lineterminator="\n")
    writer.writeheader()
    for r in [*ranked(rows), *failed(rows)]:
        d = r.as_dict()
        metres = d.pop("weekly_m")
        d["weekly_km"] = "" if not math.isfinite(metres) else round(metres / UNIT_M["km"], 3)
        if units == "mi":
            d["weekly_mi"] = "" if not math.isfinite(metres) else round(metres / UNIT_M["mi"], 3)
        d["top_score"] = "" if not math.isfinite(r.top_score) else r.top_score
        writer.writerow(d)
    return out.getvalue()


def read_squad_csv(path: str | os.PathLike) -> list[AthleteRow]:
    """squad.csv's rows as AthleteRows (weekly_m from weekly_km, to the metre)."""
    fields = AthleteRow.__dataclass_fields__
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for d in csv.DictReader(f):
            km = d.pop("weekly_km", "")
            d.pop("weekly_mi", None)
            values = {k: v for k, v in d.items() if k in fields}
            for k in ("runs_4w", "files", "decoded"):
                values[k] = int(values[k] or 0)
            values["top_score"] = float(values["top_score"]) if values["top_score"] else float("nan")
            rows.append(AthleteRow(**values, weekly_m=float(km) * UNIT_M["km"] if km else float("nan")))
    return rows


def write_squad_page(rows: list[AthleteRow], out_dir: Path, units: str, title: str = "") -> dict[str, Path]:
    """Write DIR/index.html and DIR/squad.csv (atomically); returns them by kind."""
    if units not in UNIT_M:
        raise ValueError(f"unknown units {units!r} (known: {', '.join(UNIT_M)})")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return {
        "index": write_atomic(out / "index.html", render_page(rows, units, title)),
        "squad_csv": write_atomic(out / "squad.csv", squad_csv(rows, units)),
    }
