"""heavylegs: why do my legs feel heavy when I run?

Public API::

    from analyzer import read_history
    history = read_history(["~/garmin-export.zip"])
    history.activities   # one row per activity (columns.ACTIVITY_COLUMNS)
    history.samples      # one row per sample (columns.SAMPLE_COLUMNS)
"""

from .errors import AnalyzerError, NotAnActivity, UnreadableExport
from .history import FileResult, History, read_history

__all__ = ["AnalyzerError", "FileResult", "History", "NotAnActivity", "UnreadableExport", "read_history"]
__version__ = "0.1.0"
