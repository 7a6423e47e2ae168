"""Performance, strength, heat and weight: the causes that need heart rate, strength
sessions, temperature or body mass."""

from __future__ import annotations

import math

import pandas as pd

from ..features import load
from .base import Detector, Evidence, Threshold, exceedance
from .overtraining import _r

FRIEL = "TrainingPeaks/Friel efficiency factor and Pa:HR decoupling (convention)"

#: Efficiency factor falling by this much [%] from the runner's own baseline counts as
#: declining performance (heavylegs convention on Friel's EF; day-to-day EF varies ~2-4 %).
EF_DROP_PCT = 5.0
#: Runs compared for EF: at least this long moving [s] (steady aerobic runs).
EF_MIN_MOVING_S = 20 * 60
#: Recent window and baseline window [days] for EF; each needs EF_MIN_RUNS runs.
EF_RECENT_DAYS = 21
EF_BASELINE_DAYS = 56
EF_MIN_RUNS = 3

#: The seed article's in-season advice: 1-2 strength sessions a week; 3 or more in a
#: week is flagged, and so is one in the 24 h before a run.
STRENGTH_WEEKLY_LIMIT = 3
STRENGTH_BEFORE_RUN_H = 24.0
STRENGTH_SOURCE = "seed article (Runner's World, heavy legs): 1-2 strength sessions a week in season"

#: Heat: runs of at least 60 min with decoupling > 5 % at >= 25 degC (issue 6).
HEAT_MIN_S = 60 * 60
HEAT_TEMPERATURE_C = 25.0
HEAT_SOURCE = (
    "issue 6 convention; hypohydration raises heart rate ~3 bpm per 1 % body mass lost "
    "(Adams WM et al. J Strength Cond Res 2014; Gonzalez-Alonso/Coyle 1994)"
)

#: Body-mass gain flagged from +2.3 kg (5 lb) against the 90-day baseline or the same
#: weeks a year earlier (issue 6).
WEIGHT_GAIN_KG = 2.3
WEIGHT_BASELINE_DAYS = 90
WEIGHT_SOURCE = "issue 6 convention (5 lb); the seed article names weight gain as a cause"


class DecliningPerformance(Detector):
    id = "declining_performance"
    category = "performance"
    inputs = ("runs with heart rate of 20+ minutes",)
    thresholds = (Threshold("efficiency factor drop", EF_DROP_PCT, "%", FRIEL),)
    advice = (
        "Ease off for a week or two. If your heart rate at a given pace keeps creeping up without harder "
        "training, see a physician: iron deficiency and illness show up this way."
    )
    description = "Median efficiency factor of the last 3 weeks >= 5 % below the 8 weeks before, on runs of 20+ min."

    def detect(self, ctx):
        eff = ctx.efficiency
        eff = eff[eff["moving_s"] >= EF_MIN_MOVING_S] if len(eff) else eff
        if len(eff) < 2 * EF_MIN_RUNS:
            return self.skipped("too few runs with heart rate of 20+ minutes to compare efficiency")
        day = pd.to_datetime(eff["date"])
        recent_start = ctx.as_of_ts - pd.Timedelta(days=EF_RECENT_DAYS - 1)
        base_start = recent_start - pd.Timedelta(days=EF_BASELINE_DAYS)
        recent = eff[day >= recent_start]
        base = eff[(day >= base_start) & (day < recent_start)]
        if len(recent) < EF_MIN_RUNS or len(base) < EF_MIN_RUNS:
            return self.skipped(
                f"needs {EF_MIN_RUNS}+ runs with heart rate in the last {EF_RECENT_DAYS} days and in the "
                f"{EF_BASELINE_DAYS} days before"
            )
        ef_recent, ef_base = recent["ef_m_per_beat"].median(), base["ef_m_per_beat"].median()
        drop = 100.0 * (1.0 - ef_recent / ef_base)
        if drop < EF_DROP_PCT:
            return []
        # Weekly load over exactly the two windows (daily distance, so an unfinished
        # calendar week does not count as a full one).
        daily = ctx.daily["load"]
        recent_load = daily[daily.index >= recent_start].sum() / (EF_RECENT_DAYS / 7)
        base_load = daily[(daily.index >= base_start) & (daily.index < recent_start)].sum() / (EF_BASELINE_DAYS / 7)
        high_load = recent_load >= base_load
        severity = "medium" if high_load else "low"
        ev = [
            Evidence(
                "efficiency factor, last 3 weeks (median)",
                _r(ef_recent, 3),
                "m/beat",
                None,
                recent_start.date().isoformat(),
                FRIEL,
            ),
            Evidence(
                "efficiency factor, 8 weeks before (median)",
                _r(ef_base, 3),
                "m/beat",
                None,
                base_start.date().isoformat(),
                FRIEL,
            ),
            Evidence("drop", _r(drop), "%", f">= {EF_DROP_PCT:g} %", None, FRIEL),
            Evidence(
                "weekly distance, recent vs before",
                f"{ctx.dist(recent_load):.1f} vs {ctx.dist(base_load):.1f}",
                f"{ctx.units}/week",
            ),
        ]
        why = (
            "while training load is high"
            if high_load
            else "without more training: consider illness, sleep, iron (a physician can check)"
        )
        msg = (
            f"You cover {drop:.0f} % less ground per heartbeat than in the 8 weeks before "
            f"({ef_recent:.2f} vs {ef_base:.2f} m/beat), {why}."
        )
        return [self.finding(ctx, severity, exceedance(drop, EF_DROP_PCT, 15.0), recent_start, ctx.as_of_ts, ev, msg)]


class StrengthLoad(Detector):
    id = "strength_load"
    category = "strength"
    inputs = ("strength sessions (FIT training/strength_training or vendor codes)", "runs: start time")
    thresholds = (
        Threshold("strength sessions a week", STRENGTH_WEEKLY_LIMIT, "sessions", STRENGTH_SOURCE),
        Threshold("strength session before a run", STRENGTH_BEFORE_RUN_H, "h", STRENGTH_SOURCE),
    )
    advice = "Keep to 1-2 strength sessions a week in season, and not in the 24 hours before a key run."
    description = "3+ strength sessions in a week, or a strength session within 24 h before a run."

    def detect(self, ctx):
        st = ctx.strength
        if st.empty:
            return self.skipped("no strength sessions recorded (FIT sport training / strength_training)")
        out = []
        weeks = load.strength_sessions(ctx.activities, ctx.as_of_ts)
        for week, r in weeks[weeks["sessions"] >= STRENGTH_WEEKLY_LIMIT].iterrows():
            n = int(r["sessions"])
            ev = [
                Evidence(
                    "strength sessions that week",
                    n,
                    "sessions",
                    f">= {STRENGTH_WEEKLY_LIMIT}",
                    week.date().isoformat(),
                    STRENGTH_SOURCE,
                ),
                Evidence("strength time that week", round(r["duration_s"] / 60), "min"),
            ]
            msg = f"The week of {week:%d %b %Y} had {n} strength sessions; in season 1-2 a week is the advice."
            end = min(week + pd.Timedelta(days=6), ctx.as_of_ts)
            out.append(self.finding(ctx, "medium", exceedance(n, STRENGTH_WEEKLY_LIMIT - 1, 3), week, end, ev, msg))
        # The run the legs felt heavy on: the last one up to as_of. A strength session
        # that ended in the 24 h before it is a likely cause too.
        if len(ctx.runs):
            run = ctx.runs.iloc[-1]
            run_start = pd.Timestamp(run["start_local"])
            st_end = pd.to_datetime(st["start_local"]) + pd.to_timedelta(st["duration_s"].fillna(0), unit="s")
            before = st[(st_end <= run_start) & (st_end > run_start - pd.Timedelta(hours=STRENGTH_BEFORE_RUN_H))]
            if len(before):
                s0 = before.iloc[-1]
                gap_h = (run_start - st_end[before.index[-1]]).total_seconds() / 3600
                ev = [
                    Evidence("strength session", pd.Timestamp(s0["start_local"]).isoformat(timespec="minutes"), ""),
                    Evidence(
                        "hours between it and the run",
                        _r(gap_h),
                        "h",
                        f"< {STRENGTH_BEFORE_RUN_H:g} h",
                        run_start.date().isoformat(),
                        STRENGTH_SOURCE,
                    ),
                ]
                msg = (
                    f"Your run of {run_start:%d %b %Y %H:%M} came {gap_h:.0f} h after a strength session: "
                    "legs are often heavy the day after lifting."
                )
                out.append(
                    self.finding(ctx, "low", 1.0 - gap_h / STRENGTH_BEFORE_RUN_H, s0["start_local"], run_start, ev, msg)
                )
        return out


class HeatDehydration(Detector):
    id = "heat_dehydration"
    category = "heat"
    inputs = ("runs with heart rate of 60+ minutes", "temperature where recorded")
    thresholds = (
        Threshold("aerobic decoupling", load.DECOUPLING_LIMIT_PCT, "%", FRIEL),
        Threshold("temperature", HEAT_TEMPERATURE_C, "degC", HEAT_SOURCE),
        Threshold("run length", HEAT_MIN_S // 60, "min", HEAT_SOURCE),
    )
    advice = "Drink before and during long runs in the heat, run in the cool of the day, and slow down when it is hot."
    description = "Runs of 60+ min whose heart rate drifted (decoupling > 5 %) at >= 25 degC."

    def detect(self, ctx):
        eff = ctx.efficiency
        if eff.empty:
            return self.skipped("no runs with heart rate")
        long_runs = eff[eff["moving_s"] >= HEAT_MIN_S]
        if long_runs.empty:
            return self.skipped("no runs of 60+ minutes with heart rate")
        out = []
        hits = long_runs[long_runs["decoupling_pct"] > load.DECOUPLING_LIMIT_PCT]
        for _, r in hits.iterrows():
            temp = r["mean_temperature_c"]
            hot = math.isfinite(temp) and temp >= HEAT_TEMPERATURE_C
            if math.isfinite(temp) and not hot:
                continue
            severity = ("high" if r["decoupling_pct"] > 2 * load.DECOUPLING_LIMIT_PCT else "medium") if hot else "low"
            day = pd.Timestamp(r["date"])
            ev = [
                Evidence(
                    "aerobic decoupling",
                    _r(r["decoupling_pct"]),
                    "%",
                    f"> {load.DECOUPLING_LIMIT_PCT:g} %",
                    day.date().isoformat(),
                    FRIEL,
                ),
                Evidence("mean temperature", _r(temp), "degC", f">= {HEAT_TEMPERATURE_C:g} degC", None, HEAT_SOURCE),
                Evidence("moving time", round(r["moving_s"] / 60), "min", f">= {HEAT_MIN_S // 60} min"),
                Evidence("distance", round(ctx.dist(r["distance_m"]), 1), ctx.units),
            ]
            where = f"at {temp:.0f} degC" if hot else "(no temperature recorded)"
            msg = (
                f"On the {ctx.fmt_dist(r['distance_m'])} run of {day:%d %b %Y} {where} your heart rate drifted "
                f"{r['decoupling_pct']:.1f} % against pace: a sign of heat strain or dehydration."
            )
            out.append(
                self.finding(
                    ctx, severity, exceedance(r["decoupling_pct"], load.DECOUPLING_LIMIT_PCT, 10.0), day, day, ev, msg
                )
            )
        return out


class WeightGain(Detector):
    id = "weight_gain"
    category = "weight"
    inputs = ("body-mass readings (FIT weight_scale, user_profile)",)
    thresholds = (Threshold("gain", WEIGHT_GAIN_KG, "kg", WEIGHT_SOURCE),)
    advice = "A few kilos more make every stride heavier; review diet and recovery, and see a physician if unexplained."
    description = "Latest body mass +2.3 kg or more against the 90 days before, or the same weeks a year earlier."

    def detect(self, ctx):
        w = ctx.weights
        if len(w) < 2:
            return self.skipped("no body-mass readings (a scale's FIT weight_scale file or user_profile.weight)")
        last = w.iloc[-1]
        t = last["timestamp"]
        before = w[
            (w["timestamp"] < t - pd.Timedelta(days=7))
            & (w["timestamp"] >= t - pd.Timedelta(days=WEIGHT_BASELINE_DAYS))
        ]
        year = w[(w["timestamp"] - (t - pd.Timedelta(days=365))).abs() <= pd.Timedelta(days=14)]
        out = []
        for label, ref in (("the 90 days before", before), ("the same weeks a year earlier", year)):
            if ref.empty:
                continue
            base = float(ref["weight_kg"].median())
            gain = float(last["weight_kg"]) - base
            if gain < WEIGHT_GAIN_KG:
                continue
            ev = [
                Evidence("body mass", _r(last["weight_kg"]), "kg", None, t.date().isoformat()),
                Evidence(f"body mass, {label} (median)", _r(base), "kg"),
                Evidence("gain", _r(gain), "kg", f">= {WEIGHT_GAIN_KG} kg", None, WEIGHT_SOURCE),
            ]
            msg = f"You weigh {last['weight_kg']:.1f} kg, {gain:.1f} kg more than {label} ({base:.1f} kg)."
            sev = "medium" if gain >= 2 * WEIGHT_GAIN_KG else "low"
            out.append(
                self.finding(ctx, sev, exceedance(gain, WEIGHT_GAIN_KG, 5.0), ref["timestamp"].min(), t, ev, msg)
            )
            break
        if not out and before.empty and year.empty:
            return self.skipped("no body-mass reading in the 90 days before the last one, nor a year earlier")
        return out
