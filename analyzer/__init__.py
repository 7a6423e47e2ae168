"""heavylegs: why do my legs feel heavy when I run?

Public API::

    from analyzer import read_history, analyze_to
    history = read_history(["~/garmin-export.zip"])
    history.activities   # one row per activity (columns.ACTIVITY_COLUMNS)
    report = analyze_to(["~/garmin-export.zip"], "report/")   # the whole analysis, written
    report.analysis.findings

The names below are imported on first use (PEP 562): importing a light module deep
in the package, such as the report's figure helper, does not import pandas or the
importer. This is the package's only lazy import; ARCHITECTURE.md says why.
"""

from __future__ import annotations

import importlib

#: Public name -> the module that defines it.
_PUBLIC = {
    "AnalyzerError": "analyzer.errors",
    "InputFileError": "analyzer.errors",
    "NoInputRead": "analyzer.errors",
    "NotAnActivity": "analyzer.errors",
    "UnreadableExport": "analyzer.errors",
    "FileResult": "analyzer.ingest",
    "History": "analyzer.ingest",
    "read_history": "analyzer.ingest",
    "Analysis": "analyzer.detectors.run",
    "analyze": "analyzer.detectors.run",
    "Report": "analyzer.api",
    "analyze_to": "analyzer.api",
    "explain_run": "analyzer.api",
}

__all__ = sorted(_PUBLIC)
__version__ = "0.1.0"


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'analyzer' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
