"""Training-load features: weekly volume and its jumps, acute:chronic workload ratios,
long-run spikes, comebacks after a break, monotony and strain, efficiency and
aerobic decoupling, strength sessions, other sports.

Pure functions over the activity (and sample) tables: frames in, new frames out.
Mileage is runs only (``is_run``: road, trail, treadmill, track); rides, swims, rowing,
strength and other sessions are the other sports' load beside it (other.py), and a
break from running filled with them is said so (breaks.py). Days and weeks are the runner's local calendar (``start_local``); weeks
start on Monday. Distances in m, durations in s.

common.py         runs_only, up_to (activities up to a date), week_start, moving_dt
volume.py         daily_load, weekly_volume, run_progression (Nielsen 2014)
acute_chronic.py  acwr: rolling, EWMA and uncoupled ratios (Gabbett, Williams, Lolli)
spikes.py         long_run_spikes (Frandsen 2025)
breaks.py         comebacks after a break, and the other training inside it
other.py          other sports: is_other_sport, other_sports_weekly (hours, TRIMP)
intensity.py      weekly_monotony (Foster), hr_histogram, trimp (Banister)
aerobic.py        efficiency: efficiency factor and aerobic decoupling (Friel)
strength.py       is_strength, strength_sessions
weekly.py         weekly_table (the report's weekly.csv)

Every public name is importable from this package (``load.X``), as when it was one
module; each threshold is defined, with its source, in the module that uses it.
"""

from __future__ import annotations

from .acute_chronic import (
    ACUTE_DAYS,
    ACWR_DANGER,
    ACWR_SWEET_SPOT,
    CHRONIC_DAYS,
    EWMA_ACUTE_LAMBDA,
    EWMA_CHRONIC_LAMBDA,
    WINDOW_GAP_DAYS,
    acwr,
)
from .aerobic import DECOUPLING_LIMIT_PCT, HR_MIN_COVERAGE_PCT, MOVING_SPEED_M_S, efficiency
from .breaks import BREAK_DAYS, BREAK_SOURCE, COMEBACK_WEEKS, CROSS_TRAINING_SHARE, CROSS_TRAINING_SOURCE, comebacks
from .common import PAUSE_S, runs_only, week_start
from .intensity import (
    DEFAULT_HR_REST,
    MONOTONY_CRITICAL,
    MONOTONY_WARN,
    TRIMP_COEFFICIENTS,
    hr_histogram,
    hr_max_of,
    trimp,
    weekly_monotony,
)
from .other import NOT_OTHER_SPORTS, is_other_sport, other_sports, other_sports_weekly, sport_word, sports_named
from .spikes import SPIKE_BANDS, SPIKE_SOURCE, SPIKE_WINDOW_DAYS, long_run_spikes
from .strength import STRENGTH_SPORTS, STRENGTH_SUB_SPORTS, is_strength, strength_sessions
from .volume import PROGRESSION_LIMIT_PCT, daily_load, run_progression, weekly_volume
from .weekly import weekly_table

__all__ = [
    "ACUTE_DAYS",
    "ACWR_DANGER",
    "ACWR_SWEET_SPOT",
    "BREAK_DAYS",
    "BREAK_SOURCE",
    "CHRONIC_DAYS",
    "COMEBACK_WEEKS",
    "CROSS_TRAINING_SHARE",
    "CROSS_TRAINING_SOURCE",
    "DECOUPLING_LIMIT_PCT",
    "DEFAULT_HR_REST",
    "HR_MIN_COVERAGE_PCT",
    "EWMA_ACUTE_LAMBDA",
    "EWMA_CHRONIC_LAMBDA",
    "MONOTONY_CRITICAL",
    "MONOTONY_WARN",
    "MOVING_SPEED_M_S",
    "NOT_OTHER_SPORTS",
    "PAUSE_S",
    "PROGRESSION_LIMIT_PCT",
    "SPIKE_BANDS",
    "SPIKE_SOURCE",
    "SPIKE_WINDOW_DAYS",
    "STRENGTH_SPORTS",
    "STRENGTH_SUB_SPORTS",
    "TRIMP_COEFFICIENTS",
    "WINDOW_GAP_DAYS",
    "acwr",
    "comebacks",
    "daily_load",
    "efficiency",
    "hr_histogram",
    "hr_max_of",
    "is_other_sport",
    "is_strength",
    "long_run_spikes",
    "other_sports",
    "other_sports_weekly",
    "run_progression",
    "runs_only",
    "sport_word",
    "sports_named",
    "strength_sessions",
    "trimp",
    "week_start",
    "weekly_monotony",
    "weekly_table",
    "weekly_volume",
]
