"""The ``heavylegs`` command: thin over the library (parse, call once, print).

Every AnalyzerError (a bad shoes.csv, override file or diary, no readable input) ends the
command with one line naming the file, the row and the problem, and exit status 2.
Nothing imported here imports pandas: ``analyze`` (api.analyze_to) starts its figure
helper first, so that both processes import in parallel.
"""

from __future__ import annotations

import functools
import json

import click

from .api import FORMATS, analyze_to
from .errors import AnalyzerError, NoInputRead
from .report.text import SEVERITY_COLOUR, analysis_lines, import_lines
from .units import UNIT_M

#: Exit status of a command stopped by an AnalyzerError (click's own usage errors use 2 too).
ERROR_EXIT = 2
#: Exit status of a command stopped by Ctrl-C (128 + SIGINT, as a shell reports it).
INTERRUPTED_EXIT = 130
DIARY_HELP = "diary.csv: sleep, heavy legs, soreness, carbs, fluids, stretching, ferritin by day (see README)."


def one_line_errors(command):
    """Turn an AnalyzerError raised by ``command`` into one line on stderr and exit 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except AnalyzerError as err:
            click.echo(f"Error: {' '.join(str(err).split())}", err=True)
            raise SystemExit(ERROR_EXIT) from None

    return wrapper


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
@click.option("--diary", type=click.Path(dir_okay=False, exists=True), default=None, help=DIARY_HELP)
@one_line_errors
def import_cmd(
    paths: tuple[str, ...], cache: str | None, as_json: bool, workers: int | None, units: str, diary: str | None
) -> None:
    """Import FIT/GPX/TCX files, folders, .gz and .zip exports (Garmin, Strava) and list
    every file's status: imported, duplicate, not_run or skipped (with the reason)."""
    from .importers.diary import diary_summary, read_diary
    from .ingest import read_history
    from .report.outputs import history_json

    diary_days = read_diary(diary) if diary is not None else None
    history = read_history(list(paths), cache=cache, workers=workers)
    history.add_wellness(diary_days)
    summary = diary_summary(diary_days) if diary_days is not None else ""
    if as_json:
        data = history_json(history)
        if summary:
            data["diary"] = {"path": diary, "summary": summary}
        click.echo(json.dumps(data, indent=1))
    else:
        for line in import_lines(history, units):
            click.echo(line)
        if summary:
            click.echo(f"Diary {diary}: {summary}")
    if not history.read_any():
        raise NoInputRead(history.unread())


@main.command("analyze")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True, help="Output folder.")
@click.option("--shoes", type=click.Path(dir_okay=False, exists=True), default=None, help="shoes.csv (see README).")
@click.option("--diary", type=click.Path(dir_okay=False, exists=True), default=None, help=DIARY_HELP)
@click.option(
    "--shoe-overrides",
    "overrides",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Per-run shoe corrections: a CSV activity_id,shoe (see README).",
)
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
@one_line_errors
def analyze_cmd(paths, out_dir, shoes, diary, overrides, as_of, units, cache, workers, formats) -> None:
    """Import, compute features, rank the likely causes of heavy legs for a date, and
    write findings.json, weekly.csv, activities.csv and the plotted report into --out."""
    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = set(wanted) - set(FORMATS)
    if unknown or not wanted:
        raise click.BadParameter(f"unknown format(s): {', '.join(sorted(unknown)) or formats!r}", param_hint="--format")
    report = analyze_to(
        paths,
        out_dir,
        as_of=as_of.date() if as_of else None,
        shoes=shoes,
        overrides=overrides,
        diary=diary,
        units=units,
        formats=wanted,
        cache=cache,
        workers=workers,
    )
    for line in analysis_lines(report.analysis, report.written):
        colour = next((c for sev, c in SEVERITY_COLOUR.items() if f"[{sev.upper()}]" in line), None)
        click.echo(click.style(line, fg=colour, bold=bool(colour)) if colour else line)
    click.echo(f"Report: {report.main.resolve()}")


@main.command("why")
@click.argument("run", metavar="DATE|ACTIVITY_ID")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None, help="Write why-<date>.html here.")
@click.option("--shoes", type=click.Path(dir_okay=False, exists=True), default=None, help="shoes.csv (see README).")
@click.option("--diary", type=click.Path(dir_okay=False, exists=True), default=None, help=DIARY_HELP)
@click.option("--units", type=click.Choice(sorted(UNIT_M)), default="km", show_default=True)
@click.option("--cache", type=click.Path(file_okay=False), default=None, help="Cache folder.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Decoding processes.")
@one_line_errors
def why_cmd(run, paths, out_dir, shoes, diary, units, cache, workers) -> None:
    """One run explained: DATE (YYYY-MM-DD, local: the day's longest run) or ACTIVITY_ID.
    Its numbers, what came before it and the causes active that day; with --out, the
    page why-<date>.html with the run's charts."""
    from .api import explain_run
    from .report.why import why_lines

    explained = explain_run(paths, run, out_dir, shoes=shoes, diary=diary, units=units, cache=cache, workers=workers)
    for line in why_lines(explained):
        click.echo(line)
    if "page" in explained.written:
        click.echo(f"Page: {explained.written['page'].resolve()}")


@main.command("squad")
@click.argument("roots", nargs=-1, required=True, type=click.Path(file_okay=False, exists=True))
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True, help="Output folder of the squad.")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Analysis date of every athlete (default: each athlete's last activity).",
)
@click.option("--units", type=click.Choice(sorted(UNIT_M)), default="km", show_default=True)
@click.option("--scheduler", default=None, help="A running Dask scheduler (tcp://host:8786); default: a local cluster.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes of the local cluster.")
@click.option("--cache", type=click.Path(file_okay=False), default=None, help="Cache folder (default: DIR/.cache).")
@one_line_errors
def squad_cmd(roots, out_dir, as_of, units, scheduler, workers, cache) -> None:
    """Analyse every athlete (a folder or an export zip under each ROOT) on Dask, and write
    each one's report into --out/<athlete>/, the squad page index.html and squad.csv."""
    from pathlib import Path

    if scheduler and workers:
        raise click.BadParameter(
            "only for the local cluster (the scheduler's workers are its own)", param_hint="--workers"
        )
    from .squad import page
    from .squad.engine import run_squad
    from .squad.model import FAILED

    try:
        rows = run_squad(
            roots,
            out_dir,
            as_of=as_of.date() if as_of else None,
            units=units,
            scheduler=scheduler,
            workers=workers,
            cache=cache,
        )
    except KeyboardInterrupt:
        click.echo(
            "Interrupted: the cluster is closed; finished athletes are in --out, a rerun does the rest.", err=True
        )
        raise SystemExit(INTERRUPTED_EXIT) from None
    page.write_squad_page(rows, Path(out_dir), units)
    failed = [row for row in rows if row.status == FAILED]
    click.echo(f"Squad: {len(rows)} athletes, {len(rows) - len(failed)} analysed, {len(failed)} failed")
    for row in failed:
        click.echo(f"  failed: {row.athlete_id}: {row.reason}")
    click.echo(f"Squad page: {(Path(out_dir) / 'index.html').resolve()}")
    if len(failed) == len(rows):
        raise AnalyzerError("no athlete could be analysed (see the reasons above)")


@main.command("detectors")
def detectors_cmd() -> None:
    """List every detector with what it needs, its thresholds and their sources."""
    from .detectors import registered
    from .detectors.needs import NEEDS

    for cls in registered():
        det = cls()
        click.echo(f"{det.id} ({det.category})")
        click.echo(f"    {det.description}")
        click.echo(f"    needs: {'; '.join(NEEDS[n].what for n in det.needs) or 'nothing'}")
        for t in det.thresholds:
            click.echo(f"    threshold: {t.name} = {t.text()}  [{t.source}]")
