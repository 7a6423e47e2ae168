"""The ``heavylegs`` command: thin over the library (parse, call once, print)."""

from __future__ import annotations

import json
import math
import shutil
from typing import TYPE_CHECKING

import click

from . import columns as C

if TYPE_CHECKING:
    from .history import History

# pandas and the importer are imported inside the commands: `heavylegs analyze` starts
# its figure helper first, so that both processes import in parallel.

#: Metres per unit shown at the edge.
UNIT_M = {"km": 1000.0, "mi": 1609.344}


def _jsonable(value):
    import pandas as pd

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
    from .history import read_history

    history = read_history(list(paths), cache=cache, workers=workers)
    if as_json:
        click.echo(json.dumps(history_json(history), indent=1))
    else:
        for line in summary_lines(history, units):
            click.echo(line)
    if not history.read_any():
        raise click.ClickException(f"none of the {len(history.files)} input files could be read")


SEVERITY_COLOUR = {"high": "red", "medium": "yellow", "low": "cyan"}


def analysis_lines(analysis, paths: dict | None = None, width: int = 100) -> list[str]:
    """The ranked terminal summary (plain text; colour is added by the caller)."""
    import textwrap

    wrap = textwrap.TextWrapper(width=width, initial_indent="    ", subsequent_indent="    ")
    acts = analysis.context.activities
    runs = int(acts[C.IS_RUN].sum()) if len(acts) else 0
    lines = [f"heavylegs: why your legs may feel heavy, as of {analysis.as_of:%d %b %Y} ({runs} runs read)", ""]
    if analysis.findings:
        lines.append("Likely causes, most likely first:")
        for i, f in enumerate(analysis.findings, 1):
            lines.append(
                f"{i:>2}. [{f.severity.upper()}] {f.cause} ({f.category}), {f.window['start']} to "
                f"{f.window['end']}, score {f.score:.2f}"
            )
            lines += wrap.wrap(f.message)
            lines += wrap.wrap("Advice: " + f.advice)
    else:
        lines.append("No cause found in the watch data for the last four weeks.")
    lines += ["", "Not visible in watch data:"]
    for item in analysis.not_detectable:
        lines += wrap.wrap(f"{item['cause'].replace('_', ' ')}: {item['advice']}")
    if analysis.skipped_detectors:
        lines += ["", "Not checked (missing data):"]
        for s in analysis.skipped_detectors:
            lines += wrap.wrap(f"{s.detector}: {s.reason}")
    if paths:
        lines += ["", "Written:"] + [f"    {p}" for p in paths.values()]
    return [line[:width] for line in lines]


@main.command("analyze")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True, help="Output folder.")
@click.option("--shoes", type=click.Path(dir_okay=False, exists=True), default=None, help="shoes.csv (see README).")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Analysis date (default: the last activity); later data is not used.",
)
@click.option("--units", type=click.Choice(sorted(UNIT_M)), default="km", show_default=True)
@click.option("--cache", type=click.Path(file_okay=False), default=None, help="Cache folder.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Decoding processes.")
@click.option(
    "--format",
    "formats",
    default="html",
    show_default=True,
    help="Report formats, comma-separated: html, pdf (html,pdf for both).",
)
def analyze_cmd(paths, out_dir, shoes, as_of, units, cache, workers, formats) -> None:
    """Import, compute features, rank the likely causes of heavy legs for a date, and
    write findings.json, weekly.csv, activities.csv and the plotted report into --out."""
    from .report.render import ChartCache, Renderer, context_plot_data

    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = set(wanted) - {"html", "pdf"}
    if unknown or not wanted:
        raise click.BadParameter(f"unknown format(s): {', '.join(sorted(unknown)) or formats!r}", param_hint="--format")

    # The figure helper imports matplotlib on the second core while the history is read.
    with Renderer() as renderer:
        from .analysis import run_detectors, write_outputs
        from .detectors import Context
        from .history import read_history
        from .report.html import write_report

        history = read_history(list(paths), cache=cache, workers=workers)
        if not history.read_any():
            raise click.ClickException(f"none of the {len(history.files)} input files could be read")
        ctx = Context(history, as_of=as_of.date() if as_of else None, shoes=shoes, units=units)
        # The charts that show no finding are drawn while the detectors run.
        renderer.begin(context_plot_data(ctx), pdf="pdf" in wanted, cache=ChartCache(history.store.root.parent))
        result = run_detectors(ctx)
        written = write_outputs(result, out_dir)
        written.update(write_report(result, out_dir, wanted, renderer=renderer))
    for line in analysis_lines(result, written):
        colour = next((c for sev, c in SEVERITY_COLOUR.items() if f"[{sev.upper()}]" in line), None)
        click.echo(click.style(line, fg=colour, bold=bool(colour)) if colour else line)
    main_report = written.get("report") or written.get("pdf")
    click.echo(f"Report: {main_report.resolve()}")


@main.command("detectors")
def detectors_cmd() -> None:
    """List every detector with its inputs, thresholds and sources."""
    from .detectors import DETECTORS

    for cls in DETECTORS:
        det = cls()
        click.echo(f"{det.id} ({det.category})")
        click.echo(f"    {det.description}")
        click.echo(f"    inputs: {'; '.join(det.inputs)}")
        for t in det.thresholds:
            click.echo(f"    threshold: {t.name} = {t.text()}  [{t.source}]")
