"""One line under each chart saying what it shows, written from the numbers it plots.

Each function reads only the chart's `PlotData` (numpy columns: the figure helper writes
the PDF's chart pages without pandas) and returns one sentence, or None when the chart
is not drawn. Distances follow the report's units, dates are the runner's local calendar
(start_local, local dates), and numbers are rounded as the findings' evidence rounds them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .. import columns as C
from ..features import bands
from ..units import M_PER_MILE, UNIT_M
from . import palette
from .charts import ACWR_JUDGED, DYNAMICS_LABELS, PlotData, dynamics_present

#: The category of the load findings, whose weeks the weekly chart colours (plots.LOAD_CATEGORY).
LOAD_CATEGORY = "overtraining"
#: The form trend is read over the runs of this many days to the last run with the metric
#: (heavylegs convention: five weeks, long enough for a trend over a dozen runs or more,
#: short enough to be the recent one; the sample season's form drift spans five weeks).
TREND_DAYS = 35
#: A trend needs this many runs with the metric in those days (heavylegs convention: a
#: straight line through fewer says little).
MIN_TREND_RUNS = 4
#: Decimals of each dynamics metric, as the running-form finding writes them.
DYNAMICS_DIGITS = {C.FORM_GCT_MS: 0, C.FORM_VO_MM: 0, C.FORM_VR_PCT: 1, C.FORM_CADENCE_SPM: 0}
#: A week of the wellness chart: seven nights (days) ending on a day with a reading, of
#: which at least MIN_WEEK_DAYS have one (heavylegs convention: the wellness detectors also
#: judge a week of 7 days only with most of its days recorded).
WEEK_DAYS = 7
MIN_WEEK_DAYS = 5


def day_text(value) -> str:
    """A local date (datetime64, date or ISO string) as '03 Oct 2026', as the findings write it."""
    day = np.datetime64(str(value)[:10], "D").astype(dt.date)
    return day.strftime("%d %b %Y")


def _days(values) -> np.ndarray:
    """Local timestamps as local calendar days (datetime64[D])."""
    return np.asarray(values, dtype="datetime64[ns]").astype("datetime64[D]")


def _num(table, name: str) -> np.ndarray:
    if table is None or name not in table:
        return np.full(0 if table is None else len(table), np.nan)
    return np.asarray(table[name], dtype=float)


def _dist(metres: float, units: str, digits: int = 1) -> str:
    """A distance in the report's units, to 0.1 as the evidence gives runs and weeks (to
    1 for a pair of shoes, as the worn-shoes finding does)."""
    return f"{metres / UNIT_M[units]:.{digits}f} {units}"


def weekly(data: PlotData) -> str | None:
    """The largest rise of weekly distance on the week before (and whether the chart colours
    it as a load finding's week), then the latest week with its ACWR."""
    table = data.weekly
    if table is None or len(table) == 0 or table.index is None:
        return None
    starts = np.asarray(table.index, dtype="datetime64[D]")
    metres = np.nan_to_num(_num(table, C.DISTANCE_M))
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(np.r_[0.0, metres[:-1]] > 0, 100.0 * (metres / np.r_[1.0, metres[:-1]] - 1.0), np.nan)
    parts = []
    if np.isfinite(change).any() and np.nanmax(change) > 0:
        i = int(np.nanargmax(change))
        flag = _week_severity(starts[i], data.spans)
        flagged = f" (coloured: a {flag} load finding)" if flag else ""
        parts.append(
            f"Largest rise: the week of {day_text(starts[i])}, {_dist(metres[i], data.units)}, "
            f"{change[i]:+.0f} % on the week before{flagged}"
        )
    last = len(starts) - 1
    so_far = " so far" if np.datetime64(str(data.as_of)[:10], "D") < starts[last] + np.timedelta64(6, "D") else ""
    latest = f"the latest week, {day_text(starts[last])}{so_far}: {_dist(metres[last], data.units)}"
    ratio = _num(table, C.ACWR)[last] if C.ACWR in table else np.nan
    judged = ACWR_JUDGED not in table or _num(table, ACWR_JUDGED)[last] > 0
    if np.isfinite(ratio) and judged:
        latest += f", ACWR {ratio:.2f}"
    parts.append(latest if parts else latest[0].upper() + latest[1:])
    return "; ".join(parts) + "."


def _week_severity(start: np.datetime64, spans) -> str:
    """The worst severity of the load findings whose window starts in the week from ``start``."""
    found = [
        s.severity
        for s in spans
        if s.category == LOAD_CATEGORY
        and start <= np.datetime64(s.window["start"], "D") < start + np.timedelta64(7, "D")
    ]
    order = list(palette.SEVERITY_COLOURS)
    return min(found, key=order.index) if found else ""


def long_runs(data: PlotData) -> str | None:
    """The run most above the longest of its previous 30 days among those the chart marks
    (a Frandsen band over 10 %), and how many it marks; else the longest run."""
    table = data.spikes
    if table is None or len(table) == 0:
        return None
    metres, prev = _num(table, C.DISTANCE_M), _num(table, C.PREV_LONGEST_M)
    days = _days(table[C.START_LOCAL])
    marked = np.isin(np.asarray(table[C.BAND], dtype=object), list(palette.SPIKE_BAND_COLOURS)) & (prev > 0)
    if not marked.any():
        i = int(np.nanargmax(metres))
        return (
            f"No run was more than 10 % longer than the longest of its previous 30 days; the longest run: "
            f"{_dist(metres[i], data.units)} on {day_text(days[i])}."
        )
    pct = np.where(marked, 100.0 * (metres / np.where(prev > 0, prev, 1.0) - 1.0), -np.inf)
    i = int(np.argmax(pct))
    n = int(marked.sum())
    runs = "1 run" if n == 1 else f"{n} runs"
    return (
        f"Largest spike: {_dist(metres[i], data.units)} on {day_text(days[i])}, {pct[i]:.0f} % longer than the "
        f"longest run of the 30 days before ({_dist(prev[i], data.units)}); {runs} more than 10 % longer in all."
    )


def form_trend(form, metric: str) -> tuple[float, np.datetime64, np.datetime64, bool] | None:
    """(change over the trend, first day, last day, pace-adjusted) of one dynamics metric:
    a least-squares line through each run's median minus its own baseline at the run's
    pace (the raw median where no baseline exists), over the TREND_DAYS to the last run
    with the metric, from its first run to its last in them; None under MIN_TREND_RUNS."""
    median = _num(form, C.form_column(C.MEDIAN, metric))
    expected = _num(form, C.form_column(C.EXPECTED, metric))
    days = _days(form[C.START_LOCAL])
    adjusted = bool(np.isfinite(median + expected).any())
    values = median - expected if adjusted else median
    ok = np.isfinite(values)
    if not ok.any():
        return None
    last = days[ok].max()
    ok &= days > last - np.timedelta64(TREND_DAYS, "D")
    if ok.sum() < MIN_TREND_RUNS:
        return None
    x = (days[ok] - days[ok].min()).astype(float)
    if x.max() == 0:
        return None
    slope, _ = np.polyfit(x, values[ok], 1)
    return float(slope * x.max()), days[ok].min(), last, adjusted


def dynamics(data: PlotData) -> str | None:
    """Each recorded metric's trend against the runner's own baseline at the same pace over
    the last TREND_DAYS (form_trend)."""
    metrics = dynamics_present(data.form)
    if not metrics:
        return None
    trends = {m: t for m in metrics if (t := form_trend(data.form, m)) is not None}
    if not trends:
        return f"Too few runs with running dynamics in the last {TREND_DAYS // 7} weeks to tell a trend."
    first = day_text(min(t[1] for t in trends.values()))
    last = day_text(max(t[2] for t in trends.values()))
    parts = []
    for metric, (change, _, _, adjusted) in trends.items():
        name, unit = DYNAMICS_LABELS[metric]
        digits = DYNAMICS_DIGITS[metric]
        note = "" if adjusted else " (no baseline yet: not pace-adjusted)"
        parts.append(f"{name.lower()} {change:+.{digits}f} {unit}{note}")
    return f"Trend from {first} to {last}, against your own baseline at the same pace: {'; '.join(parts)}."


def _guidance(limit_m: float, units: str) -> str:
    miles = f"{limit_m / M_PER_MILE:.0f}"
    return f"{miles} mi" if units == "mi" else f"{limit_m / 1000:.0f} km ({miles} miles)"


def shoes(data: PlotData) -> str | None:
    """The latest crossing of a guidance line (300 or 500 miles) by a pair, with the pair's
    distance at its last run; else the most-worn pair and the distance left to 300 miles."""
    if data.shoes is None or len(data.shoes.runs) == 0:
        return None
    runs = data.shoes.runs
    names = np.asarray(runs[C.SHOE], dtype=object)
    days, total = _days(runs[C.START_LOCAL]), _num(runs, C.CUMULATIVE_M)
    crossings, latest = [], {}
    for pair in sorted({n for n in names if n is not None}):
        sel = names == pair
        latest[pair] = float(np.nanmax(total[sel]))
        for limit in (bands.SHOE_GUIDANCE_HIGH_M, bands.SHOE_GUIDANCE_LOW_M):
            past = sel & (total >= limit)
            if past.any():
                crossings.append((days[past].min(), limit, pair))
                break  # the highest line it passed
    if crossings:
        when, limit, pair = max(crossings, key=lambda c: (c[0], c[1]))
        return (
            f"{pair} passed {_guidance(limit, data.units)} on {day_text(when)}, "
            f"and reached {_dist(latest[pair], data.units, 0)} by its last run."
        )
    pair = max(latest, key=latest.get)
    return (
        f"Most-worn pair: {pair}, {_dist(latest[pair], data.units, 0)}, under the "
        f"{_guidance(bands.SHOE_GUIDANCE_LOW_M, data.units)} line."
    )


#: The wellness chart's measures the takeaway reads, in order of preference: (column,
#: words, unit, scale to the unit, decimals, the worst week is the lowest mean).
WELLNESS_READINGS = (
    (C.SLEEP_S, "shortest week of sleep", "h a night", 1 / 3600, 1, True),
    (C.HRV_NIGHT_MS, "lowest week of overnight HRV", "ms", 1.0, 0, True),
    (C.RESTING_HR_BPM, "highest week of resting heart rate", "bpm", 1.0, 0, False),
)


def worst_week(days: np.ndarray, values: np.ndarray, lowest: bool) -> tuple[int, float] | None:
    """(index of the last day, mean) of the WEEK_DAYS-day window, ending on a day with a
    reading, of at least MIN_WEEK_DAYS readings, whose mean is lowest (or highest)."""
    ok = np.isfinite(values)
    best = None
    for i in np.flatnonzero(ok):
        sel = ok & (days > days[i] - np.timedelta64(WEEK_DAYS, "D")) & (days <= days[i])
        if sel.sum() < MIN_WEEK_DAYS:
            continue
        mean = float(values[sel].mean())
        if best is None or (mean < best[1] if lowest else mean > best[1]):
            best = (int(i), mean)
    return best


def wellness(data: PlotData) -> str | None:
    """The worst week of the first measure recorded (shortest sleep, lowest HRV, highest
    resting heart rate) against its mean over the chart's weeks, and the heavy-rated runs
    in that week."""
    table = data.wellness
    if table is None or len(table) == 0:
        return None
    days = np.asarray(table[C.DATE], dtype="datetime64[D]")
    for column, words, unit, scale, digits, lowest in WELLNESS_READINGS:
        values = _num(table, column) * scale
        week = worst_week(days, values, lowest)
        if week is None:
            continue
        i, mean = week
        end = days[i]
        text = (
            f"The {words}: {mean:.{digits}f} {unit} in the {WEEK_DAYS} days to {day_text(end)}, "
            f"against {np.nanmean(values):.{digits}f} {unit} over the chart's weeks"
        )
        heavy = data.heavy_runs
        if heavy is not None and len(heavy):
            hd = np.asarray(heavy["date"], dtype="datetime64[D]")
            n = int(((hd > end - np.timedelta64(WEEK_DAYS, "D")) & (hd <= end)).sum())
            text += f"; {n} of your {len(hd)} heavy-rated runs fell in those days"
        return text + "."
    return None


def timeline(data: PlotData) -> str | None:
    """The causes active on the analysis date (else the latest), and how many heavy-rated
    runs fell within a cause's window."""
    spans = list(data.spans)
    heavy = data.heavy_runs
    hd = np.asarray(heavy["date"], dtype="datetime64[D]") if heavy is not None and len(heavy) else None
    if not spans and hd is None:
        return None
    parts = []
    if spans:
        as_of = np.datetime64(str(data.as_of)[:10], "D")
        active = [s for s in spans if np.datetime64(s.window["end"], "D") >= as_of]
        order = list(palette.SEVERITY_COLOURS)
        shown = sorted(active, key=lambda s: (order.index(s.severity), s.window["start"]))
        causes = len({s.cause for s in spans})
        head = f"{len(spans)} findings of {causes} causes up to {day_text(as_of)}"
        if shown:
            named = ", ".join(
                f"{s.cause.replace('_', ' ')} ({s.severity}, since {day_text(s.window['start'])})" for s in shown
            )
            parts.append(f"{head}; active on the analysis date: {named}")
        else:
            s = max(spans, key=lambda s: (s.window["end"], -order.index(s.severity)))
            parts.append(
                f"{head}; the latest: {s.cause.replace('_', ' ')} ({s.severity}), "
                f"{day_text(s.window['start'])} to {day_text(s.window['end'])}"
            )
    if hd is not None:
        inside = np.zeros(len(hd), dtype=bool)
        for s in spans:
            inside |= (hd >= np.datetime64(s.window["start"], "D")) & (hd <= np.datetime64(s.window["end"], "D"))
        parts.append(f"{int(inside.sum())} of your {len(hd)} heavy-rated runs fell within a cause's window")
    return "; ".join(parts) + "."


#: The takeaway of each chart (charts.CHARTS stems).
TAKEAWAYS = {
    "weekly": weekly,
    "wellness": wellness,
    "long_runs": long_runs,
    "dynamics": dynamics,
    "shoes": shoes,
    "timeline": timeline,
}


def takeaway(stem: str, data: PlotData | None) -> str:
    """The line under chart ``stem`` ('' when there is nothing to say)."""
    if data is None or stem not in TAKEAWAYS:
        return ""
    return TAKEAWAYS[stem](data) or ""
