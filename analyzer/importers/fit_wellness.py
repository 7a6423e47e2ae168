"""Wellness readings in FIT files: sleep, overnight HRV, resting heart rate.

The messages (FIT SDK profile 21.x; ``fit_profile.WELLNESS_MESGS`` for their numbers and
scales) and what is made of them:

* ``sleep_level`` (275): a timestamp and a level (0 unmeasurable, 1 awake, 2 light,
  3 deep, 4 rem). Each message starts a level that lasts until the next message; the
  last message of a night ends it: its level is given no time (the file states no
  end, and a watch writes a level when it changes, so the last one is the wake-up).
  Messages more than NIGHT_GAP_S apart are two nights. Sleep = light + deep + REM;
  awake = the awake time after the first light/deep/REM level; REM is written only
  when the night has a REM level (a watch that cannot tell REM writes none); a night
  with no light, deep or REM level at all (older watches write only 'awake' and leave
  the staging to Garmin Connect) gives no sleep reading, and the note says so.
* ``sleep_assessment`` (346, no timestamp): overall_sleep_score, on the day of the
  file's last night (else the file's creation day).
* ``hrv_status_summary`` (370): last_night_average, weekly_average, the balanced band
  (baseline_balanced_lower/upper) and the status, on the day of its timestamp.
* ``hrv_value`` (371, 5-min rMSSD): a night's average (nights split as for sleep) only
  where no summary of the file gives that day's last_night_average.
* ``monitoring_hr_data`` (211): current_day_resting_heart_rate, the day's last; where
  a day has none, resting_heart_rate, which the profile defines as a 7-day average,
  stands in at the lower origin ORIGIN_FIT_FALLBACK. A reading stamped at exactly local
  midnight closes the day before (a day with no second of data has no resting rate).
* ``user_profile.resting_heart_rate`` (3): a setting, not a measurement: on the file's
  creation day at ORIGIN_FIT_FALLBACK (any measured reading of that day wins; 0, "not
  set", and implausible values are dropped), unless the file measured that day.

The day of a reading is its local date: the night's is the wake-up (its last message).
Local time is the file's own statement: monitoring_info.local_timestamp - timestamp
(monitoring files) or the activity's offset (activity files); a file that states none
is dated by UTC, and the note says so.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .. import columns as C
from ..tables import wellness_frame
from .base import sane_offset
from .fit_profile import HRV_STATUSES, SLEEP_LEVELS, WELLNESS_MESGS

#: Two sleep_level (or hrv_value) messages further apart than this [s] belong to two
#: nights (heavylegs convention: a watch that stages sleep writes a level at least at
#: every change, and no stage lasts 6 h, while two nights are a day apart).
NIGHT_GAP_S = 6 * 3600
#: Resting heart rates outside this range [bpm] are not a reading: 0 is "not set" in
#: user_profile (5 of 16 real activity files here), and a resting heart rate below 25
#: or above 150 is no human's at rest (heavylegs convention: athletes' resting
#: bradycardia reaches the high 20s; resting tachycardia begins at 100).
RESTING_HR_RANGE_BPM = (25.0, 150.0)
#: Scores are 0-100 (FIT profile sleep_assessment).
SCORE_MAX = 100.0
#: The sleep levels that are sleep.
ASLEEP = {"light": C.SLEEP_LIGHT_S, "deep": C.SLEEP_DEEP_S, "rem": C.SLEEP_REM_S}


class _Dater:
    """Local dates of UTC instants at the file's offset (UTC when it states none)."""

    def __init__(self, offset_s: float | None, clock) -> None:
        self.offset_s = offset_s if sane_offset(offset_s) else None
        self.clock = clock

    def utc(self, value) -> pd.Timestamp | None:
        """A FIT timestamp as read (datetime, or a device-relative int) in UTC."""
        return self.clock.utc(value)

    def day(self, when: pd.Timestamp) -> pd.Timestamp:
        local = when.tz_convert("UTC").tz_localize(None) + pd.Timedelta(seconds=self.offset_s or 0)
        return local.normalize()


def monitoring_offset(others: dict[str, list[dict]]) -> float | None:
    """The UTC offset [s] a monitoring file states: monitoring_info.local_timestamp -
    timestamp (the first sane one)."""
    for info in others.get("monitoring_info", []):
        ts, local = info.get("timestamp"), info.get("local_timestamp")
        if isinstance(ts, dt.datetime) and isinstance(local, dt.datetime):
            offset = (local - ts).total_seconds()
            if sane_offset(offset):
                return offset
    return None


#: The messages wellness_readings reads its readings from: the wellness messages of the
#: FIT profile, and user_profile (its resting heart rate setting).
WELLNESS_MESSAGES = (*(name for name, _fields in WELLNESS_MESGS.values()), "user_profile")


def holds_wellness(others: dict[str, list[dict]]) -> bool:
    """Whether the file has any message wellness_readings reads (an activity file
    seldom has: its empty table is then not made)."""
    return any(others.get(name) for name in WELLNESS_MESSAGES)


def wellness_readings(
    others: dict[str, list[dict]], clock, label: str, offset_s: float | None
) -> tuple[pd.DataFrame, list[str]]:
    """The file's wellness readings (tables.wellness_frame, origin fit or fit_fallback)
    and what to say of them: one note part per kind of reading, and why a message gave
    nothing (e.g. a sleep file whose levels are all 'awake')."""
    dater = _Dater(offset_s, clock)
    rows: list[dict] = []
    notes: list[str] = []
    nights = _nights(others.get("sleep_level", []), dater)
    _sleep(nights, dater, rows, notes)
    _sleep_score(others, nights, dater, rows, notes)
    _hrv(others, dater, rows, notes)
    _resting_hr(others, dater, rows, notes)
    for row in rows:
        row[C.WELLNESS_SOURCE] = label
    if rows and dater.offset_s is None:
        notes.append("dated by UTC: the file states no local time")
    table = wellness_frame(rows)
    if len(table):
        table = table.drop_duplicates([C.DATE, C.METRIC, C.ORIGIN], keep="last").reset_index(drop=True)
    return table, notes


def _row(day: pd.Timestamp, metric: str, value=np.nan, text: str = "", origin: str = C.ORIGIN_FIT) -> dict:
    return {C.DATE: day, C.METRIC: metric, C.VALUE: float(value), C.TEXT: text, C.ORIGIN: origin}


def _split(stamped: list[tuple[pd.Timestamp, object]]) -> list[list[tuple[pd.Timestamp, object]]]:
    """(UTC instant, value) pairs in time order, cut where two are more than NIGHT_GAP_S apart."""
    groups: list[list] = []
    for when, value in sorted(stamped, key=lambda p: p[0]):
        if not groups or (when - groups[-1][-1][0]).total_seconds() > NIGHT_GAP_S:
            groups.append([])
        groups[-1].append((when, value))
    return groups


def _nights(messages: list[dict], dater: _Dater) -> list[dict]:
    """Each night of sleep_level messages: its wake-up day and seconds per level."""
    stamped = []
    for m in messages:
        when, level = dater.utc(m.get("timestamp")), SLEEP_LEVELS.get(m.get("sleep_level"))
        if when is not None and level is not None:
            stamped.append((when, level))
    nights = []
    for group in _split(stamped):
        seconds: dict[str, float] = {}
        asleep_yet = False
        for (when, level), (after, _next) in zip(group, group[1:], strict=False):
            asleep_yet = asleep_yet or level in ASLEEP
            if level == "awake" and not asleep_yet:
                continue  # awake before falling asleep is not awake time of the night
            seconds[level] = seconds.get(level, 0.0) + (after - when).total_seconds()
        nights.append({"day": dater.day(group[-1][0]), "seconds": seconds, "messages": len(group)})
    return nights


def _sleep(nights: list[dict], dater: _Dater, rows: list[dict], notes: list[str]) -> None:
    staged = sorted((n for n in nights if _asleep(n) > 0), key=_asleep)
    longest = {}  # day -> its longest night (a nap ends on the same day as a night)
    for night in staged:
        longest[night["day"]] = night
    for day, night in sorted(longest.items()):
        s = night["seconds"]
        rows.append(_row(day, C.SLEEP_S, _asleep(night)))
        rows.append(_row(day, C.SLEEP_DEEP_S, s.get("deep", 0.0)))
        rows.append(_row(day, C.SLEEP_LIGHT_S, s.get("light", 0.0)))
        if "rem" in s:
            rows.append(_row(day, C.SLEEP_REM_S, s["rem"]))
        rows.append(_row(day, C.SLEEP_AWAKE_S, s.get("awake", 0.0)))
    if longest:
        shown = [f"{d:%Y-%m-%d}, {_hours(_asleep(n))} asleep" for d, n in sorted(longest.items())]
        notes.append(f"sleep: {_count(len(shown), 'night')} ({_first(shown, ', ')})")
    unstaged = [n for n in nights if _asleep(n) == 0]
    if unstaged:
        n_msgs = sum(n["messages"] for n in unstaged)
        notes.append(
            f"sleep_level: {_count(n_msgs, 'message')} with no light, deep or REM level "
            "(older watches write only 'awake' and leave the staging to Garmin Connect): no sleep read from them"
        )


def _asleep(night: dict) -> float:
    """Seconds asleep in a night: light + deep + REM."""
    return sum(night["seconds"].get(level, 0.0) for level in ASLEEP)


def _sleep_score(others, nights: list[dict], dater: _Dater, rows: list[dict], notes: list[str]) -> None:
    """sleep_assessment has no timestamp: the file's last night, else its creation day."""
    scores = [a.get("overall_sleep_score") for a in others.get("sleep_assessment", [])]
    scores = [float(v) for v in scores if isinstance(v, (int, float)) and 0 <= v <= SCORE_MAX]
    if not scores:
        return
    day = max(n["day"] for n in nights) if nights else _created_day(others, dater)
    if day is None:
        notes.append("sleep_assessment with no night and no file date: not read")
        return
    rows.append(_row(day, C.SLEEP_SCORE, scores[-1]))
    notes.append(f"sleep score: {scores[-1]:g} ({day:%Y-%m-%d})")


def _created_day(others, dater: _Dater) -> pd.Timestamp | None:
    when = dater.utc((others.get("file_id") or [{}])[0].get("time_created"))
    return dater.day(when) if when is not None else None


def _hrv(others, dater: _Dater, rows: list[dict], notes: list[str]) -> None:
    """hrv_status_summary per day; hrv_value nights where no summary gives the average."""
    summarised: dict[pd.Timestamp, str] = {}
    fields = (
        ("last_night_average", C.HRV_NIGHT_MS),
        ("weekly_average", C.HRV_WEEKLY_MS),
        ("baseline_balanced_lower", C.HRV_BASELINE_LOW_MS),
        ("baseline_balanced_upper", C.HRV_BASELINE_HIGH_MS),
    )
    for summary in others.get("hrv_status_summary", []):
        when = dater.utc(summary.get("timestamp"))
        day = dater.day(when) if when is not None else _created_day(others, dater)
        if day is None:
            continue
        for name, metric in fields:
            value = summary.get(name)
            if isinstance(value, (int, float)) and value > 0:
                rows.append(_row(day, metric, value))
                if metric == C.HRV_NIGHT_MS:
                    summarised[day] = f"{value:.0f} ms"
        status = HRV_STATUSES.get(summary.get("status"))
        if status is not None:
            rows.append(_row(day, C.HRV_STATUS, text=status))
            summarised[day] = ", ".join(filter(None, [summarised.get(day, ""), status]))
    averaged = {}
    stamped = [(dater.utc(v.get("timestamp")), v.get("value")) for v in others.get("hrv_value", [])]
    stamped = [(w, float(x)) for w, x in stamped if w is not None and isinstance(x, (int, float)) and x > 0]
    for night in _split(stamped):
        day = dater.day(night[-1][0])
        if not any(r[C.DATE] == day and r[C.METRIC] == C.HRV_NIGHT_MS for r in rows):
            averaged[day] = float(np.mean([x for _w, x in night]))
            rows.append(_row(day, C.HRV_NIGHT_MS, averaged[day]))
    days = sorted(set(summarised) | set(averaged))
    if days:
        parts = [
            f"{d:%Y-%m-%d}: " + (summarised.get(d) or f"{averaged[d]:.0f} ms, the mean of its 5-min values")
            for d in days
        ]
        notes.append(f"HRV: {_count(len(days), 'night')} ({_first(parts, '; ')})")


def _plausible_hr(value) -> bool:
    low, high = RESTING_HR_RANGE_BPM
    return isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high


def _resting_hr(others, dater: _Dater, rows: list[dict], notes: list[str]) -> None:
    """monitoring_hr_data: the day's current_day_resting_heart_rate (its last), else the
    7-day resting_heart_rate at the fallback origin; user_profile's setting likewise."""
    day_value: dict[pd.Timestamp, float] = {}
    week_value: dict[pd.Timestamp, float] = {}
    stamped = [(dater.utc(m.get("timestamp")), m) for m in others.get("monitoring_hr_data", [])]
    for when, m in sorted(((w, m) for w, m in stamped if w is not None), key=lambda p: p[0]):
        day = dater.day(when - pd.Timedelta(seconds=1))  # exactly midnight closes the day before
        if _plausible_hr(m.get("current_day_resting_heart_rate")):
            day_value[day] = float(m["current_day_resting_heart_rate"])
        if _plausible_hr(m.get("resting_heart_rate")):
            week_value[day] = float(m["resting_heart_rate"])
    for day, value in day_value.items():
        rows.append(_row(day, C.RESTING_HR_BPM, value))
    stand_ins = {d: v for d, v in week_value.items() if d not in day_value}
    for day, value in stand_ins.items():
        rows.append(_row(day, C.RESTING_HR_BPM, value, origin=C.ORIGIN_FIT_FALLBACK))
    if day_value or stand_ins:
        shown = [f"{d:%Y-%m-%d}: {v:.0f} bpm" for d, v in sorted({**stand_ins, **day_value}.items())]
        notes.append(
            f"resting heart rate: {_count(len(shown), 'day')} ({_first(shown, ', ')})"
            + (f", {len(stand_ins)} of them the watch's 7-day average" if stand_ins else "")
        )
    setting = [p.get("resting_heart_rate") for p in others.get("user_profile", [])]
    setting = [float(v) for v in setting if _plausible_hr(v)]
    day = _created_day(others, dater)
    if setting and day is not None and day not in day_value:
        rows.append(_row(day, C.RESTING_HR_BPM, setting[-1], origin=C.ORIGIN_FIT_FALLBACK))
        notes.append(f"resting heart rate setting of the user profile: {setting[-1]:.0f} bpm ({day:%Y-%m-%d})")


#: A note names at most this many days, then '...'.
NOTE_DAYS = 3


def _first(parts: list[str], sep: str) -> str:
    return sep.join(parts[:NOTE_DAYS]) + (sep + "..." if len(parts) > NOTE_DAYS else "")


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def _hours(seconds: float) -> str:
    minutes = int(round(seconds / 60))
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"
