"""Drawing charts in forked copies of a process (only in one without threads: the
figure helper). Whatever a copy fails to deliver is drawn in the calling process."""

from __future__ import annotations

import os
import pickle

from .charts import FIGURES, PlotData, Rendered, in_order
from .draw import draw, png

#: A copy already drawing: ((pid, read end of its pipe) or None, the charts it draws).
Job = tuple[tuple[int, int] | None, tuple[str, ...]]


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


def render_forked(data: PlotData, stems, started: list[Job] = ()) -> Rendered:
    """`draw.render` of ``stems`` without the PDF, the charts drawn by forked copies:
    those in ``started`` (copies already drawing, with their charts), and one new copy
    for each other chart."""
    jobs = list(started)
    begun = {stem for _, group in jobs for stem in group}
    jobs += [(fork_charts(data, (stem,)), (stem,)) for stem, _ in FIGURES if stem in stems and stem not in begun]
    drawn: dict[str, bytes] = {}
    for job, group in jobs:
        drawn.update(collect_charts(job, data, group))
    return Rendered(in_order(drawn))
