"""Worn shoes: a pair in use past the 300-500 mile replacement guidance."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import columns as C
from ..features import shoes
from ..units import M_PER_MILE
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded
from .form_signal import MIN_EFFECT, RECENT_DAYS

#: The guidance's two marks in miles, as the article states them.
LOW_MILES = round(shoes.SHOE_GUIDANCE_LOW_M / M_PER_MILE)
HIGH_MILES = round(shoes.SHOE_GUIDANCE_HIGH_M / M_PER_MILE)
#: Added to the strength when pace-adjusted ground contact or oscillation rose with the
#: pair's mileage, within one device (heavylegs convention: corroborating, not decisive,
#: evidence).
FORM_WORSE_BONUS = 0.3
#: ...when the slope is at least this [per 100 km]: the form detectors' smallest effect
#: (form_signal.MIN_EFFECT: +8 ms ground contact, +4 mm oscillation, about the
#: session-to-session spread at a fixed pace) reached over a pair's 500 miles (heavylegs
#: convention: a slope that adds up to less over the pair's whole life is within the
#: noise, e.g. 0.1 ms per 100 km is 0.8 ms over 805 km, and is not "worse").
FORM_WORSE_PER_100KM = {
    metric: MIN_EFFECT[metric] / (shoes.SHOE_GUIDANCE_HIGH_M / 100_000) for metric in (C.FORM_GCT_MS, C.FORM_VO_MM)
}


class WornShoes(Detector, id="worn_shoes", category="shoes", rank=1, needs=("shoes",)):
    thresholds = (
        Threshold(
            "replace from", LOW_MILES, f"miles ({shoes.SHOE_GUIDANCE_LOW_M / 1000:.0f} km)", shoes.SHOE_GUIDANCE_SOURCE
        ),
        Threshold(
            "replace by", HIGH_MILES, f"miles ({shoes.SHOE_GUIDANCE_HIGH_M / 1000:.0f} km)", shoes.SHOE_GUIDANCE_SOURCE
        ),
        Threshold(
            "form worse as the pair wears",
            f"ground contact +{FORM_WORSE_PER_100KM[C.FORM_GCT_MS]:.2f} ms or oscillation "
            f"+{FORM_WORSE_PER_100KM[C.FORM_VO_MM]:.2f} mm",
            "per 100 km",
            "heavylegs convention: the form detectors' smallest effect reached over the pair's 500 miles",
        ),
    )
    advice = "Replace running shoes every 300-500 miles (483-805 km); rotating two pairs helps."
    description = (
        "A pair in use past 300 miles (medium) or 500 miles (high); stronger when pace-adjusted ground contact "
        "or oscillation rose with that pair's mileage on one device, by at least the form detectors' smallest effect "
        "over 500 miles (a new watch's step is not the pair's)."
    )

    def detect(self, ctx):
        mileage = ctx.shoes
        recent = ctx.as_of_ts - pd.Timedelta(days=RECENT_DAYS)
        slopes = pd.DataFrame()
        if len(ctx.form):
            slopes = shoes.form_vs_shoe_mileage(ctx.form, mileage.runs).set_index("shoe")
        retired = {}
        if ctx.shoe_list is not None:
            retired = ctx.shoe_list.set_index("name")["retired"].dropna().to_dict()
        out = []
        for _, p in mileage.pairs.iterrows():
            if not p["past_300_mi"] or pd.isna(p["last_run"]) or pd.Timestamp(p["last_run"]) < recent:
                continue  # under 300 miles, or not worn lately
            if p["shoe"] in retired and pd.Timestamp(retired[p["shoe"]]) <= ctx.as_of_ts:
                continue  # retired by the analysis date
            out.append(self._finding(ctx, p, mileage, slopes))
        return out

    def _finding(self, ctx, p: pd.Series, mileage, slopes: pd.DataFrame):
        high = bool(p["past_500_mi"])
        limit_m = shoes.SHOE_GUIDANCE_HIGH_M if high else shoes.SHOE_GUIDANCE_LOW_M
        runs = mileage.runs[mileage.runs["shoe"] == p["shoe"]]
        crossed = runs[runs["cumulative_m"] >= limit_m]
        since = pd.Timestamp(crossed[C.START_LOCAL].min()) if len(crossed) else pd.Timestamp(p["last_run"])
        gct = slopes["gct_slope_ms_per_100km"].get(p["shoe"], np.nan) if len(slopes) else np.nan
        vo = slopes["vo_slope_mm_per_100km"].get(p["shoe"], np.nan) if len(slopes) else np.nan
        # Slopes within one device (shoes.form_vs_shoe_mileage): a new watch's step is not the pair's.
        form_worse = (math.isfinite(gct) and gct >= FORM_WORSE_PER_100KM[C.FORM_GCT_MS]) or (
            math.isfinite(vo) and vo >= FORM_WORSE_PER_100KM[C.FORM_VO_MM]
        )
        new_device = slopes["new_device"].get(p["shoe"], "") if len(slopes) else ""
        ev = [
            Evidence("pair", p["shoe"], ""),
            Evidence(
                "distance on the pair",
                round(ctx.dist(p["total_m"]), 0),
                ctx.units,
                f">= {ctx.dist(limit_m):.0f} {ctx.units}",
                since.date().isoformat(),
                shoes.SHOE_GUIDANCE_SOURCE,
            ),
            Evidence("pace-adjusted ground contact change", rounded(gct, 2), "ms per 100 km"),
            Evidence("pace-adjusted oscillation change", rounded(vo, 2), "mm per 100 km"),
        ]
        msg = (
            f"Your {p['shoe']} have {ctx.fmt_dist(p['total_m'], 0)} on them, past "
            f"{limit_m / M_PER_MILE:.0f} miles since {since:%d %b %Y}"
            + ("; your pace-adjusted form worsened as they wore" if form_worse else "")
            + "."
        )
        if new_device:
            start = pd.Timestamp(slopes["new_device_from"].get(p["shoe"]))
            ev.append(Evidence("new device while in this pair", new_device, "", None, iso(start)))
            msg += (
                f" The new device ({new_device}) from {start:%d %b %Y} may read ground contact and oscillation "
                "differently: its runs are compared among themselves, and a change that came with it is not put "
                "down to the pair."
            )
        msg += " The 300-500 mile rule is guidance, not a study finding."
        strength = exceedance(p["total_m"], limit_m, shoes.SHOE_GUIDANCE_HIGH_M) + (
            FORM_WORSE_BONUS if form_worse else 0.0
        )
        brief = f"{ctx.fmt_dist(p['total_m'], 0)} on your {p['shoe']}"
        return self.finding(ctx, "high" if high else "medium", strength, since, ctx.as_of_ts, ev, msg, brief=brief)
