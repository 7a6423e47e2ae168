"""The whole real wellness set (../shared/data/wellness, MANIFEST.md there) in one import:
every file accounted for, each with the status its content calls for (the reasons, from
the MANIFEST and the files, are in the comments); skipped cleanly when the set is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer import columns as C
from analyzer import read_history

WELLNESS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wellness"

EXPECTED = {
    "MANIFEST.md": C.SKIPPED,  # not a data file
    "fit/chi_156627598007_WELLNESS.fit": C.IMPORTED,  # monitoring_hr_data: a resting HR
    "fit/kaiord_HealthMonitoringStressDay.fit": C.IMPORTED,  # the same
    "fit/kaiord_HealthHrvOvernight.fit": C.IMPORTED,  # hrv_status_summary (hand-made layout)
    # sleep files whose every sleep_level is 1 'awake' (both decoders agree): no night
    "fit/chi_156627610843_SLEEP_DATA.fit": C.SKIPPED,
    "fit/kaiord_HealthSleepOvernight.fit": C.SKIPPED,
    "fit/chi_172797046616_METRICS.fit": C.SKIPPED,  # VO2max metrics file: nothing heavylegs reads
    "fit/fitsdk_example_WeightScaleSingleUser.fit": C.NOT_RUN,  # weight readings, no run
    # the activity list carries no rating; the all-null sleep day of 2030-01-01 no reading
    "garmin_api/garth_test_activity_get__0__activitylist-service_activities_search_activities.json": C.SKIPPED,
    "garmin_api/garth_test_daily_sleep_data_get__1__sleep-service_sleep_dailySleepData.json": C.SKIPPED,
    # weight in grams: readings, no run (as a scale's FIT file)
    "garmin_api/garth_test_get_daily_weight_data__0__weight-service_weight_dayview_2025-06-15.json": C.NOT_RUN,
    "garmin_api/garth_test_weight_data_list__0__weight-service_weight_range_2025-06-01_2025-06-15.json": C.NOT_RUN,
}


def test_every_real_wellness_file_is_accounted_for(tmp_path):
    if not WELLNESS.is_dir():
        pytest.skip(f"{WELLNESS} is absent (the shared wellness set)")
    h = read_history([WELLNESS], cache=tmp_path / "cache", progress=False)
    got = {Path(f.path).relative_to(WELLNESS).as_posix(): f.status for f in h.files}
    on_disk = {p.relative_to(WELLNESS).as_posix() for p in WELLNESS.rglob("*") if p.is_file()}
    assert set(got) == on_disk
    for name, status in got.items():
        assert status == EXPECTED.get(name, C.IMPORTED), name
    assert all(f.reason for f in h.files if f.status == C.SKIPPED)
    # the five TCX runs, and the runs of the two Strava CSVs' rows, are runs
    tcx = h.activities[h.activities[C.FORMAT] == "tcx"]
    assert len(tcx) == 5 and tcx[C.IS_RUN].all()
    # ratings: TheNewThinkTank's 10 runs with Perceived Exertion (MANIFEST: values 3, 7, 8)
    rated = h.activities[h.activities[C.RPE].notna()]
    assert len(rated) == 10 and set(rated[C.RPE]) == {3.0, 7.0, 8.0}
