"""A FIT file's sessions: when each starts and ends, and which records belong to it,
and the runner's ratings of each (workout_feel, workout_rpe).

A session's end is its start plus its elapsed time (``total_elapsed_time``): the
session message's own timestamp is when it was written, which some devices write long
after (the next session's start, the download) or, after a clock jump, days later. A
record belongs to the last session that started at or before it, up to
SESSION_TAIL_S after that session's end.

A clock that jumps inside a session (an older watch setting its clock from GPS
mid-run) leaves the records after the jump days away from the run: a forward step
between two records longer than the whole session is such a jump, and the records
after it are moved back to follow on, with a note.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C
from .fit_profile import RATING_RAW_MAX, RPE_SCALE, SESSION_FEEL, SESSION_RPE

#: Records this long [s] after a session's end still belong to it (devices write the
#: last record a moment after the session's timestamp).
SESSION_TAIL_S = 60.0
#: Records closer together than this [s] are one continuous recording (heavylegs
#: convention: Garmin's smart recording writes a record at least every ~8 s while moving).
CONTINUOUS_GAP_S = 10.0
#: A timer time longer than the elapsed time by more than this [s] cannot be a
#: rounding difference (devices round each to whole seconds or milliseconds).
ELAPSED_SLACK_S = 1.0


def _fnum(value) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else float("nan")


def _rating(s: dict, field: tuple[int, str]) -> float:
    """A session's rating field (fit_profile.SESSION_FEEL / SESSION_RPE) as it is in the
    file, 0-100; NaN when absent, invalid (fitparse gives None for 0xFF) or out of range.
    fitparse 1.2 names the field unknown_<number>; a later profile names it."""
    number, name = field
    value = _fnum(s.get(name, s.get(f"unknown_{number}")))
    return value if 0 <= value <= RATING_RAW_MAX else float("nan")


def session_spans(sessions, samples: pd.DataFrame | tuple, clock, others) -> list[dict]:
    """Start, end, elapsed and timer time, distance, sport and notes per session, in
    time order. A file without sessions (a watch that died mid-run) becomes one span
    over its records (``samples``; an empty tuple: none given)."""
    spans = []
    for s in sessions:
        start = clock.utc(s.get("start_time")) or clock.utc(s.get("timestamp"))
        if start is None:
            continue
        spans.append(_span(s, start, clock))
    if not spans and len(samples):
        spans.append(_span_from_records(samples, others))
    spans.sort(key=lambda s: s["start"])
    return spans


def _span(s: dict, start: pd.Timestamp, clock) -> dict:
    """One session message as a span. Elapsed time is the session's total_elapsed_time;
    without it, the time to the session's timestamp, else its timer time. An elapsed
    time shorter than the timer time cannot be (the timer stops, the clock does not):
    the timer time is used and the note says so."""
    elapsed, timer = _fnum(s.get("total_elapsed_time")), _fnum(s.get("total_timer_time"))
    notes = []
    if not np.isfinite(elapsed):
        written = clock.utc(s.get("timestamp"))
        elapsed = (written - start).total_seconds() if written is not None and written > start else timer
        elapsed = elapsed if np.isfinite(elapsed) else 0.0
    elif np.isfinite(timer) and timer > elapsed + ELAPSED_SLACK_S:
        notes.append(
            f"session elapsed time ({elapsed:.0f} s) is shorter than its timer time ({timer:.0f} s), "
            "which cannot be: the timer time is used"
        )
        elapsed = timer
    sport, sub = s.get("sport"), s.get("sub_sport")
    return {
        "written": clock.utc(s.get("timestamp")),
        "start": start,
        "end": start + pd.Timedelta(seconds=elapsed),
        "elapsed": elapsed,
        "timer": timer,
        "distance": _fnum(s.get("total_distance")),
        "sport": str(sport) if sport is not None else "",
        "sub_sport": str(sub) if sub is not None and sub != "generic" else "",
        "feel": _rating(s, SESSION_FEEL),
        "rpe": _rating(s, SESSION_RPE) / RPE_SCALE,
        "notes": notes,
    }


def _span_from_records(samples: pd.DataFrame, others) -> dict:
    """No session (a watch that died mid-run, a truncated file): one span over the
    records; the sport message, else the laps written so far say what it was."""
    sport_msg = (others.get("sport") or [{}])[0]
    if sport_msg.get("sport") is None:
        laps = others.get("lap", [])
        lap_sports = [lap.get("sport") for lap in laps if lap.get("sport") is not None]
        if lap_sports:
            subs = (lap.get("sub_sport") for lap in laps if lap.get("sub_sport") not in (None, "generic"))
            sport_msg = {"sport": max(set(lap_sports), key=lap_sports.count), "sub_sport": next(subs, "")}
    sport = sport_msg.get("sport")
    start, end = samples[C.TIMESTAMP].min(), samples[C.TIMESTAMP].max()
    return {
        "written": None,
        "start": start,
        "end": end,
        "elapsed": (end - start).total_seconds(),
        "timer": float("nan"),
        "distance": float("nan"),
        "sport": str(sport) if sport is not None else "",
        "sub_sport": str(sport_msg.get("sub_sport") or ""),
        "feel": float("nan"),  # the ratings are session fields
        "rpe": float("nan"),
        "notes": [],
    }


def rebase_clock_jumps(samples: pd.DataFrame, spans: list[dict]) -> pd.DataFrame:
    """``samples`` (in file order) with the records after each clock jump moved back to
    follow on (rebase_ns); each span whose records jumped gets a note."""
    if len(samples) < 2 or not spans:
        return samples
    ns = samples[C.TIMESTAMP].dt.as_unit("ns").astype("int64").to_numpy()
    moved = rebase_ns(ns, spans)
    if moved is ns:
        return samples
    return samples.assign(**{C.TIMESTAMP: pd.to_datetime(moved, utc=True).as_unit("ns")})


def rebase_ns(ns: np.ndarray, spans: list[dict]) -> np.ndarray:
    """The record times ``ns`` [ns since the Unix epoch, in file order] with the records
    after each clock jump moved back to follow on (``ns`` itself when nothing moved);
    each span whose records jumped gets a note. A jump: a forward step between
    consecutive records longer than the elapsed time of the session the first record
    belongs to, with no session starting in between."""
    if len(ns) < 2 or not spans:
        return ns
    starts = np.array([s["start"].value for s in spans])
    step = np.diff(ns)
    moved = None
    usual = None  # the usual step, made when a jump is found
    # Only a step longer than the shortest session can be a jump: a step is unchanged
    # by the moves before it (they move both of its records), so these are all the
    # candidates (checking every step in Python cost ~15 ms for a one-hour run).
    elapsed = [s["elapsed"] for s in spans]
    shortest_ns = min(elapsed) * 1e9 if np.isfinite(elapsed).all() else 0.0
    for k in np.flatnonzero((step > 0) & (step > shortest_ns)) + 1:
        cur = ns if moved is None else moved  # the times as moved so far
        gap = cur[k] - cur[k - 1]
        owner = max(int(np.searchsorted(starts, cur[k - 1], side="right")) - 1, 0)
        next_start = starts[owner + 1] if owner + 1 < len(starts) else None
        if gap <= spans[owner]["elapsed"] * 1e9 or (next_start is not None and next_start <= cur[k]):
            continue
        if usual is None:
            usual = int(np.median(step[step > 0]))  # there is one: this jump
        shift = gap - usual
        if moved is None:
            moved = ns.copy()
        moved[k:] -= shift
        spans[owner]["notes"].append(
            f"the watch's clock jumped {_days(gap / 1e9)} forward after {k} records: the {len(ns) - k} records "
            f"after the jump were moved back {shift / 1e9:.0f} s to follow on"
        )
    return ns if moved is None else moved


def extend_to_records(samples: pd.DataFrame, spans: list[dict]) -> None:
    """extend_ns for a sample frame."""
    if len(samples):
        extend_ns(samples[C.TIMESTAMP].dt.as_unit("ns").astype("int64").to_numpy(), spans)


def extend_ns(ns: np.ndarray, spans: list[dict]) -> None:
    """Lengthen a session whose records (times ``ns`` [ns since the Unix epoch]) run on
    without a break past its elapsed time up to the session message's own timestamp (a
    file whose totals miss the last lap): its end becomes the last of those records, and
    the note says so."""
    if not len(ns):
        return
    ns = np.sort(ns)
    for i, span in enumerate(spans):
        written, end = span["written"], span["end"]
        if written is None or written.value <= end.value + SESSION_TAIL_S * 1e9:
            continue
        stop = min(written.value, spans[i + 1]["start"].value if i + 1 < len(spans) else written.value)
        after = ns[(ns > end.value - CONTINUOUS_GAP_S * 1e9) & (ns <= stop)]
        if len(after) < 2 or np.diff(after).max() > CONTINUOUS_GAP_S * 1e9 or after[-1] < stop - CONTINUOUS_GAP_S * 1e9:
            continue
        elapsed = (after[-1] - span["start"].value) / 1e9
        span["notes"].append(
            f"session totals end at {span['elapsed']:.0f} s but its records run on without a break to "
            f"{elapsed:.0f} s, the session's own end: the totals miss the last lap, the records' span is used"
        )
        # The records run without a break: the timer ran on as long.
        span["timer"] += elapsed - span["elapsed"]
        span["elapsed"], span["end"] = elapsed, pd.Timestamp(after[-1], tz="UTC")


def _days(seconds: float) -> str:
    return f"{seconds / 86400:.1f} days" if seconds >= 86400 else f"{seconds / 3600:.1f} h"


def session_of(samples: pd.DataFrame, spans: list[dict]) -> np.ndarray:
    """session_of_ns for a sample frame."""
    ns = samples[C.TIMESTAMP].dt.as_unit("ns").astype("int64").to_numpy() if len(samples) else np.array([], "int64")
    return session_of_ns(ns, spans)


def session_of_ns(ns: np.ndarray, spans: list[dict]) -> np.ndarray:
    """The index of the span each sample (time ``ns`` [ns since the Unix epoch]) belongs
    to, -1 for none (SESSION_TAIL_S past its session's end, or before the first session
    by more than a moment)."""
    starts = np.array([s["start"].value for s in spans])
    owner = np.searchsorted(starts, ns, side="right") - 1
    owner[owner < 0] = 0  # a record written a moment before the first session starts
    limits = np.array([(s["end"] + pd.Timedelta(seconds=SESSION_TAIL_S)).value for s in spans])
    if len(owner):
        owner[ns > limits[owner]] = -1
    return owner
