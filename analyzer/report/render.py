"""The report's figures, drawn from a small picklable bundle of what they show.

`render` draws them in the calling process. `Renderer` draws them in a helper process
that the ``heavylegs analyze`` command starts before it imports pandas, so that on a
machine with two cores or more the report costs little on top of the analysis:

1. the helper imports matplotlib (about 0.6 s) while the history is read;
2. `Renderer.begin` sends it the charts' inputs as soon as the features exist, and it
   draws the charts that show no finding (long runs, dynamics, shoes) while the
   detectors run;
3. `Renderer.render` sends the findings; the helper draws the weekly chart and the cause
   timeline and returns every PNG.

Inside the helper the charts are drawn by forked copies (the helper has no threads, so
forking is safe), and the operating system spreads them over the cores. Whatever goes
wrong in the helper or in a copy, that drawing is done again in the calling process, so
the report never depends on it; tests check that every way gives the same bytes.

A `ChartCache` keeps each chart's PNG under a key naming everything the chart shows and
the code that drew it, so an analysis whose charts have not changed draws none.

Run as ``python -m analyzer.report.render``, this module is that helper: it reads two
pickled messages from stdin, ``(PlotData without findings, pdf, charts to draw)`` and
``(weekly, spans, text_lines, charts to draw)``, and writes one pickled `Rendered` to
stdout.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import queue
import select
import subprocess
import sys
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..atomic import write_atomic

#: Resolution of the PNGs (pixels per inch): 11 in wide charts are 1210 px.
FIGURE_DPI = 110
#: How long the helper may take once it has everything before the figures are drawn in
#: this process instead. Drawing takes about 1 s of CPU per 2,000 runs; this only guards
#: against a helper that hangs.
HELPER_TIMEOUT_S = 300.0

#: (file stem, caption) of every chart, in report order.
FIGURES: tuple[tuple[str, str], ...] = (
    ("weekly", "Weekly distance, flagged jumps, and the acute:chronic workload ratio."),
    ("long_runs", "Every run against the longest run of its previous 30 days (Frandsen 2025 bands)."),
    (
        "dynamics",
        "Running dynamics per run over the population colour bands, with the pace-adjusted personal baseline.",
    ),
    ("shoes", "Distance on each pair of shoes against the 300- and 500-mile guidance."),
    ("timeline", "When each cause was active, coloured by severity; the dashed line is the analysis date."),
)
#: The charts that show no finding, costliest first (the four-panel dynamics chart takes
#: about as long as the others together): one copy draws them while the detectors run.
#: The others (weekly jumps, the cause timeline) wait for the findings.
EARLY_ORDER = ("dynamics", "long_runs", "shoes")
#: What each chart shows: the `PlotData` fields its cache key is made of (see `draw`).
CHART_INPUTS = {
    "weekly": ("weekly", "spans", "units"),
    "long_runs": ("spikes", "units"),
    "dynamics": ("form",),
    "shoes": ("shoes", "units"),
    "timeline": ("spans", "as_of"),
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Span:
    """What a chart needs of a finding: its cause, severity and window (ISO dates)."""

    cause: str
    severity: str
    window: dict[str, str]


class Table:
    """A frame-like set of equally long numpy columns (and an optional index): what the
    charts (plots.py) read of a DataFrame, picklable and readable without pandas."""

    def __init__(self, columns: dict[str, np.ndarray], index: np.ndarray | None = None) -> None:
        self.columns = dict(columns)
        self.index = index

    @classmethod
    def of(cls, frame, columns=None, index: bool = False) -> Table:
        """The named ``columns`` (default all) of a DataFrame, and its index if asked:
        numbers as float (NaN for missing), datetimes as datetime64, anything else as
        str or None, so that nothing in it needs pandas to unpickle. None gives an
        empty table."""
        if frame is None:
            return cls({})
        names = [c for c in (frame.columns if columns is None else columns) if c in frame.columns]
        return cls({c: _plain(frame[c]) for c in names}, _plain(frame.index) if index else None)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0


def _plain(values) -> np.ndarray:
    """A pandas Series or Index as a numpy array of float, datetime64 or str/None."""
    kind = getattr(values.dtype, "kind", "O")
    if kind in "biuf":
        return values.to_numpy(dtype=float, na_value=np.nan)
    if kind == "M":
        return values.to_numpy(dtype="datetime64[ns]")
    return np.array([v if isinstance(v, str) else None for v in values], dtype=object)


@dataclass
class ShoeRuns:
    """What the shoe chart reads of a features.shoes.ShoeMileage: its runs (shoe,
    start_local, cumulative_m)."""

    runs: Table


@dataclass
class PlotData:
    """Everything the charts and the PDF's text page show, and nothing else, as numpy
    columns (`Table`), so that it pickles small and unpickles without pandas, the
    importer or the detectors.

    spikes : one row per run: start_local, distance_m [m], prev_longest_m [m], band
    form : one row per run: start_local, median_<metric> and expected_<metric>
    shoes : `ShoeRuns`, or None without shoe data
    as_of : the analysis date; units : 'km' or 'mi'
    weekly : weekly table (week start index; distance_m [m], acwr [-]); None until the
        detectors have run (it is drawn with their findings)
    spans : every finding up to the analysis date, as `Span` (empty before the detectors)
    text_lines : the PDF's first page, line by line
    """

    spikes: Table
    form: Table
    shoes: ShoeRuns | None
    as_of: object
    units: str = "km"
    weekly: Table | None = None
    spans: list[Span] = field(default_factory=list)
    text_lines: list[str] = field(default_factory=list)


@dataclass
class Rendered:
    """images : (stem, caption, PNG bytes) per chart drawn, in report order; pdf : the
    PDF report's bytes when asked for, else None."""

    images: list[tuple[str, str, bytes]]
    pdf: bytes | None = None

    def pngs(self) -> dict[str, bytes]:
        return {stem: image for stem, _, image in self.images}


def _in_order(pngs: dict[str, bytes]) -> list[tuple[str, str, bytes]]:
    return [(stem, caption, pngs[stem]) for stem, caption in FIGURES if stem in pngs]


#: The form columns the dynamics chart reads.
DYNAMICS_COLUMNS = tuple(
    f"{kind}_{metric}" for kind in ("median", "expected") for metric in ("gct_ms", "vo_mm", "vr_pct", "cadence_spm")
)


def context_plot_data(ctx) -> PlotData:
    """The inputs of the charts that show no finding, from a `detectors.Context`
    (computing features the detectors use anyway)."""
    mileage = ctx.shoes
    return PlotData(
        spikes=Table.of(ctx.spikes, ("start_local", "distance_m", "prev_longest_m", "band")),
        form=Table.of(ctx.form, ("start_local", *DYNAMICS_COLUMNS)),
        shoes=None if mileage is None else ShoeRuns(Table.of(mileage.runs, ("shoe", "start_local", "cumulative_m"))),
        as_of=ctx.as_of,
        units=ctx.units,
    )


def spans_of(analysis) -> list[Span]:
    return [Span(f.cause, f.severity, dict(f.window)) for f in analysis.timeline]


def text_lines(analysis) -> list[str]:
    """The ranked causes in words, for the PDF's first page."""
    import textwrap

    lines = [f"Why do my legs feel heavy? As of {analysis.as_of:%d %B %Y}", ""]
    for i, f in enumerate(analysis.findings, 1):
        lines.append(
            f"{i}. [{f.severity.upper()}] {f.cause.replace('_', ' ')} ({f.window['start']} to {f.window['end']})"
        )
        lines += textwrap.wrap(f.message, 95) + textwrap.wrap("Advice: " + f.advice, 95) + [""]
    lines.append(
        "Not visible in watch data: " + ", ".join(i["cause"].replace("_", " ") for i in analysis.not_detectable)
    )
    return lines


def plot_data(analysis) -> PlotData:
    """Every chart's inputs, from an `analysis.Analysis`."""
    return replace(
        context_plot_data(analysis.context),
        weekly=Table.of(analysis.context.weekly, ("distance_m", "acwr"), index=True),
        spans=spans_of(analysis),
        text_lines=text_lines(analysis),
    )


def draw(data: PlotData, stem: str):
    """One chart as a matplotlib Figure (not registered with pyplot)."""
    from matplotlib.figure import Figure

    from . import plots

    if stem == "weekly":
        fig = Figure(figsize=(11, 4.2))
        plots.weekly_distance(fig.subplots(), data.weekly, data.spans, data.units)
    elif stem == "long_runs":
        fig = Figure(figsize=(11, 4.2))
        plots.long_runs(fig.subplots(), data.spikes, data.units)
    elif stem == "dynamics":
        fig = Figure(figsize=(12, 7.5))
        for ax, metric in zip(fig.subplots(2, 2).flat, plots.DYNAMICS_LABELS, strict=True):
            plots.dynamics_over_time(ax, data.form, metric)
    elif stem == "shoes":
        fig = Figure(figsize=(11, 4.2))
        plots.shoe_mileage(fig.subplots(), data.shoes, data.units)
    elif stem == "timeline":
        lanes = len({s.cause for s in data.spans})
        fig = Figure(figsize=(11, 0.6 * max(3, lanes) + 1.4))
        plots.cause_timeline(fig.subplots(), data.spans, data.as_of)
    else:
        raise ValueError(f"no chart named {stem!r}")
    fig.tight_layout()
    # tight_layout leaves a placeholder layout engine behind, which makes savefig lay the
    # whole figure out once more before drawing it; the layout is final, so drop it.
    fig.set_layout_engine(None)
    return fig


def png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=FIGURE_DPI)
    return buf.getvalue()


def text_page(lines: list[str]):
    """A first PDF page with the ranked causes in words."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.27, 11.69))
    fig.text(0.06, 0.96, "\n".join(lines[:70]), va="top", family="monospace", fontsize=7.5)
    return fig


def render(data: PlotData, pdf: bool = False, stems=None) -> Rendered:
    """Draw the charts named in ``stems`` (default: every chart) in this process; with
    ``pdf``, every chart and the PDF report (text page first, then every chart)."""
    import matplotlib

    matplotlib.use("Agg")
    wanted = [stem for stem, _ in FIGURES if pdf or stems is None or stem in stems]
    figs = {stem: draw(data, stem) for stem in wanted}
    pngs = {stem: png(fig) for stem, fig in figs.items()}
    pdf_bytes = None
    if pdf:
        from matplotlib.backends.backend_pdf import PdfPages  # only for pdf (it loads fontTools)

        buf = io.BytesIO()
        with PdfPages(buf) as pages:
            pages.savefig(text_page(data.text_lines))
            for fig in figs.values():
                pages.savefig(fig)
        pdf_bytes = buf.getvalue()
    return Rendered(_in_order(pngs), pdf_bytes)


# --- drawing in forked copies (only in a process without threads: the helper) ---------


def can_fork() -> bool:
    return hasattr(os, "fork") and (os.cpu_count() or 1) >= 2


def fork_charts(data: PlotData, stems: tuple[str, ...]) -> tuple[int, int] | None:
    """Start drawing charts, one after another, in a forked copy: (pid, read end of its
    pipe), or None when no copy could be made."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the copy: draw, send, and leave without running the parent's clean-up
        code = 1
        try:
            os.close(read_end)
            payload = pickle.dumps({stem: png(draw(data, stem)) for stem in stems})
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def collect_charts(job: tuple[int, int] | None, data: PlotData, stems: tuple[str, ...]) -> dict[str, bytes]:
    """The PNGs a forked copy drew; any chart it did not deliver is drawn here."""
    drawn: dict[str, bytes] = {}
    if job is not None:
        pid, read_end = job
        with os.fdopen(read_end, "rb") as src:
            payload = src.read()
        _, status = os.waitpid(pid, 0)
        if status == 0 and payload:
            drawn = pickle.loads(payload)
    return {stem: drawn[stem] if stem in drawn else png(draw(data, stem)) for stem in stems}


Job = tuple[tuple[int, int] | None, tuple[str, ...]]


def render_forked(data: PlotData, stems, started: list[Job] = ()) -> Rendered:
    """`render` of ``stems`` without the PDF, the charts drawn by forked copies: those in
    ``started`` (copies already drawing, with their charts), and one new copy for each
    other chart."""
    jobs = list(started)
    begun = {stem for _, group in jobs for stem in group}
    jobs += [(fork_charts(data, (stem,)), (stem,)) for stem, _ in FIGURES if stem in stems and stem not in begun]
    drawn: dict[str, bytes] = {}
    for job, group in jobs:
        drawn.update(collect_charts(job, data, group))
    return Rendered(_in_order(drawn))


def _warm_up() -> None:
    """Draw a throw-away chart with dates, a legend and text, so that fonts and caches are
    loaded once here and not again in every forked copy."""
    from matplotlib.figure import Figure

    from . import plots

    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    t = np.arange("2026-01-01", "2026-01-04", dtype="datetime64[D]")
    ax.axhspan(0, 1, color="#2ecc71", alpha=0.1)
    ax.scatter(t, [1, 2, 3], s=12, label="run")
    ax.plot(t, [1, 2, 3], lw=1, label="line")
    ax.set_title("warm-up")
    ax.set_ylabel("value [unit]")
    ax.legend(fontsize=8)
    plots._dates(ax)
    fig.tight_layout()
    png(fig)


def _serve(stdin, stdout) -> None:
    """The helper: import now, draw when asked (see the module docstring)."""
    import matplotlib

    matplotlib.use("Agg")
    forking = can_fork()
    if forking and not select.select([stdin], [], [], 0)[0]:
        _warm_up()  # only while nothing is waiting to be drawn
    data, pdf, early = pickle.load(stdin)
    started: list[Job] = []
    if early and forking and not pdf:
        # While the detectors run on one core, one copy draws the charts that need no
        # finding, the costliest first; the others are forked once the findings arrive.
        started = [(fork_charts(data, tuple(early)), tuple(early))]
    weekly, spans, lines, late = pickle.load(stdin)
    data = replace(data, weekly=weekly, spans=spans, text_lines=lines)
    stems = {*early, *late}
    result = render_forked(data, stems, started) if forking and not pdf else render(data, pdf, stems)
    stdout.write(pickle.dumps(result))
    stdout.flush()


# --- charts already drawn ------------------------------------------------------------


def _feed(h, value) -> None:
    """Hash ``value``: tables by their columns' names, types and contents."""
    if isinstance(value, Table):
        _feed(h, ["index", value.index, *(x for name, col in value.columns.items() for x in (name, col))])
    elif isinstance(value, ShoeRuns):
        _feed(h, value.runs)
    elif isinstance(value, np.ndarray):
        h.update(f"{value.dtype}{value.shape}".encode())
        if value.dtype == object:
            h.update("\x1f".join(map(repr, value.tolist())).encode())
        else:
            h.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, (list, tuple)):
        h.update(f"[{len(value)}".encode())
        for item in value:
            _feed(h, item)
    else:
        h.update(repr(value).encode())
    h.update(b"|")


def _code_version() -> str:
    """The code that draws: this module, plots.py, the bands it draws, and the versions
    of matplotlib and numpy."""
    from importlib.metadata import version

    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in (here / "render.py", here / "plots.py", here.parent / "features" / "bands.py"):
        h.update(path.read_bytes())
    h.update(f"{FIGURE_DPI}|{version('matplotlib')}|{version('numpy')}".encode())
    return h.hexdigest()


class ChartCache:
    """Each chart's last PNG in ``<cache>/derived/charts/``, named by a key over the chart's
    inputs and the code that drew it (`_code_version`), so a kept PNG is exactly what
    drawing again would give. Best effort: a cache that cannot be read or written only
    costs the drawing. One PNG is kept per chart."""

    def __init__(self, cache_root: str | os.PathLike):
        self.dir = Path(cache_root) / "derived" / "charts"
        self._code = _code_version()

    def key(self, data: PlotData, stem: str) -> str:
        h = hashlib.sha256(f"{stem}|{self._code}|".encode())
        _feed(h, [getattr(data, name) for name in CHART_INPUTS[stem]])
        return h.hexdigest()

    def get(self, stem: str, key: str) -> bytes | None:
        try:
            image = (self.dir / f"{stem}-{key}.png").read_bytes()
        except OSError:
            return None
        return image if image.startswith(PNG_SIGNATURE) else None

    def put(self, stem: str, key: str, image: bytes) -> None:
        path = self.dir / f"{stem}-{key}.png"
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            write_atomic(path, image)
            for old in self.dir.glob(f"{stem}-*.png"):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError:
            pass


class Renderer:
    """A helper process that imports matplotlib now and draws the figures later.

    Use as a context manager around the work that produces the analysis. `begin` (which
    is optional) hands over the charts' inputs as soon as the features exist; `render`
    returns the same `Rendered` as the in-process `render`. ``fallback`` says why the
    figures were drawn in this process instead (None when the helper drew them or
    nothing had to be drawn); ``reused`` names the charts taken from the `ChartCache`."""

    def __init__(self, command: list[str] | None = None):
        self.fallback: str | None = None
        self.reused: list[str] = []
        self._begun: tuple[PlotData, bool, tuple[str, ...]] | None = None
        self._cache: ChartCache | None = None
        self._keys: dict[str, str] = {}  # cache key of every chart looked up
        self._kept: dict[str, bytes] = {}  # the charts found in the cache
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        try:
            self._proc: subprocess.Popen | None = subprocess.Popen(
                command or [sys.executable, "-m", "analyzer.report.render"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
            )
        except OSError as exc:
            self._proc, self.fallback = None, f"helper not started: {exc}"
            return
        # The helper reads nothing until its imports are done, and a message can exceed
        # a pipe's buffer: a thread writes, so that the analysis never waits on the
        # helper. The thread owns the pipe (communicate() must not flush or close it).
        pipe, self._proc.stdin = self._proc.stdin, None
        threading.Thread(target=self._write, args=(pipe,), daemon=True).start()

    def _write(self, pipe) -> None:
        try:
            while (message := self._outbox.get()) is not None:
                pipe.write(message)
                pipe.flush()
        except OSError:
            pass  # the helper is gone: render() finds out and draws here
        finally:
            try:
                pipe.close()
            except OSError:
                pass

    def _to_draw(self, data: PlotData, stems, pdf: bool) -> tuple[str, ...]:
        """The charts among ``stems`` not in the cache (all of them for the PDF)."""
        todo = []
        for stem in stems:
            if self._cache is not None and not pdf:
                self._keys[stem] = self._cache.key(data, stem)
                image = self._cache.get(stem, self._keys[stem])
                if image is not None:
                    self._kept[stem] = image
                    self.reused.append(stem)
                    continue
            todo.append(stem)
        return tuple(todo)

    def begin(self, data: PlotData, pdf: bool = False, cache: ChartCache | None = None) -> None:
        """Send the charts' inputs that need no finding (`context_plot_data`); the charts
        already in ``cache`` are not drawn again."""
        if self._begun is not None:
            return
        self._cache = cache
        early = self._to_draw(data, EARLY_ORDER, pdf)
        self._begun = (data, pdf, early)
        if self._proc is not None:
            self._outbox.put(pickle.dumps((data, pdf, early)))

    def render(self, data: PlotData, pdf: bool = False) -> Rendered:
        """Every chart of ``data`` (and the PDF with ``pdf``), taken from the cache, drawn
        by the helper or, failing that, drawn here."""
        proc, self._proc = self._proc, None
        if proc is not None and self._begun is not None and self._begun[1] != pdf:
            proc.kill()  # begun with another PDF choice: its drawing is of no use
            proc.wait()
            proc, self.fallback = None, "the PDF choice changed after begin()"
        early = self._begun[2] if self._begun is not None else self._to_draw(data, EARLY_ORDER, pdf)
        late = self._to_draw(data, [stem for stem, _ in FIGURES if stem not in EARLY_ORDER], pdf)
        needed = {*early, *late}
        drawn: Rendered | None = None
        if proc is not None and not needed and not pdf:
            proc.kill()  # every chart was kept: nothing to draw
            proc.wait()
            drawn = Rendered([])
        elif proc is not None:
            if self._begun is None:
                self._outbox.put(pickle.dumps((replace(data, weekly=None, spans=[], text_lines=[]), pdf, early)))
            self._outbox.put(pickle.dumps((data.weekly, data.spans, data.text_lines, late)))
            self._outbox.put(None)
            drawn = self._receive(proc)
        elif self.fallback is None:
            self.fallback = "helper already used"
        if drawn is None:
            drawn = render(data, pdf, needed)
        pngs = drawn.pngs()
        for stem, image in pngs.items():
            if stem in self._keys and stem not in self._kept:
                self._cache.put(stem, self._keys[stem], image)
        pngs.update(self._kept)
        return Rendered(_in_order(pngs), drawn.pdf)

    def _receive(self, proc: subprocess.Popen) -> Rendered | None:
        try:
            out, _ = proc.communicate(timeout=HELPER_TIMEOUT_S)
            if proc.returncode == 0:
                result = pickle.loads(out)
                if isinstance(result, Rendered):
                    return result
            self.fallback = f"helper exited with status {proc.returncode}"
        except Exception as exc:  # noqa: BLE001  (any failure: draw here instead)
            proc.kill()
            proc.wait()
            self.fallback = f"helper failed: {type(exc).__name__}: {exc}"
        return None

    def close(self) -> None:
        self._outbox.put(None)
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


if __name__ == "__main__":
    # Serve from the module under its package name, so that what is pickled back names
    # analyzer.report.render.Rendered and not __main__.Rendered.
    from analyzer.report import render as _module

    _module._serve(sys.stdin.buffer, sys.stdout.buffer)
    sys.stderr.flush()
    # Leave at once: tearing down matplotlib would keep the caller waiting.
    os._exit(0)
