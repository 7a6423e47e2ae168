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
from .summary import summary


def findings_json(analysis) -> dict:
    """findings.json (schema in the README)."""
    files = analysis.history.files
    return jsonable(
        {
            "as_of": analysis.as_of.isoformat(),
            "units": analysis.units,
            "summary": summary(analysis),
            "activities": int(len(analysis.context.activities)),
            "skipped": [{"file": f.path, "reason": f.reason} for f in files if f.status == C.SKIPPED],
            "findings": [f.as_dict() for f in analysis.findings],
            "heavy_days": analysis.heavy_days.as_dict(analysis.context.dist),
            "not_detectable": list(analysis.not_detectable),
            "skipped_detectors": [s.as_dict() for s in analysis.skipped_detectors],
        }
    )


def weekly_csv(analysis) -> pd.DataFrame:
    """weekly.csv: week_start, distance, runs, change_pct, longest run, acwr and variants."""
    ctx = analysis.context
    w = ctx.weekly.copy()
    out = pd.DataFrame(index=w.index)
    out["distance_km"] = (w[C.DISTANCE_M] / 1000).round(3)
    for col in ("runs", "change_pct"):
        out[col] = w[col]
    out["longest_run_km"] = (w[C.LONGEST_RUN_M] / 1000).round(3)
    if ctx.units == "mi":
        out["distance_mi"] = (w[C.DISTANCE_M] * ctx.dist(1.0)).round(3)
        out["longest_run_mi"] = (w[C.LONGEST_RUN_M] * ctx.dist(1.0)).round(3)
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
    return out.merge(_run_extras(ctx), on="activity_id", how="left")


#: activities.csv's form columns: the form summary's column each is taken from.
FORM_OUTPUT = {
    C.form_column(C.MEDIAN, C.FORM_GCT_MS): "gct_ms",
    C.form_column(C.MEDIAN, C.FORM_VO_MM): "vo_mm",
    C.form_column(C.MEDIAN, C.FORM_VR_PCT): "vertical_ratio_pct",
    C.form_column(C.MEDIAN, C.FORM_CADENCE_SPM): "cadence_spm",
    C.form_column(C.DEVIATION, C.FORM_GCT_MS): "gct_vs_baseline_ms",
    C.form_column(C.DEVIATION, C.FORM_VO_MM): "vo_vs_baseline_mm",
}


def _run_extras(ctx) -> pd.DataFrame:
    """Per-run form medians and the shoe with its distance, for activities.csv."""
    out = pd.DataFrame({"activity_id": ctx.runs[C.ACTIVITY_ID]})
    form = ctx.form
    if len(form):
        picked = form[[C.ACTIVITY_ID, *FORM_OUTPUT]].rename(columns=FORM_OUTPUT)
        out = out.merge(picked, left_on="activity_id", right_on=C.ACTIVITY_ID, how="left")
    mileage = ctx.shoes
    if mileage is not None and len(mileage.runs):
        m = mileage.runs[[C.ACTIVITY_ID, C.SHOE, C.CUMULATIVE_KM]].rename(columns={C.CUMULATIVE_KM: "shoe_km"})
        out = out.merge(m, left_on="activity_id", right_on=C.ACTIVITY_ID, how="left")
    else:
        out["shoe"] = ""
        out["shoe_km"] = float("nan")
    # The runner's ratings (features.wellness.run_ratings): feel, RPE, the diary's
    # legs_heavy of the day, and whether the run counts as heavy-rated.
    rated = ctx.ratings[["activity_id", C.FEEL, C.RPE, C.LEGS_HEAVY, C.HEAVY]]
    return out.merge(rated, on="activity_id", how="left")


def wellness_csv(analysis) -> pd.DataFrame:
    """wellness.csv: the daily wellness up to as_of (features.wellness.daily_wellness)."""
    daily = analysis.context.wellness
    return daily.assign(**{C.DATE: daily[C.DATE].dt.strftime("%Y-%m-%d")})


def write_outputs(analysis, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write findings.json, weekly.csv, activities.csv and, when the history has wellness
    readings, wellness.csv into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"findings": out / "findings.json", "weekly": out / "weekly.csv", "activities": out / "activities.csv"}
    write_atomic(paths["findings"], json.dumps(findings_json(analysis), indent=1))
    write_atomic(paths["weekly"], weekly_csv(analysis).to_csv(index=False))
    write_atomic(paths["activities"], activities_csv(analysis).to_csv(index=False))
    if len(analysis.context.wellness):
        paths["wellness"] = out / "wellness.csv"
        write_atomic(paths["wellness"], wellness_csv(analysis).to_csv(index=False))
    return paths


def history_json(history) -> dict:
    """The machine-readable import result (schema in the README)."""
    records = history.all_activities.to_dict(orient="records")
    return {"files": [f.as_dict() for f in history.files], "activities": [jsonable(r) for r in records]}
