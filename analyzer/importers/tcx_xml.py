"""Read a TCX file's XML into its activities: laps, trackpoints and the recording device.

One pass of lxml's ``iterparse`` with the GPX importer's guards (no entities, no
network, no DTD, ``huge_tree`` off: XML deeper than 256 levels or text over 10 MB is
malformed); each trackpoint is read and freed as it ends, so a long file never sits
whole in memory as a tree. Elements are matched by local name, whatever their
namespace prefix (Garmin writes ``ns3:TPX``, the 310XT a default namespace on ``TPX``).
What the values mean is decided in ``tcx.py``.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field

from lxml import etree

from ..errors import UnreadableExport

#: Trackpoint values read, by element local name -> key in RawActivity.points.
#: TCX v2 schema (TrainingCenterDatabasev2.xsd: Trackpoint_t) and Garmin's
#: ActivityExtension v2 (ActivityExtensionv2.xsd: TPX Speed [m/s], RunCadence, Watts).
POINT_FIELDS = {
    "LatitudeDegrees": "lat",
    "LongitudeDegrees": "lon",
    "AltitudeMeters": "alt",
    "DistanceMeters": "dist",
    "Cadence": "cad",
    "Speed": "speed",
    "RunCadence": "runcad",
    "Watts": "watts",
}
POINT_KEYS = ("time", "track", *POINT_FIELDS.values(), "hr")
#: The range the schemas give a trackpoint value; one outside it is not a value (read
#: as missing, counted): HeartRateValue_t unsignedByte >= 1 [bpm], CadenceValue_t
#: unsignedByte <= 254 (Cadence, RunCadence), DegreesLatitude_t/DegreesLongitude_t
#: [deg], Watts unsignedShort [W] (TrainingCenterDatabasev2.xsd, ActivityExtensionv2.xsd).
SCHEMA_RANGES = {
    "hr": (1.0, 255.0),
    "cad": (0.0, 254.0),
    "runcad": (0.0, 254.0),
    "lat": (-90.0, 90.0),
    "lon": (-180.0, 180.0),
    "watts": (0.0, 65535.0),
}

_TAGS = ("{*}Activity", "{*}Lap", "{*}Track", "{*}Trackpoint")
_DECLARATION = re.compile(rb"<!(ENTITY|DOCTYPE)", re.IGNORECASE)


@dataclass
class Lap:
    """One <Lap>: its StartTime (text as written), TotalTimeSeconds [s] and
    DistanceMeters [m] (NaN where missing or not a number)."""

    start: str
    time_s: float
    distance_m: float


@dataclass
class RawActivity:
    """One <Activity> as written: its Sport attribute, Id, laps, trackpoints (one list
    per key of POINT_KEYS: time text, the index of its <Track> in the activity, numbers
    NaN where missing) and its <Creator> (Name, UnitId, ProductID as text)."""

    sport: str
    id_text: str = ""
    laps: list[Lap] = field(default_factory=list)
    points: dict[str, list] = field(default_factory=lambda: {k: [] for k in POINT_KEYS})
    creator: dict[str, str] = field(default_factory=dict)
    bad_numbers: int = 0


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _number(text: str | None, act: RawActivity) -> float:
    if text is None or not text.strip():
        return math.nan
    try:
        value = float(text)
    except ValueError:
        act.bad_numbers += 1
        return math.nan
    if not math.isfinite(value):
        act.bad_numbers += 1
        return math.nan
    return value


def _child_text(el, name: str) -> str | None:
    """Text of ``el``'s first direct child with local name ``name``."""
    for child in el:
        if _local(child.tag) == name:
            return child.text
    return None


def _read_point(el, act: RawActivity, track: int) -> None:
    values: dict[str, object] = {"time": "", "track": track}
    for sub in el.iter():
        name = _local(sub.tag)
        if name == "Time":
            values["time"] = (sub.text or "").strip()
        elif name == "HeartRateBpm":
            values["hr"] = _number(_child_text(sub, "Value"), act)
        elif name in POINT_FIELDS and POINT_FIELDS[name] not in values:
            values[POINT_FIELDS[name]] = _number(sub.text, act)
    for key, (low, high) in SCHEMA_RANGES.items():
        value = values.get(key)
        if isinstance(value, float) and not low <= value <= high and not math.isnan(value):
            values[key] = math.nan
            act.bad_numbers += 1
    for key in POINT_KEYS:
        act.points[key].append(values.get(key, math.nan))


def _read_lap(el, act: RawActivity) -> None:
    act.laps.append(
        Lap(
            start=(el.get("StartTime") or "").strip(),
            time_s=_number(_child_text(el, "TotalTimeSeconds"), act),
            distance_m=_number(_child_text(el, "DistanceMeters"), act),
        )
    )


def _finish_activity(el, act: RawActivity) -> None:
    act.id_text = (_child_text(el, "Id") or "").strip()
    for child in el:
        if _local(child.tag) == "Creator":
            act.creator = {
                key: " ".join((_child_text(child, key) or "").split())[:100] for key in ("Name", "UnitId", "ProductID")
            }


def _free(el) -> None:
    """Drop a trackpoint that has been read, and the read trackpoints before it."""
    el.clear(keep_tail=False)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())[:200]


def read_activities(data: bytes, label: str) -> list[RawActivity]:
    """Every <Activity> of a TCX file, in document order (multisport sessions
    included). Raises UnreadableExport for a DTD or entity declaration (refused before
    parsing) and for malformed XML."""
    if _DECLARATION.search(data):
        # No TCX writer declares a DTD or entities; refusing any declaration (wherever it
        # hides, comments included) shuts out entity expansion and external entities.
        raise UnreadableExport(
            label,
            "TCX declares a DTD or XML entities: refused as a possible entity-expansion or external-entity attack",
        )
    # Polar writes spaces before the XML declaration, which strict XML forbids.
    body = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    events = etree.iterparse(
        io.BytesIO(body),
        events=("start", "end"),
        tag=_TAGS,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    activities: list[RawActivity] = []
    current: RawActivity | None = None
    track = 0
    try:
        for event, el in events:
            name = _local(el.tag)
            if name == "Activity":
                if event == "start":
                    current, track = RawActivity(sport=(el.get("Sport") or "").strip()), 0
                else:
                    if current is not None:
                        _finish_activity(el, current)
                        activities.append(current)
                    current = None
                    el.clear(keep_tail=False)
            elif event == "end" and current is not None:
                if name == "Trackpoint":
                    _read_point(el, current, track)
                    _free(el)
                elif name == "Track":
                    track += 1
                elif name == "Lap":
                    _read_lap(el, current)
                    el.clear(keep_tail=False)
    except etree.XMLSyntaxError as err:
        raise UnreadableExport(label, f"malformed TCX XML ({_one_line(err)})") from err
    return activities
