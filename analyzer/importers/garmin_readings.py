"""Garmin Connect JSON records to wellness readings: sleep, HRV, resting heart rate,
hydration, and the weights and ratings of activities the same files carry.

Each reader takes the records of one file (objects, as garmin_json found them), the
origin (columns.ORIGIN_GARMIN_EXPORT or ORIGIN_GARMIN_API) and the file's label, and
returns (rows, records used). The bulk export and the Connect API name the same
quantities slightly differently; each reader takes both spellings. Dates are Garmin's
``calendarDate``: the runner's local calendar day (for a night, the day they woke up).
"""

from __future__ import annotations

from .. import columns as C
from .garmin_common import (
    G_PER_KG,
    ML_PER_L,
    day,
    first,
    instant,
    noon_utc,
    num,
    obj,
    positive,
    reading,
)

#: Garmin's HRV status words (FIT hrv_status; Connect API hrvSummary.status), lowercased.
HRV_STATUSES = frozenset({"none", "poor", "low", "unbalanced", "balanced"})
#: healthStatusData metric types read as the day's resting heart rate. Garmin's Health
#: Status 'HR' metric is the overnight heart rate it compares with its own baseline,
#: not the resting heart rate of the day (UDSFile gives that): it is not read.
RESTING_HR_TYPES = frozenset({"RESTING_HEART_RATE", "RESTING_HR", "RHR"})
#: Largest 'how did you feel' and raw perceived-effort value: both 0-100 (FIT profile
#: session.workout_feel and workout_rpe, the latter Borg CR10 x 10; the Connect API and
#: the bulk export use the same encoding).
RATING_RAW_MAX = 100.0
RPE_SCALE = 10.0

_STAGES = (
    ("deepSleepSeconds", C.SLEEP_DEEP_S),
    ("lightSleepSeconds", C.SLEEP_LIGHT_S),
    ("remSleepSeconds", C.SLEEP_REM_S),
)


def sleep_score(scores) -> float | None:
    """The overall sleep score (0-100) from either layout of ``sleepScores``: the bulk
    export's flat ``overallScore``, the Connect API's ``overall.value``."""
    scores = obj(scores)
    overall = scores.get("overall")
    value = num(scores.get("overallScore"))
    if value is None:
        value = num(obj(overall).get("value")) if isinstance(overall, dict) else num(overall)
    return value if value is not None and 0 <= value <= 100 else None


def _night(rec: dict, origin: str, label: str) -> tuple[float, list[dict]] | None:
    """(sleep [s], readings) of one night, or None when it records no sleep."""
    date = day(rec.get("calendarDate"))
    if date is None:
        return None
    stages = {metric: num(rec.get(key)) for key, metric in _STAGES}
    stages = {metric: v for metric, v in stages.items() if v is not None and v >= 0}
    total = sum(stages.values()) if stages else num(rec.get("sleepTimeSeconds"))
    if total is None or total <= 0:
        return None
    rows = [reading(date, C.SLEEP_S, origin, label, total)]
    rows += [reading(date, metric, origin, label, v) for metric, v in stages.items()]
    awake = num(rec.get("awakeSleepSeconds"))
    if awake is not None and awake >= 0:
        rows.append(reading(date, C.SLEEP_AWAKE_S, origin, label, awake))
    score = sleep_score(rec.get("sleepScores"))
    if score is not None:
        rows.append(reading(date, C.SLEEP_SCORE, origin, label, score))
    rhr = positive(rec.get("restingHeartRate"))
    if rhr is not None:
        rows.append(reading(date, C.RESTING_HR_BPM, origin, label, rhr))
    return total, rows


def sleep(recs: list[dict], origin: str, label: str) -> tuple[list[dict], int]:
    """Nights (bulk export sleepData entries, Connect API dailySleepDTO): sleep = deep +
    light + REM (the stages present; the API's sleepTimeSeconds when no stage is given),
    each stage, awake time, the overall score, and the resting heart rate the API gives
    beside the night. Two entries for one date: the longer sleep is kept."""
    best: dict[str, tuple[float, list[dict]]] = {}
    for rec in recs:
        night = _night(rec, origin, label)
        if night is None:
            continue
        date = night[1][0][C.DATE]
        if date not in best or night[0] > best[date][0]:
            best[date] = night
    return [row for _, rows in best.values() for row in rows], len(best)


def sleep_scores(recs: list[dict], origin: str, label: str) -> tuple[list[dict], int]:
    """The Connect API's daily sleep-score list: ``[{calendarDate, value}]``."""
    rows = []
    for rec in recs:
        date, value = day(rec.get("calendarDate")), num(rec.get("value"))
        if date is not None and value is not None and 0 <= value <= 100:
            rows.append(reading(date, C.SLEEP_SCORE, origin, label, value))
    return rows, len(rows)


def _hrv_status(value) -> str:
    status = str(value).strip().lower() if isinstance(value, str) else ""
    status = "none" if status == "no_status" else status
    return status if status in HRV_STATUSES else ""


def hrv(recs: list[dict], origin: str, label: str) -> tuple[list[dict], int]:
    """Connect API HRV summaries: lastNightAvg, weeklyAvg, the baseline's balanced band
    (balancedLow..balancedUpper) and the status, per calendarDate."""
    rows, used = [], 0
    for rec in recs:
        date = day(rec.get("calendarDate"))
        if date is None:
            continue
        base = obj(rec.get("baseline"))
        values = (
            (C.HRV_NIGHT_MS, positive(rec.get("lastNightAvg"))),
            (C.HRV_WEEKLY_MS, positive(rec.get("weeklyAvg"))),
            (C.HRV_BASELINE_LOW_MS, positive(base.get("balancedLow"))),
            (C.HRV_BASELINE_HIGH_MS, positive(base.get("balancedUpper"))),
        )
        got = [reading(date, metric, origin, label, v) for metric, v in values if v is not None]
        status = _hrv_status(rec.get("status"))
        if status and got:
            got.append(reading(date, C.HRV_STATUS, origin, label, text=status))
        rows += got
        used += bool(got)
    return rows, used


def _metrics(rec: dict) -> list[tuple[str, dict]]:
    """(TYPE, metric) of a healthStatusData day: ``metrics`` as a list of objects with a
    ``type`` (or ``metricType``), or as an object keyed by type."""
    found = rec.get("metrics")
    if isinstance(found, dict):
        return [(str(k).upper(), v) for k, v in found.items() if isinstance(v, dict)]
    out = []
    for m in found if isinstance(found, list) else []:
        if isinstance(m, dict):
            kind = first(m, "type", "metricType", "name")
            if isinstance(kind, str):
                out.append((kind.strip().upper(), m))
    return out


def health_status(recs: list[dict], origin: str, label: str) -> tuple[list[dict], int]:
    """Bulk export healthStatusData days: the HRV metric's value and baseline limits
    (and its status when it is one of Garmin's HRV statuses); a resting-heart-rate
    metric when named so (RESTING_HR_TYPES). Other metrics (HR, SPO2, RESPIRATION,
    SKIN_TEMP_C) are not read."""
    rows, used = [], 0
    for rec in recs:
        date = day(rec.get("calendarDate"))
        if date is None:
            continue
        got = []
        for kind, m in _metrics(rec):
            if kind == "HRV":
                for key, metric in (
                    ("value", C.HRV_NIGHT_MS),
                    ("baselineLowerLimit", C.HRV_BASELINE_LOW_MS),
                    ("baselineUpperLimit", C.HRV_BASELINE_HIGH_MS),
                ):
                    v = positive(m.get(key))
                    if v is not None:
                        got.append(reading(date, metric, origin, label, v))
                status = _hrv_status(m.get("status"))
                if status and got:
                    got.append(reading(date, C.HRV_STATUS, origin, label, text=status))
            elif kind in RESTING_HR_TYPES and positive(m.get("value")) is not None:
                got.append(reading(date, C.RESTING_HR_BPM, origin, label, positive(m.get("value"))))
        rows += got
        used += bool(got)
    return rows, used


def daily(recs: list[dict], origin: str, label: str) -> tuple[list[dict], int]:
    """Daily summaries (bulk export UDSFile days, Connect API daily summary and daily
    heart rate): restingHeartRate (else currentDayRestingHeartRate), and the
    ``hydration`` block's intake and sweat loss [mL -> L]; 0 mL reads as nothing logged."""
    rows, used = [], 0
    for rec in recs:
        date = day(rec.get("calendarDate"))
        if date is None:
            continue
        got = []
        rhr = positive(rec.get("restingHeartRate")) or positive(rec.get("currentDayRestingHeartRate"))
        if rhr is not None:
            got.append(reading(date, C.RESTING_HR_BPM, origin, label, rhr))
        water = obj(rec.get("hydration"))
        for key, metric in (("valueInML", C.FLUIDS_L), ("sweatLossInML", C.SWEAT_LOSS_L)):
            ml = positive(water.get(key))
            if ml is not None:
                got.append(reading(date, metric, origin, label, ml / ML_PER_L))
        rows += got
        used += bool(got)
    return rows, used


def hydration(recs: list[dict], origin: str, label: str) -> tuple[list[dict], int]:
    """Hydration entries (bulk export HydrationLogFile, Connect API daily hydration and
    log responses), summed per calendarDate: valueInML -> fluids, estimatedSweatLossInML
    (the API: sweatLossInML) -> sweat loss [L]. A day whose sum is not above 0 is nothing
    logged (the runner may remove water they logged by mistake: negative entries)."""
    sums: dict[str, dict[str, float]] = {}
    for rec in recs:
        date = day(rec.get("calendarDate"))
        if date is None:
            continue
        per_day = sums.setdefault(date, {C.FLUIDS_L: 0.0, C.SWEAT_LOSS_L: 0.0})
        per_day[C.FLUIDS_L] += num(rec.get("valueInML")) or 0.0
        per_day[C.SWEAT_LOSS_L] += num(first(rec, "estimatedSweatLossInML", "sweatLossInML")) or 0.0
    rows = [
        reading(date, metric, origin, label, ml / ML_PER_L)
        for date, per_day in sums.items()
        for metric, ml in per_day.items()
        if ml > 0
    ]
    return rows, len({row[C.DATE] for row in rows})


def resting_hr_metrics(recs: list[dict], origin: str, label: str) -> tuple[list[dict], int]:
    """The Connect API's resting-heart-rate statistics (python-garminconnect get_rhr_day,
    GarminDB rhr files): allMetrics.metricsMap.WELLNESS_RESTING_HEART_RATE[{value,
    calendarDate}]."""
    rows = []
    for rec in recs:
        date, value = day(rec.get("calendarDate")), positive(rec.get("value"))
        if date is not None and value is not None:
            rows.append(reading(date, C.RESTING_HR_BPM, origin, label, value))
    return rows, len(rows)


def weights(recs: list[dict], label: str) -> list[dict]:
    """Body-mass readings (WEIGHT_COLUMNS) from weight objects: ``weight`` in grams,
    the time from ``timestampGMT`` (epoch ms or GMT text), else noon UTC of the
    ``calendarDate``. Identical readings (same time and mass) are one."""
    out: dict[tuple, dict] = {}
    for rec in recs:
        grams = positive(rec.get("weight"))
        when = instant(rec.get("timestampGMT"))
        if when is None:
            date = day(rec.get("calendarDate"))
            when = noon_utc(date) if date is not None else None
        if grams is None or when is None:
            continue
        kg = grams / G_PER_KG
        out.setdefault((when, kg), {C.TIMESTAMP: when, C.WEIGHT_KG: kg, C.SOURCE: label})
    return sorted(out.values(), key=lambda r: r[C.TIMESTAMP])


def _rating(value, scale: float = 1.0) -> float | None:
    raw = num(value)
    return raw / scale if raw is not None and 0 <= raw <= RATING_RAW_MAX else None


def ratings(recs: list[dict], label: str) -> list[dict]:
    """Ratings of activities (RATING_COLUMNS): 'how did you feel' (workoutFeel; the API:
    directWorkoutFeel; 0-100) and perceived effort (workoutRpe / directWorkoutRpe, 0-100
    = RPE x 10, so RPE = value / 10), with the activity's start (startTimeGmt epoch ms,
    startTimeGMT text, or beginTimestamp). Activities without either are left out."""
    rows = []
    for rec in recs:
        start = instant(first(rec, "startTimeGmt", "startTimeGMT", "beginTimestamp"))
        feel = _rating(first(rec, "workoutFeel", "directWorkoutFeel"))
        rpe = _rating(first(rec, "workoutRpe", "directWorkoutRpe"), RPE_SCALE)
        if start is not None and (feel is not None or rpe is not None):
            rows.append(
                {
                    C.START_UTC: start,
                    C.FEEL: float("nan") if feel is None else feel,
                    C.RPE: float("nan") if rpe is None else rpe,
                    C.RATING_SOURCE: label,
                }
            )
    return rows
