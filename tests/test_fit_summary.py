"""The summary-message decoder (importers/fit_summary.py) against fitparse.

Differential: on every FIT file of the shared real set (``../shared/data/real``,
``*.fit`` and ``*.fit.gz``; skipped cleanly when absent), of ``sample_data/activities``
and made here (fit-tool files as the other tests make them, the hand-made record files
of test_fastfit, and hand-made messages for the rarer cases), the messages
``fit_layout.walk`` keeps (file_id, session, lap, ..., the wellness messages, the
developer-field descriptions) are read twice: by ``fit_summary.read`` and by fitparse
through ``fit_messages.read_messages`` on the small file of those messages (the path
fastfit took before, and still takes where fit_summary raises Unsupported). They must
agree exactly: the same messages in the same order, the same field names in the same
order, the same values of the same types, and the same developer-field descriptions
as fitparse's DEV_TYPES (index, application, and per field its name, base type, number,
units, native field). Where fit_summary raises Fallback, fitparse must fail on the same
messages. How many files take each path is printed; on the real files the share left to
fitparse must stay small. Made files check values against values chosen here.
"""

from __future__ import annotations

import datetime as dt
import gzip
import struct
from collections import Counter
from pathlib import Path

import fitparse.records
import numpy as np
import pytest

from analyzer import columns as C
from analyzer.importers import fastfit, fit, fit_layout, fit_messages, fit_profile, fit_summary
from tests import fitmake
from tests.conftest import REAL, SAMPLE
from tests.test_fastfit import _fit_file as hand_record_file
from tests.test_fastfit import assert_same_decode
from tests.test_fit_wellness import _hrv_file, _monitoring_file, _sleep_file

#: Of the real files the fast decoder takes, at most this share may leave their summary
#: messages to fitparse (heavylegs convention: today none does).
MAX_REAL_SHARE_LEFT_TO_FITPARSE = 0.05
#: The FIT epoch (FIT profile, date_time), naive UTC as fitparse's datetimes are.
FIT_EPOCH = dt.datetime(1989, 12, 31)


# --- the comparison --------------------------------------------------------------------


def typed(value):
    """A value with the type of every part (dict order kept), so that 1 != 1.0 != True."""
    if isinstance(value, dict):
        return ("dict", [(k, typed(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [typed(v) for v in value])
    return (type(value).__name__, value)


def dev_view(dev_types: dict):
    """Developer-field descriptions as compared: per index its entry and per field
    (name, base type id, number, index, units, native field number)."""
    return typed(
        {
            index: [
                entry["dev_data_index"],
                entry["application_id"],
                {
                    num: [f.name, f.type.identifier, f.def_num, f.dev_data_index, f.units, f.native_field_num]
                    for num, f in entry["fields"].items()
                },
            ]
            for index, entry in dev_types.items()
        }
    )


def _first_difference(expected: dict, got: dict) -> str:
    if list(expected) != list(got):
        return f"messages {list(expected)} != {list(got)}"
    for name, messages in expected.items():
        if len(messages) != len(got[name]):
            return f"{name}: {len(messages)} messages != {len(got[name])}"
        for i, (a, b) in enumerate(zip(messages, got[name], strict=True)):
            if typed(a) != typed(b):
                keys = [k for k in [*a, *b] if typed(a.get(k)) != typed(b.get(k))]
                return f"{name}[{i}]: order {list(a) == list(b)}; " + ", ".join(
                    f"{k}: {a.get(k)!r} != {b.get(k)!r}" for k in keys[:5]
                )
    return "the same"


def outcome(data: bytes) -> tuple[str, str]:
    """How one file's summary messages are read, after checking fit_summary against
    fitparse: ('walk', reason) when fastfit leaves the whole file to fitparse before
    (fit_layout.Fallback), ('new', '') when fit_summary reads them, ('unsupported',
    reason) when it leaves them to fitparse, ('fallback', reason) when it refuses the
    file (and fitparse fails on it too)."""
    try:
        layout = fit_layout.walk(data)
    except fit_layout.Fallback as why:
        return "walk", why.reason
    records, _dev, expected, error = fit_messages.read_messages(layout.others)
    assert records == []
    expected_dev = dev_view(fitparse.records.DEV_TYPES)
    try:
        others, dev_types = fit_summary.read(data, layout)
    except fit_summary.Unsupported as why:
        return "unsupported", str(why)
    except fit_layout.Fallback as why:
        assert error is not None, f"fit_summary refuses what fitparse reads: {why.reason}"
        return "fallback", why.reason
    assert error is None, f"fitparse fails ({error}) where fit_summary reads"
    assert typed(others) == typed(expected), _first_difference(expected, others)
    assert dev_view(dev_types) == expected_dev
    return "new", ""


def test_invalid_values_are_fitparses():
    """fit_plan compares raw numbers with fit_profile.BASE_TYPES' invalid values: they
    are the values fitparse's base types read as None, for every numeric base type."""
    numeric = {k: v for k, v in fitparse.records.BASE_TYPES.items() if v.name not in ("string", "byte")}
    assert set(numeric) == set(fit_profile.BASE_TYPES)
    for base, (_np_type, size, invalid) in fit_profile.BASE_TYPES.items():
        parse = numeric[base].parse
        assert numeric[base].size == size
        if invalid is None:
            assert parse(float("nan")) is None and parse(0.0) == 0.0
        else:
            assert parse(invalid) is None and parse(invalid ^ 1) == invalid ^ 1


# --- hand-made messages ----------------------------------------------------------------


def _definition(local: int, mesg: int, fields, dev=(), big: bool = False) -> bytes:
    """A definition message: ``fields`` (number, size, base type), ``dev`` (number,
    size, developer data index); FIT protocol."""
    e = ">" if big else "<"
    out = bytes([0x40 | (0x20 if dev else 0) | local, 0, 1 if big else 0]) + struct.pack(e + "HB", mesg, len(fields))
    out += b"".join(bytes(f) for f in fields)
    if dev:
        out += bytes([len(dev)]) + b"".join(bytes(f) for f in dev)
    return out


def _data(local: int, fmt: str, *values, big: bool = False) -> bytes:
    return bytes([local]) + struct.pack((">" if big else "<") + fmt, *values)


def _fit(*messages: bytes) -> bytes:
    """A FIT file of the messages: 14-byte header, data, CRCs (FIT protocol)."""
    body = b"".join(messages)
    header = bytearray(struct.pack("<BBHI4s", 14, 0x20, 2100, len(body), b".FIT"))
    header += struct.pack("<H", fit_layout.crc16(bytes(header)))
    out = bytes(header) + body
    return out + struct.pack("<H", fit_layout.crc16(out))


T_CREATED = 1_000_000_000  # FIT seconds
WAKE = 6 * 3600 + 30 * 60  # 06:30 as localtime_into_day seconds


def _rare_file() -> bytes:
    """Sub-fields, components, strings, arrays, bytes, floats, bool, times of day,
    device-relative times, unknown fields, both byte orders, a developer field on a
    session; values as the tests below expect them."""
    developer = (
        _definition(0, 207, [(3, 1, 0x02), (1, 4, 0x0D)])
        + _data(0, "B4B", 0, 1, 2, 3, 4)
        + _definition(1, 206, [(0, 1, 0x02), (1, 1, 0x02), (2, 1, 0x02), (3, 8, 0x07), (8, 4, 0x07)])
        + _data(1, "BBB8s4s", 0, 5, 0x88, b"lactate\0", b"mmol")
    )
    return _fit(
        _definition(2, 0, [(0, 1, 0x00), (1, 2, 0x84), (2, 2, 0x84), (3, 4, 0x8C), (4, 4, 0x86), (8, 12, 0x07)]),
        _data(2, "BHHII12s", 4, 1, 1623, 0, T_CREATED, b"heavylegs\0\0\0"),
        _definition(3, 2, [(2, 8, 0x86), (5, 1, 0x01), (36, 1, 0x00), (46, 1, 0x00)]),
        _data(3, "2IbBB", 3600, 0xFFFFFFFF, -8, 1, 0),
        _definition(4, 3, [(4, 2, 0x84), (28, 4, 0x86), (29, 4, 0x86), (250, 3, 0x0D), (251, 4, 0x88), (252, 4, 0x88)]),
        _data(4, "HII3Bff", 705, WAKE, 0xFFFFFFFF, 1, 2, 3, float("nan"), 1.5),
        developer,
        _definition(5, 18, [(5, 1, 0x00), (18, 1, 0x02), (14, 2, 0x84), (10, 4, 0x86), (253, 4, 0x86)], [(5, 4, 0)]),
        _data(5, "BBHIIf", 1, 85, 3210, 5000, 1000, 2.5),
        _definition(6, 18, [(5, 1, 0x00), (18, 1, 0x02), (14, 2, 0x84), (10, 4, 0x86)], big=True),
        _data(6, "BBHI", 2, 90, 0xFFFF, 7000, big=True),
        _definition(7, 30, [(0, 2, 0x84), (253, 4, 0x86)]),
        _data(7, "HI", 7050, T_CREATED),
        _data(7, "HI", 0xFFFE, T_CREATED + 1),
        _definition(8, 34, [(5, 4, 0x86), (253, 4, 0x86)]),
        _data(8, "II", T_CREATED + 3600, T_CREATED),
        _definition(9, 371, [(253, 4, 0x86), (0, 2, 0x84)]),
        _data(9, "IH", T_CREATED, 41 * 128 + 32),
    )


def test_rare_file_values_as_written():
    others, dev_types = fit_summary.read(_rare_file(), fit_layout.walk(_rare_file()))
    file_id = others["file_id"][0]
    # manufacturer 1 (garmin) selects the sub-field garmin_product; serial 0 is uint32z's invalid
    assert file_id == {
        "type": "activity",
        "manufacturer": "garmin",
        "garmin_product": "fr620",
        "time_created": FIT_EPOCH + dt.timedelta(seconds=T_CREATED),
        "product_name": "heavylegs",
    }
    settings = others["device_settings"][0]
    assert settings["time_offset"] == (3600, None) and settings["time_zone_offset"] == -8 / 4
    assert settings["activity_tracker_enabled"] is True and settings["move_alert_enabled"] is False
    profile = others["user_profile"][0]
    assert profile == {"weight": 70.5, "wake_time": dt.time(6, 30), "unknown_250": (1, 2, 3), "unknown_252": 1.5}
    run, ride = others["session"]
    # running: avg_cadence -> avg_running_cadence, total_cycles -> total_strides; the
    # component enhanced_avg_speed first; a device-relative timestamp stays an int
    assert run == {
        "sport": "running",
        "avg_running_cadence": 85,
        "enhanced_avg_speed": 3.21,
        "avg_speed": 3.21,
        "total_strides": 5000,
        "timestamp": 1000,
        "lactate": 2.5,  # the developer field, by its described name
    }
    assert list(run)[2:4] == ["enhanced_avg_speed", "avg_speed"]
    assert ride == {"sport": "cycling", "avg_cadence": 90, "total_cycles": 7000}
    assert [w["weight"] for w in others["weight_scale"]] == [70.5, "calculating"]
    assert others["activity"][0]["local_timestamp"] == FIT_EPOCH + dt.timedelta(seconds=T_CREATED + 3600)
    assert others["hrv_value"] == [{"timestamp": FIT_EPOCH + dt.timedelta(seconds=T_CREATED), "value": 41.25}]
    lactate = dev_types[0]["fields"][5]
    assert (lactate.name, lactate.type.identifier, lactate.units, dev_types[0]["application_id"]) == (
        "lactate",
        0x88,
        "mmol",
        (1, 2, 3, 4),
    )


def _profile_waking_at(seconds: int) -> bytes:
    return _fit(_definition(0, 3, [(28, 4, 0x86)]), _data(0, "I", seconds))


def _activity_of_two_timestamps() -> bytes:
    return _fit(_definition(0, 34, [(253, 8, 0x86)]), _data(0, "2I", T_CREATED, T_CREATED))


def _description_before_its_developer() -> bytes:
    return _fit(_definition(0, 206, [(0, 1, 0x02), (1, 1, 0x02), (2, 1, 0x02)]), _data(0, "BBB", 0, 1, 0x84))


def _description_of_an_unknown_base_type() -> bytes:
    return _fit(
        _definition(0, 207, [(3, 1, 0x02)]),
        _data(0, "B", 0),
        _definition(1, 206, [(0, 1, 0x02), (1, 1, 0x02), (2, 1, 0x02)]),
        _data(1, "BBB", 0, 1, 0x55),
    )


# --- fit-tool files --------------------------------------------------------------------


def _weight_scale(kg: float, at: dt.datetime):
    from fit_tool.profile.messages.weight_scale_message import WeightScaleMessage

    m = WeightScaleMessage()
    m.timestamp, m.weight = fitmake.ms(at), kg
    return m


def _user_profile(resting_hr: int):
    from fit_tool.profile.messages.user_profile_message import UserProfileMessage

    m = UserProfileMessage()
    m.resting_heart_rate = resting_hr
    return m


START = dt.datetime(2024, 3, 5, 7, 0)
#: The made activity's developer fields (uint16, developer data index 0), by number.
DEV_NAMES = ["stryd_power", "form_power"]


def _made_activity() -> bytes:
    """A 10-minute run with a lap and a session rated feel 25 / RPE 7, a user profile, a
    weight, and developer fields on its records, lap and session."""
    leg = fitmake.run(600, feel=25, rpe=70)
    leg.developer = {0: 200 + np.arange(len(leg.t)) % 50, 1: np.full(len(leg.t), 60)}
    leg.session_developer = {0: 251, 1: 61}
    extra = [*fitmake.developer_descriptions(DEV_NAMES, "watts"), _user_profile(48), _weight_scale(70.5, START)]
    return fitmake.fit_bytes([leg], START, 3600, extra=extra)


def test_made_activity_messages_as_written():
    data = _made_activity()
    others, dev_types = fit_summary.read(data, fit_layout.walk(data))
    (session,) = others["session"]
    # fitparse 1.2's profile names the ratings (FIT SDK 21.x fields 192/193) by number
    assert (session["unknown_192"], session["unknown_193"]) == (25, 70)
    assert (session["sport"], session["total_elapsed_time"], session["stryd_power"], session["form_power"]) == (
        "running",
        600.0,
        251,
        61,
    )
    assert session["start_time"] == START
    (lap,) = others["lap"]
    assert (lap["start_time"], lap["total_timer_time"], lap["stryd_power"]) == (START, 600.0, 251)
    assert others["user_profile"] == [{"resting_heart_rate": 48}]
    assert others["weight_scale"] == [{"timestamp": START, "weight": 70.5}]
    fields = dev_types[0]["fields"]
    assert [(f.name, f.type.identifier, f.def_num, f.units) for f in fields.values()] == [
        ("stryd_power", 0x84, 0, "watts"),
        ("form_power", 0x84, 1, "watts"),
    ]
    fast = fastfit.decode(data)
    assert fast.others == others
    np.testing.assert_array_equal(fast.samples[C.DEV_PREFIX + "stryd_power"], 200 + np.arange(601) % 50)
    act = fit.decode_fit(data, "made.fit", "0" * 64).activities.iloc[0]
    assert (act[C.FEEL], act[C.RPE]) == (25.0, 7.0)


def _made_files() -> dict[str, bytes]:
    ride = fitmake.Leg("cycling", 700 + np.arange(301.0), np.full(301, 8.0), np.full(301, 90.0), np.full(301, 140.0))
    long_names = [f"field_{'x' * 150}_{i}" for i in range(3)]
    leg = fitmake.run(300)
    leg.developer = {i: np.full(301, 100 + i) for i in range(3)}
    return {
        "made:activity": _made_activity(),
        "made:run-then-ride": fitmake.fit_bytes([fitmake.run(600, feel=75), ride], START, -18000),
        "made:long-developer-names": fitmake.fit_bytes([leg], START, extra=fitmake.developer_descriptions(long_names)),
        "made:sleep": _sleep_file(),
        "made:hrv": _hrv_file(),
        "made:monitoring": _monitoring_file(),
        "made:records-little": hand_record_file(False, compressed=40),
        "made:records-big": hand_record_file(True),
        "made:rare": _rare_file(),
        "made:time-of-day-past-midnight": _profile_waking_at(25 * 3600),
        "made:date-time-array": _activity_of_two_timestamps(),
        "made:description-before-its-developer": _description_before_its_developer(),
        "made:description-of-unknown-base-type": _description_of_an_unknown_base_type(),
    }


#: Made files that do not take the new path: name -> (outcome, a substring of the reason).
MADE_OUTCOMES = {
    "made:time-of-day-past-midnight": ("unsupported", "localtime_into_day"),
    "made:date-time-array": ("unsupported", "date_time of tuple"),
    "made:description-before-its-developer": ("fallback", "developer data index 0"),
    "made:description-of-unknown-base-type": ("fallback", "85"),
}


# --- every file ------------------------------------------------------------------------


def _files() -> dict[str, Path | None]:
    files: dict[str, Path | None] = {}
    if REAL.is_dir():
        for path in sorted(REAL.rglob("*")):
            if path.is_file() and path.name.lower().endswith((".fit", ".fit.gz")):
                files["real:" + path.relative_to(REAL).as_posix()] = path
    for path in sorted((SAMPLE / "activities").glob("*.fit")):
        files["sample:" + path.name] = path
    return files


FILES = _files()
MADE_NAMES = sorted(
    [
        "made:activity",
        "made:run-then-ride",
        "made:long-developer-names",
        "made:sleep",
        "made:hrv",
        "made:monitoring",
        "made:records-little",
        "made:records-big",
        "made:rare",
        *MADE_OUTCOMES,
    ]
)


@pytest.fixture(scope="module")
def outcomes() -> dict[str, tuple[str, str]]:
    """{file: its outcome} for every file, or the assertion that failed on it."""
    datas: dict[str, bytes] = _made_files()
    assert sorted(datas) == MADE_NAMES
    out = {}
    for name, path in FILES.items():
        raw = path.read_bytes()
        datas[name] = gzip.decompress(raw) if path.name.lower().endswith(".gz") else raw
    for name, data in datas.items():
        try:
            out[name] = outcome(data)
        except AssertionError as err:
            out[name] = ("differs", str(err))
    return out


@pytest.mark.parametrize("name", [*sorted(FILES), *MADE_NAMES])
def test_summary_messages_equal_fitparses(name, outcomes):
    kind, reason = outcomes[name]
    assert kind != "differs", f"{name}: {reason}"
    expected = MADE_OUTCOMES.get(name)
    if expected is not None:
        assert kind == expected[0] and expected[1] in reason, (kind, reason)
    elif name.startswith("made:"):
        assert kind == "new", (kind, reason)
    else:
        assert kind in ("new", "walk"), (kind, reason)


def test_share_of_files_read_without_fitparse(outcomes, capsys):
    groups: dict[str, Counter] = {}
    for name, (kind, _reason) in outcomes.items():
        groups.setdefault(name.split(":")[0], Counter())[kind] += 1
    with capsys.disabled():
        print("\nsummary messages, files by path:", {g: dict(c) for g, c in sorted(groups.items())})
    real = groups.get("real", Counter())
    taken = sum(real.values()) - real["walk"]
    if taken:
        assert (real["unsupported"] + real["fallback"]) / taken <= MAX_REAL_SHARE_LEFT_TO_FITPARSE
    if not REAL.is_dir():
        assert "real" not in groups
    assert groups["sample"]["new"] == len([n for n in FILES if n.startswith("sample:")])


# --- files without records -------------------------------------------------------------


def _monitoring_day() -> bytes:
    """A day of minute monitoring messages (which heavylegs skips) and a resting heart rate."""
    from fit_tool.profile.messages.monitoring_message import MonitoringMessage

    from tests.test_fit_wellness import _hr_data

    messages = []
    for minute in range(0, 1440, 10):
        m = MonitoringMessage()
        m.timestamp, m.heart_rate, m.intensity = fitmake.ms(START + dt.timedelta(minutes=minute)), 60, 2
        messages.append(m)
    return fitmake.messages_fit_bytes([*messages, _hr_data(START, 52, 50)], START)


@pytest.mark.parametrize(
    "make",
    [_sleep_file, _hrv_file, _monitoring_file, _monitoring_day, lambda: _fit(_definition(0, 2, [(36, 1, 0)]))],
    ids=["sleep", "hrv", "monitoring", "monitoring-day", "nothing-read"],
)
def test_files_without_records_take_the_fast_path(make, monkeypatch):
    data = make()
    fast = fastfit.decode(data)
    assert fast.n_records == 0 and fast.samples.empty
    assert_same_decode(data, "made.fit", monkeypatch)


def test_file_without_records_that_fitparse_stops_on_falls_back():
    # a monitoring message (55, skipped) whose uint32 field is one byte: fitparse stops there
    data = _fit(_definition(0, 55, [(0, 1, 0x86)]), _data(0, "B", 1), _definition(1, 30, [(0, 2, 0x84)]))
    assert fit_messages.read_messages(data)[3] is not None
    with pytest.raises(fastfit.Fallback, match="fitparse refuses a definition: field 0 of message 55"):
        fastfit.decode(data)
