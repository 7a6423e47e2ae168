"""The face of heavylegs: one library call does a whole analysis.

``analyze_to`` is what ``heavylegs analyze`` runs, and what a notebook or a squad worker
calls: it reads the runner's shoe files and diary first (a bad one stops it before
anything is written), imports the history through the cache, computes the features, runs the
detectors and writes findings.json, weekly.csv, activities.csv and the report.

The figure helper (report.helper.Renderer) is started before pandas is imported, so
that matplotlib loads on another core while the history is read: that is why the
heavy imports below are inside the function.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

#: The report formats ``analyze_to`` can write.
FORMATS = ("html", "pdf")


@dataclass
class Report:
    """What `analyze_to` did: the analysis (detectors.run.Analysis) and the files it
    wrote, by kind (findings, weekly, activities, report, pdf)."""

    analysis: object
    written: dict[str, Path]

    @property
    def main(self) -> Path:
        """The report page (report.html, or report.pdf when only the PDF was asked)."""
        return self.written.get("report") or self.written["pdf"]


def analyze_to(
    paths,
    out: str | os.PathLike,
    *,
    as_of: dt.date | str | None = None,
    shoes: str | os.PathLike | None = None,
    overrides: str | os.PathLike | None = None,
    diary: str | os.PathLike | None = None,
    units: str = "km",
    formats: tuple[str, ...] = ("html",),
    cache: str | os.PathLike | None = None,
    workers: int | None = None,
    progress: bool | None = None,
    helper: bool = True,
) -> Report:
    """Analyse the runner's files in ``paths`` and write everything into ``out``.

    ``diary`` is the runner's diary.csv (importers.diary.read_diary): its days join the
    history's wellness readings. ``helper``: draw the charts in a helper process started
    at once (report.helper), which imports matplotlib while the history is read; False:
    draw them in this process after the detectors (a squad's Dask worker, which imports
    matplotlib once for all its athletes). The charts are the same bytes either way.

    Raises an analyzer.errors.AnalyzerError, before writing anything, for a shoes.csv,
    override file or diary that cannot be used (InputFileError) or when no input could
    be read (NoInputRead).
    """
    from .report.helper import Renderer

    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise ValueError(f"unknown report format(s): {', '.join(unknown) or formats!r} (known: {', '.join(FORMATS)})")
    with Renderer(start=helper) as renderer:
        from .detectors import Context
        from .detectors.run import run_detectors
        from .report.charts import context_plot_data
        from .report.html import write_report
        from .report.kept_charts import KeptCharts
        from .report.outputs import write_outputs

        history, shoe_list, corrections = _read_inputs(paths, shoes, overrides, diary, cache, workers, progress)
        ctx = Context(history, as_of=as_of, shoes=shoe_list, units=units, overrides=corrections)
        # The charts that show no finding are drawn while the detectors run.
        renderer.begin(context_plot_data(ctx), pdf="pdf" in formats, cache=KeptCharts(history.cache.charts()))
        analysis = run_detectors(ctx)
        written = write_outputs(analysis, out)
        written.update(write_report(analysis, out, tuple(formats), renderer=renderer))
    return Report(analysis, written)


def explain_run(
    paths,
    run: str,
    out: str | os.PathLike | None = None,
    *,
    shoes: str | os.PathLike | None = None,
    overrides: str | os.PathLike | None = None,
    diary: str | os.PathLike | None = None,
    cache: str | os.PathLike | None = None,
    units: str = "km",
    workers: int | None = None,
    progress: bool | None = None,
):
    """One run explained, what ``heavylegs why`` does: ``run`` is a local date
    (YYYY-MM-DD: the longest run of that day) or an activity id. The history is read as
    ``analyze_to`` reads it (through the cache), the detectors run as of the run's date,
    and the run's numbers and what came before it are gathered (report.why). With
    ``out``, why-<date>.html is written into it.

    Returns a report.why.RunExplained: ``run`` (its activity row), ``note``, ``facts``,
    ``analysis`` (as of its date), ``findings``, ``written`` ({'page': path} with ``out``).
    Raises an AnalyzerError (one line): a bad shoes.csv, override file or diary, no
    readable input, or no such run (report.why.RunNotFound).
    """
    from .units import UNIT_M

    if units not in UNIT_M:
        raise ValueError(f"unknown units {units!r} (known: {', '.join(UNIT_M)})")
    from .report.why import explain
    from .report.why_html import write_why

    history, shoe_list, corrections = _read_inputs(paths, shoes, overrides, diary, cache, workers, progress)
    explained = explain(history, run, shoes=shoe_list, units=units, overrides=corrections)
    if out is not None:
        explained.written["page"] = write_why(explained, out)
    return explained


def _read_inputs(paths, shoes, overrides, diary, cache, workers, progress):
    """The runner's shoe list, override file and diary (read first: a bad one stops
    everything before anything is written), then the history with the diary's days:
    (history, shoe list or None, corrections or None)."""
    from .errors import NoInputRead
    from .importers.diary import read_diary
    from .importers.shoes import read_shoe_overrides, read_shoes_csv
    from .ingest import read_history

    shoe_list = read_shoes_csv(shoes) if shoes is not None else None
    corrections = read_shoe_overrides(overrides) if overrides is not None else None
    diary_days = read_diary(diary) if diary is not None else None
    history = read_history(list(paths), cache=cache, workers=workers, progress=progress)
    if not history.read_any():
        raise NoInputRead(history.unread())
    history.add_wellness(diary_days)
    return history, shoe_list, corrections
