"""Importers: one module per source format, each with a map from vendor names to ours.

``decode(data, label)`` sniffs the bytes (never trusting the extension alone) and
dispatches to the FIT, GPX, TCX, Garmin Connect JSON or CSV importer (Strava's
activities.csv, shoes.csv, the runner's diary.csv: importers.csv_files). Importers raise
:class:`analyzer.errors.UnreadableExport` with a one-line reason.
"""

from __future__ import annotations

import os

from ..errors import NotAnActivity, UnreadableExport
from .base import Decoded
from .diary import read_diary
from .shoes import read_shoe_overrides, read_shoes_csv

__all__ = ["IMPORTER_VERSION", "Decoded", "decode", "read_diary", "read_shoe_overrides", "read_shoes_csv", "sniff"]

#: Bumped whenever an importer's output changes, or the way the cache stores it (11:
#: one file per entry, cache/entryfile.py; 12: samples in narrower columns,
#: cache/compact.py): part of every cache key, so a new version re-decodes instead of
#: serving stale tables, and an older heavylegs never reads an entry it cannot.
IMPORTER_VERSION = "12"

_XML_HEAD = 4096


def sniff(data: bytes, label: str) -> str:
    """The format of ``data``: 'fit', 'gpx', 'tcx', 'csv', 'json', or raise with the reason."""
    if not data:
        raise UnreadableExport(label, "empty file (0 bytes)")
    if len(data) >= 12 and data[8:12] == b".FIT":
        return "fit"
    ext = os.path.splitext(label.lower())[1]
    head = data[:_XML_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n")
    if ext == ".json" or (label.lower().endswith(".json.gz") and head.startswith((b"{", b"["))):
        return "json"  # a .json that is not JSON: the JSON importer says where it breaks
    if head.startswith(b"<"):
        if b"<gpx" in head:
            return "gpx"
        if b"<TrainingCenterDatabase" in head:
            return "tcx"
        if ext == ".gpx":
            return "gpx"  # let the GPX importer say what is wrong with it
        raise NotAnActivity(label, "XML file that is neither GPX nor TCX")
    if ext == ".fit":
        raise UnreadableExport(label, "not a FIT file: no '.FIT' signature in the header (renamed or damaged file)")
    if ext == ".gpx":
        raise UnreadableExport(label, "not a GPX file: not XML")
    if ext == ".csv":
        return "csv"
    raise NotAnActivity(label, f"not an activity file (unknown format{', extension ' + ext if ext else ''})")


def decode(data: bytes, label: str, sha256: str) -> Decoded:
    """Decode one file's bytes. Raises UnreadableExport (or NotAnActivity) with the reason."""
    kind = sniff(data, label)
    if kind == "fit":
        from .fit import decode_fit

        return decode_fit(data, label, sha256)
    if kind == "gpx":
        from .gpx import decode_gpx

        return decode_gpx(data, label, sha256)
    if kind == "json":
        from .garmin_json import decode_garmin_json

        return decode_garmin_json(data, label)
    if kind == "tcx":
        from .tcx import decode_tcx

        return decode_tcx(data, label, sha256)
    from .csv_files import decode_csv

    return decode_csv(data, label)
