"""Overtraining: too much, too fast, too long (mileage jumps, acute load, long-run
spikes, comebacks, monotony)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..features import load
from .base import Detector, Evidence, Threshold, exceedance

NIELSEN = "Nielsen RO et al. J Orthop Sports Phys Ther 2014;44:739-747 (weak evidence: HR 1.59, 0.96-2.66)"
GABBETT = "Gabbett TJ. Br J Sports Med 2016;50:273-280 (contested: Impellizzeri 2020, Lolli 2019)"
FOSTER = "Foster C. Med Sci Sports Exerc 1998;30:1164-1168 (1.5/2.0 levels: Runalyze's convention)"

REST_ADVICE = (
    "Rest a few days, then run less for a few weeks and build back gradually; raise weekly distance in small steps."
)

#: A jump counts only when the week also tops the previous 4 weeks (heavylegs
#: calibration: a normal week after a recovery week is +30 % on paper, not a jump).
RECENT_WEEKS = 4
#: Twice the limit is high severity (heavylegs convention).
JUMP_HIGH_PCT = 2 * load.PROGRESSION_LIMIT_PCT

#: Comebacks: the first three weeks after a break should stay under these shares of
#: the pre-break weekly volume. Common return-to-running guidance (resume near half,
#: build over weeks), a convention rather than a study.
COMEBACK_LIMITS_PCT = (50.0, 70.0, 90.0)
COMEBACK_SOURCE = "return-to-running convention (resume near half the previous volume); no trial sets the figures"

#: A week's strain counts as high above this percentile of the runner's own weekly
#: strains (heavylegs convention; Foster 1998 relates illness to strain peaks).
STRAIN_PERCENTILE = 90.0


class MileageJump(Detector):
    id = "mileage_jump"
    category = "overtraining"
    inputs = ("runs: distance and local date",)
    thresholds = (
        Threshold("week-over-week change", load.PROGRESSION_LIMIT_PCT, "%", NIELSEN),
        Threshold("two-week progression at a run", load.PROGRESSION_LIMIT_PCT, "%", NIELSEN),
    )
    advice = REST_ADVICE
    description = (
        "Weekly distance more than 30 % above the week before (or the 7 days before a run above the 7 before "
        "those) and above every week of the previous month; a week whose rise is one long run is left to "
        "long_run_spike."
    )

    def detect(self, ctx):
        w = ctx.weekly
        if len(w) == 0 or int((w["runs"] > 0).sum()) < 2:
            return self.skipped("fewer than two weeks with runs")
        limit = load.PROGRESSION_LIMIT_PCT
        prev = w["distance_m"].shift(1)
        recent_max = w["distance_m"].shift(1).rolling(RECENT_WEEKS, min_periods=1).max()
        # The rest of each week without its longest run, against the week before: when
        # only the long run grew, the week is ordinary and long_run_spike reports it.
        rest = w["distance_m"] - w["longest_run_m"]
        rest_change = 100 * (rest / rest.shift(1) - 1)
        spiky = ctx.spikes[ctx.spikes["spike_pct"] > limit]
        spike_weeks = set(load.week_start(spiky["start_local"]))
        out = []
        # Only the weeks past the limit and above the previous month (a decade is 500+ weeks).
        jumped = ((w["change_pct"] > limit) | (w["max_progression_pct"] > limit)) & (w["distance_m"] > recent_max)
        for week, row in w[jumped].iterrows():
            change, prog = row["change_pct"], row["max_progression_pct"]
            if week in spike_weeks and rest_change[week] <= limit:
                continue  # one long run made the week: long_run_spike reports it
            shown = change if math.isfinite(change) else prog
            severity = "high" if shown > JUMP_HIGH_PCT else "medium"
            end = min(week + pd.Timedelta(days=6), ctx.as_of_ts)
            ev = [
                Evidence(
                    "weekly distance", round(ctx.dist(row["distance_m"]), 1), ctx.units, None, week.date().isoformat()
                ),
                Evidence(
                    "previous week",
                    round(ctx.dist(prev[week]), 1) if math.isfinite(prev[week]) else None,
                    ctx.units,
                    None,
                    (week - pd.Timedelta(days=7)).date().isoformat(),
                ),
                Evidence("week-over-week change", _r(change), "%", f"> {limit:g} %", week.date().isoformat(), NIELSEN),
                Evidence(
                    "two-week progression (max at a run)",
                    _r(prog),
                    "%",
                    f"> {limit:g} %",
                    week.date().isoformat(),
                    NIELSEN,
                ),
            ]
            msg = (
                f"The week of {week:%d %b %Y} had {ctx.fmt_dist(row['distance_m'])}, "
                f"{shown:+.0f} % on the week before ({ctx.fmt_dist(prev[week]) if math.isfinite(prev[week]) else 'n/a'}); "
                f"more than {limit:g} % in a week is linked to distance-related injuries (Nielsen 2014)."
            )
            out.append(self.finding(ctx, severity, exceedance(shown, limit, 70.0), week, end, ev, msg))
        return out


class AcuteLoad(Detector):
    id = "acute_load"
    category = "overtraining"
    inputs = ("runs: distance per local day, at least 28 days of history",)
    thresholds = (
        Threshold("ACWR danger zone", load.ACWR_DANGER, "", GABBETT),
        Threshold("ACWR upper sweet spot", load.ACWR_SWEET_SPOT[1], "", GABBETT),
    )
    advice = REST_ADVICE
    description = (
        "Rolling 7:28-day acute:chronic workload ratio >= 1.5 (high) or 1.3-1.5 (low), with the EWMA and "
        "uncoupled variants as evidence. Frandsen 2025 found no dose-response for ACWR in runners: weighed as such."
    )

    def detect(self, ctx):
        d = ctx.daily
        ratio = d["acwr"] if len(d) else pd.Series(dtype=float)
        if ratio.notna().sum() == 0:
            reason = d["acwr_reason"].iloc[-1] if len(d) else "no runs"
            return self.skipped(f"no acute:chronic ratio yet ({reason})")
        hi, top = load.ACWR_SWEET_SPOT[1], load.ACWR_DANGER
        above = ratio >= hi
        out = []
        for _, days in d[above].groupby((~above).cumsum()[above]):
            peak_day = days["acwr"].idxmax()
            peak = days.loc[peak_day]
            severity = "high" if peak["acwr"] >= top else "low"
            note = peak["window_note"]
            ev = [
                Evidence(
                    "ACWR (rolling 7/28 d)",
                    _r(peak["acwr"], 2),
                    "",
                    f">= {top} high, >= {hi} raised",
                    peak_day.date().isoformat(),
                    GABBETT,
                ),
                Evidence(
                    "ACWR (EWMA)",
                    _r(peak["acwr_ewma"], 2),
                    "",
                    None,
                    peak_day.date().isoformat(),
                    "Williams S et al. Br J Sports Med 2017;51:209",
                ),
                Evidence(
                    "ACWR (uncoupled)",
                    _r(peak["acwr_uncoupled"], 2),
                    "",
                    None,
                    peak_day.date().isoformat(),
                    "Lolli L et al. Br J Sports Med 2019;53:921",
                ),
                Evidence(
                    "acute load (7-day mean)",
                    round(ctx.dist(peak["acute_7d"] * 7), 1),
                    f"{ctx.units}/week",
                    None,
                    peak_day.date().isoformat(),
                ),
                Evidence(
                    "chronic load (28-day mean)",
                    round(ctx.dist(peak["chronic_28d"] * 7), 1),
                    f"{ctx.units}/week",
                    None,
                    peak_day.date().isoformat(),
                ),
            ]
            msg = (
                f"On {peak_day:%d %b %Y} the last 7 days ({ctx.fmt_dist(peak['acute_7d'] * 7)}) were "
                f"{peak['acwr']:.2f} times the 4-week average; above {top} is Gabbett's danger zone "
                "(a contested measure)." + (f" Note: {note}." if note else "")
            )
            strength = exceedance(peak["acwr"], hi, 1.0)
            out.append(self.finding(ctx, severity, strength, days.index.min(), days.index.max(), ev, msg))
        return out


class LongRunSpike(Detector):
    id = "long_run_spike"
    category = "overtraining"
    inputs = ("runs: distance and start",)
    thresholds = tuple(
        Threshold(f"longer than the 30-day longest: {label}", f"HRR {hrr}", "", load.SPIKE_SOURCE)
        for label, *_x, hrr, _lo, _hi in load.SPIKE_BANDS[1:]
    )
    advice = "Lengthen the long run gradually: no single run much longer than your longest of the last month."
    description = "A run more than 10 % longer than the longest run of the previous 30 days, by Frandsen 2025's bands."

    SEVERITY = {">10-30%": "low", ">30-100%": "medium", ">100%": "high"}

    def detect(self, ctx):
        s = ctx.spikes
        if s.empty:
            return self.skipped("no runs")
        if s["prev_longest_m"].notna().sum() == 0:
            return self.skipped("no run has another run in the 30 days before it")
        out = []
        for _, r in s[s["band"].isin(list(self.SEVERITY))].iterrows():
            day = pd.Timestamp(r["start_local"]).normalize()
            ci = f" (95 % CI {r['hr_ci_low']}-{r['hr_ci_high']})"
            ev = [
                Evidence("run distance", round(ctx.dist(r["distance_m"]), 1), ctx.units, None, day.date().isoformat()),
                Evidence("longest run of the previous 30 days", round(ctx.dist(r["prev_longest_m"]), 1), ctx.units),
                Evidence("longer by", _r(r["spike_pct"]), "%", r["band"], day.date().isoformat(), load.SPIKE_SOURCE),
                Evidence(
                    "injury hazard-rate ratio vs <= 10 %",
                    r["hazard_ratio"],
                    "",
                    r["band"] + ci,
                    None,
                    load.SPIKE_SOURCE,
                ),
                Evidence("share of its week", _r(r["week_share_pct"]), "%"),
            ]
            msg = (
                f"The {ctx.fmt_dist(r['distance_m'])} run on {day:%d %b %Y} was {r['spike_pct']:.0f} % longer than "
                f"the longest of the previous 30 days ({ctx.fmt_dist(r['prev_longest_m'])}); runners with such "
                f"spikes had {r['hazard_ratio']}x the injury rate (Frandsen 2025)."
            )
            sev = self.SEVERITY[r["band"]]
            out.append(self.finding(ctx, sev, exceedance(r["spike_pct"], 10.0, 190.0), day, day, ev, msg))
        return out


class Comeback(Detector):
    id = "comeback"
    category = "overtraining"
    inputs = ("runs: distance and local date",)
    thresholds = tuple(
        Threshold(f"week {i + 1} after a break", limit, "% of the pre-break weekly volume", COMEBACK_SOURCE)
        for i, limit in enumerate(COMEBACK_LIMITS_PCT)
    ) + (Threshold("break", load.BREAK_DAYS, "days without a run", "issue 4 convention"),)
    advice = "After a break, start near half your old weekly distance and build back over several weeks."
    description = "A break of 14+ days, then any of the first 3 weeks above 50/70/90 % of the pre-break weekly volume."

    def detect(self, ctx):
        cb = ctx.comebacks
        if cb.empty:
            return self.skipped("no break of 14 or more days without running in the history")
        out = []
        for _, r in cb.iterrows():
            if not r["pre_break_weekly_m"] > 0:
                continue
            worst, worst_week = 0.0, 0
            for i, limit in enumerate(COMEBACK_LIMITS_PCT):
                pct = r[f"week{i + 1}_pct"]
                if math.isfinite(pct) and pct / limit > worst:
                    worst, worst_week = pct / limit, i + 1
            if worst <= 1.0:
                continue
            pct = r[f"week{worst_week}_pct"]
            limit = COMEBACK_LIMITS_PCT[worst_week - 1]
            severity = "high" if worst >= 1.5 else "medium"
            start = r["return_date"]
            end = start + pd.Timedelta(days=7 * worst_week - 1)
            ev = [
                Evidence(
                    "break",
                    int(r["gap_days"]),
                    "days without a run",
                    f">= {load.BREAK_DAYS} days",
                    r["last_run_date"].date().isoformat(),
                ),
                Evidence("pre-break weekly volume", round(ctx.dist(r["pre_break_weekly_m"]), 1), f"{ctx.units}/week"),
                Evidence(
                    f"week {worst_week} after the break",
                    round(ctx.dist(r[f"week{worst_week}_m"]), 1),
                    ctx.units,
                    None,
                    (start + pd.Timedelta(days=7 * (worst_week - 1))).date().isoformat(),
                ),
                Evidence(
                    f"week {worst_week} share of the pre-break volume",
                    _r(pct),
                    "%",
                    f"<= {limit:g} %",
                    None,
                    COMEBACK_SOURCE,
                ),
            ]
            msg = (
                f"After {int(r['gap_days'])} days without running you came back on {start:%d %b %Y} with "
                f"{ctx.fmt_dist(r[f'week{worst_week}_m'])} in week {worst_week}, {pct:.0f} % of your pre-break "
                f"weekly volume ({ctx.fmt_dist(r['pre_break_weekly_m'])}): too much too soon."
            )
            out.append(self.finding(ctx, severity, exceedance(worst, 1.0, 1.0), start, min(end, ctx.as_of_ts), ev, msg))
        return out


class Monotony(Detector):
    id = "monotony"
    category = "overtraining"
    inputs = ("runs: distance per local day; heart rate for the TRIMP variant",)
    thresholds = (
        Threshold("monotony (critical)", load.MONOTONY_CRITICAL, "", FOSTER),
        Threshold("monotony (warning)", load.MONOTONY_WARN, "", FOSTER),
        Threshold("high strain", f"> P{STRAIN_PERCENTILE:g} of own weeks", "", "heavylegs convention on Foster 1998"),
    )
    advice = "Vary the load: alternate hard and easy days and keep real rest days."
    description = "Weekly monotony (mean/SD of daily distance) >= 1.5 together with strain above the runner's own 90th percentile."

    def detect(self, ctx):
        w = ctx.weekly
        strain = w["strain"].dropna() if len(w) else pd.Series(dtype=float)
        if len(strain) < 4:
            return self.skipped("fewer than 4 complete weeks with varied daily load")
        high_strain = float(np.percentile(strain, STRAIN_PERCENTILE))
        out = []
        flagged = (w["monotony"] >= load.MONOTONY_WARN) & (w["strain"] >= high_strain)
        for week, r in w[flagged].iterrows():
            severity = "medium" if r["monotony"] >= load.MONOTONY_CRITICAL else "low"
            ev = [
                Evidence(
                    "monotony", _r(r["monotony"], 2), "", f">= {load.MONOTONY_WARN}", week.date().isoformat(), FOSTER
                ),
                Evidence(
                    "strain",
                    round(ctx.dist(r["strain"]), 1),
                    ctx.units,
                    f">= {ctx.dist(high_strain):.1f}",
                    week.date().isoformat(),
                    FOSTER,
                ),
            ]
            msg = (
                f"The week of {week:%d %b %Y} was monotonous (monotony {r['monotony']:.2f}) at one of your highest "
                "strains: the same load day after day without easy days."
            )
            end = min(week + pd.Timedelta(days=6), ctx.as_of_ts)
            out.append(
                self.finding(ctx, severity, exceedance(r["monotony"], load.MONOTONY_WARN, 1.0), week, end, ev, msg)
            )
        return out


def _r(value, digits: int = 1):
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return round(v, digits) if math.isfinite(v) else None
