"""Generate heavylegs' demo season: one runner, 24 weeks, known stories.

Deterministic: the season plan comes from ``np.random.default_rng(SEED)`` and every
activity's samples from its own generator seeded with ``[SEED, activity number]``, so
any file can be regenerated alone and re-running reproduces byte-identical files.

Usage::

    python sample_data/generate.py                  # rewrite sample_data/ in place
    python sample_data/generate.py --out DIR        # write the season elsewhere
    python sample_data/generate.py --out DIR --only NAME ...   # only these activity files

Needs ``fit-tool`` (``pip install -e '.[generate]'``) to write FIT files; nothing in
heavylegs imports this script. See README.md (written by this script) for the stories.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate_wellness  # noqa: E402 - beside this script, not a package

SEED = 20260511
#: Monday of the first week; the season has WEEKS weeks (Monday to Sunday).
SEASON_START = dt.date(2026, 5, 11)
WEEKS = 24
TZ = ZoneInfo("Europe/Zurich")
#: The town the loops go round (Zurich).
TOWN = (47.3720, 8.5300)
EARTH_RADIUS_M = 6_371_008.8
M_PER_DEG_LAT = math.pi * EARTH_RADIUS_M / 180.0
#: Garmin Forerunner 955 (FIT garmin_product 4024) and a fixed serial number.
FR955 = 4024
SERIAL = 3_345_678_901
SOFTWARE_VERSION = 19.18

# --- the planted stories (week numbers count from 0 = SEASON_START) ---------------
BASE_WEEKS = range(0, 8)  # story 1: stable form
BIG_WEEK = 9  # story 2: > 30 % more distance than week 8
SPIKE_WEEK = 14  # story 3: one long run > 30 % longer than any in the 30 days before
HOT_WEEK = 12  # story 6: hot long run with cardiac drift (Saturday, midday)
STRENGTH_WEEKS = (17, 18)  # story 7: three strength sessions in each
DRIFT_START = dt.date(2026, 9, 21)  # story 5: form drifts from here to the end
DRIFT_END = dt.date(2026, 10, 25)
GPX_ONLY_WEEKS = (2, 7, 11, 16)  # one easy run a week exported as GPX only (Thursday)
DUPLICATE_WEEK = 5  # the Tuesday workout is there as FIT and as GPX
SHOE_A_CROSS_WEEK = 20  # story 4: shoe A passes 805 km on this week's long run
SHOE_B_FIRST_USED = dt.date(2026, 10, 6)
SHOE_A = "Nike Pegasus 40 (blue)"
SHOE_A_FIRST_USED = dt.date(2026, 6, 29)
SHOE_B = "ASICS Novablast 5"
SHOE_OLD = "Brooks Ghost 14"  # the pair before A: retired before it could pass 805 km
SHOE_OLD_FIRST_USED = dt.date(2025, 9, 1)
SHOE_OLD_RETIRED = dt.date(2026, 6, 28)
SHOE_OLD_INITIAL_KM = 400
#: story 8: a week of short nights (wake-up dates) with suppressed overnight HRV, a
#: raised resting heart rate and runs rated "weak", at the usual load
SHORT_NIGHTS = (dt.date(2026, 8, 31), dt.date(2026, 9, 6))
#: Runs the runner rated "weak" (feel 25) besides those of the short-nights week: the
#: days after the other stories' hardest moments (their own heavy-legs days).
WEAK_DAYS = (
    dt.date(2026, 7, 19),  # end of the big week
    dt.date(2026, 8, 8),  # the hot long run
    dt.date(2026, 8, 23),  # the long-run spike
    dt.date(2026, 9, 15),  # strength block, the morning after a session
    dt.date(2026, 10, 24),  # form drift, worn shoes
    dt.date(2026, 10, 25),
)

#: Long-run distance per week [km].
LONG_KM = [13, 14, 14, 15, 15, 16, 15, 16, 16, 18, 16, 17, 16.5, 17, 27, 16, 18, 17, 18, 18, 19, 18, 18, 17]
#: Runs per week: 4 and 5 in turn (Tue workout, Thu easy, Sat long, Sun easy; 5: + Wed easy).
RUNS_PER_WEEK = [4 if w % 2 == 0 else 5 for w in range(WEEKS)]
RUNS_PER_WEEK[BIG_WEEK] = 5
RUNS_PER_WEEK[BIG_WEEK - 1] = 4
RUNS_PER_WEEK[SPIKE_WEEK] = 4
RUNS_PER_WEEK[SPIKE_WEEK - 1] = 5

EASY_SPEED = 2.90  # m/s (5:45 /km)
LONG_SPEED = 2.85
MILE_KM = 1.609344
SHOE_LIMIT_KM = 805.0  # 500 miles


@dataclass
class Activity:
    """One planned activity and, once generated, its summary."""

    number: int
    file: str
    kind: str  # easy, long, intervals, tempo, strength
    start_local: str  # ISO, naive local (Europe/Zurich)
    start_utc: str  # ISO with Z
    utc_offset_s: int
    sport: str
    sub_sport: str
    formats: list[str]  # ["fit"], ["gpx"] or ["fit", "gpx"] (the planted duplicate)
    duration_s: int
    interval_s: int  # recording interval
    loop: int = 0
    target_km: float = 0.0
    story: list[str] = field(default_factory=list)
    hot: bool = False
    feel: int = -1  # Garmin's "How did you feel?" 0-100 (FIT session field 192); -1 not asked
    rpe: int = -1  # perceived effort 1-10 (written x 10 in field 193); -1 not asked
    # filled in by generation:
    distance_m: float = 0.0
    records: int = 0


# --- the loops round the town -------------------------------------------------------


@dataclass(frozen=True)
class Loop:
    name: str
    center: tuple[float, float]
    radius_m: float
    base_alt: float
    hills: tuple[tuple[float, int, float], ...]  # (amplitude m, harmonic, phase)
    wobble: tuple[float, float]


LOOPS = (
    Loop("lake loop", (47.3600, 8.5450), 850.0, 408.0, ((6.0, 1, 0.3), (3.0, 3, 1.0)), (0.7, 2.1)),
    Loop("Zurichberg loop", (47.3800, 8.5550), 1150.0, 520.0, ((35.0, 1, 1.2), (12.0, 2, 0.4)), (1.3, 0.2)),
    Loop("Uetliberg trail loop", (47.3550, 8.5000), 1450.0, 650.0, ((60.0, 1, 2.0), (20.0, 3, 0.7)), (2.6, 1.4)),
)


def _loop_geometry(loop: Loop):
    theta = np.linspace(0.0, 2 * math.pi, 2001)
    r = loop.radius_m * (1 + 0.16 * np.sin(3 * theta + loop.wobble[0]) + 0.06 * np.sin(5 * theta + loop.wobble[1]))
    x, y = r * np.cos(theta), r * np.sin(theta)
    seg = np.hypot(np.diff(x), np.diff(y))
    s = np.concatenate([[0.0], np.cumsum(seg)])
    return s, x, y


_GEOMETRY = [_loop_geometry(loop) for loop in LOOPS]


def loop_length(i: int) -> float:
    return float(_GEOMETRY[i][0][-1])


def position(i: int, dist: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitude, longitude [deg] and altitude [m] at ``dist`` metres along loop ``i``."""
    s, x, y = _GEOMETRY[i]
    loop = LOOPS[i]
    d = np.mod(dist, s[-1])
    px, py = np.interp(d, s, x), np.interp(d, s, y)
    lat = loop.center[0] + py / M_PER_DEG_LAT
    lon = loop.center[1] + px / (M_PER_DEG_LAT * math.cos(math.radians(loop.center[0])))
    phase = 2 * math.pi * d / s[-1]
    alt = loop.base_alt + sum(a * np.sin(k * phase + p) for a, k, p in loop.hills)
    return lat, lon, alt


def grade(i: int, dist: float) -> float:
    loop = LOOPS[i]
    length = loop_length(i)
    phase = 2 * math.pi * (dist % length) / length
    return sum(a * k * math.cos(k * phase + p) for a, k, p in loop.hills) * 2 * math.pi / length


# --- the plan ------------------------------------------------------------------------


def season_temperature(day: dt.date, midday: bool) -> float:
    """Typical temperature [degC] on a Zurich morning (or midday) of that date."""
    doy = day.timetuple().tm_yday
    base = 13.0 + 8.0 * math.sin(2 * math.pi * (doy - 115) / 365.0)
    return base + (6.0 if midday else 0.0)


def drift(day: dt.date) -> float:
    """Story 5: 0 until DRIFT_START, rising linearly to 1 on DRIFT_END."""
    return float(np.clip((day - DRIFT_START).days / (DRIFT_END - DRIFT_START).days, 0.0, 1.0))


def _local(day: dt.date, hh: int, mm: int) -> tuple[dt.datetime, dt.datetime, int]:
    local = dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)
    utc = local.astimezone(dt.UTC)
    return local.replace(tzinfo=None), utc.replace(tzinfo=None), int(local.utcoffset().total_seconds())


def plan_season() -> list[Activity]:
    rng = np.random.default_rng(SEED)
    acts: list[Activity] = []

    def add(day, hh, mm, kind, minutes, *, loop=0, km=0.0, story=(), formats=("fit",), sub="", hot=False, ivl=1):
        local, utc, offset = _local(day, hh, mm)
        sport = "training" if kind == "strength" else "running"
        if kind == "strength":
            sub = "strength_training"
        ext = "gpx" if formats == ("gpx",) else "fit"
        name = f"activities/{local:%Y-%m-%d_%H%M}_{kind}.{ext}"
        acts.append(
            Activity(
                number=len(acts),
                file=name,
                kind=kind,
                start_local=local.isoformat(),
                start_utc=utc.isoformat() + "Z",
                utc_offset_s=offset,
                sport=sport,
                sub_sport=sub or "generic",
                formats=list(formats),
                duration_s=int(round(minutes * 60)),
                interval_s=ivl,
                loop=loop,
                target_km=km,
                story=list(story),
                hot=hot,
            )
        )

    for w in range(WEEKS):
        monday = SEASON_START + dt.timedelta(weeks=w)
        day = [monday + dt.timedelta(days=d) for d in range(7)]
        base = ["base"] if w in BASE_WEEKS else []
        tags = base + (["big-week"] if w == BIG_WEEK else []) + (["spike-week"] if w == SPIKE_WEEK else [])
        tags += ["form-drift"] if day[0] >= DRIFT_START else []
        n = RUNS_PER_WEEK[w]
        easy_min = 60.0 if w == BIG_WEEK else (32.0 if w == SPIKE_WEEK else 40.0)

        def easy_minutes(easy_min=easy_min):
            return easy_min + float(rng.uniform(-2.5, 2.5))

        # strength: Monday evening every other week in the first half; three a week in the block
        if w in STRENGTH_WEEKS:
            for d in (0, 2, 4):
                add(day[d], 18, 30, "strength", 45 + float(rng.uniform(-3, 3)), story=["strength-block"], ivl=5)
        elif w % 2 == 0 and w < 16:
            add(day[0], 18, 30, "strength", 45 + float(rng.uniform(-3, 3)), ivl=5)
        workout = "intervals" if w % 2 == 0 else "tempo"
        fmt = ("fit", "gpx") if w == DUPLICATE_WEEK else ("fit",)
        add(day[1], 7, 0, workout, 0, loop=0, story=tags + (["duplicate"] if w == DUPLICATE_WEEK else []), formats=fmt)
        if n == 5 or w == SPIKE_WEEK:
            add(day[2], 7, 5, "easy", easy_minutes(), loop=1, story=tags)
        thu_fmt = ("gpx",) if w in GPX_ONLY_WEEKS else ("fit",)
        add(
            day[3],
            18,
            45,
            "easy",
            easy_minutes(),
            loop=0,
            story=tags,
            formats=thu_fmt,
            ivl=2 if w in GPX_ONLY_WEEKS else 1,
        )
        long_day = 6 if w == SPIKE_WEEK else 5
        hot = w == HOT_WEEK
        speed = 2.72 if hot else LONG_SPEED
        long_tags = tags + (["long-run-spike"] if w == SPIKE_WEEK else []) + (["hot-long-run"] if hot else [])
        trail = w in (6, 11, 16, 21)
        add(
            day[long_day],
            13 if hot else 8,
            30 if hot else 0,
            "long",
            LONG_KM[w] * 1000 / speed / 60,
            loop=2 if trail else 1,
            km=LONG_KM[w],
            story=long_tags,
            sub="trail" if trail else "",
            hot=hot,
            ivl=2,
        )
        if w != SPIKE_WEEK:
            add(day[6], 9, 0, "easy", easy_minutes(), loop=0, story=tags)
    for a in acts:
        if a.kind == "intervals":
            a.duration_s = 55 * 60
        elif a.kind == "tempo":
            a.duration_s = 47 * 60
        rate(a)
    return acts


#: Perceived effort of each kind of run on a normal day (Borg CR10).
USUAL_RPE = {"easy": 3, "long": 5, "tempo": 6, "intervals": 7}


def rate(a: Activity) -> None:
    """The runner's answers after a FIT run: 'strong' (75) or 'normal' (50) in turn, and
    the kind's usual effort; 'weak' (25) and two points more effort on the heavy days
    (the short-nights week, WEAK_DAYS). GPX runs and strength sessions are not rated."""
    if a.sport != "running" or "fit" not in a.formats:
        return
    day = dt.date.fromisoformat(a.start_local[:10])
    heavy = SHORT_NIGHTS[0] <= day <= SHORT_NIGHTS[1] or day in WEAK_DAYS
    a.feel = 25 if heavy else (75 if a.number % 3 == 0 else 50)
    a.rpe = USUAL_RPE[a.kind] + (2 if heavy else 0)
    if heavy:
        a.story.append("rated-weak")


# --- sample simulation ---------------------------------------------------------------


def _target_speed(kind: str, t: np.ndarray, base: float, long_speed: float) -> np.ndarray:
    v = np.full(t.shape, base)
    if kind == "intervals":
        wu = 15 * 60
        for rep in range(6):
            start = wu + rep * 300
            v[(t >= start) & (t < start + 180)] = 4.30
            v[(t >= start + 180) & (t < start + 300)] = 2.60
        v[t >= wu + 6 * 300] = 2.80
    elif kind == "tempo":
        v[(t >= 15 * 60) & (t < 35 * 60)] = 3.55
        v[t >= 35 * 60] = 2.80
    elif kind == "long":
        v[:] = long_speed
    return v


def simulate_run(a: Activity, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """1 Hz samples of one run, then kept at the recording interval."""
    n = a.duration_s + 1
    t = np.arange(n, dtype=float)
    day = dt.date.fromisoformat(a.start_local[:10])
    f = drift(day)
    run_speed = EASY_SPEED + float(rng.normal(0, 0.04))
    target = _target_speed(a.kind, t, run_speed, LONG_SPEED if not a.hot else 2.72)
    # temperature: season + run-to-run noise, warming a little during the run
    if a.hot:
        temp0 = 28.0 + float(rng.uniform(0, 0.5))
    else:
        temp0 = float(np.clip(season_temperature(day, False) + rng.normal(0, 1.5), 3.0, 21.0))
    temp = temp0 + 1.2 * t / 3600.0
    drift_per_h = 0.012 + 0.012 * max(0.0, temp0 - 20.0)

    v = np.empty(n)
    dist = np.empty(n)
    g = np.empty(n)
    noise = rng.normal(0, 0.035, n)
    speed, s, ar = 1.6, 0.0, 0.0
    for i in range(n):
        gi = grade(a.loop, s)
        ar = 0.97 * ar + noise[i]
        desired = target[i] * (1.0 - 2.5 * gi) + ar
        speed += (desired - speed) / 5.0
        speed = max(speed, 0.8)
        v[i], dist[i], g[i] = speed, s, gi
        s += speed
    lat, lon, alt = position(a.loop, dist)

    # heart rate: steady state from effort, first-order lag, cardiac drift with heat and time
    effort = v * (1.0 + 4.0 * g)
    hr_ss = (55.0 + 28.0 * effort) * (1.0 + drift_per_h * t / 3600.0)
    hr = np.empty(n)
    h = 92.0
    for i in range(n):
        h += (hr_ss[i] - h) / 22.0
        hr[i] = h
    hr = np.clip(hr + rng.normal(0, 1.2, n), 60, 200)

    # running dynamics (story 5: f > 0 late in the season, at the same speed)
    spm = 164.0 + 10.0 * (v - 2.9) - 8.0 * f + rng.normal(0, 1.2, n)
    spm = np.round(np.clip(spm, 140, 200))
    gct = 300.0 - 25.0 * (v - 2.5) + 24.0 * f + rng.normal(0, 5.0, n)
    vo = 84.0 + 5.0 * (v - 2.9) + 10.0 * f + rng.normal(0, 2.0, n)
    step = v * 60.0 / spm * 1000.0
    ratio = vo / step * 100.0
    balance = 49.6 + rng.normal(0, 0.5, n)

    keep = slice(None, None, a.interval_s)
    return {
        "t": t[keep],
        "lat": lat[keep],
        "lon": lon[keep],
        "alt": alt[keep],
        "dist": dist[keep],
        "speed": v[keep],
        "hr": np.round(hr[keep]),
        "spm": spm[keep],
        "gct": np.round(gct[keep], 1),
        "vo": np.round(vo[keep], 1),
        "step": np.round(step[keep], 1),
        "ratio": np.round(ratio[keep], 2),
        "balance": np.round(balance[keep], 2),
        "temp": np.round(temp[keep]),
    }


def simulate_strength(a: Activity, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Heart rate only: sets of ~45 s work and ~90 s rest."""
    n = a.duration_s + 1
    t = np.arange(n, dtype=float)
    work = np.zeros(n, dtype=bool)
    cursor = 300.0  # 5 min warm-up
    while cursor < n - 120:
        length = float(rng.uniform(35, 55))
        work[(t >= cursor) & (t < cursor + length)] = True
        cursor += length + float(rng.uniform(75, 110))
    target = np.where(work, 138.0, 98.0)
    hr = np.empty(n)
    h = 80.0
    for i in range(n):
        h += (target[i] - h) / 18.0
        hr[i] = h
    hr = np.round(np.clip(hr + rng.normal(0, 1.5, n), 55, 190))
    keep = slice(None, None, a.interval_s)
    return {"t": t[keep], "hr": hr[keep]}


# --- writers -------------------------------------------------------------------------

FIT_EPOCH_S = 631_065_600  # 1989-12-31T00:00:00Z in Unix seconds


def _unix_ms(iso_utc: str, plus_s: float = 0.0) -> int:
    start = dt.datetime.fromisoformat(iso_utc.replace("Z", "+00:00"))
    return int(round((start.timestamp() + plus_s) * 1000))


def write_fit(a: Activity, data: dict[str, np.ndarray], path: Path) -> None:
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.activity_message import ActivityMessage
    from fit_tool.profile.messages.device_info_message import DeviceInfoMessage
    from fit_tool.profile.messages.event_message import EventMessage
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.lap_message import LapMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.profile_type import (
        Activity as FitActivity,
    )
    from fit_tool.profile.profile_type import (
        Event,
        EventType,
        FileType,
        LapTrigger,
        Manufacturer,
        SessionTrigger,
        Sport,
        SubSport,
    )

    run = a.sport == "running"
    sport = Sport.RUNNING if run else Sport.TRAINING
    sub = {"generic": SubSport.GENERIC, "trail": SubSport.TRAIL, "strength_training": SubSport.STRENGTH_TRAINING}[
        a.sub_sport
    ]
    t0 = _unix_ms(a.start_utc)
    t = data["t"]
    end = t0 + int(t[-1]) * 1000
    builder = FitFileBuilder(auto_define=True, min_string_size=0)

    fid = FileIdMessage()
    fid.type = FileType.ACTIVITY
    fid.manufacturer = Manufacturer.GARMIN.value
    fid.product = FR955
    fid.serial_number = SERIAL
    fid.time_created = t0
    builder.add(fid)

    dev = DeviceInfoMessage()
    dev.timestamp = t0
    dev.device_index = 0
    dev.manufacturer = Manufacturer.GARMIN.value
    dev.product = FR955
    dev.serial_number = SERIAL
    dev.software_version = SOFTWARE_VERSION
    builder.add(dev)

    ev = EventMessage()
    ev.timestamp = t0
    ev.event = Event.TIMER
    ev.event_type = EventType.START
    builder.add(ev)

    laps: list[tuple[int, int]] = []  # (first index, last index) per lap
    if run:
        km = np.floor(data["dist"] / 1000.0).astype(int)
        edges = np.flatnonzero(np.diff(km)) + 1
        first = 0
        for e in edges:
            laps.append((first, int(e)))
            first = int(e)
        if first < len(t) - 1 or not laps:
            laps.append((first, len(t) - 1))
    else:
        laps.append((0, len(t) - 1))
    lap_ends = {last: k for k, (_first, last) in enumerate(laps)}

    for i in range(len(t)):
        rec = RecordMessage(local_id=1)
        rec.timestamp = t0 + int(t[i]) * 1000
        if run:
            rec.position_lat = float(data["lat"][i])
            rec.position_long = float(data["lon"][i])
            rec.altitude = float(data["alt"][i])
            rec.distance = float(data["dist"][i])
            rec.speed = float(data["speed"][i])
        rec.heart_rate = int(data["hr"][i])
        if run:
            spm = int(data["spm"][i])
            rec.cadence = spm // 2
            rec.fractional_cadence = 0.5 * (spm % 2)
            rec.temperature = int(data["temp"][i])
            rec.vertical_oscillation = float(data["vo"][i])
            rec.stance_time = float(data["gct"][i])
            rec.vertical_ratio = float(data["ratio"][i])
            rec.step_length = float(data["step"][i])
            rec.stance_time_balance = float(data["balance"][i])
        builder.add(rec)
        if i in lap_ends:
            k = lap_ends[i]
            builder.add(
                _lap(LapMessage, a, data, laps[k], k, t0, k == len(laps) - 1, sport, sub, LapTrigger, Event, run)
            )

    ev = EventMessage()
    ev.timestamp = end
    ev.event = Event.TIMER
    ev.event_type = EventType.STOP_ALL
    builder.add(ev)

    total = float(t[-1])
    ses = SessionMessage()
    ses.message_index = 0
    ses.timestamp = end
    ses.event = Event.SESSION
    ses.event_type = EventType.STOP
    ses.start_time = t0
    ses.sport = sport
    ses.sub_sport = sub
    ses.total_elapsed_time = total
    ses.total_timer_time = total
    ses.first_lap_index = 0
    ses.num_laps = len(laps)
    ses.trigger = SessionTrigger.ACTIVITY_END
    ses.avg_heart_rate = int(round(float(np.mean(data["hr"]))))
    ses.max_heart_rate = int(np.max(data["hr"]))
    if run:
        ses.start_position_lat = float(data["lat"][0])
        ses.start_position_long = float(data["lon"][0])
        ses.total_distance = float(data["dist"][-1])
        ses.avg_speed = float(data["dist"][-1] / total)
        ses.max_speed = float(np.max(data["speed"]))
        ses.avg_cadence = int(round(float(np.mean(data["spm"])) / 2))
        ses.total_ascent = int(round(float(np.sum(np.clip(np.diff(data["alt"]), 0, None)))))
        ses.total_descent = int(round(float(-np.sum(np.clip(np.diff(data["alt"]), None, 0)))))
        ses.avg_temperature = int(round(float(np.mean(data["temp"]))))
        ses.max_temperature = int(np.max(data["temp"]))
        ses.avg_vertical_oscillation = float(round(float(np.mean(data["vo"])), 1))
        ses.avg_stance_time = float(round(float(np.mean(data["gct"])), 1))
        ses.avg_vertical_ratio = float(round(float(np.mean(data["ratio"])), 2))
        ses.avg_step_length = float(round(float(np.mean(data["step"])), 1))
        ses.total_calories = int(round(float(data["dist"][-1]) / 1000.0 * 68))
    else:
        ses.total_calories = int(round(total / 60.0 * 6))
    if a.feel >= 0:
        ses.workout_feel = a.feel
        ses.workout_rpe = a.rpe * 10
    builder.add(ses)

    act = ActivityMessage()
    act.timestamp = end
    act.total_timer_time = total
    act.num_sessions = 1
    act.type = FitActivity.MANUAL
    act.event = Event.ACTIVITY
    act.event_type = EventType.STOP
    act.local_timestamp = end // 1000 + a.utc_offset_s - FIT_EPOCH_S
    builder.add(act)
    path.write_bytes(builder.build_bytes())


def _lap(LapMessage, a, data, span, k, t0, last, sport, sub, LapTrigger, Event, run):  # noqa: N803 - fit-tool classes
    first, stop = span
    t = data["t"]
    lap = LapMessage(local_id=2)
    lap.message_index = k
    lap.timestamp = t0 + int(t[stop]) * 1000
    lap.start_time = t0 + int(t[first]) * 1000
    lap.event = Event.LAP
    from fit_tool.profile.profile_type import EventType

    lap.event_type = EventType.STOP
    lap.sport = sport
    lap.sub_sport = sub
    secs = float(t[stop] - t[first])
    lap.total_elapsed_time = secs
    lap.total_timer_time = secs
    lap.lap_trigger = LapTrigger.SESSION_END if last else LapTrigger.DISTANCE
    hr = data["hr"][first : stop + 1]
    lap.avg_heart_rate = int(round(float(np.mean(hr))))
    lap.max_heart_rate = int(np.max(hr))
    if run:
        d = float(data["dist"][stop] - data["dist"][first])
        lap.total_distance = d
        lap.avg_speed = d / secs if secs > 0 else 0.0
        lap.start_position_lat = float(data["lat"][first])
        lap.start_position_long = float(data["lon"][first])
        lap.end_position_lat = float(data["lat"][stop])
        lap.end_position_long = float(data["lon"][stop])
    return lap


def write_gpx(a: Activity, data: dict[str, np.ndarray], path: Path) -> None:
    """GPX 1.1 as Garmin Connect exports it: TrackPointExtension hr, cad in strides/min, atemp."""
    start = dt.datetime.fromisoformat(a.start_utc.replace("Z", "+00:00"))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gpx creator="Garmin Connect" version="1.1" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd '
        "http://www.garmin.com/xmlschemas/TrackPointExtension/v1 "
        'http://www.garmin.com/xmlschemas/TrackPointExtensionv1.xsd">',
        "  <metadata>",
        '    <link href="connect.garmin.com"><text>Garmin Connect</text></link>',
        f"    <time>{start:%Y-%m-%dT%H:%M:%S}.000Z</time>",
        "  </metadata>",
        "  <trk>",
        f"    <name>Zurich {a.kind.capitalize()} Run</name>",
        "    <type>running</type>",
        "    <trkseg>",
    ]
    for i in range(len(data["t"])):
        when = start + dt.timedelta(seconds=float(data["t"][i]))
        lines.append(
            f'      <trkpt lat="{data["lat"][i]:.7f}" lon="{data["lon"][i]:.7f}"><ele>{data["alt"][i]:.1f}</ele>'
            f"<time>{when:%Y-%m-%dT%H:%M:%S}.000Z</time><extensions><gpxtpx:TrackPointExtension>"
            f"<gpxtpx:atemp>{data['temp'][i]:.1f}</gpxtpx:atemp><gpxtpx:hr>{int(data['hr'][i])}</gpxtpx:hr>"
            f"<gpxtpx:cad>{int(data['spm'][i]) // 2}</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>"
        )
    lines += ["    </trkseg>", "  </trk>", "</gpx>", ""]
    path.write_text("\n".join(lines), encoding="utf-8", newline="\n")


def generate_one(a: Activity, out: Path) -> tuple[int, float, int]:
    """Write one activity's file(s). Returns (number, distance [m], records)."""
    rng = np.random.default_rng([SEED, a.number])
    data = simulate_strength(a, rng) if a.sport == "training" else simulate_run(a, rng)
    target = out / a.file
    target.parent.mkdir(parents=True, exist_ok=True)
    for fmt in a.formats:
        p = target.with_suffix("." + fmt)
        if fmt == "fit":
            write_fit(a, data, p)
        else:
            write_gpx(a, data, p)
    dist = float(data["dist"][-1]) if "dist" in data else 0.0
    return a.number, dist, len(data["t"])


def _generate_star(args):
    return generate_one(*args)


# --- season-level outputs --------------------------------------------------------------


def finish_plan(acts: list[Activity]) -> list[Activity]:
    """Fill in distances without writing files (cheap: the simulation only)."""
    for a in acts:
        rng = np.random.default_rng([SEED, a.number])
        data = simulate_strength(a, rng) if a.sport == "training" else simulate_run(a, rng)
        a.distance_m = float(data["dist"][-1]) if "dist" in data else 0.0
        a.records = len(data["t"])
    return acts


def decoupling_pct(a: Activity) -> float:
    """Aerobic decoupling of a run [%]: speed/HR of the first half (by time) against the second."""
    d = simulate_run(a, np.random.default_rng([SEED, a.number]))
    n = len(d["t"]) // 2
    first = d["speed"][:n].mean() / d["hr"][:n].mean()
    second = d["speed"][n:].mean() / d["hr"][n:].mean()
    return float((first - second) / first * 100.0)


def runs_of(acts):
    return [a for a in acts if a.sport == "running"]


def weekly_km(acts) -> list[float]:
    out = [0.0] * WEEKS
    for a in runs_of(acts):
        w = (dt.date.fromisoformat(a.start_local[:10]) - SEASON_START).days // 7
        out[w] += a.distance_m / 1000.0
    return out


def shoe_plan(acts) -> dict:
    """Shoe A's initial_km so that it passes 805 km halfway through the long run of
    SHOE_A_CROSS_WEEK (every run counts: A is the only pair until SHOE_B_FIRST_USED)."""
    runs = runs_of(acts)
    cross = next(
        a
        for a in runs
        if a.kind == "long"
        and (dt.date.fromisoformat(a.start_local[:10]) - SEASON_START).days // 7 == SHOE_A_CROSS_WEEK
    )
    before = (
        sum(a.distance_m for a in runs if SHOE_A_FIRST_USED.isoformat() <= a.start_local < cross.start_local) / 1000.0
    )
    initial = round(SHOE_LIMIT_KM - before - cross.distance_m / 2000.0)
    after_cross = initial + before + cross.distance_m / 1000.0
    old = (
        SHOE_OLD_INITIAL_KM
        + sum(
            a.distance_m
            for a in runs
            if SHOE_OLD_FIRST_USED.isoformat() <= a.start_local[:10] <= SHOE_OLD_RETIRED.isoformat()
        )
        / 1000.0
    )
    assert old < SHOE_LIMIT_KM - 20, old
    return {
        "cross": cross,
        "initial_km": initial,
        "km_before": initial + before,
        "km_after": after_cross,
        "old_km": old,
    }


def check_stories(acts) -> dict:
    """The generator's own check that the plan tells its stories (nominal numbers)."""
    km = weekly_km(acts)
    ratios = [km[w] / km[w - 1] for w in range(1, WEEKS)]
    big = [w + 1 for w, r in enumerate(ratios) if r > 1.3]
    assert big == [BIG_WEEK], (big, km)
    runs = runs_of(acts)
    spikes = []
    for a in runs:
        start = dt.datetime.fromisoformat(a.start_local)
        prev = [
            b.distance_m
            for b in runs
            if start - dt.timedelta(days=30) <= dt.datetime.fromisoformat(b.start_local) < start
        ]
        if start.date() >= SEASON_START + dt.timedelta(days=30) and prev and a.distance_m > 1.3 * max(prev):
            spikes.append(a)
    assert [a.kind for a in spikes] == ["long"] and "long-run-spike" in spikes[0].story, spikes
    counts = [
        sum(1 for a in runs if (dt.date.fromisoformat(a.start_local[:10]) - SEASON_START).days // 7 == w)
        for w in range(WEEKS)
    ]
    return {"weekly_km": km, "ratios": ratios, "spike": spikes[0], "runs_per_week": counts}


def write_season(out: Path, only: list[str] | None, jobs: int) -> list[Activity]:
    acts = finish_plan(plan_season())
    stories = check_stories(acts)
    shoes = shoe_plan(acts)
    shoes["cross"].story.append("shoe-805km")
    out.mkdir(parents=True, exist_ok=True)
    wanted = [a for a in acts if only is None or any(Path(a.file).with_suffix("." + f).name in only for f in a.formats)]
    if jobs > 1 and len(wanted) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_generate_star, [(a, out) for a in wanted], chunksize=1))
    else:
        results = [generate_one(a, out) for a in wanted]
    for number, dist, records in results:
        assert abs(acts[number].distance_m - dist) < 1e-6 and acts[number].records == records
    (out / "shoes.csv").write_text(shoes_csv(shoes), encoding="utf-8", newline="\n")
    nights = season_nights()
    stories["wellness_rules"] = generate_wellness.check_wellness(nights, SHORT_NIGHTS)
    stories["nights"] = nights
    if only is None:
        stories["wellness_files"] = generate_wellness.write_export(out / "garmin_export", nights, TZ)
    (out / "index.json").write_text(index_json(acts), encoding="utf-8", newline="\n")
    (out / "README.md").write_text(readme(acts, stories, shoes), encoding="utf-8", newline="\n")
    return acts


def season_nights() -> list[dict]:
    """The runner's nights, wake-up dates from the season's first Monday to its last day."""
    last = SEASON_START + dt.timedelta(weeks=WEEKS) - dt.timedelta(days=1)
    return generate_wellness.nights(SEASON_START, last, SHORT_NIGHTS, SEED)


def shoes_csv(shoes: dict) -> str:
    rows = [
        "name,first_used,retired,initial_km",
        f"{SHOE_OLD},{SHOE_OLD_FIRST_USED.isoformat()},{SHOE_OLD_RETIRED.isoformat()},{SHOE_OLD_INITIAL_KM}",
        f"{SHOE_A},{SHOE_A_FIRST_USED.isoformat()},,{shoes['initial_km']}",
        f"{SHOE_B},{SHOE_B_FIRST_USED.isoformat()},,",
    ]
    return "\n".join(rows) + "\n"


def index_json(acts) -> str:
    files = []
    for a in acts:
        for fmt in a.formats:
            name = str(Path(a.file).with_suffix("." + fmt))
            entry = {
                "file": name,
                "date": a.start_local[:10],
                "start_local": a.start_local,
                "start_utc": a.start_utc,
                "utc_offset_s": a.utc_offset_s,
                "sport": a.sport,
                "sub_sport": a.sub_sport,
                "kind": a.kind,
                "format": fmt,
                "duration_s": a.duration_s,
                "recording_interval_s": a.interval_s,
                "distance_km": round(a.distance_m / 1000.0, 3),
                "records": a.records,
                "story": a.story,
            }
            if a.feel >= 0 and fmt == "fit":
                entry["feel_0_100"], entry["rpe_0_10"] = a.feel, a.rpe
            if len(a.formats) > 1 and fmt == "gpx":
                entry["duplicate_of"] = str(Path(a.file).with_suffix(".fit"))
            files.append(entry)
    doc = {
        "generator": "sample_data/generate.py",
        "seed": SEED,
        "season": {
            "first_monday": SEASON_START.isoformat(),
            "weeks": WEEKS,
            "time_zone": "Europe/Zurich",
        },
        "files": files,
    }
    return json.dumps(doc, indent=1, sort_keys=False) + "\n"


def _nights_line(nights: list[dict], story: bool) -> str:
    chosen = [n for n in nights if n["story"] == story]
    hours = [(n["deep"] + n["light"] + (n["rem"] or 0)) / 3600 for n in chosen]
    hrv = [n["hrv"] for n in chosen]
    rhr = [n["rhr"] for n in chosen]
    return (
        f"{min(hours):.1f}-{max(hours):.1f} h asleep, HRV {min(hrv):.0f}-{max(hrv):.0f} ms, "
        f"resting heart rate {min(rhr)}-{max(rhr)} bpm"
    )


def _span(days: list[dt.date]) -> str:
    return f"{days[0]} to {days[-1]}" if days else "never"


def _pace(speed: float) -> str:
    secs = 1000.0 / speed
    return f"{int(secs // 60)}:{int(round(secs % 60)):02d} /km"


def readme(acts, stories, shoes) -> str:
    runs = runs_of(acts)
    km = stories["weekly_km"]
    spike = stories["spike"]
    spike_start = dt.datetime.fromisoformat(spike.start_local)
    prev = [
        b for b in runs if spike_start - dt.timedelta(days=30) <= dt.datetime.fromisoformat(b.start_local) < spike_start
    ]
    prev_max = max(prev, key=lambda b: b.distance_m)
    hot = next(a for a in acts if a.hot)
    others = [decoupling_pct(a) for a in runs if a.kind == "long" and not a.hot]
    dup = next(a for a in acts if len(a.formats) > 1)
    strength = [a for a in acts if "strength-block" in a.story]
    cross = shoes["cross"]
    n_records = sum(a.records * len(a.formats) for a in acts)
    monday = [SEASON_START + dt.timedelta(weeks=w) for w in range(WEEKS)]
    week_rows = "\n".join(
        f"| {w} | {monday[w].isoformat()} | {stories['runs_per_week'][w]} | {km[w]:.1f} |"
        + (f" {km[w] / km[w - 1] * 100 - 100:+.0f} % |" if w else " |")
        for w in range(WEEKS)
    )
    gpx_only = [a for a in acts if a.formats == ["gpx"]]
    last = max(a.start_local for a in acts)
    return f"""# sample_data: one runner's season with known answers

Synthetic, written by `generate.py` (seed {SEED}); nothing here is anyone's real run.
One runner in Zurich (Europe/Zurich), {WEEKS} weeks from Monday {SEASON_START.isoformat()} to Sunday
{monday[-1] + dt.timedelta(days=6)} (last activity {last[:16].replace("T", " ")} local): {len(runs)} runs
({sum(stories["runs_per_week"]) / WEEKS:.1f} a week), {sum(1 for a in acts if a.sport == "training")} strength sessions,
{n_records} records in all. The watch is a Garmin Forerunner 955; runs go round three loops
(lake, Zurichberg, Uetliberg trail). Each activity's numbers are listed in `index.json`
(file, date, local and UTC start, sport, format, distance, records, story tags).

## The stories, and what a correct analysis finds

Dates are local (Europe/Zurich). Week numbers count from 0 = {SEASON_START.isoformat()}.

1. **Base phase, good stable form** (weeks 0-7, {monday[0]} to {monday[7] + dt.timedelta(days=6)}):
   4-5 runs a week, 38-47 km, easy pace about {_pace(EASY_SPEED)}; ground contact time follows
   GCT = 300 - 25 (v - 2.5) ms (+-5 ms noise), vertical oscillation about 84 mm, cadence about
   164 steps/min at 2.9 m/s. This is the baseline the late weeks are measured against.
2. **Weekly distance jump** (week {BIG_WEEK}, {monday[BIG_WEEK]} to {monday[BIG_WEEK] + dt.timedelta(days=6)}):
   {km[BIG_WEEK]:.1f} km after {km[BIG_WEEK - 1]:.1f} km the week before
   (+{(km[BIG_WEEK] / km[BIG_WEEK - 1] - 1) * 100:.0f} %). It is the only week more than 30 % above the one before.
3. **Long-run spike** ({spike.start_local[:10]}, week {SPIKE_WEEK}): {spike.distance_m / 1000:.1f} km, against a
   longest run of {prev_max.distance_m / 1000:.1f} km ({prev_max.start_local[:10]}) in the 30 days before
   (+{(spike.distance_m / prev_max.distance_m - 1) * 100:.0f} %), in an otherwise ordinary week
   ({km[SPIKE_WEEK]:.1f} km after {km[SPIKE_WEEK - 1]:.1f} km). The only run past the season's first 30 days
   that is more than 30 % longer than every run of the previous 30 days.
4. **Worn shoes, new pair** ({cross.start_local[:10]}): "{SHOE_A}" passes 805 km (500 miles) during the
   {cross.distance_m / 1000:.1f} km long run of {cross.start_local[:16].replace("T", " ")}
   ({shoes["km_before"]:.1f} km before it, {shoes["km_after"]:.1f} km after), counting its
   initial_km ({shoes["initial_km"]}) plus every run from its first_used date. "{SHOE_B}" is first
   used on {SHOE_B_FIRST_USED} (new, in the last three weeks); from then both pairs are in use, so the
   crossing date does not depend on how runs are shared between them. "{SHOE_OLD}", the pair before
   A, is retired on {SHOE_OLD_RETIRED} at {shoes["old_km"]:.0f} km and never reaches 805 km.
5. **Form drifting late in the season** (weeks 19-23, {DRIFT_START} to {DRIFT_END}): at the same
   pace, ground contact time rises by up to 24 ms, vertical oscillation by up to 10 mm and cadence
   falls by up to 8 steps/min, growing linearly from 0 on {DRIFT_START} to the full amount on
   {DRIFT_END}. Heart rate at a given pace does not change: this is form, not fitness.
6. **Hot long run with cardiac drift** ({hot.start_local[:16].replace("T", " ")}): {hot.distance_m / 1000:.1f} km,
   {hot.duration_s / 60:.0f} min at an even pace, recorded temperature 28-30 degC throughout. Heart
   rate climbs at steady speed, so aerobic decoupling (speed/HR, first half against second half by
   time) is {decoupling_pct(hot):.1f} %, well above 5 %; the other long runs stay between
   {min(others):.1f} % and {max(others):.1f} %, and below 25 degC.
7. **Strength block** (weeks {STRENGTH_WEEKS[0]}-{STRENGTH_WEEKS[1]}, {monday[STRENGTH_WEEKS[0]]} to
   {monday[STRENGTH_WEEKS[1]] + dt.timedelta(days=6)}): three strength sessions a week
   ({", ".join(a.start_local[:10] for a in strength)}), FIT sport `training`, sub_sport
   `strength_training`, about 45 min, heart rate only. Other weeks have at most one.
8. **Short nights, suppressed HRV, heavy legs at the usual load** (wake-up dates {SHORT_NIGHTS[0]} to
   {SHORT_NIGHTS[1]}, week 16): {_nights_line(stories["nights"], True)}, against
   {_nights_line(stories["nights"], False)} on every other night of the season. The FIT runs of that
   week are rated "weak" (feel 25) with two points more perceived effort than usual; the week's
   distance is ordinary ({km[16]:.1f} km after {km[15]:.1f} km). Computed here, the rules the
   detectors use hold only on days whose 7 days overlap that week: sleep under 7 h on average
   ({_span(stories["wellness_rules"]["sleep"])}), the 7-day mean of ln HRV below the 60-day mean
   minus half an SD ({_span(stories["wellness_rules"]["hrv"])}), the 7-day resting heart rate above
   the 60-day mean plus half an SD ({_span(stories["wellness_rules"]["rhr"])}).

The runner rates every FIT run after it (Garmin's "How did you feel?" and perceived effort, FIT
session fields 192 and 193): "normal" or "strong" and the usual effort for the kind of run
(easy 3, long 5, tempo 6, intervals 7), "weak" and two points more on the heavy days: the
short-nights week and {", ".join(d.isoformat() for d in WEAK_DAYS)} (the other stories' hardest
days). GPX runs carry no rating.

## garmin_export/: the runner's nights

`garmin_export/DI_CONNECT/` holds the nights and mornings as a Garmin Connect bulk export does
(DOMAIN.md, "Wellness data: where it sits"), in 100-day files:
`DI-Connect-Wellness/*_sleepData.json` (one object per night: `calendarDate` the wake-up date,
GMT start and end strings, deep/light/REM/awake seconds, REM missing on a few nights, no total),
`DI-Connect-Wellness/*_healthStatusData.json` (overnight HRV with Garmin's baseline band) and
`DI-Connect-Aggregator/UDSFile_*.json` (resting heart rate; `currentDayRestingHeartRate` missing on
some days). Analyse it with the activities:
`heavylegs analyze sample_data/activities sample_data/garmin_export --shoes sample_data/shoes.csv`.

Also planted, for the importer:

- **Duplicate**: the run of {dup.start_local[:16].replace("T", " ")} is here twice, as
  `{Path(dup.file).with_suffix(".fit")}` and as Garmin Connect's GPX export of it
  `{Path(dup.file).with_suffix(".gpx")}`; the importer keeps the FIT (it has running dynamics)
  and reports the GPX as `duplicate`.
- **GPX-only runs** ({", ".join(a.start_local[:10] for a in gpx_only)}): easy runs that exist only as GPX
  (2 s points, Garmin TrackPointExtension hr, cad in strides/min as Garmin writes it, atemp): they
  count in distance and heart rate, but carry no running dynamics.
- Long runs are recorded every 2 s, strength sessions every 5 s, everything else every 1 s.
- Time zone: summer time (UTC+2) until 25 October 2026, winter time (UTC+1) on the last day;
  FIT `activity.local_timestamp` says the same.

### Weekly distance

| week | Monday | runs | km | vs week before |
|---|---|---|---|---|
{week_rows}

## shoes.csv

```
name,first_used,retired,initial_km
```

One row per pair; `first_used` and `retired` are ISO dates (`YYYY-MM-DD`, local), `retired`
and `initial_km` may be empty. `initial_km` is the distance already on the pair before the
runs in the data; a column `initial_miles` is accepted instead of `initial_km`. A pair
carries the runs from its `first_used` date up to and including its `retired` date.
The file here has a pair retired before the season, the pair that passes 500 miles, and the
new pair.

## Regenerating

```sh
.venv/bin/pip install -e '.[generate]'   # fit-tool, the FIT encoder (only the generator needs it)
.venv/bin/python sample_data/generate.py  # rewrites activities/, shoes.csv, index.json, README.md
```

The output is byte-identical on every run (tests/test_sample_data.py checks it);
`--out DIR` writes elsewhere, `--only NAME ...` writes only the named activity files.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--only", nargs="*", default=None, help="activity file names to write (default: all)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    acts = write_season(args.out, args.only, args.jobs)
    print(f"{len(acts)} activities, {sum(a.records * len(a.formats) for a in acts)} records -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
