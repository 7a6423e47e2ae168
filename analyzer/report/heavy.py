"""The section "Your heavy-legs days", in one model for every output: the runs the runner
rated heavy and, from detectors.heavy_days.MIN_HEAVY_RUNS of them on, how often each
signal was present on them against the other runs (detectors.heavy_days, pattern.py)."""

from __future__ import annotations

import html
import math
import textwrap

from ..detectors.heavy_days import NO_DATA, PATTERN_RULE, HeavyDays, HeavyRun, SignalRow

HEAVY_TITLE = "Your heavy-legs days"
HEAVY_INTRO = (
    "Runs you rated heavy (feel weak or very weak, perceived effort 8/10 or more at an easy pace, or a diary "
    "legs_heavy of 6/10 or more), and how often each signal was present on them and on your other runs "
    "(95 % Wilson intervals)."
)
#: The terminal and the PDF list the last this many heavy-rated runs (report.html and
#: findings.json list them all; heavylegs convention: a screenful).
TEXT_RUNS = 12
#: The table's columns (terminal, PDF and report.html).
TABLE_HEADER = ("signal", "heavy days", "95 % CI", "other runs", "95 % CI", "pattern")


def _heavy(analysis) -> HeavyDays:
    return getattr(analysis, "heavy_days", None) or HeavyDays()


def ratings_text(run: HeavyRun) -> str:
    """'feel 25/100, RPE 8/10, legs 7/10' (what was rated)."""
    parts = [
        f"{name} {value:g}/{scale}"
        for name, value, scale in (("feel", run.feel, 100), ("RPE", run.rpe, 10), ("legs", run.legs_heavy, 10))
        if math.isfinite(value)
    ]
    return ", ".join(parts)


def run_rows(analysis) -> list[tuple[str, str, str, str, str]]:
    """(date, distance, ratings, why heavy, signals present) per heavy-rated run."""
    ctx = analysis.context
    return [
        (
            r.date,
            ctx.fmt_dist(r.distance_m),
            ratings_text(r),
            r.reason,
            ", ".join(s.replace("_", " ") for s in r.signals),
        )
        for r in _heavy(analysis).runs
    ]


def _ci(ci) -> str:
    return "" if ci is None else f"{100 * ci[0]:.0f}-{100 * ci[1]:.0f} %"


def signal_cells(row: SignalRow) -> tuple[str, ...]:
    """One table row as text (TABLE_HEADER); a signal without data says 'no data'."""
    if not row.has_data:
        return (row.signal.label, NO_DATA, "", "", "", "")
    return (
        row.signal.label,
        f"{row.heavy_with} of {row.heavy_data}" if row.heavy_data else NO_DATA,
        _ci(row.heavy_ci),
        f"{row.other_with} of {row.other_data}" if row.other_data else NO_DATA,
        _ci(row.other_ci),
        "yes" if row.over_represented else "",
    )


def heavy_lines(analysis, width: int = 100) -> list[str]:
    """The section as plain text (terminal and PDF)."""
    heavy = _heavy(analysis)
    wrap = textwrap.TextWrapper(width=width, initial_indent="    ", subsequent_indent="    ")
    lines = ["", f"{HEAVY_TITLE}:"]
    lines += wrap.wrap(heavy.note)
    rows = run_rows(analysis)
    if rows:
        shown = rows[-TEXT_RUNS:]
        earlier = len(rows) - len(shown)
        more = f" (the last {len(shown)}; {earlier} earlier in findings.json and report.html)" if earlier else ""
        lines.append(f"    Heavy-rated runs{more}:")
        for date, dist, _, reason, signals in shown:  # the reason names the ratings that made it heavy
            lines += wrap.wrap(f"  {date}  {dist}  {reason}" + (f"; signals: {signals}" if signals else ""))
    if heavy.rows:
        cells = [TABLE_HEADER, *(signal_cells(r) for r in heavy.rows)]
        widths = [max(len(c[i]) for c in cells) for i in range(len(TABLE_HEADER))]
        for c in cells:
            lines.append("    " + "  ".join(text.ljust(w) for text, w in zip(c, widths, strict=True)).rstrip())
        lines += wrap.wrap(PATTERN_RULE)
    return lines


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def heavy_html(analysis) -> list[str]:
    """The section for report.html (every string escaped: reasons and ids come from files)."""
    heavy = _heavy(analysis)
    parts = [f"<h2 id='heavy-days'>{_e(HEAVY_TITLE)}</h2>", f"<p class='sub'>{_e(HEAVY_INTRO)}</p>"]
    parts.append(f"<p>{_e(heavy.note)}</p>")
    rows = run_rows(analysis)
    if rows:
        head = "".join(f"<th>{h}</th>" for h in ("date", "distance", "ratings", "why heavy", "signals present"))
        parts.append(f"<table><tr>{head}</tr>")
        parts += ["<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows]
        parts.append("</table>")
    if heavy.rows:
        header = (*TABLE_HEADER, "present when", "source")
        parts.append("<table><tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>")
        for r in heavy.rows:
            cells = (*signal_cells(r), r.signal.threshold, r.signal.source)
            parts.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
        parts.append(f"<p class='sub'>{_e(PATTERN_RULE)}</p>")
    return parts
