"""Hostile and broken TCX (issue 17): every one ends with a status and a one-line reason
through read_history, nothing is fetched, nothing raises."""

from __future__ import annotations

import hashlib
import http.server
import random
import re
import threading
from pathlib import Path

import pandas as pd
import pytest

from analyzer import read_history
from analyzer.errors import UnreadableExport
from analyzer.importers import decode, tcx_xml
from tests.tcxmake import activity, iso, lap, tcx_bytes, trackpoint
from tests.test_tcx import T0, TREADMILL

BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>\n"
)


@pytest.fixture
def web():
    """A local HTTP server recording every path asked of it: (url, requests)."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<!ENTITY leak 'fetched'>")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


def _run(sport: str = "Running", id_text: str | None = None, prolog: str = "") -> bytes:
    points = [trackpoint(iso(T0, i), dist=3.0 * i, hr=150.0) for i in range(301)]
    body = activity(sport, [lap(iso(T0, 0), 300.0, 900.0, [points])])
    if id_text is not None:
        body = re.sub(r"<Id>[^<]*</Id>", f"<Id>{id_text}</Id>", body)
    return tcx_bytes([body], prolog=prolog)


def test_hostile_tcx_through_read_history(tmp_path, web):
    url, asked = web
    courses = (
        b'<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        b'TrainingCenterDatabase/v2"><Courses><Course><Name>Loop</Name><Lap><TotalTimeSeconds>60'
        b"</TotalTimeSeconds></Lap><Track><Trackpoint><Time>2024-05-04T06:30:00Z</Time></Trackpoint>"
        b"</Track></Course></Courses></TrainingCenterDatabase>"
    )
    whole = TREADMILL.read_bytes()
    cases = {
        "laughs.tcx": _run(id_text="&lol9;", prolog=BILLION_LAUGHS),
        "external.tcx": _run(id_text="&xxe;", prolog=f'<!DOCTYPE t [<!ENTITY xxe SYSTEM "{url}/secret">]>\n'),
        "dtd.tcx": _run(prolog=f'<!DOCTYPE TrainingCenterDatabase SYSTEM "{url}/tcx.dtd">\n'),
        "local.tcx": _run(id_text="&xxe;", prolog='<!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>\n'),
        "truncated.tcx": whole[: len(whole) // 2],
        "courses.tcx": courses,
        "good.tcx": _run(),
    }
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in cases.items():
        (folder / name).write_bytes(data)
    h = read_history([folder], cache=tmp_path / "cache", workers=1, progress=False)
    got = {Path(f.path).name: (f.status, f.reason) for f in h.files}
    assert got["good.tcx"][0] == "imported"
    for name in ("laughs.tcx", "external.tcx", "dtd.tcx", "local.tcx"):
        assert got[name] == (
            "skipped",
            "TCX declares a DTD or XML entities: refused as a possible entity-expansion or external-entity attack",
        ), name
    assert got["truncated.tcx"][0] == "skipped" and got["truncated.tcx"][1].startswith("malformed TCX XML (")
    assert got["courses.tcx"] == (
        "skipped",
        "TCX holds no <Activity> (a course or workout file?): not an activity",
    )
    for _status, reason in got.values():
        assert "\n" not in reason and not reason.startswith("importer failed")
    assert asked == []  # nothing fetched


def test_the_parser_itself_neither_expands_nor_fetches(monkeypatch, web, tmp_path):
    """Behind the refusal of declarations, lxml's own guards: with the refusal switched
    off, an external entity (a local file, a URL) is neither read nor fetched, and
    billion laughs do not explode (lxml refuses the expansion). (This libxml2 may have
    no HTTP client at all; the local file shows the guard: resolving entities would
    read it.)"""
    url, asked = web
    secret = tmp_path / "secret.txt"
    secret.write_text("fetched-secret")
    monkeypatch.setattr(tcx_xml, "_DECLARATION", re.compile(rb"(?!)"))
    for target in (secret.as_uri(), f"{url}/secret"):
        external = _run(id_text="&xxe;", prolog=f'<!DOCTYPE t [<!ENTITY xxe SYSTEM "{target}">]>\n')
        assert "fetched" not in tcx_xml.read_activities(external, "x.tcx")[0].id_text
    dtd = _run(prolog=f'<!DOCTYPE TrainingCenterDatabase SYSTEM "{url}/x.dtd">\n')
    assert tcx_xml.read_activities(dtd, "x.tcx")[0].id_text == iso(T0, 0)
    try:
        acts = tcx_xml.read_activities(_run(id_text="&lol9;", prolog=BILLION_LAUGHS), "x.tcx")
    except UnreadableExport:
        pass
    else:
        assert len(acts[0].id_text) < 1000
    assert asked == []


def _mutations(data: bytes, rng: random.Random) -> bytes:
    kind = rng.choice(("cut", "flip", "drop", "copy", "junk_number"))
    at = rng.randrange(len(data))
    if kind == "cut":
        return data[:at]
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :]
    if kind == "drop":
        return data[:at] + data[at + rng.randrange(1, 2000) :]
    if kind == "copy":
        return data[:at] + data[at : at + rng.randrange(1, 2000)] + data[at:]
    return re.sub(rb"<Value>\d+</Value>", b"<Value>x9</Value>", data, count=rng.randrange(1, 50))


def test_damaged_tcx_decode_or_refuse_with_one_line():
    rng = random.Random(17)
    seeds = [TREADMILL.read_bytes(), _run(), _run("Other")]
    outcomes = {"ok": 0, "refused": 0}
    for case in range(150):
        data = _mutations(seeds[case % len(seeds)], rng)
        try:
            d = decode(data, "fuzz.tcx", hashlib.sha256(data).hexdigest())
        except UnreadableExport as err:
            assert err.reason.strip() and "\n" not in err.reason, err.reason
            outcomes["refused"] += 1
            continue
        assert d.kind == "activity" and len(d.activities) >= 1
        assert all("\n" not in n for n in d.activities["note"])
        outcomes["ok"] += 1
    assert outcomes["ok"] > 10 and outcomes["refused"] > 10, outcomes


def test_values_that_are_not_numbers_or_out_of_range_are_missing_and_said():
    data = re.sub(rb"<Value>150</Value>", b"<Value>x</Value>", _run(), count=10)
    data = re.sub(rb"<Value>150</Value>", b"<Value>1e308</Value>", data, count=5)  # over 255
    data = re.sub(rb"<Value>150</Value>", b"<Value>0</Value>", data, count=2)  # under 1
    d = decode(data, "x.tcx", "0" * 64)
    a = d.activities.iloc[0]
    assert "17 values that are not numbers, or outside the TCX schema's range, read as missing" in a["note"]
    assert d.samples["heart_rate_bpm"].isna().sum() == 17 and a["avg_heart_rate_bpm"] == 150.0


def test_deep_nesting_and_huge_text_are_malformed_xml():
    base = _run()
    deep = base.replace(b"<HeartRateBpm>", b"<Extensions>" * 300 + b"<HeartRateBpm>", 1)
    huge = base.replace(b"<Time>", b"<Notes>" + b"a" * (11 * 2**20) + b"</Notes><Time>", 1)
    for data, why in ((deep, "Excessive depth in document: 256"), (huge, "Text node too long")):
        with pytest.raises(UnreadableExport, match=f"^x.tcx: malformed TCX XML \\(.*{why}"):
            decode(data, "x.tcx", "0" * 64)


def test_damaged_times_and_lap_values_are_left_out_and_said():
    points = [trackpoint(iso(T0, i), dist=3.0 * i, hr=150.0) for i in range(301)]
    points[5] = points[5].replace("2024-05-04", "1700-01-01")  # centuries away
    points[6] = points[6].replace("2024-05-04", "2260-01-01")
    points[7] = points[7].replace("06:30:07Z", "06:30:07+0x:00")  # not a time
    laps = [
        lap(iso(T0, 0), 300.0, 900.0, [points]),
        lap(iso(T0, 300), 1e300, -5.0, None),  # neither a lap time nor a distance
    ]
    body = activity("Running", laps, creator="Forerunner\u00b2 945").replace("3305146736", "\u00b2")
    d = decode(tcx_bytes([body]), "x.tcx", "0" * 64)
    a = d.activities.iloc[0]
    assert "1 trackpoints without a usable time dropped" in a["note"]
    assert "2 trackpoints more than a week from the activity's start dropped (damaged times)" in a["note"]
    assert "2 lap times or distances out of range ignored (damaged)" in a["note"]
    assert (a["timer_s"], a["distance_m"], a["n_samples"], a["device_serial"]) == (300.0, 900.0, 298, "")
    assert a["start_utc"] == pd.Timestamp(T0) and a["elapsed_s"] == 300.0
