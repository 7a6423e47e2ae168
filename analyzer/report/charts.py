"""The report's charts: what each shows, declared once, and the picklable bundle of
their inputs (`PlotData`) that the figure helper draws from without pandas.

A chart is one `Chart` entry in CHARTS (stem, caption, the `PlotData` fields it shows,
whether it waits for the findings, its size) plus one drawing function in plots.py (or
in a module of its own, named ``module.function``: plot_wellness.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .. import columns as C
from .table import Table
from .wellness_chart import NO_WELLNESS, weeks_of, wellness_shown, wellness_table

#: The dynamics chart's metrics, in panel order: (title, unit).
DYNAMICS_LABELS = {
    C.FORM_GCT_MS: ("Ground contact time", "ms"),
    C.FORM_VO_MM: ("Vertical oscillation", "mm"),
    C.FORM_VR_PCT: ("Vertical ratio", "%"),
    C.FORM_CADENCE_SPM: ("Cadence", "steps/min"),
}
#: The form columns the dynamics chart reads.
DYNAMICS_COLUMNS = tuple(C.form_column(kind, metric) for kind in (C.MEDIAN, C.EXPECTED) for metric in DYNAMICS_LABELS)
#: The weekly table's column saying whether a week's ACWR is judged: 1.0 when its 28 days
#: hold enough runs (load_rules.MIN_RUNS_FOR_RATIOS; `plot_data` fills it), else 0.0.
ACWR_JUDGED = "acwr_judged"


def dynamics_present(form) -> list[str]:
    """The DYNAMICS_LABELS metrics recorded (finite median) on at least one run of
    ``form`` (a Table or DataFrame)."""
    if form is None or len(form) == 0:
        return []
    present = []
    for metric in DYNAMICS_LABELS:
        col = C.form_column(C.MEDIAN, metric)
        if col in form and np.isfinite(np.asarray(form[col], dtype=float)).any():
            present.append(metric)
    return present


#: Longest name from a file (a pair of shoes) in a legend [characters]; longer names are
#: cut with an ellipsis (heavylegs convention: a legend entry stays within one column of
#: the legend; the page and the takeaway under the chart give the whole name).
MAX_LEGEND_CHARS = 40


def file_label(name) -> str:
    """A name from a file (a pair of shoes) as matplotlib text: every '$' escaped, so that
    it is never read as mathematics (an odd name cannot fail the drawing), cut to
    MAX_LEGEND_CHARS."""
    text = " ".join(str(name).split())
    if len(text) > MAX_LEGEND_CHARS:
        text = text[: MAX_LEGEND_CHARS - 1] + "…"
    if text.startswith("_"):  # matplotlib leaves labels starting with '_' out of legends
        text = " " + text
    return text.replace("$", r"\$")


@dataclass(frozen=True)
class Span:
    """What a chart needs of a finding: its cause, severity, window (ISO dates) and
    category (the weekly chart marks the weeks of load findings, category overtraining)."""

    cause: str
    severity: str
    window: dict[str, str]
    category: str = ""


@dataclass
class ShoeRuns:
    """What the shoe chart reads of a features.shoes.ShoeMileage: its runs (shoe,
    start_local, cumulative_m)."""

    runs: Table


@dataclass
class PlotData:
    """Everything the charts and the PDF's text page show, and nothing else, as numpy
    columns (`Table`), so that it pickles small and unpickles without pandas, the
    importer or the detectors.

    spikes : one row per run: start_local, distance_m [m], prev_longest_m [m], band
    form : one row per run: start_local, median_<metric> and expected_<metric>
    shoes : `ShoeRuns`, or None without shoe data
    as_of : the analysis date; units : 'km' or 'mi'
    weekly : weekly table (week start index; distance_m [m], acwr [-], other_sports_h
        [h], other_sports_trimp [a.u.]); None until the detectors have run (it is drawn
        with their findings)
    spans : every finding up to the analysis date, as `Span` (empty before the detectors)
    text_lines : the PDF's first page, line by line
    wellness : one row per day of the weekly chart's weeks with a reading (WELLNESS_CHART_COLUMNS:
        date, sleep_s [s], hrv_night_ms, hrv_weekly_ms, hrv_baseline_low_ms / _high_ms [ms],
        resting_hr_bpm [bpm], weight_kg [kg]), or None
    heavy_runs : the runs the runner rated heavy: date, distance_m [m] (empty without ratings)
    weeks : (first day, day after the last) of the weekly chart's weeks, ISO dates, or None
        without runs
    """

    spikes: Table
    form: Table
    shoes: ShoeRuns | None
    as_of: object
    units: str = "km"
    weekly: Table | None = None
    spans: list[Span] = field(default_factory=list)
    text_lines: list[str] = field(default_factory=list)
    wellness: Table | None = None
    heavy_runs: Table | None = None
    weeks: tuple[str, str] | None = None


@dataclass
class Rendered:
    """images : (stem, caption, PNG bytes) per chart drawn, in report order; pdf : the
    PDF report's bytes when asked for, else None."""

    images: list[tuple[str, str, bytes]]
    pdf: bytes | None = None

    def pngs(self) -> dict[str, bytes]:
        return {stem: image for stem, _, image in self.images}


@dataclass(frozen=True)
class Chart:
    """One chart of the report.

    stem : file name (stem.png) and id; caption : shown under it;
    plot : the function that draws it: its name in plots.py, or ``module.function`` of
        another module of this package (draw.plot_function), called with the chart's axes and then
        the `PlotData` fields named in ``inputs``, in that order: what a chart shows is
        exactly what its function is given (its kept PNG's key is made of them);
    early : 0 when it shows findings (drawn once they exist), else its place among the
        charts drawn while the detectors run (costliest first);
    size : (width, height) [in] from the data; grid : (rows, columns) of axes, from the data;
    missing : why the chart is not drawn (nothing to show), or None to draw it; the
        report says the reason in one line instead of showing empty axes.
    """

    stem: str
    caption: str
    plot: str
    inputs: tuple[str, ...]
    early: int
    size: Callable[[PlotData], tuple[float, float]]
    grid: Callable[[PlotData], tuple[int, int]] = lambda d: (1, 1)
    missing: Callable[[PlotData], str | None] = lambda d: None
    title: str = ""


def _no_runs(table) -> bool:
    return table is None or len(table) == 0 or C.DISTANCE_M not in table or not np.nansum(table[C.DISTANCE_M]) > 0


def _dynamics_shown(data: PlotData) -> list[str]:
    """The dynamics metrics recorded on at least one run (the panels drawn)."""
    return dynamics_present(data.form)


def _dynamics_grid(data: PlotData) -> tuple[int, int]:
    n = len(_dynamics_shown(data))
    return (1, max(n, 1)) if n <= 2 else (2, 2)


def _dynamics_size(data: PlotData) -> tuple[float, float]:
    n = len(_dynamics_shown(data))
    return WIDE if n <= 1 else (12, 4.2) if n == 2 else (12, 7.5)


NO_RUNS = "no runs in the analysed period."
NO_DYNAMICS = (
    "no run recorded running dynamics (cadence, ground contact, vertical oscillation): GPX files and "
    "watches without the sensor carry none; a FIT file from a watch or pod that records them does."
)
NO_SHOES = (
    "no shoe data: give --shoes shoes.csv, or a Strava export whose runs have gear, to see the distance on each pair."
)
NO_CAUSE = "no cause was found in the analysed period."


WIDE = (11, 4.2)
#: The weekly chart with its lower panel of other sports.
TALL = (11, 5.6)
#: The weekly table's columns the weekly chart shows (plots.weekly_distance).
WEEKLY_CHART_COLUMNS = (C.DISTANCE_M, C.ACWR, C.OTHER_SPORTS_H, C.OTHER_SPORTS_TRIMP)


def _weekly_table(weekly) -> Table:
    """The weekly chart's columns of the weekly table, with ACWR_JUDGED: 1.0 where
    the week's 28 days (the 4 weeks that end with it) hold load_rules.MIN_RUNS_FOR_RATIOS
    runs or more, else 0.0 (the chart draws the others faint)."""
    from ..detectors.load_rules import MIN_RUNS_FOR_RATIOS, RATIO_WINDOW_DAYS

    table = Table.of(weekly, WEEKLY_CHART_COLUMNS, index=True)
    if weekly is not None and C.RUNS in weekly:
        runs = weekly[C.RUNS].rolling(RATIO_WINDOW_DAYS // 7, min_periods=1).sum()
        table.columns[ACWR_JUDGED] = (runs >= MIN_RUNS_FOR_RATIOS).to_numpy(dtype=float)
    return table


def _wellness_size(data: PlotData) -> tuple[float, float]:
    return (11, 2.0 * max(1, len(wellness_shown(data.wellness))) + 1.2)


def _timeline_lanes(data: PlotData) -> int:
    """Lanes of the cause timeline: one per cause, and one for the heavy-rated runs."""
    heavy = data.heavy_runs is not None and len(data.heavy_runs) > 0
    return len({s.cause for s in data.spans}) + int(heavy)


def _other_sports_shown(weekly: Table | None) -> bool:
    """The weekly chart's lower panel is drawn (plots.has_other_sports: any hours)."""
    if weekly is None or C.OTHER_SPORTS_H not in weekly:
        return False
    return bool(np.nansum(np.asarray(weekly[C.OTHER_SPORTS_H], dtype=float)) > 0)


#: Every chart, in report order.
CHARTS: tuple[Chart, ...] = (
    Chart(
        "weekly",
        "Weekly distance, flagged jumps, and the acute:chronic workload ratio; "
        "below it, when there are any, the hours (and TRIMP) of other sports each week.",
        "weekly_distance",
        ("weekly", "spans", "units"),
        0,
        lambda d: TALL if _other_sports_shown(d.weekly) else WIDE,
        title="Weekly load",
        missing=lambda d: NO_RUNS if _no_runs(d.weekly) else None,
    ),
    Chart(
        "wellness",
        "Sleep per night against the 7 h recommended for adults, overnight HRV with the device's baseline band, "
        "resting heart rate and weight, over the weeks of the load chart; dark red lines mark the runs you rated heavy.",
        "plot_wellness.wellness_panels",
        ("wellness", "heavy_runs", "weeks"),
        4,
        _wellness_size,
        grid=lambda d: (max(1, len(wellness_shown(d.wellness))), 1),
        title="Sleep, HRV, resting heart rate and weight",
        missing=lambda d: None if wellness_shown(d.wellness) else NO_WELLNESS,
    ),
    Chart(
        "long_runs",
        "Every run against the longest run of its previous 30 days (Frandsen 2025 bands).",
        "long_runs",
        ("spikes", "units"),
        2,
        lambda d: WIDE,
        title="Long runs",
        missing=lambda d: NO_RUNS if _no_runs(d.spikes) else None,
    ),
    Chart(
        "dynamics",
        "Running dynamics per run over the population colour bands, with the pace-adjusted personal baseline.",
        "dynamics_grid",
        ("form",),
        1,
        _dynamics_size,
        grid=_dynamics_grid,
        title="Running dynamics",
        missing=lambda d: None if _dynamics_shown(d) else NO_DYNAMICS,
    ),
    Chart(
        "shoes",
        "Distance on each pair of shoes against the 300- and 500-mile guidance.",
        "shoe_mileage",
        ("shoes", "units"),
        3,
        lambda d: WIDE,
        title="Shoe mileage",
        missing=lambda d: NO_SHOES if d.shoes is None or len(d.shoes.runs) == 0 else None,
    ),
    Chart(
        "timeline",
        "When each cause was active, coloured by severity, and the runs you rated heavy; the dashed line is the "
        "analysis date.",
        "cause_timeline",
        ("spans", "as_of", "heavy_runs"),
        0,
        lambda d: (11, 0.6 * max(3, _timeline_lanes(d)) + 1.4),
        title="Cause timeline",
        missing=lambda d: None if _timeline_lanes(d) else NO_CAUSE,
    ),
)
BY_STEM = {c.stem: c for c in CHARTS}
#: (stem, caption) of every chart, in report order.
FIGURES: tuple[tuple[str, str], ...] = tuple((c.stem, c.caption) for c in CHARTS)
#: The charts that show no finding, in the order one copy draws them while the detectors run.
EARLY_ORDER: tuple[str, ...] = tuple(c.stem for c in sorted(CHARTS, key=lambda c: c.early) if c.early)


def not_drawn(data: PlotData, stems=None) -> dict[str, str]:
    """The charts (among ``stems``, default all) with nothing to show: stem -> why."""
    return {
        c.stem: reason for c in CHARTS if (stems is None or c.stem in stems) and (reason := c.missing(data)) is not None
    }


def to_draw(data: PlotData, stems) -> list[str]:
    """The charts among ``stems`` that have something to show, in report order."""
    skip = not_drawn(data, stems)
    return [stem for stem, _ in FIGURES if stem in stems and stem not in skip]


def partly_missing(data: PlotData) -> dict[str, str]:
    """Charts drawn with some of their panels left out: stem -> what is left out."""
    shown = _dynamics_shown(data)
    absent = [DYNAMICS_LABELS[m][0].lower() for m in DYNAMICS_LABELS if m not in shown]
    if shown and absent:
        return {"dynamics": f"Not recorded on any run, so not drawn: {', '.join(absent)}."}
    return {}


def in_order(pngs: dict[str, bytes]) -> list[tuple[str, str, bytes]]:
    return [(stem, caption, pngs[stem]) for stem, caption in FIGURES if stem in pngs]


def context_plot_data(ctx) -> PlotData:
    """The inputs of the charts that show no finding, from a `detectors.Context`
    (computing features the detectors use anyway)."""
    from ..detectors.heavy_days import heavy_rated

    mileage = ctx.shoes
    weeks = weeks_of(ctx)
    return PlotData(
        spikes=Table.of(ctx.spikes, (C.START_LOCAL, C.DISTANCE_M, C.PREV_LONGEST_M, C.BAND)),
        form=Table.of(ctx.form, (C.START_LOCAL, *DYNAMICS_COLUMNS)),
        shoes=None if mileage is None else ShoeRuns(Table.of(mileage.runs, (C.SHOE, C.START_LOCAL, C.CUMULATIVE_M))),
        as_of=ctx.as_of,
        units=ctx.units,
        wellness=wellness_table(ctx.wellness, weeks),
        heavy_runs=Table.of(heavy_rated(ctx), ("date", C.DISTANCE_M)),
        weeks=weeks,
    )


def plot_data(analysis, text_lines: list[str] | None = None) -> PlotData:
    """Every chart's inputs, from an `detectors.run.Analysis` (and the PDF's text page)."""
    return replace(
        context_plot_data(analysis.context),
        weekly=_weekly_table(analysis.context.weekly),
        spans=[Span(f.cause, f.severity, dict(f.window), f.category) for f in analysis.timeline],
        text_lines=list(text_lines or []),
    )
