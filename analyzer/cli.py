"""The ``heavylegs`` command: thin over the library (parse, call once, print)."""

from __future__ import annotations

import json
import math
import shutil

import click
import pandas as pd

from . import columns as C
from .history import History, read_history

#: Metres per unit shown at the edge.
UNIT_M = {"km": 1000.0, "mi": 1609.344}


def _jsonable(value):
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):
        return _jsonable(value.item())
    return value


def history_json(history: History) -> dict:
    """The machine-readable import result (schema in the README)."""
    acts = history.all_activities
    records = [{k: _jsonable(v) for k, v in row.items()} for row in acts.to_dict(orient="records")]
    return {"files": [f.as_dict() for f in history.files], "activities": records}


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "-"
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1) :]


def summary_lines(history: History, units: str = "km") -> list[str]:
    """The terminal summary: counts, every file not imported with its reason, then
    the activity table."""
    width = min(shutil.get_terminal_size((100, 20)).columns, 160)
    counts = history.counts()
    total = len(history.files)
    lines = [
        f"{total} files: {counts[C.IMPORTED]} imported, {counts[C.DUPLICATE]} duplicates, "
        f"{counts[C.NOT_RUN]} not runs, {counts[C.SKIPPED]} skipped "
        f"({history.decoded} decoded, {total - history.decoded} from the cache or not decodable)"
    ]
    for status, title in ((C.SKIPPED, "Skipped"), (C.DUPLICATE, "Duplicates"), (C.NOT_RUN, "Not runs")):
        rows = [f for f in history.files if f.status == status]
        if rows:
            lines.append(f"{title}:")
            lines += [f"  {_clip(f.path, 60)}: {f.reason}" for f in rows]
    acts = history.activities.sort_values(C.START_LOCAL)
    if len(acts):
        per = UNIT_M[units]
        lines.append(f"Activities ({int(acts[C.IS_RUN].sum())} runs, {int((~acts[C.IS_RUN]).sum())} other):")
        lines.append(f"  {'start (local)':16}  {'sport':18} {units:>7} {'time':>8} {'HR':>4} dyn  source")
        src_w = max(20, width - 68)
        for _, a in acts.iterrows():
            sport = "/".join(x for x in (a[C.SPORT], a[C.SUB_SPORT]) if x) or "unknown"
            hr = f"{a[C.AVG_HR]:.0f}" if math.isfinite(a[C.AVG_HR]) else "-"
            dist = f"{a[C.DISTANCE_M] / per:.2f}" if math.isfinite(a[C.DISTANCE_M]) else "-"
            lines.append(
                f"  {a[C.START_LOCAL]:%Y-%m-%d %H:%M}  {sport[:18]:18} {dist:>7} {_duration(a[C.DURATION_S]):>8} "
                f"{hr:>4} {'yes' if a[C.HAS_DYNAMICS] else ' - '}  {_clip(a[C.SOURCE], src_w)}"
            )
    return lines


@click.group()
@click.version_option(package_name="heavylegs")
def main() -> None:
    """heavylegs: why do my legs feel heavy when I run?"""


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--cache", type=click.Path(file_okay=False), default=None, help="Cache folder (default: the per-user cache dir)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Decoding processes (default: all cores).")
@click.option("--units", type=click.Choice(sorted(UNIT_M)), default="km", show_default=True)
def import_cmd(paths: tuple[str, ...], cache: str | None, as_json: bool, workers: int | None, units: str) -> None:
    """Import FIT/GPX files, folders, .gz and .zip exports (Garmin, Strava) and list
    every file's status: imported, duplicate, not_run or skipped (with the reason)."""
    history = read_history(list(paths), cache=cache, workers=workers)
    if as_json:
        click.echo(json.dumps(history_json(history), indent=1))
    else:
        for line in summary_lines(history, units):
            click.echo(line)
    if not history.read_any():
        raise click.ClickException(f"none of the {len(history.files)} input files could be read")
