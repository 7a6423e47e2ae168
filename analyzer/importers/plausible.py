"""Is a run session a run a runner trained in? Two checks on its own totals.

* **Too little to be a run**: a session under RUN_MIN_S, or under RUN_MIN_M when it is
  not an indoor sub-sport (a treadmill without a foot pod records time only), is a
  watch started and stopped, the tail of a multisport file, or a run with no distance:
  kept, ``is_run`` false, the note says why; it never enters training load.
* **Faster than any human**: a run whose average speed beats the men's world record for
  its distance (interpolated between the record distances) is a GPS or device error:
  kept as a run, ``suspect`` true, a SUSPECT note; left out of training load and of
  the long-run baseline.
"""

from __future__ import annotations

import math

import numpy as np

from .. import columns as C

#: Shortest session counted as a run [s] and shortest distance [m] (heavylegs
#: convention: less is a watch started and stopped, not training; the 21-second 0 m
#: "run" legs of multisport files and distance-less runs fall under it).
RUN_MIN_S = 60.0
RUN_MIN_M = 200.0
#: Running sub-sports recorded without distance as a matter of course (FIT profile
#: sub_sport): only the time rule applies to them.
INDOOR_SUB_SPORTS = frozenset({"treadmill", "indoor_running", "virtual_activity"})

#: Men's outdoor world records [m, s] (World Athletics, records as of 2025): 200 m 19.19
#: Bolt 2009; 400 m 43.03 van Niekerk 2016; 800 m 1:40.91 Rudisha 2012; 1500 m 3:26.00
#: El Guerrouj 1998; 3000 m 7:17.55 Ingebrigtsen 2024; 5000 m 12:35.36 and 10,000 m
#: 26:11.00 Cheptegei 2020; half marathon 57:30 Kejelcha 2024; marathon 2:00:35 Kiptum
#: 2023; 100 km 6:05:35 Sorokin 2022 (IAU). No one runs a distance faster on average.
WORLD_RECORDS = (
    (200.0, 19.19),
    (400.0, 43.03),
    (800.0, 100.91),
    (1500.0, 206.00),
    (3000.0, 437.55),
    (5000.0, 755.36),
    (10000.0, 1571.00),
    (21097.5, 3450.0),
    (42195.0, 7235.0),
    (100000.0, 21935.0),
)
WORLD_RECORDS_SOURCE = "World Athletics men's world records (2025); 100 km: IAU (Sorokin 2022)"
_LOG_D = np.log([d for d, _ in WORLD_RECORDS])
_LOG_V = np.log([d / t for d, t in WORLD_RECORDS])


def record_speed(distance_m: float) -> float:
    """The world-record average speed [m/s] at ``distance_m``: log-log interpolation
    between the record distances, the end records' speeds beyond them."""
    return float(np.exp(np.interp(math.log(distance_m), _LOG_D, _LOG_V)))


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def judge_run(row: dict) -> dict:
    """``row`` (an activity row) with IS_RUN, SUSPECT and NOTE set by the two checks."""
    row[C.SUSPECT] = False
    if not row.get(C.IS_RUN):
        return row
    seconds, metres = row.get(C.DURATION_S, math.nan), row.get(C.DISTANCE_M, math.nan)
    indoor = row.get(C.SUB_SPORT, "") in INDOOR_SUB_SPORTS
    too_short = not seconds >= RUN_MIN_S
    too_little = not indoor and not metres >= RUN_MIN_M
    why = None
    if too_short or too_little:
        dist = f"{metres:.0f} m" if math.isfinite(metres) else "no distance"
        took = f"{seconds:.0f} s" if math.isfinite(seconds) else "no time"
        why = (
            f"{NOT_A_RUN}: {took} and {dist}; a run lasts at least {RUN_MIN_S:.0f} s and covers at least "
            f"{RUN_MIN_M:.0f} m (heavylegs convention)"
        )
        row[C.IS_RUN] = False
    elif math.isfinite(metres) and metres > 0 and metres / seconds > record_speed(metres):
        why = (
            f"{SUSPECT_NOTE}: {metres / 1000:.1f} km in {_clock(seconds)} is {metres / seconds:.1f} m/s, faster than "
            f"the world record for the distance ({record_speed(metres):.1f} m/s): a GPS or device error; left out "
            "of training load"
        )
        row[C.SUSPECT] = True
    if why:
        row[C.NOTE] = "; ".join(x for x in (row.get(C.NOTE, ""), why) if x)
    return row


#: How the note of a session that is not counted as a run begins.
NOT_A_RUN = "not counted as a run"
#: How the note of a run faster than any human begins.
SUSPECT_NOTE = "SUSPECT"
