"""The analysis and the import in plain text: the terminal summaries and the PDF's
first page."""

from __future__ import annotations

import math
import shutil
import textwrap

from .. import columns as C
from ..units import UNIT_M
from .heavy import heavy_lines
from .model import NO_FINDING, finding_views, runs_read, title_of
from .summary import summary

SEVERITY_COLOUR = {"high": "red", "medium": "yellow", "low": "cyan"}


def analysis_lines(analysis, paths: dict | None = None, width: int = 100) -> list[str]:
    """The ranked terminal summary (plain text; colour is added by the caller)."""
    wrap = textwrap.TextWrapper(width=width, initial_indent="    ", subsequent_indent="    ")
    lines = [
        f"heavylegs: why your legs may feel heavy, as of {analysis.as_of:%d %b %Y} ({runs_read(analysis)} runs read)",
        "",
        *textwrap.wrap(summary(analysis), width, break_on_hyphens=False),  # the answer first (summary.py)
        "",
    ]
    if analysis.findings:
        lines.append("Likely causes, most likely first:")
        for f in finding_views(analysis.findings):
            lines.append(
                f"{f.rank:>2}. [{f.severity.upper()}] {f.cause} ({f.category}), {f.start} to {f.end}, score {f.score:.2f}"
            )
            lines += wrap.wrap(f.message)
            lines += wrap.wrap(f.advice_line)
    else:
        lines.append(NO_FINDING)
    lines += heavy_lines(analysis, width)
    unseen, normal = split_not_detectable(analysis)
    if unseen:
        lines += ["", "Not visible in watch data (and what would show it):"]
        for item in unseen:
            lines += wrap.wrap(f"{title_of(item['cause'])}: {item['why']} {item['advice']}")
    if normal:
        lines += ["", "Checked and normal:"]
        for item in normal:
            lines += wrap.wrap(f"{title_of(item['cause'])}: {item['why']}")
    if analysis.skipped_detectors:
        lines += ["", "Not checked (missing data):"]
        for s in analysis.skipped_detectors:
            lines += wrap.wrap(f"{s.detector}: {s.reason}")
    if paths:
        lines += ["", "Written:"] + [f"    {p}" for p in paths.values()]
    return [line[:width] for line in lines]


#: not_detectable's status of markers that were recorded and normal (detectors/not_detectable.py).
CHECKED_NORMAL = "checked: normal"


def split_not_detectable(analysis) -> tuple[list[dict], list[dict]]:
    """(causes without data or with partial data, recorded markers judged normal)."""
    items = list(analysis.not_detectable)
    return [i for i in items if i.get("status") != CHECKED_NORMAL], [
        i for i in items if i.get("status") == CHECKED_NORMAL
    ]


def pdf_lines(analysis) -> list[str]:
    """The summary, then the ranked causes in words, for the PDF's first page."""
    lines = [f"Why do my legs feel heavy? As of {analysis.as_of:%d %B %Y}", ""]
    lines += textwrap.wrap(summary(analysis), 95, break_on_hyphens=False) + [""]
    for f in finding_views(analysis.findings):
        lines.append(f"{f.rank}. [{f.severity.upper()}] {f.title} ({f.start} to {f.end})")
        lines += textwrap.wrap(f.message, 95) + textwrap.wrap(f.advice_line, 95) + [""]
    lines += heavy_lines(analysis, 95)[1:] + [""]
    unseen, normal = split_not_detectable(analysis)
    if unseen:
        lines.append("Not visible in watch data (and what would show it):")
        for item in unseen:
            lines += textwrap.wrap(f"{title_of(item['cause'])}: {item['why']}", 95)
    for item in normal:
        lines += textwrap.wrap(f"Checked and normal: {title_of(item['cause'])}: {item['why']}", 95)
    return lines


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "-"
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1) :]


def import_lines(history, units: str = "km") -> list[str]:
    """The import summary: counts, every file not imported with its reason, then the
    activity table."""
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
        lines += _activity_rows(acts, units, width)
    return lines


def _activity_rows(acts, units: str, width: int) -> list[str]:
    per = UNIT_M[units]
    lines = [f"Activities ({int(acts[C.IS_RUN].sum())} runs, {int((~acts[C.IS_RUN]).sum())} other):"]
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
