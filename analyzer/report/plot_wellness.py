"""The wellness chart: sleep per night, overnight HRV with the device's band, resting
heart rate and weight, one panel each (those with data), over the weekly chart's weeks,
with the runs the runner rated heavy marked on every panel.

numpy and matplotlib only, like plots.py (the figure helper draws without pandas).
"""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import columns as C
from .plots import HEAVY_COLOUR, date_axis, legend_above, no_data
from .wellness_chart import NO_WELLNESS, SLEEP_RECOMMENDED_H, WELLNESS_PANELS, wellness_shown

TITLE = "Sleep, HRV, resting heart rate and weight"


def _col(table, name: str) -> np.ndarray:
    if table is None or name not in table:
        return np.full(0 if table is None else len(table), np.nan)
    return np.asarray(table[name], dtype=float)


def wellness_panels(axes, wellness, heavy_runs, weeks) -> None:
    """One panel per wellness measure with data (charts.wellness_shown), in WELLNESS_PANELS
    order; ``heavy_runs`` (date) marked on each; x from ``weeks`` (ISO first day, day after
    the last) when given."""
    axes = np.atleast_1d(axes).ravel()
    shown = wellness_shown(wellness)
    if not shown:
        no_data(axes[0], TITLE, NO_WELLNESS[0].upper() + NO_WELLNESS[1:])
        return
    t = np.asarray(wellness[C.DATE], dtype="datetime64[D]")
    heavy = (
        np.asarray(heavy_runs["date"], dtype="datetime64[D]") if heavy_runs is not None and len(heavy_runs) else None
    )
    draw = {"sleep": _sleep, "hrv": _hrv, "resting_hr": _resting_hr, "weight": _weight}
    for ax, panel in zip(axes, shown, strict=False):
        handles = draw[panel](ax, t, wellness)
        if heavy is not None:
            # Mid-day of each heavy-rated run's day, as one collection across the panel.
            ax.vlines(
                heavy + np.timedelta64(12, "h"),
                0,
                1,
                transform=ax.get_xaxis_transform(),
                colors=HEAVY_COLOUR,
                lw=0.9,
                alpha=0.7,
            )
            handles.append(Line2D([], [], color=HEAVY_COLOUR, lw=0.9, label="run you rated heavy"))
        name, unit, _ = WELLNESS_PANELS[panel]
        ax.set_ylabel(f"{name} [{unit}]", fontsize=8)
        if weeks is not None:  # the weekly chart's limits: its bars, half a week's margin
            margin = np.timedelta64(3, "D")
            ax.set_xlim(np.datetime64(weeks[0]) - margin, np.datetime64(weeks[1]) + margin)
        legend_above(ax, name, handles, per_row=4)
        date_axis(ax)
    for ax in axes[len(shown) :]:
        ax.set_axis_off()


def _sleep(ax, t: np.ndarray, wellness) -> list:
    hours = _col(wellness, C.SLEEP_S) / 3600
    ok = np.isfinite(hours)
    ax.bar(t[ok] + np.timedelta64(12, "h"), hours[ok], width=0.8, color="#5b8db8")
    line = ax.axhline(SLEEP_RECOMMENDED_H, color="#27ae60", ls="--", lw=1)
    ax.set_ylim(0, max(float(np.nanmax(hours)) * 1.1, SLEEP_RECOMMENDED_H + 1))
    return [
        Patch(facecolor="#5b8db8", label="sleep in the night before the day"),
        Line2D([], [], color=line.get_color(), ls="--", lw=1, label=f"{SLEEP_RECOMMENDED_H:g} h (adults, Watson 2015)"),
    ]


def _hrv(ax, t: np.ndarray, wellness) -> list:
    handles = []
    low, high = _col(wellness, C.HRV_BASELINE_LOW_MS), _col(wellness, C.HRV_BASELINE_HIGH_MS)
    band = np.isfinite(low) & np.isfinite(high)
    if band.any():
        ax.fill_between(
            t, np.where(band, low, np.nan), np.where(band, high, np.nan), step="mid", color="#2ecc71", alpha=0.2, lw=0
        )
        handles.append(Patch(facecolor="#2ecc71", alpha=0.4, label="the device's balanced band"))
    night = _col(wellness, C.HRV_NIGHT_MS)
    if np.isfinite(night).any():
        handles += ax.plot(t, night, "o", ms=2.5, color="#2c3e50", label="overnight HRV")
    weekly = _col(wellness, C.HRV_WEEKLY_MS)
    if np.isfinite(weekly).any():
        ok = np.isfinite(weekly)
        handles += ax.plot(t[ok], weekly[ok], color="#8e44ad", lw=1.2, label="7-day average (device)")
    return handles


def _resting_hr(ax, t: np.ndarray, wellness) -> list:
    bpm = _col(wellness, C.RESTING_HR_BPM)
    ok = np.isfinite(bpm)
    return ax.plot(t[ok], bpm[ok], color="#e67e22", marker="o", ms=2, lw=0.8, label="resting heart rate")


def _weight(ax, t: np.ndarray, wellness) -> list:
    kg = _col(wellness, C.WELLNESS_WEIGHT_KG)
    ok = np.isfinite(kg)
    return ax.plot(t[ok], kg[ok], color="#7f8c8d", marker="o", ms=3, lw=0.8, label="weight")
