"""TCX files made for tests: trackpoints and laps written the way Garmin Connect
writes them (TrainingCenterDatabase v2, the ActivityExtension v2 under the ns3 prefix),
so a test can hold exactly the case it is about."""

from __future__ import annotations

import datetime as dt

import numpy as np

TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
AX_NS = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"


def iso(t0: dt.datetime, seconds: float) -> str:
    """``t0`` (UTC) plus ``seconds``, as TCX writes it: '2024-05-04T06:30:00Z'."""
    return (t0 + dt.timedelta(seconds=float(seconds))).strftime("%Y-%m-%dT%H:%M:%S") + "Z"


def trackpoint(time: str, **values: float | None) -> str:
    """One <Trackpoint>; values: lat, lon, alt, dist, hr, cad (plain <Cadence>),
    speed and runcad (the ns3:TPX extension). None or NaN values are not written."""
    v = {k: x for k, x in values.items() if x is not None and np.isfinite(x)}
    parts = [f"<Time>{time}</Time>"]
    if "lat" in v:
        parts.append(
            f"<Position><LatitudeDegrees>{v['lat']!r}</LatitudeDegrees>"
            f"<LongitudeDegrees>{v['lon']!r}</LongitudeDegrees></Position>"
        )
    if "alt" in v:
        parts.append(f"<AltitudeMeters>{v['alt']!r}</AltitudeMeters>")
    if "dist" in v:
        parts.append(f"<DistanceMeters>{v['dist']!r}</DistanceMeters>")
    if "hr" in v:
        parts.append(f"<HeartRateBpm><Value>{int(v['hr'])}</Value></HeartRateBpm>")
    if "cad" in v:
        parts.append(f"<Cadence>{int(v['cad'])}</Cadence>")
    ext = ""
    if "speed" in v:
        ext += f"<ns3:Speed>{v['speed']!r}</ns3:Speed>"
    if "runcad" in v:
        ext += f"<ns3:RunCadence>{int(v['runcad'])}</ns3:RunCadence>"
    if ext:
        parts.append(f"<Extensions><ns3:TPX>{ext}</ns3:TPX></Extensions>")
    return "<Trackpoint>" + "".join(parts) + "</Trackpoint>"


def lap(start: str, seconds: float, metres: float, tracks: list[list[str]] | None) -> str:
    """One <Lap>; ``tracks`` the trackpoints of each <Track> (None: no Track element,
    an empty list inside: an empty ``<Track />`` as Suunto writes)."""
    body = "".join("<Track>" + "".join(t) + "</Track>" if t else "<Track />" for t in tracks or [])
    return (
        f'<Lap StartTime="{start}"><TotalTimeSeconds>{seconds!r}</TotalTimeSeconds>'
        f"<DistanceMeters>{metres!r}</DistanceMeters><Intensity>Active</Intensity>"
        f"<TriggerMethod>Manual</TriggerMethod>{body}</Lap>"
    )


def activity(sport: str | None, laps: list[str], creator: str = "Forerunner 945", unit_id: int = 3305146736) -> str:
    """One <Activity> (``sport`` None: no Sport attribute) with its laps and <Creator>."""
    sport_attr = "" if sport is None else f' Sport="{sport}"'
    first = laps[0].split('StartTime="', 1)[1].split('"', 1)[0] if laps else "2024-01-01T00:00:00Z"
    return (
        f"<Activity{sport_attr}><Id>{first}</Id>{''.join(laps)}"
        f'<Creator xsi:type="Device_t"><Name>{creator}</Name><UnitId>{unit_id}</UnitId>'
        f"<ProductID>3113</ProductID></Creator></Activity>"
    )


def tcx_bytes(activities: list[str], prolog: str = "") -> bytes:
    """A whole TCX file of ``activities``; ``prolog`` goes between the XML declaration
    and the root (a DOCTYPE, for hostile tests)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + prolog
        + f'<TrainingCenterDatabase xmlns="{TCX_NS}" xmlns:ns3="{AX_NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "<Activities>"
        + "".join(activities)
        + "</Activities></TrainingCenterDatabase>\n"
    ).encode()


def run_tcx(
    t0: dt.datetime,
    t: np.ndarray,
    distance: np.ndarray,
    heart_rate: np.ndarray,
    strides: np.ndarray,
    speed: np.ndarray | None = None,
) -> bytes:
    """One run as Garmin Connect exports it: one lap, one track, RunCadence per foot."""
    points = [
        trackpoint(
            iso(t0, ti),
            dist=float(d),
            hr=float(h),
            runcad=float(c),
            speed=None if speed is None else float(speed[i]),
        )
        for i, (ti, d, h, c) in enumerate(zip(t, distance, heart_rate, strides, strict=True))
    ]
    one = lap(iso(t0, t[0]), float(t[-1] - t[0]), float(distance[-1]), [points])
    return tcx_bytes([activity("Running", [one])])
