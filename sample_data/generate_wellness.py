"""The demo runner's nights and mornings, as a Garmin Connect bulk export holds them.

Written by generate.py beside the activities: ``garmin_export/DI_CONNECT/`` with
``DI-Connect-Wellness/*_sleepData.json`` (one object per night, ``calendarDate`` the
wake-up date, times as GMT strings, stage seconds, REM missing on a few nights as on
real devices, no total field), ``DI-Connect-Wellness/*_healthStatusData.json`` (per day
``metrics`` of type HRV with Garmin's baseline band) and
``DI-Connect-Aggregator/UDSFile_*.json`` (daily resting heart rate); files split into
100-day spans as Garmin's export does. The layout is the one ../shared/DOMAIN.md
describes ("Wellness data: where it sits").

Story 8 (SHORT_NIGHTS): a week of 5-5.7 h nights with overnight HRV ~22 % down and
resting heart rate ~4 bpm up, at the usual training load. Elsewhere the values carry a
weekly rhythm and small day-to-day noise, and never trip the rules the detectors use
(``check_wellness`` asserts it with its own arithmetic).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

#: The Garmin account number in the file names (made up).
USER_PK = 81234567
#: Garmin's export splits each wellness file into spans of this many days.
SPAN_DAYS = 100
#: The runner's usual night [h], overnight HRV [ms rMSSD] and resting heart rate [bpm].
SLEEP_H = 7.6
HRV_MS = 56.0
RESTING_HR = 46.0
#: The short-nights week: nights of 5.0-5.7 h, HRV x exp(-0.25), resting HR + 4 bpm.
STORY_SLEEP_H = (5.0, 5.7)
STORY_LN_HRV_DROP = 0.25
STORY_RHR_UP = 4.0


def nights(first: dt.date, last: dt.date, story: tuple[dt.date, dt.date], seed: int) -> list[dict]:
    """One record per wake-up date: sleep stages [s], bedtime, HRV [ms], resting HR."""
    rng = np.random.default_rng([seed, 10_000])
    out = []
    for k in range((last - first).days + 1):
        day = first + dt.timedelta(days=k)
        phase = 2 * math.pi * (day.toordinal() % 7) / 7
        in_story = story[0] <= day <= story[1]
        noise = rng.normal(0.0, 1.0, 4)
        if in_story:
            hours = float(rng.uniform(*STORY_SLEEP_H))
        else:
            hours = SLEEP_H + 0.3 * math.sin(phase) + 0.15 * float(noise[0])
        ln_hrv = math.log(HRV_MS) + 0.05 * math.sin(phase + 1.0) + 0.02 * float(noise[1])
        rhr = RESTING_HR + 2.0 * math.sin(phase + 2.0) + 0.2 * float(noise[2])
        if in_story:
            ln_hrv -= STORY_LN_HRV_DROP
            rhr += STORY_RHR_UP
        asleep = int(round(hours * 3600 / 60)) * 60
        deep = int(round(asleep * 0.19 / 60)) * 60
        rem = int(round(asleep * 0.22 / 60)) * 60
        no_rem = float(rng.random()) < 0.05  # some nights the watch gives no REM stage
        awake = int(round((12 + 10 * abs(float(noise[3]))) / 1)) * 60
        bedtime = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(22, 40)) + dt.timedelta(
            minutes=int(rng.integers(-25, 26))
        )
        out.append(
            {
                "day": day,
                "bedtime_local": bedtime,
                "deep": deep,
                "light": asleep - deep - (0 if no_rem else rem),
                "rem": None if no_rem else rem,
                "awake": awake,
                "hrv": round(math.exp(ln_hrv), 1),
                "rhr": int(round(rhr)),
                "current_rhr": float(rng.random()) >= 0.04,  # missing on some days
                "story": in_story,
            }
        )
    return out


def _gmt(local: dt.datetime, tz: ZoneInfo) -> str:
    utc = local.replace(tzinfo=tz).astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.0")


def _score(n: dict) -> int:
    asleep = n["deep"] + n["light"] + (n["rem"] or 0)
    return int(max(30, min(95, round(40 + (asleep / 3600 - 4.5) * 14))))


def sleep_record(n: dict, tz: ZoneInfo) -> dict:
    asleep = n["deep"] + n["light"] + (n["rem"] or 0)
    end = n["bedtime_local"] + dt.timedelta(seconds=asleep + n["awake"])
    rec = {
        "sleepStartTimestampGMT": _gmt(n["bedtime_local"], tz),
        "sleepEndTimestampGMT": _gmt(end, tz),
        "calendarDate": n["day"].isoformat(),
        "sleepWindowConfirmationType": "ENHANCED_CONFIRMED_FINAL",
        "deepSleepSeconds": n["deep"],
        "lightSleepSeconds": n["light"],
        "awakeSleepSeconds": n["awake"],
        "unmeasurableSeconds": 0,
        "awakeCount": 1 + n["awake"] // 900,
        "avgSleepStress": 14.0 if not n["story"] else 27.0,
        "sleepScores": {
            "overallScore": _score(n),
            "qualityScore": _score(n),
            "durationScore": _score(n),
            "feedback": "NEGATIVE_SHORT" if n["story"] else "POSITIVE_LONG_AND_DEEP",
            "insight": "NONE",
        },
    }
    if n["rem"] is not None:
        rec["remSleepSeconds"] = n["rem"]
    return rec


def health_record(n: dict, band: tuple[float, float]) -> dict:
    low, high = band
    status = "IN_RANGE" if low <= n["hrv"] <= high else ("BELOW" if n["hrv"] < low else "ABOVE")
    return {
        "calendarDate": n["day"].isoformat(),
        "metrics": [
            {
                "type": "HRV",
                "value": n["hrv"],
                "status": status,
                "baselineLowerLimit": low,
                "baselineUpperLimit": high,
            },
            {"type": "RESPIRATION", "value": 14.0, "status": "IN_RANGE"},
        ],
    }


def uds_record(n: dict) -> dict:
    rec = {
        "userProfilePK": USER_PK,
        "calendarDate": n["day"].isoformat(),
        "restingHeartRate": n["rhr"],
        "minHeartRate": n["rhr"] - 3,
        "maxHeartRate": 150,
        "totalSteps": 9000,
    }
    if n["current_rhr"]:
        rec["currentDayRestingHeartRate"] = n["rhr"]
    return rec


def garmin_band(values: list[float]) -> tuple[float, float]:
    """A balanced band round the previous weeks' mean (Garmin does not publish how it
    builds its band: this one is the made-up runner's)."""
    mean = float(np.mean(values[-21:])) if values else HRV_MS
    return round(mean * 0.9, 1), round(mean * 1.12, 1)


def write_export(out: Path, records: list[dict], tz: ZoneInfo) -> list[str]:
    """Write the export tree under ``out``; returns the written files (relative)."""
    wellness = out / "DI_CONNECT" / "DI-Connect-Wellness"
    aggregator = out / "DI_CONNECT" / "DI-Connect-Aggregator"
    wellness.mkdir(parents=True, exist_ok=True)
    aggregator.mkdir(parents=True, exist_ok=True)
    written = []
    first = records[0]["day"] - dt.timedelta(days=1)
    hrvs: list[float] = []
    bands = []
    for n in records:
        bands.append(garmin_band(hrvs))
        hrvs.append(n["hrv"])
    for start in range(0, len(records), SPAN_DAYS):
        part = records[start : start + SPAN_DAYS]
        lo = first + dt.timedelta(days=start)
        hi = lo + dt.timedelta(days=SPAN_DAYS)
        span = f"{lo.isoformat()}_{hi.isoformat()}"
        files = {
            wellness / f"{span}_{USER_PK}_sleepData.json": [sleep_record(n, tz) for n in part],
            wellness / f"{span}_{USER_PK}_healthStatusData.json": [
                health_record(n, bands[start + i]) for i, n in enumerate(part)
            ],
            aggregator / f"UDSFile_{span}.json": [uds_record(n) for n in part],
        }
        for path, doc in files.items():
            path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8", newline="\n")
            written.append(path.relative_to(out).as_posix())
    return written


def rule_days(records: list[dict]) -> dict[str, list[dt.date]]:
    """The wake-up dates on which the detectors' rules hold, computed here:
    sleep: the 7 nights up to the day average under 7 h, or 3 or more under 6 h
    (Watson 2015); hrv: the 7-day mean of ln rMSSD below the 60-day mean minus 0.5 x SD
    of the daily ln values (Plews 2012, Buchheit 2014); rhr: the 7-day mean above the
    60-day mean plus 0.5 x SD (Buchheit 2014). 60-day windows need 28 days of data."""
    days = [n["day"] for n in records]
    sleep = np.array([(n["deep"] + n["light"] + (n["rem"] or 0)) / 3600 for n in records])
    ln_hrv = np.log([n["hrv"] for n in records])
    rhr = np.array([n["rhr"] for n in records], dtype=float)
    out: dict[str, list[dt.date]] = {"sleep": [], "hrv": [], "rhr": []}
    for i in range(6, len(records)):
        week = slice(i - 6, i + 1)
        if sleep[week].mean() < 7.0 or (sleep[week] < 6.0).sum() >= 3:
            out["sleep"].append(days[i])
        base = slice(max(0, i - 59), i + 1)
        if i + 1 < 28:
            continue
        if ln_hrv[week].mean() < ln_hrv[base].mean() - 0.5 * ln_hrv[base].std(ddof=1):
            out["hrv"].append(days[i])
        if rhr[week].mean() > rhr[base].mean() + 0.5 * rhr[base].std(ddof=1):
            out["rhr"].append(days[i])
    return out


def check_wellness(records: list[dict], story: tuple[dt.date, dt.date]) -> dict[str, list[dt.date]]:
    """Every rule holds only on days whose week overlaps the short-nights week."""
    near = (story[0], story[1] + dt.timedelta(days=6))
    found = rule_days(records)
    for rule, dates in found.items():
        stray = [d for d in dates if not near[0] <= d <= near[1]]
        assert not stray, (rule, stray)
        assert story[1] in dates, (rule, dates)
    return found
