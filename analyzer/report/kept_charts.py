"""Charts already drawn: each chart's PNG is kept in the cache (cache.charts) under a
key naming everything the chart shows and the code that drew it, so an analysis whose
charts have not changed draws none."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ..cache.charts import ChartStore
from .charts import BY_STEM, PlotData, ShoeRuns, Table
from .draw import FIGURE_DPI


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


#: The modules whose code decides what a chart looks like.
DRAWING_CODE = (
    "charts.py",
    "draw.py",
    "plots.py",
    "plot_wellness.py",
    "wellness_chart.py",
    "table.py",
    "palette.py",
)


def code_version() -> str:
    """The code that draws (DRAWING_CODE, the bands it draws) and the versions of
    matplotlib and numpy."""
    from importlib.metadata import version

    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in (*(here / name for name in DRAWING_CODE), here.parent / "features" / "bands.py"):
        h.update(path.read_bytes())
    h.update(f"{FIGURE_DPI}|{version('matplotlib')}|{version('numpy')}".encode())
    return h.hexdigest()


class KeptCharts:
    """Chart PNGs kept in a ChartStore under a key over the chart's inputs and the code
    that drew it (`code_version`), so a kept PNG is exactly what drawing again gives."""

    def __init__(self, store: ChartStore) -> None:
        self.store = store
        self.dir = store.dir
        self._code = code_version()

    def key(self, data: PlotData, stem: str) -> str:
        h = hashlib.sha256(f"{stem}|{self._code}|".encode())
        _feed(h, [getattr(data, name) for name in BY_STEM[stem].inputs])
        return h.hexdigest()

    def get(self, stem: str, key: str) -> bytes | None:
        return self.store.get(stem, key)

    def put(self, stem: str, key: str, image: bytes) -> None:
        self.store.put(stem, key, image)
