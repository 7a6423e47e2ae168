"""Resting heart rate up: the week's mean above the runner's own band."""

from __future__ import annotations

from .. import columns as C
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded
from .citations import BUCHHEIT
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
    severity_of,
)

#: At least this many days with a resting heart rate in a week (heavylegs convention:
#: the same three as for HRV, Plews et al. IJSPP 2014).
DAYS_SOURCE = "heavylegs convention: three days a week, as for HRV (Plews et al., Int J Sports Physiol Perform 2014)"
#: Strength grows to full over this many smallest worthwhile changes past the band
#: (heavylegs convention).
RHR_SCORE_SPAN_SWC = 3.0


class RestingHrUp(ByWeek, Detector, id="resting_hr_up", category="recovery", rank=2, needs=("resting_hr",)):
    thresholds = (
        Threshold("7-day mean resting HR above", f"{BASELINE_DAYS}-day mean + {SWC_SD_FRACTION:g} x SD", "", BUCHHEIT),
        Threshold("days in the week", MIN_MARKER_DAYS, f"of {WEEK_DAYS}", DAYS_SOURCE),
        Threshold("days in the baseline", MIN_BASELINE_DAYS, f"of {BASELINE_DAYS}", BASELINE_SOURCE),
        Threshold("medium from", MEDIUM_SWC_MULTIPLE, "x the smallest worthwhile change", SEVERITY_SOURCE),
    )
    advice = (
        "A raised resting heart rate says the body is under strain: keep the next days easy until it is back "
        "to your usual, and look at illness and stress as well as training."
    )
    description = (
        "The 7-day mean resting heart rate above your own band: the 60-day mean plus 0.5 x its SD "
        "(Buchheit 2014), with at least 3 days recorded in the week."
    )

    def _week(self, ctx, week: Week):
        b = band(ctx, C.RESTING_HR_BPM, week)
        if isinstance(b, str):
            return f"resting heart rate: {b}"
        past = b.past(+1)
        if past <= 0:
            return None
        edge = b.base_mean + b.swc
        rise = b.week_mean - b.base_mean
        ev = [
            Evidence(
                "7-day mean resting HR", rounded(b.week_mean), "bpm", f"> {edge:.1f} bpm", iso(week.end), BUCHHEIT
            ),
            Evidence(f"your {BASELINE_DAYS}-day mean", rounded(b.base_mean), "bpm"),
            Evidence("rise", rounded(rise), "bpm"),
            Evidence(
                "smallest worthwhile change",
                rounded(b.swc, 2),
                "bpm",
                f"{SWC_SD_FRACTION:g} x SD {b.base_sd:.2f}",
                None,
                BUCHHEIT,
            ),
            Evidence("days in the week", b.week_days, f"of {WEEK_DAYS}", f">= {MIN_MARKER_DAYS}", None, DAYS_SOURCE),
            Evidence("days in the baseline", b.base_days, f"of {BASELINE_DAYS}", f">= {MIN_BASELINE_DAYS}"),
        ]
        msg = (
            f"Your resting heart rate averaged {b.week_mean:.0f} bpm over {week.words('days')}, {rise:.1f} bpm above "
            f"your {BASELINE_DAYS}-day mean of {b.base_mean:.0f} bpm (more than the smallest worthwhile change, "
            f"{b.swc:.1f} bpm: Buchheit 2014)."
        )
        brief = f"resting HR {b.week_mean:.0f} bpm, {rise:+.1f} on your {b.base_mean:.0f} bpm"
        strength = exceedance(past, 0.0, RHR_SCORE_SPAN_SWC)
        return self.finding(ctx, severity_of(past), strength, week.start, week.end, ev, msg, brief=brief)
