"""The plotted report: report.html (self-contained: images embedded, no network) with
the PNGs beside it, and optionally report.pdf (matplotlib PdfPages)."""

from __future__ import annotations

import base64
import html
import os
from pathlib import Path

from .. import columns as C
from ..atomic import write_atomic
from .charts import BY_STEM, FIGURES, not_drawn, partly_missing, plot_data
from .draw import render
from .heavy import heavy_html
from .model import NO_FINDING, earlier_findings, finding_views, inputs_used, runs_read, title_of
from .palette import SEVERITY_COLOURS
from .summary import summary
from .takeaways import takeaway
from .text import pdf_lines, split_not_detectable


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


#: The findings' border colours by severity (palette.py: Okabe & Ito, colour-blind safe).
SEVERITY_CSS = "".join(f".{sev}{{border-color:{colour}}}" for sev, colour in SEVERITY_COLOURS.items())
CSS = (
    """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1150px;margin:2em auto;
color:#222;line-height:1.45;padding:0 1em}
h1{margin-bottom:0.2em} .sub{color:#555;margin-top:0}
.finding{border-left:6px solid #999;padding:0.4em 1em;margin:1em 0;background:#fafafa}
"""
    + SEVERITY_CSS
    + """
.sev{font-weight:bold;text-transform:uppercase;font-size:0.85em}
table{border-collapse:collapse;font-size:0.88em;margin:0.4em 0}
td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
figure{margin:1.5em 0} figure img{max-width:100%;height:auto} figcaption{color:#555;font-size:0.9em}
.takeaway{font-weight:600;margin:0.3em 0}
.advice{color:#1f5f8b} .missing{color:#555}
h1,h2,h3,p,li,td,figcaption,code{overflow-wrap:anywhere} th{overflow-wrap:normal}
@media (max-width:600px){body{padding:0 0.5em} .finding{padding:0.4em 0.6em}
table{display:block;overflow-x:auto} td,th{min-width:5.5em} td:last-child{min-width:13em}}
.summary{font-size:1.08em;background:#eef4f9;border-left:6px solid #1f5f8b;padding:0.5em 1em;margin:0.6em 0 1em;
overflow-wrap:anywhere}
"""
)


def render_html(analysis, images: list[tuple[str, str, bytes]], data=None) -> str:
    """The report page as one string: findings first, then the plots (PNG data URIs);
    a chart with nothing to show (`charts.not_drawn` of ``data``, the charts' inputs) is
    one line saying what is missing instead of empty axes."""
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>heavylegs report, {analysis.as_of.isoformat()}</title><style>{CSS}</style></head><body>",
        "<h1>Why do my legs feel heavy?</h1>",
        f"<p class='summary' id='summary'>{_e(summary(analysis))}</p>",  # the answer first (summary.py)
        f"<p class='sub'>As of {analysis.as_of:%d %B %Y}: {runs_read(analysis)} runs read; distances in "
        f"{analysis.units}. Causes are ranked by score (severity, strength of evidence, recency).</p>",
        "<h2>Likely causes, most likely first</h2>",
    ]
    if not analysis.findings:
        parts.append(f"<p>{NO_FINDING}</p>")
    parts += [_finding(f) for f in finding_views(analysis.findings)]
    parts += heavy_html(analysis)
    parts += _earlier(analysis)
    unseen, normal = split_not_detectable(analysis)
    if unseen:
        parts.append("<h2>Not visible in watch data</h2><ul>")
        for item in unseen:
            parts.append(f"<li><b>{_e(title_of(item['cause']))}</b>: {_e(item['why'])} {_e(item['advice'])}</li>")
        parts.append("</ul>")
    if normal:
        parts.append("<h2>Checked and normal</h2><ul>")
        parts += [f"<li><b>{_e(title_of(i['cause']))}</b>: {_e(i['why'])}</li>" for i in normal]
        parts.append("</ul>")
    if analysis.skipped_detectors:
        parts.append("<h2>Not checked (missing data)</h2><ul>")
        parts += [f"<li><b>{_e(s.detector)}</b>: {_e(s.reason)}</li>" for s in analysis.skipped_detectors]
        parts.append("</ul>")
    parts += _plots(images, data)
    parts.append("<h2>What the analysis used</h2><ul>")
    parts += [f"<li>{_e(line)}</li>" for line in inputs_used(analysis)]
    parts.append("</ul>")
    skipped = [f for f in analysis.history.files if f.status == C.SKIPPED]
    if skipped:
        parts.append("<h3>Files not read</h3><ul>")
        parts += [f"<li>{_e(f.path)}: {_e(f.reason)}</li>" for f in skipped]
        parts.append("</ul>")
    parts.append(
        "<p class='sub'>heavylegs: thresholds and their sources are listed by <code>heavylegs detectors"
        "</code>. If heavy legs persist despite rest, see a physician.</p></body></html>"
    )
    return "\n".join(parts)


def _plots(images: list[tuple[str, str, bytes]], data) -> list[str]:
    """The charts drawn, in report order, and one line for each chart left out."""
    drawn = {stem: (caption, png) for stem, caption, png in images}
    absent = not_drawn(data) if data is not None else {}
    partial = partly_missing(data) if data is not None else {}
    parts = ["<h2>Plots</h2>"]
    for stem, _ in FIGURES:
        if stem in drawn:
            caption, png = drawn[stem]
            note = f" {_e(partial[stem])}" if stem in partial else ""
            b64 = base64.b64encode(png).decode("ascii")
            line = takeaway(stem, data)
            alt = f"{caption} {line}".strip()  # what the chart shows, then what it says
            parts.append(
                f"<figure id='{stem}'><img alt='{_e(alt)}' src='data:image/png;base64,{b64}'>"
                + (f"<p class='takeaway'>{_e(line)}</p>" if line else "")
                + f"<figcaption>{_e(caption)}{note}</figcaption></figure>"
            )
        elif stem in absent:
            title = BY_STEM[stem].title or stem
            parts.append(f"<p class='missing' id='{stem}'><b>{_e(title)}</b> not drawn: {_e(absent[stem])}</p>")
    return parts


def _finding(f) -> str:
    rows = "".join(
        f"<tr><td>{_e(e.metric)}</td><td>{_e(e.value)} {_e(e.unit)}</td><td>{_e(e.threshold)}</td>"
        f"<td>{_e(e.date)}</td><td>{_e(e.source)}</td></tr>"
        for e in f.evidence
    )
    return (
        f"<div class='finding {f.severity}'><p><span class='sev'>{f.rank}. {_e(f.severity)}</span> "
        f"<b>{_e(f.title)}</b> ({_e(f.category)}), {_e(f.start)} to "
        f"{_e(f.end)}, score {f.score:.2f}</p><p>{_e(f.message)}</p>{_measures(f.signals)}"
        f"<table><tr><th>evidence</th><th>value</th><th>threshold</th><th>date</th><th>source</th></tr>{rows}"
        f"</table><p class='advice'>{_e(f.advice_line)}</p></div>"
    )


def _measures(signals: tuple) -> str:
    """The measures a finding gathers, when it gathers more than itself."""
    return f"<p class='sub'>Measures: {', '.join(_e(s) for s in signals)}</p>" if len(signals) > 1 else ""


def _earlier(analysis) -> list[str]:
    earlier = earlier_findings(analysis)
    if not earlier:
        return []
    parts = [
        "<h2>Earlier in the history (not active now)</h2><table><tr><th>when</th><th>cause</th>"
        "<th>measures</th><th>severity</th><th>what</th></tr>"
    ]
    for f in earlier:
        parts.append(
            f"<tr><td>{_e(f.window['start'])} to {_e(f.window['end'])}</td>"
            f"<td>{_e(title_of(f.cause))}</td><td>{_e(', '.join(title_of(s) for s in f.signals or (f.cause,)))}</td>"
            f"<td>{_e(f.severity)}</td><td>{_e(f.message)}</td></tr>"
        )
    parts.append("</table>")
    return parts


def write_report(
    analysis, out_dir: str | os.PathLike, formats: tuple[str, ...] = ("html",), renderer=None
) -> dict[str, Path]:
    """Write report.html (and the PNGs beside it) and, with 'pdf' in formats, report.pdf.

    The figures are drawn by ``renderer`` (a `helper.Renderer` started earlier) when
    given, else in this process; the files are the same either way."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pdf = "pdf" in formats
    data = plot_data(analysis, pdf_lines(analysis))
    rendered = renderer.render(data, pdf) if renderer is not None else render(data, pdf)
    written = {}
    for stem, _, png in rendered.images:
        write_atomic(out / f"{stem}.png", png)
    for stem in not_drawn(data):  # a chart of an earlier report into this folder no longer holds
        (out / f"{stem}.png").unlink(missing_ok=True)
    if "html" in formats:
        written["report"] = write_atomic(out / "report.html", render_html(analysis, rendered.images, data))
    if pdf:
        written["pdf"] = write_atomic(out / "report.pdf", rendered.pdf)
    return written
