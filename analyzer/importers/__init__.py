"""Importers: one module per source format, each with a map from vendor names to ours.

``decode(data, label)`` sniffs the bytes (never trusting the extension alone) and
dispatches to the FIT, GPX or gear-CSV importer. Importers raise
:class:`analyzer.errors.UnreadableExport` with a one-line reason.
"""

from __future__ import annotations

import os

from ..errors import InputFileError, NotAnActivity, UnreadableExport
from .base import Decoded
from .shoes import read_shoe_overrides, read_shoes_csv

__all__ = ["IMPORTER_VERSION", "Decoded", "decode", "read_shoe_overrides", "read_shoes_csv", "sniff"]

#: Bumped whenever an importer's output changes: part of every cache key, so a new
#: version re-decodes instead of serving stale tables.
IMPORTER_VERSION = "10"

_XML_HEAD = 4096


def sniff(data: bytes, label: str) -> str:
    """The format of ``data``: 'fit', 'gpx', 'tcx', 'csv', or raise with the reason."""
    if not data:
        raise UnreadableExport(label, "empty file (0 bytes)")
    if len(data) >= 12 and data[8:12] == b".FIT":
        return "fit"
    ext = os.path.splitext(label.lower())[1]
    head = data[:_XML_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n")
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
    if kind == "tcx":
        from .tcx import decode_tcx

        return decode_tcx(data, label, sha256)
    import io

    from .gear import decode_gear_csv

    try:
        gear = decode_gear_csv(data, label)
    except NotAnActivity:
        head = data[:512].decode("utf-8-sig", errors="replace").splitlines()[:1]
        columns = {c.strip().lower() for c in head[0].split(",")} if head else set()
        if not {"name", "first_used"} <= columns:
            raise
        try:
            shoes = read_shoes_csv(io.BytesIO(data), label=label)
        except InputFileError as err:
            raise UnreadableExport(label, f"shoe list: {err.reason}") from err
        return Decoded.without_activity("shoes", f"shoe list: {len(shoes)} pairs (used for shoe mileage)", shoes=shoes)
    with_gear = int((gear["gear"].str.len() > 0).sum())
    note = f"Strava activities.csv: {len(gear)} activities, {with_gear} with gear (used for shoe mileage)"
    return Decoded.without_activity("gear", note, gear=gear)
