"""The training-load feature tables (analyzer.features.load)."""

from __future__ import annotations

from .imported import ACTIVITY_ID, DISTANCE_M, DURATION_S, HEART_RATE_BPM, START_LOCAL

# --- feature tables (analyzer.features); first training load (features.load) ----------
DATE = "date"
WEEK_START = "week_start"
RUNS = "runs"
LOAD = "load"
ACUTE_7D = "acute_7d"
CHRONIC_28D = "chronic_28d"
ACWR = "acwr"
ACWR_EWMA = "acwr_ewma"
ACWR_UNCOUPLED = "acwr_uncoupled"
ACWR_REASON = "acwr_reason"
WINDOW_NOTE = "window_note"
LONGEST_RUN_M = "longest_run_m"
LONG_RUN_SHARE_PCT = "long_run_share_pct"
CHANGE_PCT = "change_pct"
PROGRESSION_FLAG = "progression_flag"
LAST7_M = "last7_m"
PREV7_M = "prev7_m"
PROGRESSION_PCT = "progression_pct"
ABOVE_LIMIT = "above_limit"
MAX_PROGRESSION_PCT = "max_progression_pct"
MEAN_DAILY = "mean_daily"
SD_DAILY = "sd_daily"
MONOTONY = "monotony"
STRAIN = "strain"
TRIMP = "trimp"
TRIMP_MONOTONY = "trimp_monotony"
TRIMP_STRAIN = "trimp_strain"
SESSIONS = "sessions"
STRENGTH_SESSIONS = "strength_sessions"
STRENGTH_S = "strength_s"
OTHER_SPORTS_H = "other_sports_h"
OTHER_SPORTS_TRIMP = "other_sports_trimp"
PREV_LONGEST_M = "prev_longest_m"
SPIKE_PCT = "spike_pct"
BAND = "band"
HAZARD_RATIO = "hazard_ratio"
HR_CI_LOW = "hr_ci_low"
HR_CI_HIGH = "hr_ci_high"
WEEK_SHARE_PCT = "week_share_pct"
LAST_RUN_DATE = "last_run_date"
RETURN_DATE = "return_date"
GAP_DAYS = "gap_days"
PRE_BREAK_WEEKLY_M = "pre_break_weekly_m"
WEEKS_OBSERVED = "weeks_observed"
PRE_BREAK_WEEKLY_H = "pre_break_weekly_h"
BREAK_OTHER_SPORTS_H = "break_other_sports_h"
BREAK_OTHER_SPORTS = "break_other_sports"
CROSS_TRAINED = "cross_trained"
SAMPLES = "samples"
MOVING_MIN = "moving_min"
EF_M_PER_BEAT = "ef_m_per_beat"
DECOUPLING_PCT = "decoupling_pct"
MOVING_S = "moving_s"
HR_COVERAGE_PCT = "hr_coverage_pct"
MEAN_TEMPERATURE_C = "mean_temperature_c"


def week_column(week: int | str, unit: str) -> str:
    """A comeback's column for its ``week``-th week after the return: week1_m, week2_pct, ..."""
    return f"week{week}_{unit}"


DAILY_LOAD_COLUMNS: dict[str, tuple[str, str]] = {
    DATE: ("local", "The local day (the index); every day from the first run, zeros on days without one."),
    DISTANCE_M: ("m", "Distance run that day."),
    DURATION_S: ("s", "Time run that day."),
    RUNS: ("", "Number of runs that day."),
    LOAD: ("m", "Daily load of the ratios below: the distance (or the load given)."),
    ACUTE_7D: ("m", "Mean daily load over the last 7 days."),
    CHRONIC_28D: ("m", "Mean daily load over the last 28 days."),
    ACWR: ("", "Acute:chronic workload ratio acute_7d / chronic_28d (Gabbett 2016)."),
    ACWR_EWMA: ("", "The same ratio of EWMAs with lambda = 2 / (N + 1) (Williams 2017)."),
    ACWR_UNCOUPLED: ("", "acute_7d over the mean of days 8-28, which excludes the acute week (Lolli 2019)."),
    ACWR_REASON: ("", "Why acwr and acwr_ewma are NaN (under 28 days of history, no load); '' otherwise."),
    WINDOW_NOTE: ("", "Names the longest stretch of 14+ days without a run inside the chronic window ('' otherwise)."),
}
WEEKLY_COLUMNS: dict[str, tuple[str, str]] = {
    WEEK_START: ("local", "Monday of the local week; weeks without runs are zero, not missing."),
    DISTANCE_M: ("m", "Distance run (weekly.csv: distance_km, and distance_mi with --units mi)."),
    DURATION_S: ("s", "Time run."),
    RUNS: ("", "Number of runs."),
    LONGEST_RUN_M: ("m", "The week's longest run (weekly.csv: longest_run_km / longest_run_mi)."),
    LONG_RUN_SHARE_PCT: ("%", "Longest run / the week's distance."),
    CHANGE_PCT: ("%", "Change against the previous week; NaN when that week was empty or partial."),
    PROGRESSION_FLAG: ("", "change_pct above 30 % (Nielsen 2014)."),
    **{c: DAILY_LOAD_COLUMNS[c] for c in (ACWR, ACWR_EWMA, ACWR_UNCOUPLED, ACWR_REASON, WINDOW_NOTE)},
    MAX_PROGRESSION_PCT: ("%", "Highest progression_pct of the week's runs."),
    MONOTONY: ("", "Foster's monotony: mean / SD of the 7 days' distance; NaN if SD = 0 or days missing."),
    STRAIN: ("m", "Weekly distance x monotony (Foster 1998)."),
    TRIMP: ("a.u.", "Banister TRIMP of the week's runs (when heart rate is recorded)."),
    TRIMP_MONOTONY: ("", "Monotony of daily TRIMP."),
    TRIMP_STRAIN: ("a.u.", "Weekly TRIMP x trimp_monotony."),
    STRENGTH_SESSIONS: ("", "Strength sessions (FIT training / strength_training and other vendors' codes)."),
    STRENGTH_S: ("s", "Time in strength sessions."),
    OTHER_SPORTS_H: (
        "h",
        "Time in other sports: rides, swims, rowing, strength and other sessions (not runs, walks, golf, "
        "transitions or activities of unknown sport), from files and Strava activities.csv rows.",
    ),
    OTHER_SPORTS_TRIMP: (
        "a.u.",
        "Banister TRIMP of those sessions with heart rate (the runs' maximal heart rate); 0 without other "
        "sports, NaN when none of the week's has heart rate.",
    ),
}
RUN_PROGRESSION_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "The run."),
    DATE: ("local", "The run's local day."),
    LAST7_M: ("m", "Distance of the 7 days ending on the run's day."),
    PREV7_M: ("m", "Distance of the 7 days before those; NaN in the history's first 13 days."),
    PROGRESSION_PCT: ("%", "last7_m against prev7_m (Nielsen 2014); NaN when prev7_m is 0."),
    ABOVE_LIMIT: ("", "progression_pct above 30 %."),
}
SPIKE_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "The run."),
    START_LOCAL: ("local", "The run's local start."),
    DISTANCE_M: ("m", "The run's distance."),
    PREV_LONGEST_M: ("m", "Longest run of the previous 30 days; NaN if none, or in the history's first 30 days."),
    SPIKE_PCT: ("%", "How much longer the run is than prev_longest_m."),
    BAND: ("", "Frandsen et al. 2025 band: '<=10%', '>10-30%', '>30-100%', '>100%'."),
    HAZARD_RATIO: ("", "The band's published hazard-rate ratio against <= 10 %."),
    HR_CI_LOW: ("", "Its 95 % confidence interval, low end."),
    HR_CI_HIGH: ("", "Its 95 % confidence interval, high end."),
    WEEK_SHARE_PCT: ("%", "The run's share of its week's distance."),
}
COMEBACK_COLUMNS: dict[str, tuple[str, str]] = {
    LAST_RUN_DATE: ("local", "Day of the last run before the break."),
    RETURN_DATE: ("local", "Day of the first run after it."),
    GAP_DAYS: ("days", "Days without a run (14 or more)."),
    PRE_BREAK_WEEKLY_M: ("m", "Distance of the 28 days before the break / 4."),
    week_column("<i>", "m"): ("m", "Distance of the i-th 7-day block from the return day (i = 1..3)."),
    week_column("<i>", "pct"): ("%", "The same block / pre_break_weekly_m."),
    WEEKS_OBSERVED: ("", "Blocks that end by the analysis date (or the last run)."),
    PRE_BREAK_WEEKLY_H: ("h", "Running time of the 28 days before the break / 4."),
    BREAK_OTHER_SPORTS_H: ("h", "Other-sport time per week inside the break (its days without a run / 7)."),
    BREAK_OTHER_SPORTS: ("", "Those sports by time, most first ('cycling', 'cycling and swimming'; '' if none)."),
    CROSS_TRAINED: (
        "",
        "break_other_sports_h at least half of pre_break_weekly_h (and above 0): a break from running, not from "
        "training.",
    ),
}
EFFICIENCY_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "A run with heart rate on a moving sample (the index)."),
    EF_M_PER_BEAT: (
        "m/beat",
        "Efficiency factor: mean speed / mean heart rate over moving samples with heart rate; "
        "NaN when hr_coverage_pct is under 50 %.",
    ),
    DECOUPLING_PCT: (
        "%",
        "Aerobic decoupling: first-half against second-half speed:HR (Friel's Pa:HR), halves by moving time; "
        "NaN when either half has heart rate on under 50 % of its moving time.",
    ),
    MOVING_S: ("s", "Moving time: every sample at 1.6 m/s or faster, with or without heart rate, pauses excluded."),
    HR_COVERAGE_PCT: ("%", "Share of the moving time with heart rate recorded."),
    MEAN_TEMPERATURE_C: ("degC", "Mean temperature, where recorded."),
}
HR_HISTOGRAM_COLUMNS: dict[str, tuple[str, str]] = {
    ACTIVITY_ID: ("", "The activity."),
    HEART_RATE_BPM: ("bpm", "A recorded heart rate."),
    SAMPLES: ("", "Samples at that heart rate."),
    MOVING_MIN: ("min", "The time those samples stand for, pauses excluded."),
}
