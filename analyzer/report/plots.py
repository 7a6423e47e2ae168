"""One function per chart; each draws on the Axes it is given and returns nothing.

Distances arrive in metres and are shown in the report's units. A chart without data
says why on its axes instead of drawing them empty.

Tables may be pandas DataFrames or `render.Table` (numpy columns): this module uses
numpy and matplotlib only, so that the figure helper (render.py) draws without pandas.
"""

from __future__ import annotations

import matplotlib

from .. import columns as C

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from ..features import bands  # noqa: E402
from ..units import M_PER_MILE, UNIT_M  # noqa: E402
from . import palette  # noqa: E402
from .charts import ACWR_JUDGED, DYNAMICS_LABELS, dynamics_present, file_label  # noqa: E402


def _rows(table) -> int:
    return 0 if table is None else len(table)


def _num(table, name: str) -> np.ndarray:
    """Column ``name`` as floats (NaN where missing)."""
    return np.asarray(table[name], dtype=float)


def _times(values) -> np.ndarray:
    """Datetimes as numpy datetime64 (from a Series, an index, an array or strings)."""
    return np.asarray(values, dtype="datetime64[ns]")


def _day(value) -> np.datetime64:
    """One date or ISO date string as datetime64 (midnight)."""
    return np.datetime64(str(value)[:10], "D")


#: Severity colours (palette.py), and the long-run chart's Frandsen bands in them.
SEVERITY_COLOURS = palette.SEVERITY_COLOURS
BAND_COLOURS = palette.SPIKE_BAND_COLOURS


def no_data(ax, title: str, reason: str) -> None:
    """Say why a chart is empty instead of drawing empty axes."""
    ax.set_title(title)
    ax.set_axis_off()
    ax.text(0.5, 0.5, reason, ha="center", va="center", wrap=True, fontsize=10, color="#555", transform=ax.transAxes)


def date_axis(ax) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def legend_above(ax, title: str, handles=None, per_row: int = 6) -> None:
    """The legend in rows between the title and the plot, so that it never covers data;
    ``handles`` default to the Axes' own."""
    if handles is None:
        handles, _ = ax.get_legend_handles_labels()
    rows = max(1, -(-len(handles) // per_row))
    if handles:
        ax.legend(
            handles=handles,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=min(len(handles), per_row),
            fontsize=8,
            frameon=False,
            borderaxespad=0.2,
        )
    ax.set_title(title, pad=4 + 15 * rows if handles else 6)


def _finish(ax, title: str, ylabel: str, per_row: int = 6) -> None:
    """Label, title, legend (above the plot) and date axis, as every dated chart ends."""
    ax.set_ylabel(ylabel)
    legend_above(ax, title, per_row=per_row)
    date_axis(ax)


def _bars(ax, week_starts: np.ndarray, heights: np.ndarray, colours: list[str], label: str) -> None:
    """Weekly bars (6 days wide, from each week's start + 0.5 day) as one PolyCollection."""
    from matplotlib.collections import PolyCollection

    left = mdates.date2num(week_starts) + 0.5
    right = left + 6.0
    h = np.nan_to_num(heights)
    verts = np.stack([np.column_stack(c) for c in ((left, 0 * h), (left, h), (right, h), (right, 0 * h))], axis=1)
    ax.add_collection(PolyCollection(verts, facecolors=colours, edgecolors="none", label=label))
    ax.xaxis_date()
    ax.set_xlim(left.min() - 3.5, right.max() + 3.5)
    ax.set_ylim(0, max(float(h.max()), 1e-9) * 1.05)


def has_other_sports(weekly) -> bool:
    """True when the weekly table shows time in other sports (the chart's lower panel)."""
    return _rows(weekly) > 0 and C.OTHER_SPORTS_H in weekly and bool(np.nansum(_num(weekly, C.OTHER_SPORTS_H)) > 0)


def _lower_panel(ax):
    """A panel under ``ax``, sharing its x axis: ``ax`` keeps the upper three quarters
    of its place (the caller's axes stay the main chart)."""
    spec = ax.get_subplotspec().subgridspec(2, 1, height_ratios=(3, 1), hspace=0.08)
    ax.set_subplotspec(spec[0])
    return ax.figure.add_subplot(spec[1], sharex=ax)


def _other_sports(ax, starts: np.ndarray, weekly) -> list:
    """Other sports per week under the running chart: hours as bars, their TRIMP (where
    heart rate was recorded) as points on a second axis; returns their legend handles
    (shown with the chart's, above it)."""
    hours = _num(weekly, C.OTHER_SPORTS_H)
    label = "other sports [h] (rides, swims, strength, ...)"
    _bars(ax, starts, hours, ["#7fa86a"] * len(hours), label=label)
    handles = [Patch(facecolor="#7fa86a", label=label)]
    ax.set_ylabel("other sports [h/week]", fontsize=8)
    trimp = _num(weekly, C.OTHER_SPORTS_TRIMP) if C.OTHER_SPORTS_TRIMP in weekly else np.full(len(hours), np.nan)
    shown = np.isfinite(trimp) & (trimp > 0)
    if shown.any():
        ax2 = ax.twinx()
        (points,) = ax2.plot(
            starts[shown] + np.timedelta64(3, "D"), trimp[shown], "o", color="#6c3483", ms=3, label="their TRIMP"
        )
        handles.append(points)
        ax2.set_ylabel("TRIMP [a.u.]", fontsize=8)
        ax2.set_ylim(0, float(np.nanmax(trimp[shown])) * 1.15)
    return handles


def weekly_distance(ax, weekly, findings, units: str = "km") -> None:
    """Weekly distance bars (the weeks of load findings highlighted) and the rolling
    ACWR on a second axis with Gabbett's 0.8-1.3 band and 1.5 line; when the runner did
    other sports, a lower panel with their hours per week (and TRIMP). ``weekly`` is
    indexed by week start, with distance_m and acwr (other_sports_h, other_sports_trimp);
    ``findings`` are `charts.Span`."""
    title = "Weekly distance and acute:chronic load"
    if _rows(weekly) == 0 or C.DISTANCE_M not in weekly or np.nansum(_num(weekly, C.DISTANCE_M)) == 0:
        no_data(ax, title, "No runs in the analysed period.")
        return
    lower = None
    if has_other_sports(weekly):
        lower = _lower_panel(ax)
    per = UNIT_M[units]
    starts = _times(weekly.index)
    load_spans = [f for f in findings if getattr(f, "category", "") == LOAD_CATEGORY]
    worst = _worst_severity_by_week(starts, load_spans)
    colours = [SEVERITY_COLOURS.get(sev, palette.NORMAL_WEEK) for sev in worst]
    # One collection of bars, not one patch per week: a decade is 500+ weeks.
    _bars(ax, starts, _num(weekly, C.DISTANCE_M) / per, colours, label="weekly distance")
    ax.set_ylabel(f"distance per week [{units}]")
    date_axis(ax)
    handles = [Patch(facecolor=palette.NORMAL_WEEK, label="weekly distance")]
    shown = set(worst)
    handles += [
        Patch(facecolor=colour, label=f"week of a {sev} load finding")
        for sev, colour in SEVERITY_COLOURS.items()
        if sev in shown
    ]
    ratio = _num(weekly, C.ACWR) if C.ACWR in weekly else None
    if ratio is not None and np.isfinite(ratio).any():
        ax2 = ax.twinx()
        lo, hi = bands.ACWR_SWEET_SPOT
        handles.append(ax2.axhspan(lo, hi, color="#2ecc71", alpha=0.12, label=f"ACWR {lo}-{hi} (Gabbett 2016)"))
        handles.append(
            ax2.axhline(
                bands.ACWR_DANGER, color=SEVERITY_COLOURS["high"], lw=1, ls="--", label=f"ACWR {bands.ACWR_DANGER}"
            )
        )
        # Ratios over too few runs are not judged (load_rules): drawn faint, apart.
        judged = _num(weekly, ACWR_JUDGED) > 0 if ACWR_JUDGED in weekly else np.ones(len(ratio), dtype=bool)
        ends = starts + np.timedelta64(6, "D")
        if (~judged & np.isfinite(ratio)).any():
            (faint,) = ax2.plot(
                ends,
                np.where(judged, np.nan, ratio),
                color="#bbb",
                marker="o",
                ms=3,
                lw=0.8,
                label="ACWR, too few runs to judge",
            )
        else:
            faint = None
        if (judged & np.isfinite(ratio)).any():
            (line,) = ax2.plot(
                ends,
                np.where(judged, ratio, np.nan),
                color="#333",
                marker="o",
                ms=3,
                lw=1.2,
                label="ACWR (rolling 7/28 d)",
            )
            handles.append(line)
        if faint is not None:
            handles.append(faint)
        ax2.set_ylabel("acute:chronic ratio [-]")
        ax2.set_ylim(0, max(2.0, float(np.nanmax(ratio)) * 1.1))
    if lower is not None:
        handles += _other_sports(lower, starts, weekly)
        ax.tick_params(labelbottom=False)
    legend_above(ax, title, handles, per_row=4)


#: The category of the load findings (detectors: long-run spike, weekly change, ACWR,
#: comeback, monotony), whose weeks the weekly chart highlights.
LOAD_CATEGORY = "overtraining"


def _worst_severity_by_week(starts: np.ndarray, findings) -> list[str]:
    """Per week (by start, datetime64): the worst severity of the ``findings`` whose
    window starts in it, '' for none."""
    order = list(SEVERITY_COLOURS)  # high, medium, low
    worst = [""] * len(starts)
    for f in findings:
        day = _day(f.window["start"])
        i = int(np.searchsorted(starts, day, side="right")) - 1
        if 0 <= i < len(starts) and day < starts[i] + np.timedelta64(7, "D"):
            if not worst[i] or order.index(f.severity) < order.index(worst[i]):
                worst[i] = f.severity
    return worst


def long_runs(ax, spikes, units: str = "km") -> None:
    """Every run's distance against the longest run of its previous 30 days, spikes
    marked by Frandsen 2025 band."""
    title = "Each run against the longest of the previous 30 days"
    if _rows(spikes) == 0:
        no_data(ax, title, "No runs in the analysed period.")
        return
    per = UNIT_M[units]
    t = _times(spikes[C.START_LOCAL])
    distance = _num(spikes, C.DISTANCE_M) / per
    ax.plot(
        t,
        _num(spikes, C.PREV_LONGEST_M) / per,
        color="#888",
        lw=1.2,
        drawstyle="steps-post",
        label="longest run, previous 30 days",
    )
    ax.scatter(t, distance, s=12, color=palette.NORMAL_WEEK, label="run", zorder=3)
    band_of = np.asarray(spikes[C.BAND], dtype=object)
    for band, colour in BAND_COLOURS.items():
        sel = band_of == band
        if sel.any():
            ax.scatter(
                t[sel],
                distance[sel],
                s=60,
                color=colour,
                edgecolor="k",
                zorder=4,
                label=f"{band} longer (Frandsen 2025)",
            )
    _finish(ax, title, f"distance [{units}]")


def cause_timeline(ax, timeline, as_of, heavy_runs=None) -> None:
    """One lane per cause: when each was active, coloured by severity, and the as-of date;
    above them, a lane of the runs the runner rated heavy (``heavy_runs``: date), when any."""
    title = "When each cause was active"
    heavy = np.asarray(heavy_runs["date"], dtype="datetime64[D]") if _rows(heavy_runs) else None
    if not timeline and heavy is None:
        no_data(ax, title, "No cause was found in the analysed period.")
        return
    causes = sorted({f.cause for f in timeline})
    lane = {c: i for i, c in enumerate(causes)}
    spans: dict[str, list] = {c: [] for c in causes}
    for f in timeline:
        start = mdates.date2num(_day(f.window["start"]))
        end = mdates.date2num(_day(f.window["end"]) + np.timedelta64(1, "D"))
        spans[f.cause].append(((start, end - start), SEVERITY_COLOURS[f.severity]))
    for cause, bars in spans.items():  # one collection per lane
        ax.broken_barh(
            [x for x, _ in bars], (lane[cause] - 0.3, 0.6), facecolors=[c for _, c in bars], edgecolor="k", lw=0.3
        )
    labels = [c.replace("_", " ") for c in causes]
    handles = [Patch(facecolor=colour, edgecolor="k", lw=0.3, label=sev) for sev, colour in SEVERITY_COLOURS.items()]
    if heavy is not None:
        marks = ax.scatter(heavy + np.timedelta64(12, "h"), np.full(len(heavy), len(causes)), marker="v", s=30)
        marks.set(color=HEAVY_COLOUR, label="run you rated heavy", zorder=3)
        labels.append("heavy-rated runs")
        handles.append(marks)
    ax.xaxis_date()
    as_of_day = _day(as_of)
    ax.axvline(as_of_day, color="k", ls="--", lw=1)
    ax.text(as_of_day, len(labels) - 0.4, " as of", va="bottom", fontsize=8)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(-0.6, len(labels))
    legend_above(ax, title, handles)
    date_axis(ax)


#: The colour of the runs the runner rated heavy (the timeline and the wellness chart).
HEAVY_COLOUR = "#8b0000"


#: Population band edges per metric (best to worst), from features.bands.
BAND_EDGES = {
    C.FORM_GCT_MS: bands.GCT_BAND_EDGES_MS,
    C.FORM_VO_MM: bands.VO_BAND_EDGES_MM,
    C.FORM_VR_PCT: bands.VR_BAND_EDGES_PCT,
    C.FORM_CADENCE_SPM: bands.CADENCE_BAND_EDGES_SPM,
}
#: Garmin's purple, blue, green, orange and red zones, best to worst, as drawn (palette.py).
BAND_FILL = palette.BAND_FILL


def dynamics_over_time(ax, form, metric: str) -> None:
    """A running-dynamics metric per run over time, over the population colour bands
    (Garmin percentiles, Runalyze edges), with the pace-adjusted baseline's prediction
    at each run's pace."""
    name, unit = DYNAMICS_LABELS[metric]
    title = f"{name} per run"
    col = C.form_column(C.MEDIAN, metric)
    if _rows(form) == 0 or col not in form or not np.isfinite(_num(form, col)).any():
        no_data(ax, title, f"No {name.lower()} recorded: GPX files and watches without the sensor carry none.")
        return
    t = _times(form[C.START_LOCAL])
    values = _num(form, col)
    edges = list(BAND_EDGES[metric])
    lo = float(np.nanmin(values)) - 0.1 * abs(float(np.nanmin(values)))
    hi = float(np.nanmax(values)) + 0.1 * abs(float(np.nanmax(values)))
    lo, hi = min(lo, min(edges) - 5), max(hi, max(edges) + 5)
    bounds = [hi, *edges, lo] if edges[0] > edges[-1] else [lo, *edges, hi]
    for i, colour in enumerate(BAND_FILL):
        ax.axhspan(bounds[i], bounds[i + 1], color=colour, lw=0, zorder=0)
    ax.scatter(t, values, s=12, color=palette.RUN_POINTS, label="run (median of steady running)", zorder=3)
    expected_col = C.form_column(C.EXPECTED, metric)
    expected = _num(form, expected_col) if expected_col in form else None
    if expected is not None and np.isfinite(expected).any():
        ax.plot(t, expected, color=palette.BASELINE_LINE, lw=1.4, label="own baseline at the run's pace")
    ax.set_ylim(lo, hi)
    _finish(ax, title + " (bands: population percentiles)", f"{name.lower()} [{unit}]")


def dynamics_grid(axes, form) -> None:
    """The dynamics metrics recorded on some run (`dynamics_present`), one per Axes, in
    DYNAMICS_LABELS order; Axes left over are hidden."""
    axes = np.atleast_1d(axes).ravel()
    metrics = dynamics_present(form) or list(DYNAMICS_LABELS)
    for ax, metric in zip(axes, metrics, strict=False):
        dynamics_over_time(ax, form, metric)
    for ax in axes[len(metrics) :]:
        ax.set_axis_off()


def shoe_mileage(ax, mileage, units: str = "km") -> None:
    """Cumulative distance per pair of shoes, with the 300- and 500-mile guidance lines
    (industry guidance, not a study finding). ``mileage`` is a features.shoes.ShoeMileage
    or anything with a ``runs`` table (shoe, start_local, cumulative_m), or None."""
    title = "Distance per pair of shoes"
    runs = None if mileage is None else mileage.runs
    if _rows(runs) == 0:
        no_data(ax, title, "No shoe data: give --shoes shoes.csv, or a Strava export with gear.")
        return
    per = UNIT_M[units]
    shoe_of = np.asarray(runs[C.SHOE], dtype=object)
    t = _times(runs[C.START_LOCAL])
    cumulative = _num(runs, C.CUMULATIVE_M) / per
    for shoe in sorted(set(shoe_of)):  # one line per pair, in name order
        sel = shoe_of == shoe
        ax.plot(t[sel], cumulative[sel], drawstyle="steps-post", marker=".", ms=3, label=file_label(shoe))
    for limit_m, style in ((bands.SHOE_GUIDANCE_LOW_M, ":"), (bands.SHOE_GUIDANCE_HIGH_M, "--")):
        ax.axhline(
            limit_m / per,
            color=SEVERITY_COLOURS["high"],
            ls=style,
            lw=1,
            label=f"{limit_m / M_PER_MILE:.0f} miles ({limit_m / 1000:.0f} km): guidance, not a study",
        )
    _finish(ax, title, f"distance on the pair [{units}]", per_row=5)
