"""heavylegs: why do my legs feel heavy when I run?

Public API::

    from analyzer import read_history
    history = read_history(["~/garmin-export.zip"])
    history.activities   # one row per activity (columns.ACTIVITY_COLUMNS)
    history.samples      # one row per sample (columns.SAMPLE_COLUMNS)

The names are loaded on first use (PEP 562), so that a module deep in the package,
such as the report's figure renderer, starts without importing the whole importer.
"""

from __future__ import annotations

import importlib

_PUBLIC = {
    "AnalyzerError": ".errors",
    "NotAnActivity": ".errors",
    "UnreadableExport": ".errors",
    "FileResult": ".history",
    "History": ".history",
    "read_history": ".history",
}

__all__ = sorted(_PUBLIC)
__version__ = "0.1.0"


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
