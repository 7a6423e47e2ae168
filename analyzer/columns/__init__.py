"""Canonical column names and units: the nomenclature, in one place.

Everything inside heavylegs is SI (m, s, m/s) with the running-dynamics conventions
below; kilometres and miles appear only at the edges (CLI, report). One module per
family of tables; every name is available here (``from analyzer import columns as C``).
The README's nomenclature tables are generated from these dictionaries
(``tests/test_docs.py`` checks that the two agree). Nothing here imports pandas.

imported.py  activity, sample and weight tables, file statuses
load.py      training-load feature tables (weekly.csv among them)
form.py      running-form feature tables
shoes.py     shoe mileage tables
wellness.py  wellness readings (sleep, HRV, resting HR, diary) and run ratings
"""

from __future__ import annotations

from . import form, imported, load, shoes, wellness
from .form import *  # noqa: F403
from .imported import *  # noqa: F403
from .load import *  # noqa: F403
from .shoes import *  # noqa: F403
from .wellness import *  # noqa: F403


def nomenclature_markdown() -> str:
    """The README's nomenclature section, generated from the dictionaries above."""
    out = []
    samples = imported.SAMPLE_COLUMNS
    metrics = {m: (samples[c][0], f"`{c}`: {samples[c][1]}") for m, c in form.FORM_METRICS.items()}
    for title, table in (
        ("Activity table (`History.activities`)", imported.ACTIVITY_COLUMNS),
        ("Sample table (`History.samples`)", imported.SAMPLE_COLUMNS),
        ("Weight readings (`History.weights`)", imported.WEIGHT_COLUMNS),
        (
            "Weekly table (`load.weekly_table`, the report's weekly.csv; ratios on the week's last day)",
            load.WEEKLY_COLUMNS,
        ),
        ("Daily load (`load.daily_load`: up to `runs`) and ratios (`load.acwr`: from `load`)", load.DAILY_LOAD_COLUMNS),
        ("Two-week progression per run (`load.run_progression`)", load.RUN_PROGRESSION_COLUMNS),
        ("Long-run spikes per run (`load.long_run_spikes`)", load.SPIKE_COLUMNS),
        ("Comebacks, one row per break (`load.comebacks`)", load.COMEBACK_COLUMNS),
        ("Efficiency per run (`load.efficiency`)", load.EFFICIENCY_COLUMNS),
        ("Heart-rate histogram per run (`load.hr_histogram`)", load.HR_HISTOGRAM_COLUMNS),
        ("Form metrics (`<metric>` in the form columns below) and the sample column each summarises", metrics),
        ("Form summary per run (`dynamics.form_summary`; cached at import by `per_run`)", form.FORM_SUMMARY_COLUMNS),
        ("Pace-adjusted baseline (`baseline.pace_adjusted_form`; gct, vo, vr, cadence)", form.FORM_BASELINE_COLUMNS),
        ("Population bands per run (`dynamics.form_bands`)", form.FORM_BAND_COLUMNS),
        ("Drift within a run (`dynamics.form_drift`; gct_ms, vo_mm, cadence_spm)", form.DRIFT_COLUMNS),
        ("Shoe mileage per run (`shoes.shoe_mileage(...).runs`)", shoes.SHOE_RUN_COLUMNS),
        ("Wellness readings (`History.wellness`: one row per day, metric and source)", wellness.WELLNESS_COLUMNS),
        ("Wellness metrics (`metric` above)", wellness.METRICS),
        (
            "Daily wellness (`features.wellness.daily_wellness`, `History.daily_wellness`)",
            wellness.DAILY_WELLNESS_COLUMNS,
        ),
        ("Ratings from other files (`History.ratings`, matched to activities by start)", wellness.RATING_COLUMNS),
        ("Ratings per run (`features.wellness.run_ratings`)", wellness.RUN_RATING_COLUMNS),
    ):
        out += [f"#### {title}", "", "| column | unit | meaning |", "|---|---|---|"]
        out += [f"| `{name}` | {unit} | {text} |" for name, (unit, text) in table.items()]
        out.append("")
    return "\n".join(out)
