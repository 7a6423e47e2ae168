"""Suppressed HRV: the week's overnight HRV below the runner's own band."""

from __future__ import annotations

import math

import numpy as np

from .. import columns as C
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded
from .citations import BUCHHEIT, GARMIN_HRV, PLEWS, PLEWS_NIGHTS
from .wellness_rules import (
    BASELINE_DAYS,
    BASELINE_SOURCE,
    MEDIUM_SWC_MULTIPLE,
    MIN_BASELINE_DAYS,
    MIN_MARKER_DAYS,
    SEVERITY_SOURCE,
    SWC_SD_FRACTION,
    WEEK_DAYS,
    ByWeek,
    Week,
    band,
    mode_text,
    severity_of,
)

HRV_SOURCE = f"{PLEWS}; {BUCHHEIT}"
#: Strength grows to full over this many smallest worthwhile changes past the band
#: (heavylegs convention).
HRV_SCORE_SPAN_SWC = 3.0


class HrvSuppressed(ByWeek, Detector, id="hrv_suppressed", category="recovery", rank=1, needs=("hrv",)):
    thresholds = (
        Threshold("7-day mean ln rMSSD below", f"{BASELINE_DAYS}-day mean - {SWC_SD_FRACTION:g} x SD", "", HRV_SOURCE),
        Threshold("valid nights in the week", MIN_MARKER_DAYS, f"of {WEEK_DAYS}", PLEWS_NIGHTS),
        Threshold("nights in the baseline", MIN_BASELINE_DAYS, f"of {BASELINE_DAYS}", BASELINE_SOURCE),
        Threshold("medium from", MEDIUM_SWC_MULTIPLE, "x the smallest worthwhile change", SEVERITY_SOURCE),
    )
    advice = (
        "Suppressed HRV says the body has not recovered: keep the next days easy until it is back in your "
        "usual range, and look at sleep, illness and stress as well as training."
    )
    description = (
        "The 7-day mean of overnight ln rMSSD below your own band: the 60-day mean minus 0.5 x its SD "
        "(Plews 2012, Buchheit 2014), with at least 3 valid nights in the week; Garmin's HRV status as a "
        "second opinion."
    )

    def _week(self, ctx, week: Week):
        b = band(ctx, C.HRV_NIGHT_MS, week, np.log)
        if isinstance(b, str):
            return f"overnight HRV: {b}"
        past = b.past(-1)
        if past <= 0:
            return None
        edge = b.base_mean - b.swc
        week_ms, edge_ms, base_ms = math.exp(b.week_mean), math.exp(edge), math.exp(b.base_mean)
        day = iso(week.end)
        ev = [
            Evidence("7-day mean ln rMSSD", rounded(b.week_mean, 3), "ln ms", f"< {edge:.3f}", day, HRV_SOURCE),
            Evidence("7-day mean HRV", rounded(week_ms, 1), "ms", f"< {edge_ms:.1f} ms", day),
            Evidence(f"your {BASELINE_DAYS}-day mean ln rMSSD", rounded(b.base_mean, 3), "ln ms", None, None),
            Evidence(
                "smallest worthwhile change",
                rounded(b.swc, 3),
                "ln ms",
                f"{SWC_SD_FRACTION:g} x SD {b.base_sd:.3f}",
                None,
                BUCHHEIT,
            ),
            Evidence(
                "valid nights in the week", b.week_days, f"of {WEEK_DAYS}", f">= {MIN_MARKER_DAYS}", None, PLEWS_NIGHTS
            ),
            Evidence("nights in the baseline", b.base_days, f"of {BASELINE_DAYS}", f">= {MIN_BASELINE_DAYS}"),
            *_garmin(ctx, week),
        ]
        opinion = _garmin_words(ctx, week)
        msg = (
            f"Your overnight HRV averaged {week_ms:.0f} ms over {week.words()}, below your own band "
            f"(your {BASELINE_DAYS}-day mean {base_ms:.0f} ms less the smallest worthwhile change: {edge_ms:.0f} ms; "
            f"Plews 2012, Buchheit 2014){opinion}."
        )
        brief = f"HRV {week_ms:.0f} ms against your {base_ms:.0f} ms ({b.week_mean - b.base_mean:+.2f} ln ms)"
        strength = exceedance(past, 0.0, HRV_SCORE_SPAN_SWC)
        return self.finding(ctx, severity_of(past), strength, week.start, week.end, ev, msg, brief=brief)


def _garmin(ctx, week: Week) -> list[Evidence]:
    """Garmin's own view of the week, as a second opinion: its most frequent HRV status
    and its balanced band on the week's last day with one."""
    rows = []
    status, n, of = mode_text(ctx, C.HRV_STATUS, week.start, week.end)
    if status:
        rows.append(
            Evidence("Garmin HRV status (second opinion)", status, f"on {n} of {of} days", None, None, GARMIN_HRV)
        )
    w = ctx.wellness
    inside = w[(w[C.DATE] >= week.start) & (w[C.DATE] <= week.end)]
    low, high = inside[C.HRV_BASELINE_LOW_MS], inside[C.HRV_BASELINE_HIGH_MS]
    both = inside[low.notna() & high.notna()]
    if len(both):
        last = both.iloc[-1]
        text = f"{last[C.HRV_BASELINE_LOW_MS]:.0f}-{last[C.HRV_BASELINE_HIGH_MS]:.0f}"
        rows.append(
            Evidence("Garmin's balanced band (second opinion)", text, "ms", None, iso(last[C.DATE]), GARMIN_HRV)
        )
    return rows


def _garmin_words(ctx, week: Week) -> str:
    status, n, of = mode_text(ctx, C.HRV_STATUS, week.start, week.end)
    return f"; Garmin's own HRV status said '{status}' on {n} of {of} days" if status else ""
