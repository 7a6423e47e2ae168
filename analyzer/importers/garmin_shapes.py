"""What a Garmin Connect JSON file is: the bulk export's file names, and the shapes of
its files and of the Connect API responses.

A shape function takes the parsed document and the file's name and returns the
records a reader of garmin_readings takes (unwrapped from the response's envelope),
or None when the document does not have that shape. It may return an empty list: the
shape fits, the file holds nothing (a userBioMetrics.json of heights only).
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from .garmin_common import obj, records

#: Bulk-export files heavylegs reads, by name (lowercased, fnmatch) -> kind (as seen in
#: real exports; DOMAIN.md "Wellness data: where it sits").
EXPORT_NAMES = (
    ("*_sleepdata.json", "sleep"),
    ("*_healthstatusdata.json", "health_status"),
    ("udsfile*.json", "daily"),
    ("hydrationlogfile*.json", "hydration"),
    ("*userbiometrics.json", "weight"),
    ("*summarizedactivities.json", "ratings"),
)
#: Other files of the bulk export, by a part of their name (lowercased) -> what they
#: hold, for the reason they are not read.
UNUSED_EXPORT_FILES = (
    ("personalrecord", "personal records"),
    ("gear", "gear"),
    ("profile", "user profile"),
    ("settings", "settings"),
    ("fitnessage", "fitness age"),
    ("maxmet", "VO2max estimates"),
    ("racepredictions", "race predictions"),
    ("trainingreadiness", "training readiness"),
    ("traininghistory", "training status"),
    ("acutetrainingload", "acute training load"),
    ("endurancescore", "endurance score"),
    ("hillscore", "hill score"),
    ("heartratezone", "heart-rate zones"),
    ("workout", "workouts"),
    ("course", "courses"),
    ("goal", "goals"),
    ("menstrual", "cycle tracking"),
    ("abnormalhr", "abnormal heart-rate alerts"),
)

_SLEEP_KEYS = ("deepSleepSeconds", "lightSleepSeconds", "remSleepSeconds", "awakeSleepSeconds", "sleepTimeSeconds")
_START_KEYS = ("startTimeGmt", "startTimeGMT", "beginTimestamp")


def export_kind(name: str) -> str | None:
    """The kind of a bulk-export file heavylegs reads, from its name; else None."""
    lower = name.lower()
    return next((kind for pattern, kind in EXPORT_NAMES if fnmatchcase(lower, pattern)), None)


def in_export_tree(label: str) -> bool:
    """Whether the file sits in a Garmin bulk export's DI_CONNECT folders."""
    lower = label.lower()
    return "di_connect" in lower or "di-connect-" in lower


def unused_export_file(name: str) -> str | None:
    """What an export file heavylegs does not read holds (by its name), else None."""
    lower = name.lower()
    return next((what for part, what in UNUSED_EXPORT_FILES if part in lower), None)


def _or_none(found: list[dict], fits: bool) -> list[dict] | None:
    return found if fits else None


def sleep(doc, name: str) -> list[dict] | None:
    """Nights: the bulk export's array of nights, or the API's dailySleepData (its
    dailySleepDTO, with the restingHeartRate given beside it), one or an array."""
    found = []
    for rec in records(doc):
        dto = rec.get("dailySleepDTO")
        if isinstance(dto, dict):
            night = dict(dto)
            if night.get("restingHeartRate") is None and rec.get("restingHeartRate") is not None:
                night["restingHeartRate"] = rec["restingHeartRate"]
            found.append(night)
        elif "calendarDate" in rec and any(k in rec for k in (*_SLEEP_KEYS, "sleepStartTimestampGMT")):
            found.append(rec)  # (a night without stages: not worn, or an older device)
    return found or None


def hrv(doc, name: str) -> list[dict] | None:
    """HRV summaries: the API's hrvSummary or hrvSummaries, or bare summaries."""
    found = []
    for rec in records(doc):
        if isinstance(rec.get("hrvSummary"), dict):
            found.append(rec["hrvSummary"])
        elif isinstance(rec.get("hrvSummaries"), list):
            found += records(rec["hrvSummaries"])
        elif "calendarDate" in rec and ("lastNightAvg" in rec or "weeklyAvg" in rec):
            found.append(rec)
    return found or None


def health_status(doc, name: str) -> list[dict] | None:
    """Days of the bulk export's healthStatusData: calendarDate and ``metrics``."""
    found = [r for r in records(doc) if "calendarDate" in r and "metrics" in r]
    return found or None


def daily(doc, name: str) -> list[dict] | None:
    """Daily summaries (UDSFile days; the API's daily summary and daily heart rate)."""
    keys = ("restingHeartRate", "currentDayRestingHeartRate")
    found = [
        r
        for r in records(doc)
        if "calendarDate" in r and (any(k in r for k in keys) or isinstance(r.get("hydration"), dict))
    ]
    return _or_none(found, any("calendarDate" in r for r in records(doc)))


def hydration(doc, name: str) -> list[dict] | None:
    """Hydration entries: calendarDate and valueInML (HydrationLogFile, the API)."""
    found = [r for r in records(doc) if "calendarDate" in r and "valueInML" in r]
    return found or None


def resting_hr(doc, name: str) -> list[dict] | None:
    """The API's resting-heart-rate statistics: allMetrics.metricsMap.
    WELLNESS_RESTING_HEART_RATE, a list of {value, calendarDate}."""
    found, fits = [], False
    for rec in records(doc):
        series = obj(obj(rec.get("allMetrics")).get("metricsMap")).get("WELLNESS_RESTING_HEART_RATE")
        if isinstance(series, list):
            fits = True
            found += records(series)
    return _or_none(found, fits)


def _bio_weight(rec: dict) -> dict | None:
    """A userBioMetrics record's weight: its ``weight`` object (grams), the time from it
    and the date from it or the record's metaData."""
    w = rec.get("weight")
    if not isinstance(w, dict):
        return None
    meta = obj(rec.get("metaData"))
    return {
        "weight": w.get("weight"),
        "timestampGMT": w.get("timestampGMT") if w.get("timestampGMT") is not None else meta.get("timestampGMT"),
        "calendarDate": w.get("calendarDate") if w.get("calendarDate") is not None else meta.get("calendarDate"),
    }


def weight(doc, name: str) -> list[dict] | None:
    """Weight objects (grams): the API's dailyWeightSummaries (each day's
    allWeightMetrics, else its latestWeight) and dateWeightList; the bulk export's
    userBioMetrics records; bare weight objects."""
    found, fits = [], False
    for rec in records(doc):
        if isinstance(rec.get("dailyWeightSummaries"), list):
            fits = True
            for summary in records(rec["dailyWeightSummaries"]):
                every = records(summary.get("allWeightMetrics"))
                found += every or records(summary.get("latestWeight"))
        elif isinstance(rec.get("dateWeightList"), list):
            fits = True
            found += records(rec["dateWeightList"])
        elif isinstance(rec.get("weight"), dict) or isinstance(rec.get("metaData"), dict):
            fits = True
            bio = _bio_weight(rec)
            if bio is not None:
                found.append(bio)
        elif "weight" in rec and any(k in rec for k in ("timestampGMT", "calendarDate", "samplePk")):
            found.append(rec)
    return _or_none(found, fits or bool(found))


def ratings(doc, name: str) -> list[dict] | None:
    """Activities that may carry the runner's ratings: the bulk export's
    summarizedActivitiesExport, the API's activity (its summaryDTO) and activity list
    items."""
    found, fits = [], False
    for rec in records(doc):
        if isinstance(rec.get("summarizedActivitiesExport"), list):
            fits = True
            found += records(rec["summarizedActivitiesExport"])
        elif isinstance(rec.get("summaryDTO"), dict) and "activityId" in rec:
            found.append(rec["summaryDTO"])
        elif "activityId" in rec and any(k in rec for k in _START_KEYS):
            found.append(rec)
    return _or_none(found, fits or bool(found))


def sleep_scores(doc, name: str) -> list[dict] | None:
    """The API's daily sleep-score list, ``[{calendarDate, value}]``: a shape other
    statistics share, so read only from a file with 'sleep' in its name."""
    recs = records(doc)
    if "sleep" not in name.lower() or not isinstance(doc, list) or not recs:
        return None
    if all("calendarDate" in r and "value" in r and len(r) <= 3 for r in recs):
        return recs
    return None


#: Every shape, in the order a file of no known export name is tried against them.
SHAPES = {
    "sleep": sleep,
    "hrv": hrv,
    "health_status": health_status,
    "weight": weight,
    "ratings": ratings,
    "resting_hr": resting_hr,
    "sleep_scores": sleep_scores,
    "hydration": hydration,
    "daily": daily,
}
