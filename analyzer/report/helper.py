"""The figure helper: a process that imports matplotlib while the history is read and
draws the report's charts while the detectors run, so that on a machine with two cores
or more the report costs little on top of the analysis.

1. ``heavylegs analyze`` starts it (`Renderer`) before it imports pandas; the helper
   imports matplotlib (about 0.6 s) meanwhile;
2. `Renderer.begin` sends it the charts' inputs as soon as the features exist, and it
   draws the charts that show no finding (long runs, dynamics, shoes) while the
   detectors run;
3. `Renderer.render` sends the findings; the helper draws the weekly chart and the cause
   timeline and returns every PNG.

Inside the helper the charts are drawn by forked copies (fork.py; the helper has no
threads, so forking is safe). Whatever goes wrong in the helper or in a copy, that
drawing is done again in the calling process (draw.py), so the report never depends on
it; tests check that every way gives the same bytes. Charts kept in the cache
(kept_charts.py) are not drawn at all.

Run as ``python -m analyzer.report.helper``, this module is that helper: it reads two
pickled messages from stdin, ``(PlotData without findings, pdf, charts to draw)`` and
``(weekly, spans, text_lines, charts to draw)``, and writes one pickled `Rendered` to
stdout. It imports neither pandas nor the importer.
"""

from __future__ import annotations

import os
import pickle
import queue
import select
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np

from .charts import EARLY_ORDER, FIGURES, PlotData, Rendered, in_order, to_draw
from .draw import png, render
from .fork import Job, can_fork, fork_charts, render_forked
from .kept_charts import KeptCharts

#: How long the helper may take once it has everything before the figures are drawn in
#: this process instead. Drawing takes about 1 s of CPU per 2,000 runs; this only guards
#: against a helper that hangs.
HELPER_TIMEOUT_S = 300.0


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
    plots.date_axis(ax)
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


class Renderer:
    """A helper process that imports matplotlib now and draws the figures later.

    Use as a context manager around the work that produces the analysis. `begin` (which
    is optional) hands over the charts' inputs as soon as the features exist; `render`
    returns the same `Rendered` as the in-process `render`. With ``start=False`` no helper
    is started and `render` draws in this process (the kept charts are still used).
    ``fallback`` says why the figures were drawn in this process instead (None when the
    helper drew them or nothing had to be drawn); ``reused`` names the charts taken from
    the kept charts (`KeptCharts`)."""

    #: `fallback` of a Renderer asked to draw in this process (``start=False``).
    IN_PROCESS = "drawn in this process, as asked"

    def __init__(self, command: list[str] | None = None, start: bool = True):
        self.fallback: str | None = None
        self.reused: list[str] = []
        self._begun: tuple[PlotData, bool, tuple[str, ...]] | None = None
        self._cache: KeptCharts | None = None
        self._keys: dict[str, str] = {}  # cache key of every chart looked up
        self._kept: dict[str, bytes] = {}  # the charts found in the cache
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        if not start:
            # A caller that has matplotlib already, or cannot share it with a process,
            # such as a squad's Dask worker: no helper, every chart is drawn in render().
            self._proc, self.fallback = None, self.IN_PROCESS
            return
        # This package first on the helper's path; -P keeps the current folder off it, so
        # that an unrelated `analyzer` folder where the command runs is never imported.
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        try:
            self._proc: subprocess.Popen | None = subprocess.Popen(
                command or [sys.executable, "-P", "-m", "analyzer.report.helper"],
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
        """The charts among ``stems`` with something to show and not in the cache (all
        of them for the PDF)."""
        todo = []
        for stem in to_draw(data, list(stems)):
            if self._cache is not None and not pdf:
                self._keys[stem] = self._cache.key(data, stem)
                image = self._cache.get(stem, self._keys[stem])
                if image is not None:
                    self._kept[stem] = image
                    self.reused.append(stem)
                    continue
            todo.append(stem)
        return tuple(todo)

    def begin(self, data: PlotData, pdf: bool = False, cache: KeptCharts | None = None) -> None:
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
        return Rendered(in_order(pngs), drawn.pdf)

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
    # analyzer.report.charts.Rendered and not __main__.Rendered.
    from analyzer.report import helper as _module

    try:
        _module._serve(sys.stdin.buffer, sys.stdout.buffer)
    except (EOFError, BrokenPipeError):
        os._exit(1)  # the caller is gone (killed or interrupted): no one to draw for
    sys.stderr.flush()
    # Leave at once: tearing down matplotlib would keep the caller waiting.
    os._exit(0)
