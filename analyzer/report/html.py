"""The plotted report: report.html (self-contained: images embedded, no network) with
the PNGs beside it, and optionally report.pdf (matplotlib PdfPages)."""

from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from . import plots  # noqa: E402

FIGURE_DPI = 110


def figures(analysis) -> list[tuple[str, str, plt.Figure]]:
    """(file stem, caption, figure) for every chart of the report, in order."""
    ctx = analysis.context
    units = analysis.units
    out = []

    fig, ax = plt.subplots(figsize=(11, 4.2))
    plots.weekly_distance(ax, ctx.weekly, analysis.timeline, units)
    out.append(("weekly", "Weekly distance, flagged jumps, and the acute:chronic workload ratio.", fig))

    fig, ax = plt.subplots(figsize=(11, 4.2))
    plots.long_runs(ax, ctx.spikes, units)
    out.append(("long_runs", "Every run against the longest run of its previous 30 days (Frandsen 2025 bands).", fig))

    fig, axes = plt.subplots(2, 2, figsize=(12, 7.5))
    for ax, metric in zip(axes.flat, plots.DYNAMICS_LABELS, strict=True):
        plots.dynamics_over_time(ax, ctx.form, metric)
    out.append(
        (
            "dynamics",
            "Running dynamics per run over the population colour bands, with the pace-adjusted personal baseline.",
            fig,
        )
    )

    fig, ax = plt.subplots(figsize=(11, 4.2))
    plots.shoe_mileage(ax, ctx.shoes, units)
    out.append(("shoes", "Distance on each pair of shoes against the 300- and 500-mile guidance.", fig))

    fig, ax = plt.subplots(figsize=(11, 0.6 * max(3, len({f.cause for f in analysis.timeline})) + 1.4))
    plots.cause_timeline(ax, analysis.timeline, analysis.as_of)
    out.append(
        ("timeline", "When each cause was active, coloured by severity; the dashed line is the analysis date.", fig)
    )
    for _, _, f in out:
        f.tight_layout()
    return out


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=FIGURE_DPI)
    return buf.getvalue()


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1150px;margin:2em auto;
color:#222;line-height:1.45;padding:0 1em}
h1{margin-bottom:0.2em} .sub{color:#555;margin-top:0}
.finding{border-left:6px solid #999;padding:0.4em 1em;margin:1em 0;background:#fafafa}
.high{border-color:#c0392b}.medium{border-color:#e67e22}.low{border-color:#f1c40f}
.sev{font-weight:bold;text-transform:uppercase;font-size:0.85em}
table{border-collapse:collapse;font-size:0.88em;margin:0.4em 0}
td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
figure{margin:1.5em 0} figure img{max-width:100%} figcaption{color:#555;font-size:0.9em}
.advice{color:#1f5f8b}
"""


def render_html(analysis, images: list[tuple[str, str, bytes]]) -> str:
    """The report page as one string: findings first, then the plots (PNG data URIs)."""
    ctx = analysis.context
    runs = int(ctx.activities["is_run"].sum()) if len(ctx.activities) else 0
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>heavylegs report, {analysis.as_of.isoformat()}</title><style>{CSS}</style></head><body>",
        "<h1>Why do my legs feel heavy?</h1>",
        f"<p class='sub'>As of {analysis.as_of:%d %B %Y}: {runs} runs read; distances in {analysis.units}. "
        "Causes are ranked by score (severity, strength of evidence, recency).</p>",
        "<h2>Likely causes, most likely first</h2>",
    ]
    if not analysis.findings:
        parts.append("<p>No cause found in the watch data for the last four weeks.</p>")
    for i, f in enumerate(analysis.findings, 1):
        rows = "".join(
            f"<tr><td>{_e(e.metric)}</td><td>{_e(e.value)} {_e(e.unit)}</td><td>{_e(e.threshold)}</td>"
            f"<td>{_e(e.date)}</td><td>{_e(e.source)}</td></tr>"
            for e in f.evidence
        )
        parts.append(
            f"<div class='finding {f.severity}'><p><span class='sev'>{i}. {_e(f.severity)}</span> "
            f"<b>{_e(f.cause.replace('_', ' '))}</b> ({_e(f.category)}), {_e(f.window['start'])} to "
            f"{_e(f.window['end'])}, score {f.score:.2f}</p><p>{_e(f.message)}</p>"
            f"<table><tr><th>evidence</th><th>value</th><th>threshold</th><th>date</th><th>source</th></tr>{rows}"
            f"</table><p class='advice'>Advice: {_e(f.advice)}</p></div>"
        )
    earlier = [f for f in analysis.timeline if f not in analysis.findings]
    if earlier:
        parts.append(
            "<h2>Earlier in the history (not active now)</h2><table><tr><th>when</th><th>cause</th>"
            "<th>severity</th><th>what</th></tr>"
        )
        for f in sorted(earlier, key=lambda f: f.window["start"]):
            parts.append(
                f"<tr><td>{_e(f.window['start'])} to {_e(f.window['end'])}</td>"
                f"<td>{_e(f.cause.replace('_', ' '))}</td><td>{_e(f.severity)}</td><td>{_e(f.message)}</td></tr>"
            )
        parts.append("</table>")
    parts.append("<h2>Not visible in watch data</h2><ul>")
    for item in analysis.not_detectable:
        parts.append(f"<li><b>{_e(item['cause'].replace('_', ' '))}</b>: {_e(item['why'])} {_e(item['advice'])}</li>")
    parts.append("</ul>")
    if analysis.skipped_detectors:
        parts.append("<h2>Not checked (missing data)</h2><ul>")
        parts += [f"<li><b>{_e(s.detector)}</b>: {_e(s.reason)}</li>" for s in analysis.skipped_detectors]
        parts.append("</ul>")
    parts.append("<h2>Plots</h2>")
    for stem, caption, png in images:
        data = base64.b64encode(png).decode("ascii")
        parts.append(
            f"<figure id='{stem}'><img alt='{_e(caption)}' src='data:image/png;base64,{data}'>"
            f"<figcaption>{_e(caption)}</figcaption></figure>"
        )
    skipped = [f for f in analysis.history.files if f.status == "skipped"]
    if skipped:
        parts.append("<h2>Files not read</h2><ul>")
        parts += [f"<li>{_e(f.path)}: {_e(f.reason)}</li>" for f in skipped]
        parts.append("</ul>")
    parts.append(
        "<p class='sub'>heavylegs: thresholds and their sources are listed by <code>heavylegs detectors"
        "</code>. If heavy legs persist despite rest, see a physician.</p></body></html>"
    )
    return "\n".join(parts)


def write_report(analysis, out_dir: str | os.PathLike, formats: tuple[str, ...] = ("html",)) -> dict[str, Path]:
    """Write report.html (and the PNGs beside it) and, with 'pdf' in formats, report.pdf."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    figs = figures(analysis)
    images, written = [], {}
    for stem, caption, fig in figs:
        png = _png(fig)
        path = out / f"{stem}.png"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(png)
        os.replace(tmp, path)
        images.append((stem, caption, png))
    if "html" in formats:
        path = out / "report.html"
        tmp = path.with_name(".report.html.tmp")
        tmp.write_text(render_html(analysis, images), encoding="utf-8")
        os.replace(tmp, path)
        written["report"] = path
    if "pdf" in formats:
        from matplotlib.backends.backend_pdf import PdfPages  # only for pdf (it loads fontTools)

        path = out / "report.pdf"
        tmp = path.with_name(".report.pdf.tmp")
        with PdfPages(tmp) as pdf:
            pdf.savefig(_text_page(analysis))
            for _, _, fig in figs:
                pdf.savefig(fig)
        os.replace(tmp, path)
        written["pdf"] = path
    for _, _, fig in figs:
        plt.close(fig)
    return written


def _text_page(analysis):
    """A first PDF page with the ranked causes in words."""
    import textwrap

    fig = plt.figure(figsize=(8.27, 11.69))
    lines = [f"Why do my legs feel heavy? As of {analysis.as_of:%d %B %Y}", ""]
    for i, f in enumerate(analysis.findings, 1):
        lines.append(
            f"{i}. [{f.severity.upper()}] {f.cause.replace('_', ' ')} ({f.window['start']} to {f.window['end']})"
        )
        lines += textwrap.wrap(f.message, 95) + textwrap.wrap("Advice: " + f.advice, 95) + [""]
    lines.append(
        "Not visible in watch data: " + ", ".join(i["cause"].replace("_", " ") for i in analysis.not_detectable)
    )
    fig.text(0.06, 0.96, "\n".join(lines[:70]), va="top", family="monospace", fontsize=7.5)
    plt.close(fig)
    return fig
