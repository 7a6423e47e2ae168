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

from .lazy import lazy_exports

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
__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC)
