"""why-<date>.html: one run explained, in the report's style (report.html's CSS), self-
contained (charts embedded as PNG data URIs, no script, no network). Every string that
comes from a file or the user (file names, shoe names, messages quoting them) is escaped."""

from __future__ import annotations

import base64
import html
import os
from pathlib import Path

from .. import columns as C
from ..atomic import write_atomic
from .html import CSS, _finding
from .model import finding_views
from .plot_run import run_charts
from .why import NOTHING_STANDS_OUT, SECTIONS, RunExplained, title

#: What the page adds to the report's CSS: the box of what stands out, long names (a file
#: path, a shoe name) wrapping inside their cell, and a finding's evidence table scrolling
#: inside its box rather than the page on a narrow screen (390 px).
WHY_CSS = """
.stands{border-left:6px solid #E69F00;background:#fff8ec;padding:0.4em 1em;margin:1em 0}
.calm{border-left:6px solid #009E73;background:#f1faf6;padding:0.4em 1em;margin:1em 0}
td,th{overflow-wrap:anywhere} table.facts{width:100%;max-width:60em} .flag{color:#8a4b00;font-weight:bold}
.finding{overflow-x:auto}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def page_name(ex: RunExplained) -> str:
    return f"why-{ex.date.isoformat()}.html"


def render_why(ex: RunExplained, charts=None) -> str:
    """The page as one string; ``charts``: plot_run.RunChart list (default: drawn now)."""
    if charts is None:
        charts = run_charts(ex.samples, _run_frame(ex), ex.analysis.units, f"the run of {ex.date:%d %b %Y}")
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>heavylegs why, {_e(ex.date.isoformat())}</title><style>{CSS}{WHY_CSS}</style></head><body>",
        f"<h1>{_e(title(ex))}</h1>",
        f"<p class='sub'>{_e(ex.run[C.SOURCE])}; activity id {_e(ex.activity_id)}; distances in "
        f"{_e(ex.analysis.units)}; the analysis as of {ex.date:%d %B %Y}.</p>",
    ]
    if ex.note:
        parts.append(f"<p class='sub'>{_e(ex.note)}</p>")
    parts += _stands_out(ex)
    for section, heading in SECTIONS.items():
        rows = [f for f in ex.facts if f.section == section and f.text]
        parts.append(f"<h2>{_e(heading)}</h2><table class='facts'>")
        parts += [
            f"<tr><th>{_e(f.label)}</th><td>{_e(f.text)}"
            + (f" <span class='flag'>stands out: {_e(f.unusual)}</span>" if f.unusual else "")
            + "</td></tr>"
            for f in rows
        ]
        parts.append("</table>")
    parts.append(f"<h2>Causes active on {ex.date:%d %b %Y}, most likely first</h2>")
    if not ex.findings:
        parts.append("<p>None: no detector finds a cause in the four weeks up to that day.</p>")
    parts += [_finding(v) for v in finding_views(ex.findings)]
    parts += _charts(charts)
    parts.append(
        "<p class='sub'>heavylegs why: thresholds and their sources are listed by <code>heavylegs detectors</code> "
        "and in the README. If heavy legs persist despite rest, see a physician.</p></body></html>"
    )
    return "\n".join(parts)


def _stands_out(ex: RunExplained) -> list[str]:
    if ex.nothing_stands_out:
        return [f"<div class='calm'><p>{_e(NOTHING_STANDS_OUT)}</p></div>"]
    items = [f"<li><b>{_e(f.label)}</b>: {_e(f.text)} ({_e(f.unusual)})</li>" for f in ex.unusual]
    causes = ", ".join(v.title for v in finding_views(ex.findings))
    lead = f"<p>Causes active that day: {_e(causes)}.</p>" if causes else "<p>No cause is active that day.</p>"
    return [
        f"<div class='stands'><h2>What stands out</h2>{lead}",
        f"<ul>{''.join(items)}</ul>" if items else "",
        "</div>",
    ]


def _charts(charts) -> list[str]:
    parts = [
        "<h2>The run over time</h2><p class='sub'>Shaded: steady running (faster than a walk, past the warm-up, "
        "no pause), the part the form figures and the drift are measured on.</p>"
    ]
    for c in charts:
        if c.png is None:
            parts.append(f"<p class='missing' id='{_e(c.stem)}'>{_e(c.takeaway)}</p>")
            continue
        b64 = base64.b64encode(c.png).decode("ascii")
        parts.append(
            f"<figure id='{_e(c.stem)}'><img alt='{_e(c.alt)}' src='data:image/png;base64,{b64}'>"
            f"<figcaption>{_e(c.takeaway)}</figcaption></figure>"
        )
    return parts


def _run_frame(ex: RunExplained):
    runs = ex.analysis.context.runs
    return runs[runs[C.ACTIVITY_ID] == ex.activity_id]


def write_why(ex: RunExplained, out_dir: str | os.PathLike) -> Path:
    """Write why-<date>.html into ``out_dir`` (made when missing); its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return write_atomic(out / page_name(ex), render_why(ex))
