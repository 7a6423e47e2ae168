"""One run's numbers for `heavylegs why`: the run itself (distance, pace, heart rate,
form against the runner's own pace-adjusted baseline, drift within the run, how it
felt) and what came before it (load, the longest run of the month, the last hard day,
strength sessions, shoes, temperature). The night's wellness is in why_wellness.py.

Every number is read from the analysis context of the run's date (detectors.Context),
measured as the detector that judges it measures it, and marked ``unusual`` with the
detector's own threshold, so that the run's page never contradicts the findings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .. import columns as C
from ..detectors.form_signal import MIN_EFFECT, Z_LIMIT
from ..detectors.heat_dehydration import HEAT_MIN_S, HEAT_TEMPERATURE_C, WEATHER_TEMPERATURE, run_temperature
from ..detectors.strength_load import STRENGTH_BEFORE_RUN_H, STRENGTH_WEEKLY_LIMIT
from ..features import dynamics, load
from ..features.shoes import SHOE_GUIDANCE_LOW_M
from ..features.wellness import EASY_PACE_WINDOW_D
from ..units import M_PER_MILE, UNIT_M

RUN = "run"
BEFORE = "before"

#: A run rated this hard or harder is a hard day: 5 is "hard" on the CR-10 scale of
#: session RPE (Foster C et al., J Strength Cond Res 2001;15:109-115); long runs,
#: tempo runs and intervals are rated there, easy runs below it.
HARD_RPE_MIN = 5.0
HARD_RPE_SOURCE = "Foster C et al., J Strength Cond Res 2001;15:109 (session RPE: 5 is 'hard')"
#: An unrated run is a hard day when its mean speed is this many times the median speed
#: of the runner's runs in the EASY_PACE_WINDOW_D days before it (heavylegs convention:
#: tempo runs and interval sessions, recoveries included, average clearly faster than
#: the runner's usual pace; 10 % is more than the day-to-day spread of easy runs).
HARD_SPEED_FACTOR = 1.10
#: ...and any run past the first band of Frandsen 2025 (> 10 % longer than the longest
#: of the 30 days before) is a hard day too (load.SPIKE_BANDS).
HARD_SPIKE_PCT = load.SPIKE_BANDS[1][1]
#: The days before a run counted as its recent and its monthly load (Gabbett 2016's
#: acute and chronic windows, as the acute load detector reads them).
RECENT_DAYS = 7
MONTH_DAYS = 28
#: Form metrics shown against the runner's baseline, with the side that is worse (as
#: the form detectors read them: longer contact, more bounce, fewer steps) and names.
FORM_SHOWN = (
    (C.FORM_GCT_MS, "ground contact", "ms", 1.0),
    (C.FORM_VO_MM, "vertical oscillation", "mm", 1.0),
    (C.FORM_CADENCE_SPM, "cadence", "steps/min", -1.0),
)
#: The feel answers of Garmin's "How did you feel?" (FIT workout_feel, 0-100).
FEEL_WORDS = {0: "very weak", 25: "weak", 50: "normal", 75: "strong", 100: "very strong"}


@dataclass(frozen=True)
class Fact:
    """One number about the run: ``key`` (its name, unit in it), ``label`` (in words),
    ``value`` (SI units, a string for a name, None when unknown), ``text`` (as shown,
    in the runner's units), ``unusual`` (why it stands out, with the threshold and its
    source; "" when it does not), ``section`` (RUN or BEFORE)."""

    section: str
    key: str
    label: str
    value: float | str | None
    text: str
    unusual: str = ""


def number(value) -> float | None:
    """``value`` as a float, None when missing or not finite."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def clock(seconds: float) -> str:
    """'1:41:06' or '41:06'."""
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def pace_text(s_per_m: float | None, units: str) -> str:
    return "-" if s_per_m is None else f"{clock(s_per_m * UNIT_M[units])} /{units}"


def _row(frame: pd.DataFrame, activity_id: str) -> pd.Series | None:
    if not len(frame) or C.ACTIVITY_ID not in frame:
        return None
    rows = frame[frame[C.ACTIVITY_ID] == activity_id]
    return rows.iloc[0] if len(rows) else None


# --- the run -------------------------------------------------------------------------
def run_facts(ctx, run: pd.Series, samples: pd.DataFrame) -> list[Fact]:
    """The run's own numbers: distance, duration, pace, mean heart rate, its ratings, form
    against the baseline at its pace, drift within it, decoupling and efficiency."""
    aid = run[C.ACTIVITY_ID]
    dist, dur = number(run[C.DISTANCE_M]), number(run[C.DURATION_S])
    pace = dur / dist if dist and dur else None
    hr = number(run.get(C.AVG_HR))
    if hr is None and samples[C.HEART_RATE_BPM].notna().any():
        hr = float(samples[C.HEART_RATE_BPM].mean())
    out = [
        Fact(RUN, "distance_m", "distance", dist, ctx.fmt_dist(dist, 2) if dist is not None else "-"),
        Fact(RUN, "duration_s", "duration", dur, clock(dur) if dur is not None else "-"),
        Fact(RUN, "pace_s_per_m", "pace", pace, pace_text(pace, ctx.units)),
        Fact(RUN, "mean_hr_bpm", "heart rate", hr, f"{hr:.0f} bpm (mean)" if hr is not None else "not recorded"),
    ]
    out += _rating(ctx, aid)
    out += _form(ctx, aid)
    out += _drift(ctx.runs[ctx.runs[C.ACTIVITY_ID] == aid], samples)
    out += _efficiency(ctx, aid)
    return out


def _rating(ctx, aid: str) -> list[Fact]:
    r = _row(ctx.ratings, aid)
    if r is None or (number(r[C.FEEL]) is None and number(r[C.RPE]) is None):
        return [Fact(RUN, "rating", "how it felt", None, "not rated")]
    feel, rpe = number(r[C.FEEL]), number(r[C.RPE])
    parts = []
    if feel is not None:
        parts.append(f"felt {FEEL_WORDS.get(int(feel), 'rated')} ({feel:g}/100)")
    if rpe is not None:
        parts.append(f"effort {rpe:g}/10")
    why = f"you rated it heavy: {r[C.HEAVY_REASON]}" if bool(r[C.HEAVY]) else ""
    return [
        Fact(RUN, C.FEEL, "how it felt", feel, ", ".join(parts), why),
        Fact(RUN, C.RPE, "perceived effort", rpe, ""),
    ]


def _form(ctx, aid: str) -> list[Fact]:
    """Each form metric against the runner's own line at this pace (baseline.pace_adjusted_form);
    unusual on the worse side by the form detectors' rule (z and size)."""
    r = _row(ctx.form, aid)
    out = []
    for metric, label, unit, sign in FORM_SHOWN:
        key = C.form_column(C.DEVIATION, metric)
        median = number(r[C.form_column(C.MEDIAN, metric)]) if r is not None else None
        if median is None:
            why = str(r[C.FORM_REASON]) if r is not None and r[C.FORM_REASON] else "not recorded"
            out.append(Fact(RUN, key, label, None, why))
            continue
        dev, z = number(r[key]), number(r[C.form_column(C.Z, metric)])
        if dev is None:
            reason = r[C.form_column(C.BASELINE_REASON, metric)] or "no baseline"
            out.append(Fact(RUN, key, label, None, f"{median:.0f} {unit} (no baseline at this pace: {reason})"))
            continue
        expected = number(r[C.form_column(C.EXPECTED, metric)])
        text = f"{median:.0f} {unit}, {dev:+.1f} {unit} against your {expected:.0f} {unit} at this pace (z {z:+.1f})"
        worse = z is not None and sign * z >= Z_LIMIT and sign * dev >= MIN_EFFECT[metric]
        why = (
            f"{'above' if sign > 0 else 'below'} your baseline by z {z:+.1f} and {dev:+.1f} {unit} (the form "
            f"detectors' limits: z {sign * Z_LIMIT:+g}, {sign * MIN_EFFECT[metric]:+g} {unit}; heavylegs convention)"
            if worse
            else ""
        )
        out.append(Fact(RUN, key, label, dev, text, why))
    return out


def _drift(run: pd.DataFrame, samples: pd.DataFrame) -> list[Fact]:
    """Last third against first third of the steady running (dynamics.form_drift) of
    ``run`` (its row of ctx.runs)."""
    drift = dynamics.form_drift(run, samples)
    d = drift.iloc[0] if len(drift) else None
    names = (
        (C.form_column(C.DRIFT, C.FORM_GCT_MS), "ground contact", "ms"),
        (C.form_column(C.DRIFT, C.FORM_VO_MM), "vertical oscillation", "mm"),
        (C.form_column(C.DRIFT, C.FORM_CADENCE_SPM), "cadence", "steps/min"),
        (C.DRIFT_HR_PER_SPEED_PCT, "heart rate per speed", "%"),
    )
    values = {key: number(d[key]) if d is not None else None for key, _, _ in names}
    shown = [f"{label} {v:+.1f} {unit}" for (key, label, unit) in names if (v := values[key]) is not None]
    reason = str(d[C.DRIFT_REASON]) if d is not None and d[C.DRIFT_REASON] else "no steady running"
    text = ", ".join(shown) if shown else reason
    facts = [Fact(RUN, key, f"drift of {label}", values[key], "") for key, label, _ in names]
    return [Fact(RUN, "drift", "drift, first to last third", None, text), *facts]


def _efficiency(ctx, aid: str) -> list[Fact]:
    """Aerobic decoupling and efficiency factor (load.efficiency, ctx.efficiency); the
    decoupling is judged on runs of HEAT_MIN_S or more, as the heat detector judges it."""
    e = _row(ctx.efficiency, aid)
    dec = number(e[C.DECOUPLING_PCT]) if e is not None else None
    ef = number(e[C.EF_M_PER_BEAT]) if e is not None else None
    moving = number(e[C.MOVING_S]) if e is not None else None
    limit = load.DECOUPLING_LIMIT_PCT
    why = ""
    if dec is None:
        text = "not measured (heart rate on too little of either half)" if e is not None else "no heart rate"
    else:
        long_enough = moving is not None and moving >= HEAT_MIN_S
        text = f"{dec:.1f} %" + ("" if long_enough else f" (judged on runs of {HEAT_MIN_S // 60}+ min only)")
        if long_enough and dec > limit:
            why = f"heart rate drifted against pace: above {limit:g} % (Friel's Pa:HR decoupling)"
    return [
        Fact(RUN, C.DECOUPLING_PCT, "aerobic decoupling", dec, text, why),
        Fact(RUN, C.EF_M_PER_BEAT, "efficiency", ef, f"{ef:.2f} m per heartbeat" if ef is not None else "-"),
    ]


# --- what came before ----------------------------------------------------------------
def before_facts(ctx, run: pd.Series) -> list[Fact]:
    """Load of the last 7 and 28 days, the month's longest run, the last hard day,
    strength sessions, the shoes and the temperature."""
    start = pd.Timestamp(run[C.START_LOCAL])
    runs = ctx.runs
    before = runs[pd.to_datetime(runs[C.START_LOCAL]) < start]
    out = []
    for days in (RECENT_DAYS, MONTH_DAYS):
        window = before[pd.to_datetime(before[C.START_LOCAL]) >= start - pd.Timedelta(days=days)]
        metres = float(window[C.DISTANCE_M].fillna(0.0).sum())
        weekly = f" ({ctx.fmt_dist(metres * 7 / days)} a week)" if days != 7 else ""
        text = f"{ctx.fmt_dist(metres)} in {len(window)} run{'s' if len(window) != 1 else ''}{weekly}"
        out.append(Fact(BEFORE, f"last_{days}d_m", f"last {days} days", metres, text))
    out += _acwr(ctx, start)
    out += _spike(ctx, run, before)
    out += _hard_day(ctx, run, before)
    out += _strength(ctx, start)
    out += _shoe(ctx, run)
    out += _temperature(ctx, run)
    return out


def _acwr(ctx, start: pd.Timestamp) -> list[Fact]:
    d = ctx.daily
    day = start.normalize()
    ratio = number(d[C.ACWR].get(day)) if len(d) and C.ACWR in d else None
    if ratio is None:
        return [Fact(BEFORE, C.ACWR, "acute:chronic load", None, "not yet (under 28 days of history)")]
    raised = load.ACWR_SWEET_SPOT[1]
    why = f"at or above {raised:g}, the acute load detector's raised ratio (Gabbett 2016, contested)"
    return [
        Fact(BEFORE, C.ACWR, "acute:chronic load", ratio, f"{ratio:.2f} (7/28 days, that day included)",
             why if ratio >= raised else ""),
    ]  # fmt: skip


def _spike(ctx, run: pd.Series, before: pd.DataFrame) -> list[Fact]:
    """The longest run of the 30 days before, and this run against it (ctx.spikes)."""
    s = _row(ctx.spikes, run[C.ACTIVITY_ID])
    prev = number(s[C.PREV_LONGEST_M]) if s is not None else None
    if prev is None:
        return [
            Fact(BEFORE, C.PREV_LONGEST_M, "longest run of the 30 days before", None, "not known (history too short)")
        ]
    start = pd.Timestamp(run[C.START_LOCAL])
    window = before[pd.to_datetime(before[C.START_LOCAL]) >= start - pd.Timedelta(days=load.SPIKE_WINDOW_DAYS)]
    when = pd.Timestamp(window.loc[window[C.DISTANCE_M].idxmax(), C.START_LOCAL]) if len(window) else None
    pct = number(s[C.SPIKE_PCT])
    on = f" on {when:%Y-%m-%d}" if when is not None else ""
    text = f"{ctx.fmt_dist(prev)}{on}; this run {pct:+.0f} %" if pct is not None else f"{ctx.fmt_dist(prev)}{on}"
    why = ""
    if pct is not None and round(pct, 9) > HARD_SPIKE_PCT:
        why = f"more than {HARD_SPIKE_PCT:g} % longer than the month's longest: band {s[C.BAND]} ({load.SPIKE_SOURCE})"
    return [
        Fact(BEFORE, C.PREV_LONGEST_M, "longest run of the 30 days before", prev, text, why),
        Fact(BEFORE, C.SPIKE_PCT, "this run against it", pct, ""),
    ]


def hard_reason(ctx, run: pd.Series) -> str:
    """Why a run of ctx.runs was a hard day ('' when it was not): rated HARD_RPE_MIN or
    more; unrated and HARD_SPEED_FACTOR faster than the median speed of the runner's runs
    in the EASY_PACE_WINDOW_D days before; or longer than the month's longest by more
    than HARD_SPIKE_PCT (ctx.spikes)."""
    why = []
    rpe = number(run.get(C.RPE))
    dist, dur = number(run[C.DISTANCE_M]), number(run[C.DURATION_S])
    if rpe is not None and rpe >= HARD_RPE_MIN:
        why.append(f"effort {rpe:g}/10")
    elif rpe is None and dist and dur:
        runs = ctx.runs
        t = pd.to_datetime(runs[C.START_LOCAL])
        when = pd.Timestamp(run[C.START_LOCAL])
        earlier = runs[(t < when) & (t >= when - pd.Timedelta(days=EASY_PACE_WINDOW_D))]
        speeds = (earlier[C.DISTANCE_M] / earlier[C.DURATION_S].where(earlier[C.DURATION_S] > 0)).dropna()
        usual = float(speeds.median()) if len(speeds) else math.nan
        if math.isfinite(usual) and dist / dur >= HARD_SPEED_FACTOR * usual:
            why.append(f"{100 * (dist / dur / usual - 1):.0f} % faster than your usual pace")
    s = _row(ctx.spikes, run[C.ACTIVITY_ID])
    pct = number(s[C.SPIKE_PCT]) if s is not None else None
    if pct is not None and round(pct, 9) > HARD_SPIKE_PCT:
        why.append(f"{pct:.0f} % longer than the month's longest")
    return "; ".join(why)


def _hard_day(ctx, run: pd.Series, before: pd.DataFrame) -> list[Fact]:
    """The last hard day before the run (hard_reason), latest first."""
    for _, earlier in before.iloc[::-1].iterrows():
        why = hard_reason(ctx, earlier)
        if not why:
            continue
        when = pd.Timestamp(earlier[C.START_LOCAL])
        days = (pd.Timestamp(run[C.START_LOCAL]).normalize() - when.normalize()).days
        ago = "the same day" if days == 0 else f"{days} day{'s' if days != 1 else ''} before"
        text = f"{ago}: {ctx.fmt_dist(earlier[C.DISTANCE_M])} on {when:%Y-%m-%d} ({why})"
        return [Fact(BEFORE, "days_since_hard", "last hard day", float(days), text)]
    return [Fact(BEFORE, "days_since_hard", "last hard day", None, "none in the history before this run")]


def _strength(ctx, start: pd.Timestamp) -> list[Fact]:
    """Strength sessions in the 7 days before the run; unusual by the strength detector's
    rules (STRENGTH_WEEKLY_LIMIT in the week, or one ending within STRENGTH_BEFORE_RUN_H)."""
    st = ctx.strength
    t = pd.to_datetime(st[C.START_LOCAL]) if len(st) else pd.Series([], dtype="datetime64[ns]")
    week = st[(t < start) & (t >= start - pd.Timedelta(days=RECENT_DAYS))] if len(st) else st
    earlier = st[t < start] if len(st) else st
    n = len(week)
    if not len(earlier):
        return [
            Fact(BEFORE, "strength_7d", "strength sessions, last 7 days", 0.0, "none in the history before this run")
        ]
    last = earlier.iloc[-1]
    last_start = pd.Timestamp(last[C.START_LOCAL])
    gap_h = (start - last_start).total_seconds() / 3600 - (number(last[C.DURATION_S]) or 0.0) / 3600
    gap = f"{gap_h:.0f} h" if gap_h < 2 * 24 else f"{gap_h / 24:.0f} days"
    text = f"{n}; the last on {last_start:%Y-%m-%d %H:%M}, ended {gap} before the run"
    why = []
    if n >= STRENGTH_WEEKLY_LIMIT:
        why.append(f"{n} in 7 days: {STRENGTH_WEEKLY_LIMIT} or more a week is over the in-season advice of 1-2")
    if gap_h < STRENGTH_BEFORE_RUN_H:
        why.append(f"the last ended {gap_h:.0f} h before the run (under {STRENGTH_BEFORE_RUN_H:g} h)")
    return [
        Fact(BEFORE, "strength_7d", "strength sessions, last 7 days", float(n), text, "; ".join(why)),
        Fact(BEFORE, "last_strength", "last strength session", last_start.isoformat(timespec="minutes"), ""),
    ]


def _shoe(ctx, run: pd.Series) -> list[Fact]:
    """The pair the run was in and its distance with this run (ctx.shoes: shoe_mileage)."""
    pair = _row(ctx.shoe_runs, run[C.ACTIVITY_ID])
    name = str(pair[C.SHOE]) if pair is not None else ""
    mileage = ctx.shoes
    if not name or mileage is None:
        return [Fact(BEFORE, C.SHOE, "shoes", None, "not known (give shoes.csv or Strava's activities.csv)")]
    at = _row(mileage.runs, run[C.ACTIVITY_ID])
    metres = number(at[C.CUMULATIVE_M]) if at is not None else None
    text = f"{name}, {ctx.fmt_dist(metres, 0)} with this run" if metres is not None else name
    why = ""
    if metres is not None and metres >= SHOE_GUIDANCE_LOW_M:
        miles = SHOE_GUIDANCE_LOW_M / M_PER_MILE
        why = f"past {miles:.0f} miles ({ctx.fmt_dist(SHOE_GUIDANCE_LOW_M, 0)}), the replacement guidance"
    return [Fact(BEFORE, "shoe_m", "shoes", metres, text, why), Fact(BEFORE, C.SHOE, "pair", name, "")]


def _temperature(ctx, run: pd.Series) -> list[Fact]:
    """The run's temperature as the heat detector reads it (heat_dehydration.run_temperature)."""
    e = _row(ctx.efficiency, run[C.ACTIVITY_ID])
    row = e if e is not None else pd.Series({C.WEATHER_TEMPERATURE_C: run.get(C.WEATHER_TEMPERATURE_C)})
    temp, which = run_temperature(row)
    if not math.isfinite(temp):
        return [Fact(BEFORE, "temperature_c", "temperature", None, "not recorded")]
    source = "Strava's weather" if which is WEATHER_TEMPERATURE else which.note
    why = f"at or above {HEAT_TEMPERATURE_C:g} degC, the heat detector's limit" if temp >= HEAT_TEMPERATURE_C else ""
    return [Fact(BEFORE, "temperature_c", "temperature", temp, f"{temp:.1f} degC ({source})", why)]
