"""Ingest: from the runner's files to a `History`, through the cache.

sources.py    files, folders, .gz and zips (nested) as a stream of inputs
pool.py       decoding in worker processes within a time budget; storing entries
entries.py    the activity rows and per-run features of the entries, via the catalog
duplicates.py the same outing recorded twice: the richer copy is kept
local_time.py the runner's wall-clock time of each activity
history.py    read_history: all of the above, every input accounted for
kept_baseline.py  the pace-adjusted form baseline, kept in the cache between analyses
"""

from __future__ import annotations

from .history import FileResult, History, open_cache, read_history

__all__ = ["FileResult", "History", "open_cache", "read_history"]
