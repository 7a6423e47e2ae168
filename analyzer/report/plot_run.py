"""One run's charts for `heavylegs why`: pace, heart rate, ground contact and cadence
over the run, with its steady running shaded (features.dynamics.steady_samples: the
samples the form summary and the drift are measured on). Each chart is a PNG with its
alt text and a one-line takeaway written from the same samples.

Drawn in the calling process (matplotlib is imported on first use).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import columns as C
from ..features import dynamics
from ..units import UNIT_M

#: Display smoothing of the lines [s]: a centred rolling mean over this many seconds
#: (heavylegs convention: a 1 s trace of pace is mostly GPS noise; 30 s keeps surges and
#: hills). Only the drawing is smoothed; no number is read from the smoothed line.
SMOOTH_S = 30
#: Colours from the Okabe-Ito palette (Okabe M, Ito K, "Color Universal Design", 2008),
#: distinct under the common colour-vision deficiencies: the line, and the steady shading.
LINE_COLOUR = "#0072B2"
STEADY_COLOUR = "#E69F00"
STEADY_ALPHA = 0.18
#: Size of each chart [inches] (10 in at the report's 110 dpi is 1100 px).
CHART_SIZE = (10.0, 2.6)


@dataclass(frozen=True)
class RunChart:
    """One chart of the run: ``stem`` (pace, heart_rate, ground_contact, cadence),
    ``title``, ``alt`` (what the image shows, for a reader who cannot see it),
    ``takeaway`` (one line from the data), ``png`` (None when the file has no such
    samples: ``takeaway`` then says so)."""

    stem: str
    title: str
    alt: str
    takeaway: str
    png: bytes | None


@dataclass(frozen=True)
class _Series:
    stem: str
    title: str
    column: str
    unit: str
    fmt: str


def _series(units: str) -> tuple[_Series, ...]:
    return (
        _Series("pace", "Pace", "pace", f"min/{units}", "pace"),
        _Series("heart_rate", "Heart rate", C.HEART_RATE_BPM, "bpm", "{:.0f}"),
        _Series("ground_contact", "Ground contact time", C.STANCE_TIME_MS, "ms", "{:.0f}"),
        _Series("cadence", "Cadence", C.CADENCE_SPM, "steps/min", "{:.0f}"),
    )


def _pace(minutes: float) -> str:
    s = int(round(minutes * 60))
    return f"{s // 60}:{s % 60:02d}"


def prepared(samples: pd.DataFrame, run: pd.DataFrame, units: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the run's samples with ``minutes`` from the start, ``pace`` [min per unit,
    NaN at walking speed] and ``steady`` (bool); its steady samples with ``third``:
    'first', 'last' or '' by steady moving time, as dynamics.form_drift splits them)."""
    wanted = [C.ACTIVITY_ID, C.TIMESTAMP, C.SPEED_M_S, C.HEART_RATE_BPM, C.STANCE_TIME_MS, C.CADENCE_SPM]
    samples = samples.reindex(columns=list(dict.fromkeys([*samples.columns, *wanted])))  # a column not recorded: NaN
    s = samples.sort_values(C.TIMESTAMP, kind="stable").reset_index(drop=True)
    t = pd.to_datetime(s[C.TIMESTAMP], utc=True)
    minutes = (t - t.iloc[0]).dt.total_seconds() / 60 if len(s) else pd.Series([], dtype=float)
    speed = s[C.SPEED_M_S].astype(float)
    pace = (UNIT_M[units] / speed / 60).where(speed > dynamics.WALK_SPEED_M_S)
    steady = dynamics.steady_samples(run, samples)
    mask = t.isin(pd.to_datetime(steady[C.TIMESTAMP], utc=True)) if len(steady) else pd.Series(False, index=s.index)
    s = s.assign(minutes=minutes.to_numpy(), pace=pace.to_numpy(), steady=mask.to_numpy())
    for col in (C.STANCE_TIME_MS, C.CADENCE_SPM, C.HEART_RATE_BPM):
        s[col] = s[col].astype(float).where(s[col] > 0)
    clock = steady[C.DT_S].cumsum()
    frac = clock / clock.max() if len(steady) and clock.max() > 0 else clock * np.nan
    third = np.select([frac <= 1 / 3, frac > 2 / 3], ["first", "last"], "")
    steady = steady.assign(third=third, pace=(UNIT_M[units] / steady[C.SPEED_M_S] / 60).to_numpy())
    return s, steady


def steady_spans(s: pd.DataFrame) -> list[tuple[float, float]]:
    """(start, end) in minutes of each stretch of consecutive steady samples."""
    flags = s["steady"].to_numpy(dtype=bool)
    if not flags.any():
        return []
    edges = np.diff(np.concatenate([[0], flags.astype(int), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    minutes = s["minutes"].to_numpy()
    return [(float(minutes[a]), float(minutes[b])) for a, b in zip(starts, ends, strict=True)]


def _takeaway(series: _Series, steady: pd.DataFrame) -> str:
    """First third against last third of the steady running, in words."""
    col = series.column
    values = steady[col].astype(float).where(steady[col] > 0) if col != "pace" else steady["pace"]
    first = values[steady["third"] == "first"]
    last = values[steady["third"] == "last"]
    if first.notna().sum() == 0 or last.notna().sum() == 0:
        return f"{series.title}: too little steady running to compare its first and last third."
    a, b = (first.median(), last.median()) if col != C.HEART_RATE_BPM else (first.mean(), last.mean())
    show = _pace if series.fmt == "pace" else series.fmt.format
    verb = "mean" if col == C.HEART_RATE_BPM else "median"
    return (
        f"{series.title} ({verb} of the steady running): {show(a)} {series.unit} in the first third, "
        f"{show(b)} {series.unit} in the last."
    )


def run_charts(samples: pd.DataFrame, run: pd.DataFrame, units: str = "km", when: str = "") -> list[RunChart]:
    """The run's four charts. ``run``: its row of the runs table (a frame); ``when``:
    how the run is named in the alt text ('the run of 08 Aug 2026')."""
    s, steady = prepared(samples, run, units)
    spans = steady_spans(s)
    steady_min = float(steady[C.DT_S].sum()) / 60 if len(steady) else 0.0
    total_min = float(s["minutes"].max()) if len(s) else 0.0
    out = []
    for series in _series(units):
        y = s[series.column].astype(float) if series.column in s else pd.Series(dtype=float)
        if not y.notna().any():
            out.append(RunChart(series.stem, series.title, "", f"{series.title}: not recorded in this file.", None))
            continue
        takeaway = _takeaway(series, steady) if len(steady) else f"{series.title}: no steady running in this run."
        alt = (
            f"{series.title} ({series.unit}) against minutes from the start of {when or 'the run'} "
            f"({total_min:.0f} min); shaded: the {steady_min:.0f} min of steady running. {takeaway}"
        )
        out.append(RunChart(series.stem, series.title, alt, takeaway, _draw(s, series, spans)))
    return out


def _draw(s: pd.DataFrame, series: _Series, spans: list[tuple[float, float]]) -> bytes:
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    from .draw import png

    fig = Figure(figsize=CHART_SIZE)
    ax = fig.subplots()
    for a, b in spans:
        ax.axvspan(a, b, color=STEADY_COLOUR, alpha=STEADY_ALPHA, lw=0)
    t = pd.to_datetime(s[C.TIMESTAMP], utc=True)
    y = pd.Series(s[series.column].astype(float).to_numpy(), index=pd.DatetimeIndex(t))
    smooth = y.rolling(f"{SMOOTH_S}s", center=True, min_periods=1).mean().where(y.notna())
    ax.plot(s["minutes"], smooth.to_numpy(), color=LINE_COLOUR, lw=1.0)
    if series.column == "pace":
        ax.invert_yaxis()  # faster is up
        ax.yaxis.set_major_formatter(lambda v, _pos: _pace(v))
    ax.set_ylabel(series.unit)
    ax.set_xlabel("minutes from the start")
    ax.set_title(series.title, loc="left", fontsize=10)
    ax.grid(alpha=0.3)
    if spans:
        # Above the axes on the right, level with the title: never over the line.
        steady = Patch(color=STEADY_COLOUR, alpha=0.4, label="steady running")
        ax.legend(handles=[steady], loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    fig.tight_layout()
    fig.set_layout_engine(None)
    return png(fig)
