"""Issue point 7: a step in running dynamics that starts with a new device is the
device's. The baseline restarts on the new watch, the form detectors do not read the
step as form (no high finding; the skip says why), and the worn-shoes finding does not
say that form "worsened as they wore". The same step on the same watch is found, so the
tests can fail. Every number is worked by hand in the comments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer import columns as C
from analyzer.detectors import Skipped
from analyzer.detectors.context import Context
from analyzer.detectors.ground_contact import GroundContact
from analyzer.detectors.worn_shoes import WornShoes

from .fakes import DAY0, FakeHistory, activities, activity

#: 42 runs, one every 2 days (days 0..82); the analysis date is day 82, so the form
#: detectors judge the 14 runs of days 56..82 (day > 82 - 28).
AS_OF = (DAY0 + pd.Timedelta(days=82)).normalize()
#: The step: from day 70 (the run index 35) on, ground contact reads 20 ms longer.
STEP_DAY = 70
#: Every run: 20 min at 1 s, 3.0 m/s throughout (3.6 km), so each run's steady median is
#: exactly its value. Ground contact 260 ms plus 0, +3, -3 ms by run index mod 3.
SECONDS = 20 * 60
SPEED = 3.0
NOISE = (0.0, 3.0, -3.0)
OLD_WATCH = {C.MANUFACTURER: "garmin", C.PRODUCT: "fr255", C.DEVICE_SERIAL: "3420897194"}
NEW_WATCH = {C.MANUFACTURER: "garmin", C.PRODUCT: "fr965", C.DEVICE_SERIAL: "3502345678"}


def _history(
    new_watch: bool, last_day: int = 82, first_day: int = 0, base: float = 260.0, alternate: bool = False
) -> FakeHistory:
    """The runs above (days first_day..last_day); from STEP_DAY on, ground contact +20 ms,
    on a new watch when ``new_watch`` (else on the same one); ``base`` in place of 260 ms.
    ``alternate``: instead, the two watches worn in turn from the start (odd runs on the
    second), which reads 20 ms longer throughout."""
    rows, frames = [], []
    for i, d in enumerate(range(first_day, last_day + 1, 2)):
        after = (i % 2 == 1) if alternate else d >= STEP_DAY
        device = NEW_WATCH if (after and (new_watch or alternate)) else OLD_WATCH
        rows.append(activity(float(d), SPEED * SECONDS, i=i, hours=SECONDS / 3600, has_dynamics=True, **device))
        gct = base + NOISE[i % 3] + (20.0 if after else 0.0)
        start = (DAY0 + pd.Timedelta(days=float(d))).tz_localize("UTC")
        frames.append(
            pd.DataFrame(
                {
                    C.ACTIVITY_ID: f"r{i}",
                    C.TIMESTAMP: pd.date_range(start, periods=SECONDS, freq="1s"),
                    C.SPEED_M_S: SPEED,
                    C.HEART_RATE_BPM: np.nan,
                    C.TEMPERATURE_C: np.nan,
                    C.STANCE_TIME_MS: gct,
                }
            )
        )
    return FakeHistory(activities(rows), pd.concat(frames, ignore_index=True))


def _shoes() -> pd.DataFrame:
    """One pair, worn on every run: 400 km before the history plus 42 x 3.6 = 151.2 km,
    551.2 km: past 300 miles (482.8 km), under 500 (804.7 km): medium."""
    return pd.DataFrame(
        {
            "name": ["Pegasus"],
            "first_used": [pd.Timestamp("2023-12-01")],
            "retired": [pd.NaT],
            "initial_m": [400_000.0],
        }
    )


def _recent(ctx: Context) -> pd.DataFrame:
    form = ctx.form
    return form[pd.to_datetime(form[C.START_LOCAL]) >= DAY0 + pd.Timedelta(days=56)]


def test_the_same_step_on_the_same_watch_is_high_and_blamed_on_the_wear():
    """Control. The first stepped run (index 35, 35 mod 3 = 2: 277 ms) has the 35 runs
    before it as baseline: 12 x 260, 12 x 263, 11 x 257 at one pace, so the line is flat
    at their median, 260 ms, and its residuals' MAD is 3 ms (12 zeros, 23 threes). The
    6 stepped runs after it do not move either (the median stays in the 260 block, index
    <= 20 of 11..22; the MAD in the 3s, index <= 20 of 12..34): every recent run's
    deviation is its value - 260."""
    ctx = Context(_history(new_watch=False), as_of=AS_OF, shoes=_shoes())
    recent = _recent(ctx)
    assert recent["expected_gct_ms"].tolist() == [260.0] * 14
    # Deviations 3, -3, 0, 3, -3, 0, 3 then 17, 20, 23, 17, 20, 23, 17: median (3 + 17) / 2 = 10 ms >= 8.
    assert recent["deviation_gct_ms"].tolist() == [3, -3, 0, 3, -3, 0, 3, 17, 20, 23, 17, 20, 23, 17]
    # z = deviation / (1.4826 x 3): median (3 + 17) / 2 / 4.4478 = 2.248 >= 2.
    assert recent["z_gct_ms"].median() == pytest.approx(10.0 / (1.4826 * 3.0))
    # 7 of 14 recent runs over 272 ms (Garmin's orange band), and the deviation rises (the
    # 49 pairs across the step are positive, more than half of the 91): high.
    (f,) = GroundContact().run(ctx)
    assert f.severity == "high"
    (shoe,) = WornShoes().run(ctx)
    assert shoe.severity == "medium"
    assert "worsened as they wore" in shoe.message and "new device" not in shoe.message
    ev = {e.metric: e.value for e in shoe.evidence}
    assert ev["pace-adjusted ground contact change"] > 0


def test_a_step_on_a_new_watch_is_no_form_finding_and_not_the_shoes():
    """The same history on a new watch from day 70: its 7 runs (days 70..82) have 0..6
    runs of their device before them, too few for a baseline (8), so they have no
    deviation; the 7 recent runs on the old watch deviate by 3, -3, 0, 3, -3, 0, 3 (median
    0): nothing is above the baseline. The detector says why it cannot judge the new
    watch."""
    ctx = Context(_history(new_watch=True), as_of=AS_OF, shoes=_shoes())
    recent = _recent(ctx)
    assert recent["deviation_gct_ms"].iloc[:7].tolist() == [3, -3, 0, 3, -3, 0, 3]
    assert recent["deviation_gct_ms"].iloc[7:].isna().all()
    assert recent["baseline_n_gct_ms"].iloc[7:].tolist() == list(range(7))
    assert (
        recent["baseline_reason_gct_ms"]
        .iloc[7]
        .endswith("35 runs recorded by other devices are not compared (a new device restarts it)")
    )
    got = GroundContact().run(ctx)
    assert isinstance(got, Skipped)
    assert got.reason.startswith("a new device (garmin fr965 #3502345678) from 2024-03-11:")
    assert "7 runs on it are too few for a personal baseline (need 8)" in got.reason
    # Worn shoes: the old watch's deviations (runs 8..34, 0/+3/-3 by index) have slope 0
    # on the pair's mileage (as many pairs rise as fall, a third are flat); the new
    # watch's runs have none. The pair is still past 300 miles, and the finding says a
    # new device came while it was worn.
    (shoe,) = WornShoes().run(ctx)
    assert shoe.severity == "medium"
    assert "worsened as they wore" not in shoe.message
    assert "The new device (garmin fr965 #3502345678) from 11 Mar 2024" in shoe.message
    ev = {e.metric: (e.value, e.date) for e in shoe.evidence}
    assert ev["pace-adjusted ground contact change"] == (0.0, None)
    assert ev["new device while in this pair"] == ("garmin fr965 #3502345678", "2024-03-11")


def test_a_new_watch_with_a_baseline_of_its_own_is_judged_on_it():
    """Analysed on day 94: the recent runs are days 68..94, the new watch's from day 70
    (13 runs). From its 9th run on (day 86, index 43) a run has 8 or more runs of the
    new watch before it: 277, 280, 283 ms by index mod 3, a flat line at their median
    280 ms (for index 43: 3 x 277, 3 x 280, 2 x 283) with a MAD of 3 ms. So the 5 runs of
    days 86..94 are judged on the new watch: deviations of 3 ms at most, nothing found,
    and no skip either."""
    ctx = Context(_history(new_watch=True, last_day=94), as_of=(DAY0 + pd.Timedelta(days=94)).normalize())
    form = ctx.form
    judged = form[pd.to_datetime(form[C.START_LOCAL]) >= DAY0 + pd.Timedelta(days=86)]
    assert len(judged) == 5 and judged["expected_gct_ms"].tolist() == [280.0] * 5
    assert judged["deviation_gct_ms"].abs().max() == 3.0
    assert GroundContact().run(ctx) == []


def test_a_band_finding_on_a_new_watch_says_the_device_changed():
    """Only days 60..82: 5 runs on the old watch (days 60..68) and 7 on the new one, none
    with 8 runs of its device before it, so no baseline at all. Ground contact 287-313
    ms is over 272 ms (Garmin's orange band) on every run: the bands alone give a low
    finding (never more), and it says a new watch came inside the window."""
    ctx = Context(_history(new_watch=True, first_day=60, base=290.0), as_of=AS_OF)
    assert ctx.form["deviation_gct_ms"].isna().all()
    (f,) = GroundContact().run(ctx)
    assert f.severity == "low"
    assert "too few runs for a personal baseline" in f.message
    assert "A new device (garmin fr965 #3502345678) from 11 Mar 2024 may read ground contact time differently" in (
        f.message
    )
    ev = {e.metric: (e.value, e.date) for e in f.evidence}
    assert ev["new device, compared only with its own runs"] == ("garmin fr965 #3502345678", "2024-03-11")


def test_two_watches_worn_in_turn_are_each_their_own_baseline():
    """Two watches worn in turn since day 0, the second reading 20 ms longer throughout:
    each is compared with itself. The first's runs (even indexes) read 260, 257, 263 ms
    by index mod 3, the second's 283, 280, 277: flat lines at 260 and 280 ms with MADs of
    3 ms, so every recent run deviates by 0 or 3 ms. Neither watch is new in the window:
    nothing found, and no skip. The pair's form slope is 0 on each watch: no "worsened"
    claim; the finding names the second watch as the one that came while it was worn."""
    ctx = Context(_history(new_watch=False, alternate=True), as_of=AS_OF, shoes=_shoes())
    recent = _recent(ctx)
    assert recent[C.DEVICE].tolist() == ["garmin fr255 #3420897194", "garmin fr965 #3502345678"] * 7
    assert recent["expected_gct_ms"].tolist() == [260.0, 280.0] * 7
    assert set(recent["deviation_gct_ms"].abs()) <= {0.0, 3.0}
    assert GroundContact().run(ctx) == []
    (shoe,) = WornShoes().run(ctx)
    assert "worsened as they wore" not in shoe.message
    assert "The new device (garmin fr965 #3502345678) from 03 Jan 2024" in shoe.message


@pytest.mark.parametrize(
    ("gct", "vo", "worse"),
    [(0.99, 0.49, False), (0.1, -0.04, False), (1.0, None, True), (None, 0.5, True)],
)
def test_a_form_slope_within_the_noise_is_not_blamed_on_the_wear(monkeypatch, gct, vo, worse):
    """The pair counts as wearing form down only when its slope reaches the form
    detectors' smallest effect over 500 miles: 8 ms / 8.04672 = 0.994 ms of ground contact,
    4 mm / 8.04672 = 0.497 mm of oscillation per 100 km (0.1 ms per 100 km, the sample
    season's pair at 23 Aug, is 0.8 ms over 500 miles: noise). The pair of _shoes() has
    551.2 km: (551.2 - 482.8032) / 804.672 = 0.0850 past 300 miles, score 0.40 + 0.25 x
    0.0850 = 0.42125; with the form bonus, 0.40 + 0.25 x 0.3850 = 0.49625 (scores kept to 4 places)."""
    from analyzer.detectors import worn_shoes

    real = worn_shoes.shoes.form_vs_shoe_mileage

    def slopes(form, runs):
        out = real(form, runs)
        out["gct_slope_ms_per_100km"] = np.nan if gct is None else gct
        out["vo_slope_mm_per_100km"] = np.nan if vo is None else vo
        return out

    monkeypatch.setattr(worn_shoes.shoes, "form_vs_shoe_mileage", slopes)
    (shoe,) = WornShoes().run(Context(_history(new_watch=False), as_of=AS_OF, shoes=_shoes()))
    assert ("worsened as they wore" in shoe.message) is worse
    assert shoe.score == pytest.approx(0.49625 if worse else 0.42125, abs=1e-4)
