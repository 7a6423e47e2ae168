"""The cohort dataset: each athlete's analysis as rows of a few parquet tables,
DIR/cohort/<table>/athlete=<id>/part-0.parquet (hive partitions), readable by pandas and
DuckDB. Tables and schemas: cohort_schema.py.

An athlete's partition of a table is one file written atomically (atomic.write_atomic);
an athlete analysed again replaces its partitions whole (any other file in them is
removed), and a wellness partition left from an earlier analysis is removed when the
athlete has no wellness now. The id in the folder name is percent-encoded where it
holds characters other than letters, digits and ``_.-~`` (pyarrow and DuckDB decode it).
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .. import columns as C
from ..atomic import write_atomic
from ..jsonable import jsonable
from .cohort_schema import AS_OF, COHORT_TABLES, ONLY_WHEN_PRESENT, PARTITION, RUN_FORM

#: The one file of an athlete's partition.
PART = "part-0.parquet"


def partition_dir(cohort_root: str | os.PathLike, table: str, athlete_id: str) -> Path:
    """DIR/cohort/<table>/athlete=<id>: the folder of one athlete's rows of ``table``."""
    if table not in COHORT_TABLES:
        raise ValueError(f"unknown cohort table {table!r} (known: {', '.join(COHORT_TABLES)})")
    if not athlete_id or athlete_id in (".", ".."):
        raise ValueError(f"athlete id {athlete_id!r} cannot name a partition")
    return Path(cohort_root) / table / f"{PARTITION}={quote(athlete_id, safe='')}"


# --- the tables as frames ---------------------------------------------------------------
def _finding_dicts(analysis) -> list[dict]:
    """The active findings as findings.json has them (report/outputs.findings_json)."""
    return [jsonable(f.as_dict()) for f in analysis.findings]


def findings_frame(analysis) -> pd.DataFrame:
    rows = [
        {
            "rank": rank,
            "cause": d["cause"],
            "category": d["category"],
            "severity": d["severity"],
            "score": d["score"],
            "window_start": d["window"]["start"],
            "window_end": d["window"]["end"],
            "message": d["message"],
            "advice": d["advice"],
            "signals": list(d["signals"]),
            "evidence": json.dumps(d["evidence"], ensure_ascii=False),
        }
        for rank, d in enumerate(_finding_dicts(analysis), 1)
    ]
    return pd.DataFrame(rows)


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def evidence_frame(analysis) -> pd.DataFrame:
    rows = [
        {
            "rank": rank,
            "cause": d["cause"],
            "item": item,
            "metric": e["metric"],
            "value": _number(e["value"]),
            "value_text": e["value"] if isinstance(e["value"], str) or e["value"] is None else json.dumps(e["value"]),
            "unit": e["unit"],
            "threshold": e["threshold"],
            "date": e["date"],
            "source": e["source"],
        }
        for rank, d in enumerate(_finding_dicts(analysis), 1)
        for item, e in enumerate(d["evidence"], 1)
    ]
    return pd.DataFrame(rows)


def weekly_frame(analysis) -> pd.DataFrame:
    return analysis.context.weekly.reset_index()


def runs_frame(analysis) -> pd.DataFrame:
    """Per run: activities.csv's columns in SI units (report/outputs.activities_csv)."""
    ctx = analysis.context
    cols = [C.ACTIVITY_ID, C.START_LOCAL, C.DATE, C.DISTANCE_M, C.DURATION_S, C.AVG_HR, C.HAS_DYNAMICS]
    out = ctx.runs[cols]
    rated = [C.ACTIVITY_ID, C.FEEL, C.RPE, C.LEGS_HEAVY_DAY, C.HEAVY, C.HEAVY_REASON]
    out = out.merge(ctx.ratings[rated], on=C.ACTIVITY_ID, how="left")
    form = ctx.form
    if len(form):
        out = out.merge(form[[C.ACTIVITY_ID, *(c for c in RUN_FORM if c in form)]], on=C.ACTIVITY_ID, how="left")
    mileage = ctx.shoes
    if mileage is not None and len(mileage.runs):
        out = out.merge(mileage.runs[[C.ACTIVITY_ID, C.SHOE, C.CUMULATIVE_M]], on=C.ACTIVITY_ID, how="left")
    return out


def wellness_frame(analysis) -> pd.DataFrame:
    return analysis.context.wellness


FRAMES = {
    "findings": findings_frame,
    "evidence": evidence_frame,
    "weekly": weekly_frame,
    "runs": runs_frame,
    "wellness": wellness_frame,
}


# --- frames to arrow, in the fixed schema ------------------------------------------------
def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def _array(values: pd.Series, kind: pa.DataType) -> pa.Array:
    """``values`` as an arrow array of type ``kind``: missing values (None, NaN, NaT) are
    null; a date that is not one (evidence dates are text) is null."""
    if pa.types.is_date32(kind):
        days = pd.to_datetime(values, errors="coerce")
        return pa.array([None if pd.isna(t) else t.date() for t in days], kind)
    if pa.types.is_timestamp(kind):
        return pa.array(pd.to_datetime(values), from_pandas=True).cast(kind, safe=False)
    if pa.types.is_string(kind):
        return pa.array([None if _missing(v) else str(v) for v in values], kind)
    if pa.types.is_boolean(kind):
        return pa.array([None if _missing(v) else bool(v) for v in values], kind)
    if pa.types.is_list(kind):
        return pa.array([list(v) for v in values], kind)
    return pa.array(pd.to_numeric(values, errors="coerce"), kind, from_pandas=True)


def to_table(frame: pd.DataFrame, schema: pa.Schema, as_of) -> pa.Table:
    """``frame`` in ``schema``: its columns of the schema converted, the others left out,
    those it lacks null; ``as_of`` on every row."""
    n = len(frame)
    arrays = []
    for field in schema:
        if field.name == AS_OF:
            arrays.append(pa.array([as_of] * n, field.type))
        elif field.name in frame.columns:
            arrays.append(_array(frame[field.name].reset_index(drop=True), field.type))
        else:
            arrays.append(pa.nulls(n, field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def _replace_partition(folder: Path, data: bytes) -> Path:
    """Write the partition's one file atomically, then remove any other file in it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = write_atomic(folder / PART, data)
    for other in folder.iterdir():
        if other.name == PART or other.name.startswith("."):  # dot files: writes in flight
            continue
        if other.is_dir():
            shutil.rmtree(other)
        else:
            other.unlink(missing_ok=True)
    return path


def write_athlete_cohort(analysis, athlete_id: str, cohort_root: str | os.PathLike) -> dict[str, Path]:
    """Write the athlete's partition of every table (detectors.run.Analysis ``analysis``)
    under ``cohort_root``; returns the files written by table. The wellness partition is
    written only when the athlete has wellness (and removed when it has none now)."""
    written = {}
    for table, schema in COHORT_TABLES.items():
        folder = partition_dir(cohort_root, table, athlete_id)
        frame = FRAMES[table](analysis)
        if table in ONLY_WHEN_PRESENT and not len(frame):
            shutil.rmtree(folder, ignore_errors=True)
            continue
        written[table] = _replace_partition(folder, _parquet_bytes(to_table(frame, schema, analysis.as_of)))
    return written


def remove_athlete_cohort(athlete_id: str, cohort_root: str | os.PathLike) -> None:
    """Remove every partition of the athlete (one whose export can no longer be
    analysed: its rows from an earlier analysis would otherwise stay in the cohort)."""
    for table in COHORT_TABLES:
        shutil.rmtree(partition_dir(cohort_root, table, athlete_id), ignore_errors=True)


def read_cohort(cohort_root: str | os.PathLike, table: str) -> pd.DataFrame:
    """One table of the cohort as a frame, with the ``athlete`` column as text (pandas'
    own reading would turn ids such as '007' into the number 7); an empty frame of the
    table's columns when no athlete has rows."""
    import pyarrow.dataset as ds

    schema = COHORT_TABLES[table]
    folder = Path(cohort_root) / table
    key = pa.schema([pa.field(PARTITION, pa.string())])
    full = pa.schema([*schema, pa.field(PARTITION, pa.string())])
    if not folder.is_dir():
        return full.empty_table().to_pandas()
    parts = ds.partitioning(key, flavor="hive")
    return ds.dataset(folder, format="parquet", partitioning=parts, schema=full).to_table().to_pandas()
