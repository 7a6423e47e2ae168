"""Run every detector for an analysis date and gather what the outputs need."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import columns as C
from .atomic import write_atomic
from .detectors import DETECTORS, LOOKBACK_DAYS, NOT_DETECTABLE, Context, Finding, Skipped
from .history import History


@dataclass
class Analysis:
    """The answer for one analysis date.

    findings : the causes active in the LOOKBACK_DAYS before as_of, most likely first
    timeline : every finding up to as_of (older ones included), for the cause timeline
    skipped_detectors : detectors that could not run, with the reason
    """

    as_of: dt.date
    units: str
    context: Context
    findings: list[Finding]
    timeline: list[Finding]
    skipped_detectors: list[Skipped]
    not_detectable: tuple[dict, ...] = field(default=NOT_DETECTABLE)

    @property
    def history(self) -> History:
        return self.context.history


def analyze(history: History, as_of=None, shoes=None, units: str = "km") -> Analysis:
    """Run every detector on ``history`` up to ``as_of`` (default: the last activity)."""
    return run_detectors(Context(history, as_of=as_of, shoes=shoes, units=units))


def run_detectors(ctx: Context) -> Analysis:
    """`analyze` on a context made beforehand (whose features may already be computed)."""
    found: list[Finding] = []
    skipped: list[Skipped] = []
    for cls in DETECTORS:
        det = cls()
        result = det.detect(ctx)
        if isinstance(result, Skipped):
            skipped.append(result)
        else:
            found.extend(result)
    horizon = ctx.as_of - dt.timedelta(days=LOOKBACK_DAYS)
    ranked = sorted(found, key=lambda f: (-f.score, f.cause, f.window["end"]))
    active = [f for f in ranked if dt.date.fromisoformat(f.window["end"]) >= horizon]
    return Analysis(
        as_of=ctx.as_of, units=ctx.units, context=ctx, findings=active, timeline=ranked, skipped_detectors=skipped
    )


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def findings_json(analysis: Analysis) -> dict:
    """findings.json (schema in the README)."""
    files = analysis.history.files
    return _clean(
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


def weekly_csv(analysis: Analysis) -> pd.DataFrame:
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


def activities_csv(analysis: Analysis) -> pd.DataFrame:
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


def write_outputs(analysis: Analysis, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write findings.json, weekly.csv and activities.csv into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"findings": out / "findings.json", "weekly": out / "weekly.csv", "activities": out / "activities.csv"}
    write_atomic(paths["findings"], json.dumps(findings_json(analysis), indent=1))
    write_atomic(paths["weekly"], weekly_csv(analysis).to_csv(index=False))
    write_atomic(paths["activities"], activities_csv(analysis).to_csv(index=False))
    return paths
