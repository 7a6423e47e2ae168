"""Drawing the charts with matplotlib, in the calling process: one chart as a Figure,
its PNG bytes, and the whole set (with the PDF report when asked)."""

from __future__ import annotations

import io
import textwrap

from .charts import BY_STEM, FIGURES, PlotData, Rendered, in_order, not_drawn, to_draw
from .takeaways import takeaway

#: Resolution of the PNGs (pixels per inch): 11 in wide charts are 1210 px.
FIGURE_DPI = 110
#: The takeaway under a chart on its PDF page: its font size [pt], characters per inch of
#: the figure's width at that size (heavylegs convention: DejaVu Sans at 9 pt averages
#: about 0.07 in a character) and the height of one line [in].
TAKEAWAY_PT = 9
TAKEAWAY_CHARS_PER_IN = 13
TAKEAWAY_LINE_IN = 0.2
#: Lines of text on one A4 page of the PDF (7.5 pt monospace); more go on further pages.
TEXT_PAGE_LINES = 70
#: Characters on one line of it: 100 x 4.52 pt (DejaVu Sans Mono's advance, 1233/2048 em,
#: at 7.5 pt) is 452 pt from the 36 pt margin, inside the 595 pt page's same margin on the
#: right; longer lines are wrapped, never cut off at the page's edge.
TEXT_PAGE_COLUMNS = 100


def draw(data: PlotData, stem: str):
    """One chart as a matplotlib Figure (not registered with pyplot)."""
    from matplotlib.figure import Figure

    chart = BY_STEM.get(stem)
    if chart is None:
        raise ValueError(f"no chart named {stem!r}")
    fig = Figure(figsize=chart.size(data))
    plot_function(chart.plot)(fig.subplots(*chart.grid(data)), *(getattr(data, name) for name in chart.inputs))
    fig.tight_layout()
    # tight_layout leaves a placeholder layout engine behind, which makes savefig lay the
    # whole figure out once more before drawing it; the layout is final, so drop it.
    fig.set_layout_engine(None)
    return fig


def plot_function(name: str):
    """A chart's drawing function by its name in `charts.Chart.plot`: a function of
    plots.py, or ``module.function`` of another module of this package."""
    import importlib

    module, _, function = name.rpartition(".")
    return getattr(importlib.import_module(f"{__package__}.{module or 'plots'}"), function)


def png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=FIGURE_DPI)
    return buf.getvalue()


def with_takeaway(fig, line: str):
    """``fig`` grown at the bottom by the lines of ``line`` (wrapped to its width), which
    are written there; the axes keep their size and place from the top. For the PDF's
    chart pages, once the chart's PNG is saved."""
    import textwrap

    if not line:
        return fig
    width, height = fig.get_size_inches()
    lines = textwrap.wrap(line, int(width * TAKEAWAY_CHARS_PER_IN)) or [line]
    extra = TAKEAWAY_LINE_IN * (len(lines) + 1)
    for ax in fig.axes:
        box = ax.get_position()
        ax.set_position(
            [box.x0, (box.y0 * height + extra) / (height + extra), box.width, box.height * height / (height + extra)]
        )
    fig.set_size_inches(width, height + extra)
    fig.text(
        0.02,
        0.5 * TAKEAWAY_LINE_IN / (height + extra),
        "\n".join(lines),
        fontsize=TAKEAWAY_PT,
        va="bottom",
        parse_math=False,
    )
    return fig


def text_page(lines: list[str]):
    """A PDF page of text (the first TEXT_PAGE_LINES of ``lines``)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.27, 11.69))
    # parse_math=False: a name from a file with two "$" in it is text, never mathematics.
    fig.text(
        0.06, 0.96, "\n".join(lines[:TEXT_PAGE_LINES]), va="top", family="monospace", fontsize=7.5, parse_math=False
    )
    return fig


def text_pages(lines: list[str]) -> list:
    """The PDF's text in pages of TEXT_PAGE_LINES lines (at least one page), each line
    wrapped to TEXT_PAGE_COLUMNS (its continuation indented as it is)."""
    lines = [part for line in lines for part in _fitted(line)]
    chunks = [lines[i : i + TEXT_PAGE_LINES] for i in range(0, len(lines), TEXT_PAGE_LINES)]
    return [text_page(chunk) for chunk in chunks or [[]]]


def _fitted(line: str) -> list[str]:
    """``line`` as is when it fits TEXT_PAGE_COLUMNS, else wrapped (continuations
    indented two more than the line)."""
    if len(line) <= TEXT_PAGE_COLUMNS:
        return [line]
    indent = line[: len(line) - len(line.lstrip())]
    return textwrap.wrap(line, TEXT_PAGE_COLUMNS, subsequent_indent=indent + "  ")


def render(data: PlotData, pdf: bool = False, stems=None) -> Rendered:
    """Draw the charts named in ``stems`` (default: every chart) that have something to
    show, in this process; with ``pdf``, every such chart and the PDF report (text page
    first, then the charts)."""
    import matplotlib

    matplotlib.use("Agg")
    wanted = to_draw(data, [stem for stem, _ in FIGURES if pdf or stems is None or stem in stems])
    figs = {stem: draw(data, stem) for stem in wanted}
    pngs = {stem: png(fig) for stem, fig in figs.items()}
    pdf_bytes = None
    if pdf:
        from matplotlib.backends.backend_pdf import PdfPages  # only for pdf (it loads fontTools)

        buf = io.BytesIO()
        with PdfPages(buf) as pages:
            missing = [f"{BY_STEM[stem].title} not drawn: {why}" for stem, why in not_drawn(data).items()]
            for page in text_pages(data.text_lines + ([""] + missing if missing else [])):
                pages.savefig(page)
            for stem, fig in figs.items():
                pages.savefig(with_takeaway(fig, takeaway(stem, data)))
        pdf_bytes = buf.getvalue()
    return Rendered(in_order(pngs), pdf_bytes)
