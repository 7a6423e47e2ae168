"""Shoes: which pair each run was run in, the mileage of every pair, and form against
a pair's mileage.

Three sources say which pair a run was in, strongest first: a per-activity override
file (``activity_id,shoe``), Strava's activities.csv gear column (matched by file name,
else by start time), and the runner's ``shoes.csv`` date ranges. Distances are metres
inside; the mileage tables also give km and miles, named with their unit.

Pure functions: frames in, frames out; inputs are never modified.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import columns as C
from ..importers.gear import is_strava_run
from ..units import M_PER_KM, M_PER_MILE
from .bands import SHOE_GUIDANCE_HIGH_M, SHOE_GUIDANCE_LOW_M  # noqa: F401  (re-exported)
from .baseline import theil_sen_within

# SHOE_GUIDANCE_LOW_M / _HIGH_M, the seed article's 300-500 miles: defined with their
# sources in bands.py (imported above), which the report's shoe chart draws without pandas.
SHOE_GUIDANCE_SOURCE = (
    "300-500 miles is industry guidance (the seed article's rule), not a study finding; "
    "Cook 1985: machine-worn shoes kept ~60 % of cushioning at 500 miles; Wang 2010 (Footwear Science): "
    "peak force +4.9 % after 500 km; Malisoux 2015 (Scand J Med Sci Sports): rotating pairs, injury HR 0.61"
)

#: A Strava activity matches a run when their starts are at most this far apart [s]
#: (the same tolerance as the importer's duplicate rule, history.DUPLICATE_START_S).
GEAR_MATCH_S = 120.0
#: Fewest runs with dynamics in a pair, on one device, for a form-against-mileage slope
#: (convention).
MIN_RUNS_FOR_SLOPE = 5


@dataclass(frozen=True)
class ShoeMileage:
    """Mileage per pair of shoes.

    runs : one row per run with a known pair, by pair then date: activity_id (or
        strava_id), shoe, start_local, distance_m [m], cumulative_m [m] (the pair's
        initial distance plus every run up to and including this one), cumulative_km,
        cumulative_mi.
    pairs : one row per pair: shoe, n_runs, run_m [m] (runs seen), initial_m [m],
        total_m / total_km / total_mi (initial + runs, at the analysis date),
        first_run, last_run, past_300_mi, past_500_mi.
    unassigned_runs : number of runs with no known pair.
    unassigned_m : their distance [m].
    as_of : the analysis date (runs after it are left out); NaT for "all runs".
    """

    runs: pd.DataFrame
    pairs: pd.DataFrame
    unassigned_runs: int
    unassigned_m: float
    as_of: pd.Timestamp


def _by_dates(runs: pd.DataFrame, shoes: pd.DataFrame) -> pd.Series:
    """Pair whose first_used..retired covers the run's local date; the newer pair
    (later first_used) where ranges overlap."""
    day = pd.to_datetime(runs[C.START_LOCAL]).dt.normalize().to_numpy()
    s = shoes.sort_values("first_used", kind="stable")
    first = s["first_used"].to_numpy()
    retired = s["retired"].fillna(pd.Timestamp.max.normalize()).to_numpy()
    covers = (day[:, None] >= first[None, :]) & (day[:, None] <= retired[None, :])
    # Last covering column = the newest pair.
    last = covers.shape[1] - 1 - np.argmax(covers[:, ::-1], axis=1) if covers.shape[1] else np.zeros(len(day), int)
    names = s["name"].to_numpy(dtype=object)
    return pd.Series(
        np.where(covers.any(axis=1), names[last] if len(names) else "", ""), index=runs.index, dtype=object
    )


def _source_tail(source: pd.Series) -> pd.Series:
    """The part of a source label a Strava filename can match: after the last '!'
    (inside an archive), with backslashes as slashes."""
    return source.astype(str).str.replace("\\", "/", regex=False).str.rsplit("!", n=1).str[-1]


def running_gear(gear: pd.DataFrame) -> pd.DataFrame:
    """The rows of a Strava activities.csv whose gear is a shoe: running types only
    (a ride's gear is a bike, whatever the run it might be matched to)."""
    return gear[gear["type"].map(is_strava_run).astype(bool) & (gear["gear"].astype(str).str.strip() != "")]


def _by_strava(runs: pd.DataFrame, gear: pd.DataFrame) -> pd.Series:
    """Strava gear of each run: by filename (the run's source ends with it), else by
    start time within GEAR_MATCH_S; only the gear of Strava's running rows
    (running_gear)."""
    g = running_gear(gear)
    out = pd.Series("", index=runs.index, dtype=object)
    if g.empty or runs.empty:
        return out
    # 1. filename: join on the base name, then check the whole path suffix.
    files = g[g["filename"].astype(str) != ""][["filename", "gear"]].astype(str)
    files = files.assign(base=files["filename"].str.rsplit("/", n=1).str[-1])
    tail = _source_tail(runs[C.SOURCE]) if C.SOURCE in runs else pd.Series("", index=runs.index)
    left = pd.DataFrame({"row": runs.index, "tail": tail.to_numpy(), "base": tail.str.rsplit("/", n=1).str[-1]})
    m = left.merge(files, on="base", how="inner")
    suffix = [tl == fn or tl.endswith("/" + fn) for tl, fn in zip(m["tail"], m["filename"], strict=True)]
    m = m[np.asarray(suffix, dtype=bool)]
    m = m.drop_duplicates("row")
    out.loc[m["row"].to_numpy()] = m["gear"].str.strip().to_numpy()
    # 2. start time, for runs still without a match.
    todo = runs.loc[out == "", [C.START_UTC]].assign(row=lambda d: d.index)
    todo = todo.dropna(subset=[C.START_UTC])
    if len(todo):
        todo[C.START_UTC] = pd.to_datetime(todo[C.START_UTC], utc=True).dt.as_unit("ns")
        right = g[["start_utc", "gear"]].dropna(subset=["start_utc"]).rename(columns={"start_utc": C.START_UTC})
        right = right.assign(**{C.START_UTC: pd.to_datetime(right[C.START_UTC], utc=True).dt.as_unit("ns")})
        near = pd.merge_asof(
            todo.sort_values(C.START_UTC),
            right.sort_values(C.START_UTC),
            on=C.START_UTC,
            direction="nearest",
            tolerance=pd.Timedelta(seconds=GEAR_MATCH_S),
        ).dropna(subset=["gear"])
        out.loc[near["row"].to_numpy()] = near["gear"].astype(str).str.strip().to_numpy()
    return out


def assign_shoes(
    runs: pd.DataFrame,
    shoes: pd.DataFrame | None = None,
    gear: pd.DataFrame | None = None,
    overrides: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Which pair each run was run in.

    Parameters
    ----------
    runs : DataFrame
        Activity table rows of runs: activity_id, source, start_utc, start_local,
        distance_m [m].
    shoes : DataFrame, optional
        :func:`analyzer.importers.shoes.read_shoes_csv` output: a run belongs to the pair whose
        first_used..retired covers its local date (from start_local); the newer
        pair where ranges overlap.
    gear : DataFrame, optional
        ``History.gear`` (Strava activities.csv): a running row (running_gear) whose
        filename the run's source ends with (e.g. 'activities/123.fit.gz'), else whose
        start is within GEAR_MATCH_S of the run's, gives its gear; a ride's gear is
        never a shoe. Wins over ``shoes``: it was tagged per activity.
    overrides : DataFrame, optional
        :func:`analyzer.importers.shoes.read_shoe_overrides` output; wins over both.

    Returns
    -------
    DataFrame
        A copy of ``runs`` with ``shoe`` ("" when unknown) and ``shoe_source``
        ('override', 'strava', 'shoes.csv' or "").
    """
    out = runs.copy()
    shoe = pd.Series("", index=runs.index, dtype=object)
    source = pd.Series("", index=runs.index, dtype=object)
    layers = []
    if shoes is not None and len(shoes):
        layers.append(("shoes.csv", _by_dates(runs, shoes)))
    if gear is not None and len(gear):
        layers.append(("strava", _by_strava(runs, gear)))
    for name, found in layers:
        hit = found != ""
        shoe[hit], source[hit] = found[hit], name
    if overrides is not None and len(overrides):
        mapped = runs[C.ACTIVITY_ID].map(overrides.set_index(C.ACTIVITY_ID)[C.SHOE])
        hit = mapped.notna()
        shoe[hit], source[hit] = mapped[hit], "override"
    out[C.SHOE] = shoe.to_numpy()
    out[C.SHOE_SOURCE] = source.where(shoe != "", "").to_numpy()
    return out


def _mileage(table: pd.DataFrame, id_col: str, initial_m: pd.Series | None, as_of) -> ShoeMileage:
    as_of = pd.Timestamp(as_of) if as_of is not None else pd.NaT
    t = table
    if pd.notna(as_of):
        t = t[pd.to_datetime(t[C.START_LOCAL]) <= as_of]
    known = t[C.SHOE] != ""
    runs = t.loc[known, [id_col, C.SHOE, C.START_LOCAL, C.DISTANCE_M]].copy()
    runs[C.DISTANCE_M] = runs[C.DISTANCE_M].astype("float64").fillna(0.0)
    runs = runs.sort_values([C.SHOE, C.START_LOCAL], kind="stable").reset_index(drop=True)
    init = runs[C.SHOE].map(initial_m).fillna(0.0) if initial_m is not None else 0.0
    runs[C.CUMULATIVE_M] = runs.groupby(C.SHOE)[C.DISTANCE_M].cumsum() + init
    runs[C.CUMULATIVE_KM] = runs[C.CUMULATIVE_M] / M_PER_KM
    runs[C.CUMULATIVE_MI] = runs[C.CUMULATIVE_M] / M_PER_MILE
    g = runs.groupby(C.SHOE)
    pairs = pd.DataFrame(
        {
            "n_runs": g.size(),
            "run_m": g[C.DISTANCE_M].sum(),
            "first_run": g[C.START_LOCAL].min(),
            "last_run": g[C.START_LOCAL].max(),
        }
    )
    if initial_m is not None:
        # Pairs listed in shoes.csv but not yet run in still appear (initial distance only).
        pairs = pairs.reindex(pairs.index.union(pd.Index(initial_m.index, name=C.SHOE)))
        pairs["n_runs"] = pairs["n_runs"].fillna(0).astype("int64")
        pairs["run_m"] = pairs["run_m"].fillna(0.0)
        pairs["initial_m"] = initial_m.reindex(pairs.index).fillna(0.0)
    else:
        pairs["initial_m"] = 0.0
    pairs["total_m"] = pairs["run_m"] + pairs["initial_m"]
    pairs["total_km"] = pairs["total_m"] / M_PER_KM
    pairs["total_mi"] = pairs["total_m"] / M_PER_MILE
    pairs["past_300_mi"] = pairs["total_m"] >= SHOE_GUIDANCE_LOW_M
    pairs["past_500_mi"] = pairs["total_m"] >= SHOE_GUIDANCE_HIGH_M
    pairs = pairs.rename_axis(C.SHOE).reset_index()
    lost = t.loc[~known, C.DISTANCE_M].astype("float64")
    return ShoeMileage(
        runs=runs,
        pairs=pairs,
        unassigned_runs=int((~known).sum()),
        unassigned_m=float(lost.fillna(0.0).sum()),
        as_of=as_of,
    )


def shoe_mileage(
    runs_with_shoes: pd.DataFrame,
    as_of: pd.Timestamp | str | None = None,
    shoes: pd.DataFrame | None = None,
) -> ShoeMileage:
    """Cumulative distance of every pair, at each run and at the analysis date.

    Parameters
    ----------
    runs_with_shoes : DataFrame
        :func:`assign_shoes` output (activity_id, shoe, start_local, distance_m [m]).
    as_of : Timestamp or str, optional
        Analysis date in the runner's local time; runs starting after it are left out.
        Default: all runs.
    shoes : DataFrame, optional
        :func:`analyzer.importers.shoes.read_shoes_csv` output, for each pair's initial distance (and to list
        pairs not yet run in).

    Returns
    -------
    ShoeMileage
    """
    initial = shoes.set_index("name")["initial_m"].rename_axis(C.SHOE) if shoes is not None and len(shoes) else None
    return _mileage(runs_with_shoes, C.ACTIVITY_ID, initial, as_of)


def gear_mileage(gear: pd.DataFrame, as_of: pd.Timestamp | str | None = None) -> ShoeMileage:
    """Mileage per gear from a Strava activities.csv alone (no activity files needed).

    Only rows whose type is a run (Run, Trail Run, Virtual Run in either spelling:
    importers.gear.is_strava_run) count; rows with an empty gear are the runs with no known pair.

    Parameters
    ----------
    gear : DataFrame
        ``History.gear``: strava_id, start_utc, type, gear, distance_m [m].
    as_of : Timestamp or str, optional
        Analysis date (compared with the UTC start; Strava's CSV has no local time).

    Returns
    -------
    ShoeMileage
        ``runs`` carries strava_id instead of activity_id; ``start_local`` is the UTC
        start (naive).
    """
    runs = gear[gear["type"].map(is_strava_run).astype(bool)]
    table = pd.DataFrame(
        {
            "strava_id": runs["strava_id"].to_numpy(),
            C.SHOE: runs["gear"].astype(str).str.strip().to_numpy(),
            C.START_LOCAL: pd.to_datetime(runs["start_utc"], utc=True).dt.tz_localize(None).to_numpy(),
            C.DISTANCE_M: runs["distance_m"].astype("float64").to_numpy(),
        }
    )
    return _mileage(table, "strava_id", None, as_of)


def form_vs_shoe_mileage(pace_adjusted: pd.DataFrame, mileage_runs: pd.DataFrame) -> pd.DataFrame:
    """Does form change as a pair wears? Slope of pace-adjusted deviation against the
    pair's cumulative distance, within one device at a time.

    A new watch may read ground contact or oscillation differently; when it comes
    while a pair is in use, the step is the device's, not the pair's. So the slope
    pools only the pairs of runs recorded by the same device (baseline.theil_sen_within),
    over the devices with at least MIN_RUNS_FOR_SLOPE of the pair's runs.

    Parameters
    ----------
    pace_adjusted : DataFrame
        :func:`analyzer.features.baseline.pace_adjusted_form` output, or the form table
        that joins it to the form summary (``device`` and the ``median_`` columns are
        used when present: without ``device`` every run is one device).
    mileage_runs : DataFrame
        ``ShoeMileage.runs`` from :func:`shoe_mileage` (activity_id, shoe, cumulative_m,
        start_local when present).

    Returns
    -------
    DataFrame
        One row per pair worn on runs with ground contact or oscillation: shoe;
        ``n_gct`` (runs with a deviation) and ``gct_slope_ms_per_100km`` [ms per 100 km]
        (Theil-Sen slope of deviation_gct_ms on cumulative distance, within devices);
        ``n_vo`` and ``vo_slope_mm_per_100km`` [mm per 100 km]; slopes NaN when no device
        has MIN_RUNS_FOR_SLOPE runs with a deviation (runs of no known device, "", are
        one more stratum); ``n_devices`` (known devices that recorded the pair's
        runs), ``new_device`` and ``new_device_from`` (the device that came last while
        the pair was worn and the start_local of its first run in it, when more than
        one device did; "" and NaT otherwise).
    """
    metrics = (("gct", "ms"), ("vo", "mm"))
    wanted = [f"{p}_{short}_{unit}" for short, unit in metrics for p in (C.DEVIATION, C.MEDIAN)]
    cols = [C.ACTIVITY_ID, *[c for c in (C.DEVICE, *wanted) if c in pace_adjusted]]
    run_cols = [c for c in (C.ACTIVITY_ID, C.SHOE, C.CUMULATIVE_M, C.START_LOCAL) if c in mileage_runs]
    both = mileage_runs[run_cols].merge(pace_adjusted[cols], on=C.ACTIVITY_ID)
    if C.DEVICE not in both:
        both[C.DEVICE] = ""
    both = both.reindex(columns=[*run_cols, C.DEVICE, *wanted])
    both[C.DEVICE] = both[C.DEVICE].astype(object).where(both[C.DEVICE].notna(), "").astype(str)
    both = both[both[wanted].notna().any(axis=1)].sort_values([C.SHOE, C.CUMULATIVE_M], kind="stable")
    rows = []
    for shoe, grp in both.groupby(C.SHOE, sort=True):  # one fit per pair
        row: dict[str, object] = {C.SHOE: shoe}
        for short, unit in metrics:
            d = grp[[C.CUMULATIVE_M, C.DEVICE, f"deviation_{short}_{unit}"]].dropna()
            row[f"n_{short}"] = len(d)
            row[f"{short}_slope_{unit}_per_100km"] = _slope_within_devices(d)
        rows.append({**row, **_new_device(grp)})
    columns = [C.SHOE, "n_gct", "gct_slope_ms_per_100km", "n_vo", "vo_slope_mm_per_100km"]
    return pd.DataFrame(rows, columns=[*columns, "n_devices", "new_device", "new_device_from"])


def _slope_within_devices(d: pd.DataFrame) -> float:
    """form_vs_shoe_mileage's slope [per 100 km] of ``d`` (cumulative_m, device, a
    deviation): over the devices with at least MIN_RUNS_FOR_SLOPE runs; NaN when none."""
    size = d.groupby(C.DEVICE)[C.DEVICE].transform("size")
    d = d[size >= MIN_RUNS_FOR_SLOPE]
    if d.empty:
        return np.nan
    return theil_sen_within(d[C.CUMULATIVE_M].to_numpy() / (100 * M_PER_KM), d.iloc[:, 2].to_numpy(), d[C.DEVICE])


def _new_device(grp: pd.DataFrame) -> dict[str, object]:
    """n_devices of a pair's runs (runs of no known device, "", left out), and when more
    than one: the device that came last (its first run on the pair the latest) and
    that first run's start_local."""
    grp = grp[grp[C.DEVICE] != ""]
    out: dict[str, object] = {"n_devices": grp[C.DEVICE].nunique(), "new_device": "", "new_device_from": pd.NaT}
    if out["n_devices"] > 1:
        first = grp.drop_duplicates(C.DEVICE).iloc[-1]  # grp is in mileage order
        out["new_device"] = first[C.DEVICE]
        if C.START_LOCAL in grp:
            out["new_device_from"] = pd.Timestamp(first[C.START_LOCAL])
    return out
