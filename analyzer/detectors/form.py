"""Form (ground contact time, vertical oscillation, cadence) and worn shoes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..features import dynamics, shoes
from .base import Detector, Evidence, Threshold, exceedance
from .overtraining import _r

BANDS_SOURCE = (
    "Garmin running-dynamics colour zones (population percentiles), edges as coded in Runalyze's open-source plots"
)
BASELINE_SOURCE = "heavylegs pace-adjusted personal baseline (Theil-Sen, 90 days); robust z (Rousseeuw & Croux 1993)"

#: Runs of the last RECENT_DAYS [days] are judged (heavylegs convention: about a month).
RECENT_DAYS = 28
#: Fewest recent runs with dynamics to judge form.
MIN_RECENT_RUNS = 3
#: "Well above the baseline": median robust z of the recent runs at least this
#: (two robust SDs; heavylegs convention)...
Z_LIMIT = 2.0
#: ...and a median deviation at least this large (heavylegs convention, about the
#: session-to-session spread of each metric at a fixed pace).
MIN_EFFECT = {"gct_ms": 8.0, "vo_mm": 4.0, "cadence_spm": 4.0}
#: The two worst population bands.
WORST_BANDS = ("orange", "red")


class _FormDetector(Detector):
    """Shared logic: worse = higher (GCT, VO) or lower (cadence) than the baseline."""

    category = "form"
    metric = ""  # dynamics short name
    label = ""
    unit = ""
    sign = 1.0  # +1: higher is worse; -1: lower is worse
    band_col = ""
    advice = (
        'Think "quick steps": a slightly higher cadence with shorter, lighter ground contact; add drills and '
        "strides, and check fatigue, since form degrades when legs are tired."
    )

    def detect(self, ctx):
        form = ctx.form
        med = f"median_{self.metric}"
        if form.empty or form[med].notna().sum() == 0:
            return self.skipped(f"no runs with {self.label} (GPX files and watches without the sensor carry none)")
        day = pd.to_datetime(form["start_local"]).dt.normalize()
        recent = form[(day > ctx.as_of_ts - pd.Timedelta(days=RECENT_DAYS)) & form[med].notna()]
        if len(recent) < MIN_RECENT_RUNS:
            return self.skipped(f"fewer than {MIN_RECENT_RUNS} runs with {self.label} in the last {RECENT_DAYS} days")
        dev = recent[f"deviation_{self.metric}"] * self.sign
        z = recent[f"z_{self.metric}"] * self.sign
        have_baseline = dev.notna().sum() >= MIN_RECENT_RUNS
        med_dev = float(dev.median()) if have_baseline else float("nan")
        med_z = float(z.median()) if have_baseline else float("nan")
        adjusted_bad = have_baseline and med_z >= Z_LIMIT and med_dev >= MIN_EFFECT[self.metric]
        bad_bands = recent[self.band_col].isin(WORST_BANDS).mean() >= 0.5
        # Rising: the pace-adjusted deviation grows over the recent runs (Theil-Sen slope).
        slope = float("nan")
        if have_baseline:
            ok = dev.notna()
            t = (pd.to_datetime(recent.loc[ok, "start_local"]) - ctx.as_of_ts).dt.total_seconds() / 86400
            if ok.sum() >= MIN_RECENT_RUNS and t.nunique() > 1:
                slope = dynamics.theil_sen(t.to_numpy(), dev[ok].to_numpy())[1] * 7  # per week
        rising = math.isfinite(slope) and slope > 0
        if adjusted_bad and (rising or bad_bands):
            severity = "high" if bad_bands and rising else "medium"
        elif bad_bands and not have_baseline:
            severity = "low"
        else:
            return []
        start, end = day[recent.index].min(), day[recent.index].max()
        ev = [
            Evidence(f"{self.label}, recent median", _r(recent[med].median()), self.unit, None, end.date().isoformat()),
            Evidence(
                f"{self.label} vs own baseline at the same pace",
                _r(self.sign * med_dev),
                self.unit,
                f"{'+' if self.sign > 0 else '-'}{MIN_EFFECT[self.metric]:g} {self.unit}",
                None,
                BASELINE_SOURCE,
            ),
            Evidence(
                "robust z-score",
                _r(self.sign * med_z, 2),
                "",
                f"{'>=' if self.sign > 0 else '<='} {self.sign * Z_LIMIT:g}",
                None,
                BASELINE_SOURCE,
            ),
            Evidence("trend of the deviation", _r(self.sign * slope, 2), f"{self.unit}/week", "rising"),
            Evidence(
                "recent runs in the two worst population bands",
                _r(100 * recent[self.band_col].isin(WORST_BANDS).mean(), 0),
                "%",
                ">= 50 %",
                None,
                BANDS_SOURCE,
            ),
        ]
        if math.isfinite(med_dev):
            msg = (
                f"Over the last {RECENT_DAYS} days your {self.label} is {abs(med_dev):.0f} {self.unit} "
                f"{'above' if self.sign > 0 else 'below'} your own baseline at the same pace"
                + (" and getting worse" if rising else "")
                + (", in the population's two worst bands" if bad_bands else "")
                + "."
            )
        else:
            msg = (
                f"Your {self.label} ({recent[med].median():.0f} {self.unit}) sits in the population's two worst bands; "
                "too few runs for a personal baseline at your pace, and bands partly reflect pace."
            )
        strength = exceedance(med_z, Z_LIMIT, 3.0) if math.isfinite(med_z) else 0.0
        return [self.finding(ctx, severity, strength, start, end, ev, msg)]


class GroundContact(_FormDetector):
    id = "ground_contact"
    metric, label, unit, sign, band_col = "gct_ms", "ground contact time", "ms", 1.0, "band_gct"
    inputs = ("running dynamics: ground contact time and speed",)
    thresholds = (
        Threshold("worst bands", f"> {dynamics.GCT_BAND_EDGES_MS[2]:g}", "ms", BANDS_SOURCE),
        Threshold("above own baseline", f"z >= {Z_LIMIT:g} and +{MIN_EFFECT['gct_ms']:g}", "ms", BASELINE_SOURCE),
    )
    description = (
        "Ground contact time well above the runner's own pace-adjusted baseline and rising, and/or in the worst bands."
    )


class VerticalOscillation(_FormDetector):
    id = "vertical_oscillation"
    metric, label, unit, sign, band_col = "vo_mm", "vertical oscillation", "mm", 1.0, "band_vo"
    inputs = ("running dynamics: vertical oscillation and speed",)
    thresholds = (
        Threshold("worst bands", f"> {dynamics.VO_BAND_EDGES_MM[2]:g}", "mm", BANDS_SOURCE),
        Threshold("above own baseline", f"z >= {Z_LIMIT:g} and +{MIN_EFFECT['vo_mm']:g}", "mm", BASELINE_SOURCE),
    )
    description = "Vertical oscillation well above the pace-adjusted baseline and rising, and/or in the worst bands."


class Cadence(_FormDetector):
    id = "cadence"
    metric, label, unit, sign, band_col = "cadence_spm", "cadence", "steps/min", -1.0, "band_cadence"
    inputs = ("cadence and speed",)
    thresholds = (
        Threshold("worst bands", f"< {dynamics.CADENCE_BAND_EDGES_SPM[2]:g}", "steps/min", BANDS_SOURCE),
        Threshold(
            "below own baseline", f"z <= -{Z_LIMIT:g} and -{MIN_EFFECT['cadence_spm']:g}", "steps/min", BASELINE_SOURCE
        ),
    )
    description = "Cadence well below the pace-adjusted baseline and falling, and/or in the worst bands."


class WornShoes(Detector):
    id = "worn_shoes"
    category = "shoes"
    inputs = ("shoes.csv (--shoes or among the inputs) or Strava activities.csv gear", "runs: distance")
    thresholds = (
        Threshold("replace from", 300, "miles (483 km)", shoes.SHOE_GUIDANCE_SOURCE),
        Threshold("replace by", 500, "miles (805 km)", shoes.SHOE_GUIDANCE_SOURCE),
    )
    advice = "Replace running shoes every 300-500 miles (483-805 km); rotating two pairs helps."
    description = (
        "A pair in use past 300 miles (medium) or 500 miles (high); stronger when pace-adjusted ground contact "
        "or oscillation rose with that pair's mileage."
    )

    def detect(self, ctx):
        mileage = ctx.shoes
        if mileage is None:
            return self.skipped("no shoe data: give --shoes shoes.csv, or a Strava export with gear")
        pairs = mileage.pairs
        recent = ctx.as_of_ts - pd.Timedelta(days=RECENT_DAYS)
        slopes = pd.DataFrame()
        if len(ctx.form):
            slopes = shoes.form_vs_shoe_mileage(ctx.form, mileage.runs).set_index("shoe")
        out = []
        retired = {}
        if ctx.shoe_list is not None:
            retired = ctx.shoe_list.set_index("name")["retired"].dropna().to_dict()
        for _, p in pairs.iterrows():
            if not p["past_300_mi"] or pd.isna(p["last_run"]) or pd.Timestamp(p["last_run"]) < recent:
                continue  # under 300 miles, or not worn lately
            if p["shoe"] in retired and pd.Timestamp(retired[p["shoe"]]) <= ctx.as_of_ts:
                continue  # retired by the analysis date
            high = bool(p["past_500_mi"])
            limit_m = shoes.SHOE_GUIDANCE_HIGH_M if high else shoes.SHOE_GUIDANCE_LOW_M
            runs = mileage.runs[mileage.runs["shoe"] == p["shoe"]]
            crossed = runs[runs["cumulative_m"] >= limit_m]
            since = pd.Timestamp(crossed["start_local"].min()) if len(crossed) else pd.Timestamp(p["last_run"])
            gct = slopes["gct_slope_ms_per_100km"].get(p["shoe"], np.nan) if len(slopes) else np.nan
            vo = slopes["vo_slope_mm_per_100km"].get(p["shoe"], np.nan) if len(slopes) else np.nan
            form_worse = (math.isfinite(gct) and gct > 0) or (math.isfinite(vo) and vo > 0)
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
                Evidence("pace-adjusted ground contact change", _r(gct, 2), "ms per 100 km"),
                Evidence("pace-adjusted oscillation change", _r(vo, 2), "mm per 100 km"),
            ]
            msg = (
                f"Your {p['shoe']} have {ctx.fmt_dist(p['total_m'], 0)} on them, past "
                f"{'500' if high else '300'} miles since {since:%d %b %Y}"
                + ("; your pace-adjusted form worsened as they wore" if form_worse else "")
                + ". The 300-500 mile rule is guidance, not a study finding."
            )
            strength = exceedance(p["total_m"], limit_m, shoes.SHOE_GUIDANCE_HIGH_M) + (0.3 if form_worse else 0.0)
            out.append(self.finding(ctx, "high" if high else "medium", strength, since, ctx.as_of_ts, ev, msg))
        return out
