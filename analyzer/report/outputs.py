"""The machine-readable outputs: findings.json, weekly.csv, activities.csv, and the
import result of ``heavylegs import --json``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from .. import columns as C
from ..atomic import write_atomic
from ..jsonable import jsonable


def findings_json(analysis) -> dict:
    """findings.json (schema in the README)."""
    files = analysis.history.files
    return jsonable(
        {
            "as_of": analysis.as_of.isoformat(),
            "units": analysis.units,
            "activities": int(len(analysis.context.activities)),
            "skipped": [{"file": f.path, "reason": f.reason} for f in files if f.status == C.SKIPPED],
            "findings": [f.as_dict() for f in analysis.findings],
            "not_detectable": list(analysis.not_detectable),
            "skipped_detectors": [s.as_dict() for s in analysis.skipped_detectors],
        }
    )


def weekly_csv(analysis) -> pd.DataFrame:
    """weekly.csv: week_start, distance, runs, change_pct, longest run, acwr and variants."""
    ctx = analysis.context
    w = ctx.weekly.copy()
    out = pd.DataFrame(index=w.index)
    out["distance_km"] = (w["distance_m"] / 1000).round(3)
    for col in ("runs", "change_pct"):
        out[col] = w[col]
    out["longest_run_km"] = (w["longest_run_m"] / 1000).round(3)
    if ctx.units == "mi":
        out["distance_mi"] = (w["distance_m"] * ctx.dist(1.0)).round(3)
        out["longest_run_mi"] = (w["longest_run_m"] * ctx.dist(1.0)).round(3)
    keep = [c for c in w.columns if c not in ("distance_m", "longest_run_m", "runs", "change_pct")]
    out = out.join(w[keep])
    return out.round(4).reset_index()


def activities_csv(analysis) -> pd.DataFrame:
    """activities.csv: one row per activity up to as_of, with form medians and shoe."""
    ctx = analysis.context
    acts = ctx.activities
    out = pd.DataFrame(
        {
            "activity_id": acts[C.ACTIVITY_ID],
            "source": acts[C.SOURCE],
            "start_local": acts[C.START_LOCAL],
            "sport": acts[C.SPORT],
            "sub_sport": acts[C.SUB_SPORT],
            "is_run": acts[C.IS_RUN],
            "distance_km": (acts[C.DISTANCE_M] / 1000).round(3),
            "duration_s": acts[C.DURATION_S].round(1),
            "has_dynamics": acts[C.HAS_DYNAMICS],
        }
    )
    if ctx.units == "mi":
        out["distance_mi"] = (acts[C.DISTANCE_M] * ctx.dist(1.0)).round(3)
    extra = getattr(ctx, "activity_extras", None)
    if extra is not None:
        out = out.merge(extra, on="activity_id", how="left")
    return out


def write_outputs(analysis, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write findings.json, weekly.csv and activities.csv into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"findings": out / "findings.json", "weekly": out / "weekly.csv", "activities": out / "activities.csv"}
    write_atomic(paths["findings"], json.dumps(findings_json(analysis), indent=1))
    write_atomic(paths["weekly"], weekly_csv(analysis).to_csv(index=False))
    write_atomic(paths["activities"], activities_csv(analysis).to_csv(index=False))
    return paths


def history_json(history) -> dict:
    """The machine-readable import result (schema in the README)."""
    records = history.all_activities.to_dict(orient="records")
    return {"files": [f.as_dict() for f in history.files], "activities": [jsonable(r) for r in records]}
