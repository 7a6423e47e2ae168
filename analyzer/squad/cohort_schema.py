"""The cohort dataset's tables and their fixed pyarrow schemas (cohort.py writes them).

One schema per table, whatever the athlete's data: an athlete with no finding, no
running dynamics or no wellness writes the same columns (nulls, or no rows), so that
every partition of a table reads together. SI units (metres, seconds); column names are
analyzer.columns' where the table has one. Every table starts with ``as_of``, the
athlete's analysis date; the athlete is the hive partition (``athlete=<id>``).
"""

from __future__ import annotations

import pyarrow as pa

from .. import columns as C

#: The hive partition key of every table: DIR/cohort/<table>/athlete=<id>/part-0.parquet.
PARTITION = "athlete"
AS_OF = "as_of"


def _schema(fields: list[tuple[str, pa.DataType]]) -> pa.Schema:
    return pa.schema([pa.field(AS_OF, pa.date32()), *(pa.field(n, t) for n, t in fields)])


#: The active findings (findings.json's "findings"), most likely first.
FINDINGS = _schema(
    [
        ("rank", pa.int32()),
        ("cause", pa.string()),
        ("category", pa.string()),
        ("severity", pa.string()),
        ("score", pa.float64()),
        ("window_start", pa.date32()),
        ("window_end", pa.date32()),
        ("message", pa.string()),
        ("advice", pa.string()),
        ("signals", pa.list_(pa.string())),
        ("evidence", pa.string()),
    ]
)

#: One row per evidence item of each active finding, in the finding's order (item 1..n).
EVIDENCE = _schema(
    [
        ("rank", pa.int32()),
        ("cause", pa.string()),
        ("item", pa.int32()),
        ("metric", pa.string()),
        ("value", pa.float64()),
        ("value_text", pa.string()),
        ("unit", pa.string()),
        ("threshold", pa.string()),
        ("date", pa.date32()),
        ("source", pa.string()),
    ]
)

#: weekly.csv's columns that are not numbers of float type.
_WEEKLY_TYPES = {
    C.WEEK_START: pa.date32(),
    C.RUNS: pa.int64(),
    C.STRENGTH_SESSIONS: pa.int64(),
    C.PROGRESSION_FLAG: pa.bool_(),
    C.ACWR_REASON: pa.string(),
    C.WINDOW_NOTE: pa.string(),
}
#: The weekly table (load.weekly_table, the report's weekly.csv in metres and seconds).
WEEKLY = _schema([(c, _WEEKLY_TYPES.get(c, pa.float64())) for c in C.WEEKLY_COLUMNS])

#: activities.csv's form columns, named as in the form tables: the run's medians and its
#: deviations from the pace-adjusted personal baseline.
RUN_FORM = [
    C.form_column(kind, metric)
    for kind in (C.MEDIAN, C.DEVIATION)
    for metric in (C.FORM_GCT_MS, C.FORM_VO_MM, C.FORM_VR_PCT, C.FORM_CADENCE_SPM)
]
#: One row per run up to as_of (duplicates and suspect runs left out, as the detectors
#: see them): what activities.csv says of it, in SI units, with the runner's ratings.
RUNS = _schema(
    [
        (C.ACTIVITY_ID, pa.string()),
        (C.START_LOCAL, pa.timestamp("us")),
        (C.DATE, pa.date32()),
        (C.DISTANCE_M, pa.float64()),
        (C.DURATION_S, pa.float64()),
        (C.AVG_HR, pa.float64()),
        (C.HAS_DYNAMICS, pa.bool_()),
        (C.FEEL, pa.float64()),
        (C.RPE, pa.float64()),
        (C.LEGS_HEAVY_DAY, pa.float64()),
        (C.HEAVY, pa.bool_()),
        (C.HEAVY_REASON, pa.string()),
        *((c, pa.float64()) for c in RUN_FORM),
        (C.SHOE, pa.string()),
        (C.CUMULATIVE_M, pa.float64()),
    ]
)

#: The daily wellness's value columns: every metric, and the body mass.
WELLNESS_VALUES = [*C.METRICS, C.WELLNESS_WEIGHT_KG]
#: The daily wellness table (features.wellness.daily_wellness up to as_of): one row per
#: day with a reading, every metric's column and the file each value came from.
WELLNESS = _schema(
    [
        (C.DATE, pa.date32()),
        *((m, pa.string() if m in C.TEXT_METRICS else pa.float64()) for m in WELLNESS_VALUES),
        *((m + C.SOURCE_SUFFIX, pa.string()) for m in WELLNESS_VALUES),
    ]
)

#: Every table of the cohort and its schema.
COHORT_TABLES: dict[str, pa.Schema] = {
    "findings": FINDINGS,
    "evidence": EVIDENCE,
    "weekly": WEEKLY,
    "runs": RUNS,
    "wellness": WELLNESS,
}
#: Tables whose partition is written only when the athlete has rows (the others are
#: written empty, so that an athlete with no finding shows as such).
ONLY_WHEN_PRESENT = frozenset({"wellness"})
