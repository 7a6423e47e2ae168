"""Training-load features: weekly volume and its jumps, acute:chronic workload ratios,
long-run spikes, comebacks after a break, monotony and strain, efficiency and
aerobic decoupling, strength sessions.

Pure functions over the activity (and sample) tables: frames in, new frames out.
Runs only (``is_run``: road, trail, treadmill, track); walks, rides and swims are not
mileage. Days and weeks are the runner's local calendar (``start_local``); weeks
start on Monday. Distances in m, durations in s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C
from .bands import ACWR_DANGER, ACWR_SWEET_SPOT  # noqa: F401  (re-exported: the detectors use load.ACWR_*)

# --- thresholds and constants, each with its source ------------------------------

#: Week-over-week progression above which distance-related injuries rose (HR 1.59,
#: 95 % CI 0.96-2.66, p = .07; no difference for injuries overall): Nielsen RO et al.
#: J Orthop Sports Phys Ther 2014;44:739-747 (874 novice runners). Weak evidence.
PROGRESSION_LIMIT_PCT = 30.0

# ACWR_SWEET_SPOT (0.8-1.3) and ACWR_DANGER (1.5), Gabbett 2016: defined with the
# critique in bands.py (imported above), which the report's charts import without pandas.
#: Acute and chronic windows [days] (Gabbett 2016).
ACUTE_DAYS = 7
CHRONIC_DAYS = 28
#: EWMA decay lambda = 2 / (N + 1), N = 7 and 28: Williams S et al. Br J Sports Med
#: 2017;51:209-210.
EWMA_ACUTE_LAMBDA = 2.0 / (ACUTE_DAYS + 1)
EWMA_CHRONIC_LAMBDA = 2.0 / (CHRONIC_DAYS + 1)
#: A gap this long [days] inside the chronic window is named: the watch may not have
#: been worn, so low chronic load is not read as detraining without saying so.
WINDOW_GAP_DAYS = 14

#: Single-session spikes against the longest run of the previous 30 days: Frandsen
#: JSB et al. Br J Sports Med 2025;59:1203 (5,205 runners, 588,071 sessions). Bands
#: of "% longer" and their hazard-rate ratios (95 % CI) against <= 10 %.
SPIKE_WINDOW_DAYS = 30
SPIKE_BANDS = (
    # (label, lower bound exclusive [%], upper bound inclusive [%], HRR, CI low, CI high)
    ("<=10%", -np.inf, 10.0, 1.0, np.nan, np.nan),
    (">10-30%", 10.0, 30.0, 1.64, 1.31, 2.05),
    (">30-100%", 30.0, 100.0, 1.52, 1.16, 2.00),
    (">100%", 100.0, np.inf, 2.28, 1.50, 3.48),
)
SPIKE_SOURCE = "Frandsen JSB et al. Br J Sports Med 2025;59:1203"

#: A break: at least this many days without a run (issue 4; the window over which
#: Frandsen and Nielsen count recent exposure).
BREAK_DAYS = 14
#: Weeks after a break compared with the chronic weekly volume before it.
COMEBACK_WEEKS = 3

#: Monotony = mean / SD of daily load over a week; strain = weekly load x monotony:
#: Foster C. Med Sci Sports Exerc 1998;30:1164-1168. The warning levels 1.5 and 2.0
#: are Runalyze's cut-offs, not Foster's.
MONOTONY_WARN = 1.5
MONOTONY_CRITICAL = 2.0

#: Banister TRIMP weighting: minutes x HRr x a e^(b HRr); men a = 0.64, b = 1.92,
#: women a = 0.86, b = 1.67 (Banister 1991; Morton 1990).
TRIMP_COEFFICIENTS = {"male": (0.64, 1.92), "female": (0.86, 1.67)}
#: Resting heart rate assumed when the runner gives none [bpm] (a convention).
DEFAULT_HR_REST = 60.0

#: Aerobic decoupling (Pa:HR, first vs second half of speed/HR) above 5 % marks a run
#: whose heart rate drifted: TrainingPeaks/Friel convention; < 5 % good, 5-10 %
#: moderate, > 10 % weak base (also GoldenCheetah's AerobicDecoupling).
DECOUPLING_LIMIT_PCT = 5.0

#: Samples slower than this [m/s] are not running (comfortable walking tops out near
#: 1.5 m/s: Bohannon 1997, Age Ageing 26:15); gaps longer than PAUSE_S [s] are pauses.
MOVING_SPEED_M_S = 1.6
PAUSE_S = 10.0

#: Strength sessions: FIT sport 'training' with sub-sport 'strength_training' (FIT
#: profile), any sport with that sub-sport, and other vendors' names for it.
STRENGTH_SUB_SPORTS = frozenset({"strength_training"})
STRENGTH_SPORTS = frozenset({"strength_training", "weight_training", "weighttraining", "crossfit"})


# --- helpers -----------------------------------------------------------------------


def runs_only(activities: pd.DataFrame) -> pd.DataFrame:
    """The runs of an activity table (duplicates dropped), with a local ``date`` column."""
    acts = activities
    keep = acts[C.IS_RUN].astype(bool)
    if C.DUPLICATE_OF in acts:
        keep &= acts[C.DUPLICATE_OF].fillna("") == ""
    runs = acts[keep].copy()
    runs["date"] = pd.to_datetime(runs[C.START_LOCAL]).dt.normalize()
    return runs.sort_values(C.START_LOCAL, kind="stable").reset_index(drop=True)


def _calendar(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    return pd.date_range(first.normalize(), last.normalize(), freq="D", name="date")


def _end_date(runs: pd.DataFrame, as_of) -> pd.Timestamp:
    if as_of is not None:
        return pd.Timestamp(as_of).normalize()
    return runs["date"].max()


def _before(activities: pd.DataFrame, as_of) -> pd.DataFrame:
    if as_of is None:
        return activities
    limit = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    return activities[pd.to_datetime(activities[C.START_LOCAL]) < limit]


def week_start(dates: pd.Series | pd.DatetimeIndex) -> pd.Series:
    """Monday of each date's week."""
    d = pd.to_datetime(pd.Series(dates)).dt.normalize()
    return d - pd.to_timedelta(d.dt.day_of_week, unit="D")


# --- 1. daily and weekly volume ---------------------------------------------------------


def daily_load(activities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Running load per local day, every day from the first run to ``as_of`` (zeros on
    days without a run, never missing).

    Returns a frame indexed by ``date`` with distance_m [m], duration_s [s], runs [-].
    """
    runs = runs_only(_before(activities, as_of))
    if runs.empty:
        return pd.DataFrame(columns=["distance_m", "duration_s", "runs"], index=pd.DatetimeIndex([], name="date"))
    per_day = runs.groupby("date").agg(
        distance_m=(C.DISTANCE_M, "sum"), duration_s=(C.DURATION_S, "sum"), runs=(C.ACTIVITY_ID, "size")
    )
    days = _calendar(runs["date"].min(), _end_date(runs, as_of))
    return per_day.reindex(days, fill_value=0).astype({"runs": "int64"})


def weekly_volume(activities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Distance, time and number of runs per local week (Monday start), with the
    week-over-week change and the long run's share.

    Returns a frame indexed by ``week_start`` with distance_m [m], duration_s [s],
    runs [-], longest_run_m [m], long_run_share_pct [%] (longest run / week distance),
    change_pct [%] (against the previous week; NaN when that week was empty) and
    progression_flag (change above PROGRESSION_LIMIT_PCT, Nielsen 2014).
    Weeks without runs are zero, not missing.
    """
    runs = runs_only(_before(activities, as_of))
    cols = ["distance_m", "duration_s", "runs", "longest_run_m", "long_run_share_pct", "change_pct", "progression_flag"]
    if runs.empty:
        return pd.DataFrame(columns=cols, index=pd.DatetimeIndex([], name="week_start"))
    runs["week_start"] = week_start(runs["date"]).to_numpy()
    weekly = runs.groupby("week_start").agg(
        distance_m=(C.DISTANCE_M, "sum"),
        duration_s=(C.DURATION_S, "sum"),
        runs=(C.ACTIVITY_ID, "size"),
        longest_run_m=(C.DISTANCE_M, "max"),
    )
    last = week_start(pd.Series([_end_date(runs, as_of)])).iloc[0]
    weeks = pd.date_range(weekly.index.min(), last, freq="7D", name="week_start")
    weekly = weekly.reindex(weeks, fill_value=0)
    weekly["runs"] = weekly["runs"].astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        weekly["long_run_share_pct"] = np.where(
            weekly["distance_m"] > 0, 100.0 * weekly["longest_run_m"] / weekly["distance_m"], np.nan
        )
        prev = weekly["distance_m"].shift(1)
        if len(weekly) > 1 and runs["date"].min().weekday() > 0:
            prev.iloc[1] = np.nan  # the history starts mid-week: its first week is partial
        weekly["change_pct"] = np.where(prev > 0, 100.0 * (weekly["distance_m"] / prev - 1.0), np.nan).round(9)
    weekly["progression_flag"] = weekly["change_pct"] > PROGRESSION_LIMIT_PCT
    return weekly[cols]


def run_progression(activities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Nielsen et al. 2014's exposure at every run: the distance of the 7 days ending on
    the run's day against the 7 days before those (progression over two weeks).

    Returns one row per run: activity_id, date, last7_m [m], prev7_m [m],
    progression_pct [%] (NaN when the earlier week is empty), above_limit (bool).
    """
    daily = daily_load(activities, as_of)["distance_m"]
    runs = runs_only(_before(activities, as_of))
    last7 = daily.rolling(7, min_periods=1).sum()
    # The earlier week must lie inside the history: before its first run nothing is
    # known (not "zero"), so the first 13 days have no progression.
    prev7 = last7.shift(7).where(np.arange(len(last7)) >= 13)
    out = runs[[C.ACTIVITY_ID, "date"]].copy()
    out["last7_m"] = last7.reindex(out["date"]).to_numpy()
    out["prev7_m"] = prev7.reindex(out["date"]).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["progression_pct"] = np.where(
            out["prev7_m"] > 0, 100.0 * (out["last7_m"] / out["prev7_m"] - 1), np.nan
        ).round(9)
    out["above_limit"] = out["progression_pct"] > PROGRESSION_LIMIT_PCT
    return out.reset_index(drop=True)


# --- 2. acute:chronic workload ratio --------------------------------------------------


def acwr(activities: pd.DataFrame, as_of=None, load: pd.Series | None = None) -> pd.DataFrame:
    """Acute:chronic workload ratios of daily load (distance by default) per day.

    Columns: load [m or the given unit], acute_7d and chronic_28d (mean daily load
    over the last 7 and 28 days), acwr (rolling, Gabbett 2016), acwr_ewma (EWMA with
    lambda 2/(N+1), Williams 2017), acwr_uncoupled (chronic window = days 8-28, so it
    excludes the acute week: Lolli 2019), acwr_reason (why a ratio is NaN), and
    window_note (a gap of WINDOW_GAP_DAYS or more without runs in the chronic window:
    low chronic load may be an unrecorded period rather than detraining).
    """
    daily = daily_load(activities, as_of)["distance_m"] if load is None else load.astype("float64")
    out = pd.DataFrame({"load": daily.astype("float64")})
    if out.empty:
        for c in ("acute_7d", "chronic_28d", "acwr", "acwr_ewma", "acwr_uncoupled"):
            out[c] = pd.Series(dtype="float64")
        out["acwr_reason"] = pd.Series(dtype="object")
        out["window_note"] = pd.Series(dtype="object")
        return out
    out["acute_7d"] = out["load"].rolling(ACUTE_DAYS, min_periods=ACUTE_DAYS).mean()
    out["chronic_28d"] = out["load"].rolling(CHRONIC_DAYS, min_periods=CHRONIC_DAYS).mean()
    older = out["load"].shift(ACUTE_DAYS).rolling(CHRONIC_DAYS - ACUTE_DAYS, min_periods=CHRONIC_DAYS - ACUTE_DAYS)
    uncoupled_chronic = older.mean()
    ewma_a = out["load"].ewm(alpha=EWMA_ACUTE_LAMBDA, adjust=False).mean()
    ewma_c = out["load"].ewm(alpha=EWMA_CHRONIC_LAMBDA, adjust=False).mean()
    history_days = np.arange(1, len(out) + 1)
    enough = history_days >= CHRONIC_DAYS
    with np.errstate(divide="ignore", invalid="ignore"):
        out["acwr"] = (out["acute_7d"] / out["chronic_28d"]).where(out["chronic_28d"] > 0)
        out["acwr_ewma"] = (ewma_a / ewma_c).where(enough & (ewma_c > 0))
        out["acwr_uncoupled"] = (out["acute_7d"] / uncoupled_chronic).where(uncoupled_chronic > 0)
    reason = np.where(~enough, f"fewer than {CHRONIC_DAYS} days of history", "")
    reason = np.where(enough & (out["chronic_28d"] <= 0).to_numpy(), f"no load in the last {CHRONIC_DAYS} days", reason)
    out["acwr_reason"] = reason
    # Longest run of zero-load days ending within the chronic window.
    zero = (out["load"] <= 0).astype(int)
    streak = zero.groupby((zero == 0).cumsum()).cumsum()
    longest = streak.rolling(CHRONIC_DAYS, min_periods=1).max()
    out["window_note"] = np.where(
        enough & (longest >= WINDOW_GAP_DAYS).to_numpy(),
        [f"the last {CHRONIC_DAYS} days include {int(g)} days without a recorded run" for g in longest],
        "",
    )
    return out


# --- 3. long-run spikes ------------------------------------------------------------------


def long_run_spikes(activities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Each run's distance against the longest run of the preceding 30 days, in the
    bands of Frandsen et al. 2025.

    Returns one row per run: activity_id, start_local, distance_m [m],
    prev_longest_m [m] (NaN when no run in the window, or when the history began less
    than 30 days before the run), spike_pct [%], band,
    hazard_ratio [-] with hr_ci_low / hr_ci_high (the band's published HRR against
    <= 10 %), week_share_pct [%] (the run's share of its week's distance).
    """
    runs = runs_only(_before(activities, as_of))
    out = runs[[C.ACTIVITY_ID, C.START_LOCAL, C.DISTANCE_M]].copy()
    if runs.empty:
        for c in ("prev_longest_m", "spike_pct", "hazard_ratio", "hr_ci_low", "hr_ci_high", "week_share_pct"):
            out[c] = pd.Series(dtype="float64")
        out["band"] = pd.Series(dtype="object")
        return out
    # Longest run in [start - 30 d, start): a time-based rolling max over earlier runs.
    series = pd.Series(runs[C.DISTANCE_M].to_numpy(), index=pd.DatetimeIndex(runs[C.START_LOCAL]))
    prev = series.rolling(f"{SPIKE_WINDOW_DAYS}D", closed="left").max()
    # Runs in the history's first 30 days have an incomplete window: unknown, not spikes.
    young = series.index < series.index.min() + pd.Timedelta(days=SPIKE_WINDOW_DAYS)
    out["prev_longest_m"] = np.where(young, np.nan, prev.to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        out["spike_pct"] = np.where(
            out["prev_longest_m"] > 0, 100.0 * (out[C.DISTANCE_M] / out["prev_longest_m"] - 1.0), np.nan
        )
    out["band"] = None
    out["hazard_ratio"] = np.nan
    out["hr_ci_low"] = np.nan
    out["hr_ci_high"] = np.nan
    pct = out["spike_pct"].round(9)  # 11 km against 10 km is 10 %, not 10.000000000000009 %
    for label, low, high, hrr, lo_ci, hi_ci in SPIKE_BANDS:
        mask = (pct > low) & (pct <= high)
        out.loc[mask, ["band", "hazard_ratio", "hr_ci_low", "hr_ci_high"]] = [label, hrr, lo_ci, hi_ci]
    week = week_start(runs["date"]).to_numpy()
    week_total = runs.groupby(week)[C.DISTANCE_M].transform("sum")
    out["week_share_pct"] = 100.0 * runs[C.DISTANCE_M] / week_total.where(week_total > 0)
    return out.reset_index(drop=True)


# --- 4. return after a break ---------------------------------------------------------------


def comebacks(activities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Breaks of BREAK_DAYS or more without running, and the first COMEBACK_WEEKS weeks
    after each against the chronic weekly volume before it.

    Returns one row per break: last_run_date, return_date, gap_days [days without a
    run], pre_break_weekly_m [m] (distance of the 28 days before the break / 4),
    week1_m..week3_m [m] (7-day blocks from the return day), week1_pct..week3_pct [%
    of the pre-break weekly volume], weeks_observed (blocks that lie before as_of).
    """
    runs = runs_only(_before(activities, as_of))
    cols = ["last_run_date", "return_date", "gap_days", "pre_break_weekly_m"]
    cols += [f"week{i}_m" for i in range(1, COMEBACK_WEEKS + 1)]
    cols += [f"week{i}_pct" for i in range(1, COMEBACK_WEEKS + 1)] + ["weeks_observed"]
    if len(runs) < 2:
        return pd.DataFrame(columns=cols)
    dates = runs["date"].drop_duplicates().reset_index(drop=True)
    empty_days = (dates.diff().dt.days - 1).fillna(0)
    starts = np.flatnonzero(empty_days.to_numpy() >= BREAK_DAYS)
    daily = daily_load(activities, as_of)["distance_m"]
    end = daily.index.max()
    rows = []
    for i in starts:
        last, back = dates.iloc[i - 1], dates.iloc[i]
        before = daily[(daily.index > last - pd.Timedelta(days=CHRONIC_DAYS)) & (daily.index <= last)]
        pre_weekly = before.sum() / (CHRONIC_DAYS / 7)
        row = {
            "last_run_date": last,
            "return_date": back,
            "gap_days": int(empty_days.iloc[i]),
            "pre_break_weekly_m": pre_weekly,
            "weeks_observed": 0,
        }
        for w in range(COMEBACK_WEEKS):
            lo = back + pd.Timedelta(days=7 * w)
            hi = lo + pd.Timedelta(days=7)
            block = daily[(daily.index >= lo) & (daily.index < hi)].sum()
            row[f"week{w + 1}_m"] = block
            row[f"week{w + 1}_pct"] = 100.0 * block / pre_weekly if pre_weekly > 0 else np.nan
            row["weeks_observed"] += int(hi - pd.Timedelta(days=1) <= end)
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)


# --- 5. monotony, strain, TRIMP ---------------------------------------------------------------


def weekly_monotony(load: pd.Series) -> pd.DataFrame:
    """Foster's monotony and strain per local week of a daily load series (zeros
    included: rest days are part of the week).

    Returns a frame indexed by week_start: load (weekly sum), mean_daily, sd_daily
    (population SD of the 7 days), monotony (mean / SD; NaN when SD = 0 or the week
    is incomplete), strain (weekly load x monotony). Units follow ``load``.
    """
    load = load.astype("float64")
    weeks = week_start(pd.Series(load.index)).to_numpy()
    grouped = load.groupby(weeks)
    out = pd.DataFrame(
        {"load": grouped.sum(), "mean_daily": grouped.mean(), "sd_daily": grouped.std(ddof=0), "days": grouped.size()}
    )
    out.index.name = "week_start"
    with np.errstate(divide="ignore", invalid="ignore"):
        # Rounded so a week of exactly 1.5 is 1.5 whatever the order of its days.
        out["monotony"] = (
            (out["mean_daily"] / out["sd_daily"]).where((out["sd_daily"] > 0) & (out["days"] == 7)).round(9)
        )
    out["strain"] = out["load"] * out["monotony"]
    return out.drop(columns="days")


def _moving_dt(samples: pd.DataFrame) -> pd.Series:
    """Seconds each sample stands for: the time since the previous sample of the same
    activity, zero after a pause (gap > PAUSE_S) and for the first sample."""
    ts = samples[C.TIMESTAMP]
    dt = ts.groupby(samples[C.ACTIVITY_ID]).diff().dt.total_seconds()
    return dt.where(dt <= PAUSE_S, 0.0).fillna(0.0)


def hr_histogram(samples: pd.DataFrame) -> pd.DataFrame:
    """Heart rate per activity as a histogram: what TRIMP and the maximal heart rate
    need, small enough to cache per run (a run has ~100 distinct integer bpm values).

    Returns one row per (activity_id, heart_rate_bpm) with a recorded heart rate:
    ``samples`` [-] at that heart rate and ``moving_min`` [min] (the time those
    samples stand for, pauses excluded: see _moving_dt). Exact, whatever the values.
    """
    hr = samples[C.HEART_RATE_BPM]
    has = hr.notna().to_numpy()
    frame = pd.DataFrame(
        {
            C.ACTIVITY_ID: samples[C.ACTIVITY_ID].to_numpy()[has],
            C.HEART_RATE_BPM: hr.to_numpy(dtype="float64")[has],
            "samples": np.ones(int(has.sum()), dtype="int64"),
            "moving_min": (_moving_dt(samples) / 60.0).to_numpy()[has],
        }
    )
    out = frame.groupby([C.ACTIVITY_ID, C.HEART_RATE_BPM], sort=True, as_index=False)[["samples", "moving_min"]].sum()
    return out.astype({"samples": "int64", "moving_min": "float64"})


def _percentile_of_counts(values: np.ndarray, counts: np.ndarray, q: float) -> float:
    """numpy.percentile(q, linear interpolation) of the multiset where each value
    occurs count times, without expanding it."""
    order = np.argsort(values, kind="stable")
    v, c = values[order], counts[order]
    ends = np.cumsum(c)  # the sorted sample of rank r (0-based) is v[searchsorted(ends, r, 'right')]
    pos = (ends[-1] - 1) * q / 100.0
    lo, hi = int(np.floor(pos)), int(np.ceil(pos))
    below, above = v[np.searchsorted(ends, lo, side="right")], v[np.searchsorted(ends, hi, side="right")]
    return float(below + (above - below) * (pos - lo))


def trimp(
    samples: pd.DataFrame | None = None,
    hr_max: float | None = None,
    hr_rest: float = DEFAULT_HR_REST,
    sex: str = "male",
    histogram: pd.DataFrame | None = None,
) -> pd.Series:
    """Banister TRIMP per activity: sum over samples of minutes x HRr x a e^(b HRr),
    HRr = (HR - HRrest) / (HRmax - HRrest), clipped to [0, 1].

    Parameters
    ----------
    samples : the sample table (heart_rate_bpm [bpm], timestamp); or instead
    histogram : its hr_histogram (the cached per-run form; gives the same result).
    hr_max : maximal heart rate [bpm]; default the highest 99.9th percentile of the
        samples given (a runner's recorded maximum, robust to spikes).
    hr_rest : resting heart rate [bpm]; default DEFAULT_HR_REST.
    sex : 'male' or 'female' (Banister's coefficients).

    Returns a Series indexed by activity_id [arbitrary units]; activities without
    heart rate are absent.
    """
    a, b = TRIMP_COEFFICIENTS[sex]
    hist = histogram if histogram is not None else hr_histogram(samples)
    if hist.empty:
        return pd.Series(dtype="float64", name="trimp", index=pd.Index([], name=C.ACTIVITY_ID))
    hr = hist[C.HEART_RATE_BPM].to_numpy(dtype="float64")
    if hr_max is None:
        hr_max = _percentile_of_counts(hr, hist["samples"].to_numpy(), 99.9)
    hrr = np.clip((hr - hr_rest) / (hr_max - hr_rest), 0.0, 1.0)
    weight = hist["moving_min"].to_numpy() * hrr * a * np.exp(b * hrr)
    return pd.Series(weight).groupby(hist[C.ACTIVITY_ID].to_numpy()).sum().rename_axis(C.ACTIVITY_ID).rename("trimp")


# --- 6. efficiency and decoupling -------------------------------------------------------------


def efficiency(samples: pd.DataFrame, activities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Efficiency factor and aerobic decoupling per run with heart rate.

    Over moving samples (speed >= MOVING_SPEED_M_S, pauses excluded):
    ef_m_per_beat = mean speed / mean heart rate, in metres per heartbeat
    (speed [m/s] / (HR [bpm] / 60)); decoupling_pct = (first-half speed:HR - second-half
    speed:HR) / first-half speed:HR x 100, halves split by moving time (Friel's Pa:HR;
    > DECOUPLING_LIMIT_PCT is the convention for a drifting run); moving_s [s];
    mean_temperature_c [degC] where recorded.

    Returns one row per activity with heart rate (indexed by activity_id). When
    ``activities`` is given, only its runs are used.
    """
    s = samples
    if activities is not None:
        s = s[s[C.ACTIVITY_ID].isin(runs_only(activities)[C.ACTIVITY_ID])]
    cols = ["ef_m_per_beat", "decoupling_pct", "moving_s", "mean_temperature_c"]
    if s.empty or s[C.HEART_RATE_BPM].notna().sum() == 0:
        return pd.DataFrame(columns=cols, index=pd.Index([], name=C.ACTIVITY_ID))
    dt = _moving_dt(s)
    moving = (s[C.SPEED_M_S] >= MOVING_SPEED_M_S) & s[C.HEART_RATE_BPM].gt(0) & (dt > 0)
    m = pd.DataFrame(
        {
            C.ACTIVITY_ID: s[C.ACTIVITY_ID],
            "speed": s[C.SPEED_M_S],
            "hr": s[C.HEART_RATE_BPM],
            "dt": dt,
            "temp": s[C.TEMPERATURE_C],
        }
    )[moving]
    cols = ["ef_m_per_beat", "decoupling_pct", "moving_s", "mean_temperature_c"]
    if m.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name=C.ACTIVITY_ID))
    m["t"] = m.groupby(C.ACTIVITY_ID)["dt"].cumsum()
    total = m.groupby(C.ACTIVITY_ID)["dt"].transform("sum")
    m["half"] = np.where(m["t"] <= total / 2, 1, 2)
    m["sv"] = m["speed"] * m["dt"]
    m["sh"] = m["hr"] * m["dt"]
    g = m.groupby(C.ACTIVITY_ID)
    whole = g[["sv", "sh", "dt"]].sum()
    halves = m.groupby([C.ACTIVITY_ID, "half"])[["sv", "sh"]].sum().unstack("half")
    ratio1 = halves[("sv", 1)] / halves[("sh", 1)]
    ratio2 = halves[("sv", 2)] / halves[("sh", 2)]
    out = pd.DataFrame(index=whole.index)
    out["ef_m_per_beat"] = (whole["sv"] / whole["sh"]) * 60.0
    out["decoupling_pct"] = 100.0 * (ratio1 - ratio2) / ratio1
    out["moving_s"] = whole["dt"]
    out["mean_temperature_c"] = g["temp"].mean()
    return out[cols]


# --- 7. strength sessions ---------------------------------------------------------------


def is_strength(activities: pd.DataFrame) -> pd.Series:
    sport = activities[C.SPORT].fillna("").str.lower()
    sub = activities[C.SUB_SPORT].fillna("").str.lower()
    return sub.isin(STRENGTH_SUB_SPORTS) | sport.isin(STRENGTH_SPORTS)


def strength_sessions(activities: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Strength sessions per local week: FIT sport 'training' / sub-sport
    'strength_training' and other vendors' strength codes.

    Returns a frame indexed by week_start: sessions [-], duration_s [s]; weeks between
    the first and last activity of the history are all present (zeros).
    """
    acts = _before(activities, as_of)
    if C.DUPLICATE_OF in acts:
        acts = acts[acts[C.DUPLICATE_OF].fillna("") == ""]
    if acts.empty:
        return pd.DataFrame(columns=["sessions", "duration_s"], index=pd.DatetimeIndex([], name="week_start"))
    local = pd.to_datetime(acts[C.START_LOCAL])
    first = week_start(pd.Series([local.min()])).iloc[0]
    last = week_start(pd.Series([pd.Timestamp(as_of) if as_of is not None else local.max()])).iloc[0]
    weeks = pd.date_range(first, last, freq="7D", name="week_start")
    st = acts[is_strength(acts)]
    per = st.groupby(week_start(pd.to_datetime(st[C.START_LOCAL])).to_numpy()).agg(
        sessions=(C.ACTIVITY_ID, "size"), duration_s=(C.DURATION_S, "sum")
    )
    out = per.reindex(weeks, fill_value=0)
    out["sessions"] = out["sessions"].astype("int64")
    return out


# --- the weekly table ------------------------------------------------------------------------


def weekly_table(
    activities: pd.DataFrame,
    samples: pd.DataFrame | None = None,
    as_of=None,
    hr_hist: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Everything per local week in one frame (the report's weekly.csv).

    Columns: distance_m, duration_s, runs, longest_run_m, long_run_share_pct,
    change_pct (weekly_volume); max_progression_pct (run_progression, Nielsen);
    acwr, acwr_ewma, acwr_uncoupled, acwr_reason, window_note (acwr on the week's last
    day, or as_of); monotony, strain (Foster, on distance); trimp, trimp_monotony,
    trimp_strain (when samples with heart rate, or their hr_histogram ``hr_hist``,
    are given); strength_sessions, strength_s.
    """
    weekly = weekly_volume(activities, as_of)
    if weekly.empty:
        return weekly
    ratios = acwr(activities, as_of)
    last_day = pd.Series(weekly.index + pd.Timedelta(days=6), index=weekly.index)
    if as_of is not None:
        last_day = last_day.clip(upper=pd.Timestamp(as_of).normalize())
    picked = ratios.reindex(last_day.to_numpy())
    for col in ("acwr", "acwr_ewma", "acwr_uncoupled", "acwr_reason", "window_note"):
        weekly[col] = picked[col].to_numpy()
    prog = run_progression(activities, as_of)
    prog_week = prog.groupby(week_start(prog["date"]).to_numpy())["progression_pct"].max()
    weekly["max_progression_pct"] = prog_week.reindex(weekly.index)
    mono = weekly_monotony(ratios["load"])
    weekly["monotony"] = mono["monotony"].reindex(weekly.index)
    weekly["strain"] = mono["strain"].reindex(weekly.index)
    if hr_hist is None and samples is not None and len(samples):
        hr_hist = hr_histogram(samples)
    if hr_hist is not None and len(hr_hist):
        runs = runs_only(_before(activities, as_of))
        per_run = trimp(histogram=hr_hist[hr_hist[C.ACTIVITY_ID].isin(runs[C.ACTIVITY_ID])])
        if len(per_run):
            by_day = runs.set_index(C.ACTIVITY_ID)["date"].reindex(per_run.index)
            daily = per_run.groupby(by_day.to_numpy()).sum().reindex(ratios.index, fill_value=0.0)
            tm = weekly_monotony(daily)
            weekly["trimp"] = tm["load"].reindex(weekly.index)
            weekly["trimp_monotony"] = tm["monotony"].reindex(weekly.index)
            weekly["trimp_strain"] = tm["strain"].reindex(weekly.index)
    strength = strength_sessions(activities, as_of)
    weekly["strength_sessions"] = strength["sessions"].reindex(weekly.index, fill_value=0).astype("int64")
    weekly["strength_s"] = strength["duration_s"].reindex(weekly.index, fill_value=0)
    return weekly
