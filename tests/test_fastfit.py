"""The vectorised FIT decoder (importers/fastfit.py) against fitparse.

Differential: on every FIT file of the shared real set and of sample_data, the fast
path gives exactly fitparse's samples (same timestamps; values bit-identical, which is
stricter than "within the field's resolution") and the same summary messages, and
decode_fit gives the same activities (the runner's ratings among their columns),
samples, weights and wellness readings either way. The files that
fall back to fitparse are listed with the reason. A hand-made FIT file checks the
decoded values against values chosen here. (tests/test_fit_summary.py compares the
summary messages, read by fit_summary.py, with fitparse's more closely: types, order,
developer-field descriptions, on every file.)
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fitparse.profile import MESSAGE_TYPES

from analyzer import columns as C
from analyzer.errors import NotAnActivity, UnreadableExport
from analyzer.importers import fastfit, fit, fit_layout, fit_messages, fit_profile
from tests.conftest import REAL, SAMPLE

REAL_FIT = REAL / "fit"
FIT_FILES = sorted(REAL_FIT.glob("*.fit")) + sorted((SAMPLE / "activities").glob("*.fit"))

#: Files that fall back to fitparse, and why (a substring of fastfit.Fallback.reason).
EXPECTED_FALLBACKS = {
    # an array where a scalar belongs (enhanced_altitude as 2 x uint32): fitparse gives a tuple
    "GoldenCheetah__garmin-fr55-walk-core-temp.fit": "record field 78 has base type 0x86 and size 8",
    # a developer field re-described mid-file: its meaning changes over the file
    "Runalyze__garmin-fenix3-run-long-pause.fit": "described differently over the file",
    "Runalyze__garmin-fr70-intervals.fit": "compressed_speed_distance",
    "dtcooper__garmin-fr70-run-compressed-speed-distance-relative-time.fit": "compressed_speed_distance",
    "dtcooper__garmin-fr920xt-triathlon-chained-fit.fit": "chained FIT files",
}
#: Files without records (their summary messages only, read by the fast path).
WITHOUT_RECORDS = {
    "dtcooper__fitsdk-example-monitoring.fit",
    "dtcooper__fitsdk-example-weight-scale-multi-user.fit",
    "dtcooper__fitsdk-example-weight-scale-single-user.fit",
}


def test_profile_numbers_match_fitparse():
    """Field numbers, scales, offsets and components as in fitparse's FIT profile."""
    record = MESSAGE_TYPES[fit_profile.RECORD_MESG]
    assert record.name == "record"
    assert record.fields[fit_profile.TIMESTAMP_FIELD].name == "timestamp"
    assert record.fields[fit_profile.TIMESTAMP_FIELD].type.name == "date_time"
    for num, (name, scale, offset) in fit_profile.RECORD_FIELDS.items():
        f = record.fields[num]
        assert (f.name, f.scale, f.offset) == (name, scale, offset), num
        assert not f.subfields, num
        components = {(c.name, c.scale, c.offset, c.bits, c.bit_offset, c.accumulate) for c in f.components or []}
        if num in fit_profile.RECORD_COMPONENTS:
            assert components == {(*fit_profile.RECORD_COMPONENTS[num], 16, 0, False)}, num
        else:
            assert not components, num
    # No other record field expands into one we read, except those we refuse.
    ours = {name for name, _s, _o in fit_profile.RECORD_FIELDS.values()}
    for num, f in record.fields.items():
        if num in fit_profile.RECORD_FIELDS:
            continue
        if {c.name for c in f.components or []} & ours:
            assert num in fit_profile.RECORD_UNSUPPORTED, f.name
    # The same fields and columns as the fitparse path.
    assert ours | {"timestamp"} == fit_messages.RECORD_FIELDS
    # fitparse 1.2 knows none of the wellness messages: read by number (fit_profile).
    wellness = set(fit_profile.WELLNESS_MESGS)
    assert not wellness & set(MESSAGE_TYPES)
    names = {MESSAGE_TYPES[n].name for n in fit_layout.OTHER_MESGS - wellness}
    assert names == fit_messages.MESSAGES_KEPT | {"field_description", "developer_data_id"}
    assert wellness <= fit_layout.OTHER_MESGS


def _slow_and_fast(data: bytes, monkeypatch):
    """(fitparse decode_fit, fast decode_fit), fitparse's message read shared by both
    the sample comparison and the fitparse decode_fit."""
    real_read = fit_messages.read_messages
    slow_read = real_read(data)
    monkeypatch.setattr(fit, "read_messages", lambda d: slow_read if d is data else real_read(d))
    return slow_read


@pytest.mark.parametrize("path", FIT_FILES, ids=lambda p: p.name)
def test_fast_path_equals_fitparse(path: Path, monkeypatch):
    data = path.read_bytes()
    try:
        fast = fastfit.decode(data)
    except fastfit.Fallback as why:
        expected = EXPECTED_FALLBACKS.get(path.name)
        assert expected is not None, f"unexpected fallback: {why.reason}"
        assert expected in why.reason
        return
    assert path.name not in EXPECTED_FALLBACKS, "expected a fallback"

    records, _dev, others, error = _slow_and_fast(data, monkeypatch)
    assert error is None
    slow_samples, slow_dropped = fit_messages.samples_frame(records, fit_messages.Clock(others))
    assert fast.n_records == len(records)
    assert fast.dropped == slow_dropped
    assert fast.others == others
    assert set(fast.samples.columns) == set(slow_samples.columns)
    pd.testing.assert_frame_equal(fast.samples[list(slow_samples.columns)], slow_samples, check_exact=True)

    assert (fast.n_records == 0) == (path.name in WITHOUT_RECORDS)
    assert_same_decode(data, path.name, monkeypatch)


def _decode_or_refusal(data: bytes, label: str):
    try:
        return fit.decode_fit(data, label, "0" * 64)
    except (NotAnActivity, UnreadableExport) as err:
        return err


def assert_same_decode(data: bytes, label: str, monkeypatch) -> None:
    """The whole importer output (or its refusal), fast path vs fitparse path."""
    fast_decoded = _decode_or_refusal(data, label)
    with monkeypatch.context() as m:
        m.setattr(fit, "_read_fast", lambda d: None)
        slow_decoded = _decode_or_refusal(data, label)
    if isinstance(slow_decoded, Exception):
        assert (type(fast_decoded), str(fast_decoded)) == (type(slow_decoded), str(slow_decoded))
        return
    pd.testing.assert_frame_equal(fast_decoded.activities, slow_decoded.activities, check_exact=True)
    pd.testing.assert_frame_equal(fast_decoded.samples, slow_decoded.samples, check_exact=True)
    pd.testing.assert_frame_equal(fast_decoded.weights, slow_decoded.weights, check_exact=True)
    pd.testing.assert_frame_equal(fast_decoded.wellness, slow_decoded.wellness, check_exact=True)
    assert (fast_decoded.kind, fast_decoded.note) == (slow_decoded.kind, slow_decoded.note)


def test_real_files_present_are_compared():
    """The differential test saw the files it expects (skips cleanly without the real set)."""
    if not REAL_FIT.is_dir():
        pytest.skip(f"{REAL_FIT} is absent")
    names = {p.name for p in REAL_FIT.glob("*.fit")}
    assert set(EXPECTED_FALLBACKS) | WITHOUT_RECORDS <= names


# --- a hand-made FIT file --------------------------------------------------------------

#: record fields of the hand-made file: (number, size, base type)
HAND_FIELDS = [
    (253, 4, 0x86),  # timestamp
    (0, 4, 0x85),  # position_lat
    (1, 4, 0x85),  # position_long
    (3, 1, 0x02),  # heart_rate
    (4, 1, 0x02),  # cadence
    (53, 1, 0x02),  # fractional_cadence
    (5, 4, 0x86),  # distance
    (6, 2, 0x84),  # speed
    (2, 2, 0x84),  # altitude
    (41, 2, 0x84),  # stance_time
    (39, 2, 0x84),  # vertical_oscillation
    (83, 2, 0x84),  # vertical_ratio
    (85, 2, 0x84),  # step_length
    (84, 2, 0x84),  # stance_time_balance
    (13, 1, 0x01),  # temperature
    (7, 2, 0x84),  # power
    (99, 3, 0x0D),  # unknown field: skipped by size
]
HAND_FORMAT = "IiiBBBIHHHHHHHbH3s"
T0 = 1_100_000_000  # FIT seconds: 2024-11-09 ...
HAND_ROWS = [
    # ts, lat, lon, hr, cad, frac, dist, speed, alt, stance, vo, vr, step, balance, temp, power, unknown
    (T0, 2**30, -(2**29), 150, 88, 64, 12345, 3210, 2600, 2456, 912, 843, 1180, 4987, 21, 280, b"abc"),
    # invalid values everywhere (FIT base type invalids)
    (T0 + 1, 0x7FFFFFFF, 0x7FFFFFFF, 0xFF, 0xFF, 0xFF, 0xFFFFFFFF, 0xFFFF, 0xFFFF)
    + (0xFFFF,) * 5
    + (0x7F, 0xFFFF, b"\xff" * 3),
    (T0 + 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -5, 0, b"\x00" * 3),
]


def _fit_file(big_endian: bool = False, compressed: int = 0, rows: list = HAND_ROWS) -> bytes:
    """A FIT file: 14-byte header, one record definition (local 0), ``rows``, then
    ``compressed`` records with compressed-timestamp headers (+3 s each, heart rate only)."""
    e = ">" if big_endian else "<"
    body = bytearray()
    body += bytes([0x40, 0, 1 if big_endian else 0]) + struct.pack(e + "HB", 20, len(HAND_FIELDS))
    for num, size, base in HAND_FIELDS:
        body += bytes([num, size, base])
    for row in rows:
        body += b"\x00" + struct.pack(e + HAND_FORMAT, *row)
    if compressed:
        body += bytes([0x41, 0, 0]) + struct.pack("<HB", 20, 1) + bytes([3, 1, 0x02])  # local 1: heart_rate
        last = T0 + 2
        for i in range(compressed):
            last += 3
            body += bytes([0x80 | (1 << 5) | (last & 0x1F), 100 + i])
    header = bytearray(struct.pack("<BBHI4s", 14, 0x20, 2100, len(body), b".FIT"))
    header += struct.pack("<H", fit_layout.crc16(bytes(header)))
    out = bytes(header) + bytes(body)
    return out + struct.pack("<H", fit_layout.crc16(out))


@pytest.mark.parametrize("big_endian", [False, True], ids=["little", "big"])
def test_hand_made_file(big_endian):
    data = _fit_file(big_endian, compressed=40)
    fast = fastfit.decode(data)
    s = fast.samples.reset_index(drop=True)
    assert fast.n_records == len(HAND_ROWS) + 40 and fast.dropped == 0
    epoch = pd.Timestamp("1989-12-31", tz="UTC")
    assert s[C.TIMESTAMP].iloc[0] == epoch + pd.Timedelta(seconds=T0)
    first = s.iloc[0]
    assert first[C.LATITUDE_DEG] == 90.0 and first[C.LONGITUDE_DEG] == -45.0
    assert first[C.HEART_RATE_BPM] == 150
    assert first[C.CADENCE_SPM] == 2 * (88 + 0.5)
    assert first[C.SAMPLE_DISTANCE_M] == 123.45
    assert first[C.SPEED_M_S] == 3.21
    assert first[C.ALTITUDE_M] == 2600 / 5 - 500
    assert first[C.STANCE_TIME_MS] == 245.6
    assert first[C.VERTICAL_OSCILLATION_MM] == 91.2
    assert first[C.VERTICAL_RATIO_PCT] == 8.43
    assert first[C.STEP_LENGTH_MM] == 118.0
    assert first[C.STANCE_TIME_BALANCE_PCT] == 49.87
    assert first[C.TEMPERATURE_C] == 21 and first[C.POWER_W] == 280
    assert s.iloc[1].drop(C.TIMESTAMP).isna().all()  # invalid -> NaN, never 0 or 255
    third = s.iloc[2]
    assert third[C.HEART_RATE_BPM] == 0 and third[C.TEMPERATURE_C] == -5 and third[C.ALTITUDE_M] == -500
    # compressed timestamps: +3 s each, rolling over the 5-bit offset
    rest = s.iloc[3:]
    expected = epoch + pd.to_timedelta(T0 + 2 + 3 * np.arange(1, 41), unit="s")
    assert (rest[C.TIMESTAMP].to_numpy() == expected.to_numpy()).all()
    assert rest[C.HEART_RATE_BPM].tolist() == [100.0 + i for i in range(40)]

    # fitparse reads the same
    records, _dev, others, error = fit_messages.read_messages(data)
    assert error is None
    slow, _ = fit_messages.samples_frame(records, fit_messages.Clock(others))
    pd.testing.assert_frame_equal(fast.samples[list(slow.columns)], slow, check_exact=True)


def test_a_record_without_a_timestamp_is_dropped_as_fitparse_drops_it():
    """A record whose timestamp is invalid (0xFFFFFFFF) is dropped: the fast path's
    samples are fitparse's, the index of the records kept included."""
    rows = [HAND_ROWS[0], (0xFFFFFFFF, *HAND_ROWS[1][1:]), HAND_ROWS[2]]
    data = _fit_file(rows=rows)
    fast = fastfit.decode(data)
    records, _dev, others, error = fit_messages.read_messages(data)
    slow, slow_dropped = fit_messages.samples_frame(records, fit_messages.Clock(others))
    assert error is None and fast.dropped == slow_dropped == 1
    assert fast.samples.index.tolist() == [0, 2]
    pd.testing.assert_frame_equal(fast.samples[list(slow.columns)], slow, check_exact=True)


def test_hand_made_damage_falls_back():
    data = bytearray(_fit_file())
    data[40] ^= 0x01
    with pytest.raises(fastfit.Fallback, match="CRC"):
        fastfit.decode(bytes(data))
    good = _fit_file()
    with pytest.raises(fastfit.Fallback, match="chained"):
        fastfit.decode(good + good)
    with pytest.raises(fastfit.Fallback, match="truncated"):
        fastfit.decode(good[:-10])


@pytest.mark.parametrize("seed", range(8))
def test_record_bodies_are_read_as_the_bytes_at_their_positions(seed):
    """fit_layout.Definition.positions (from the runs of records the walk found) and
    fastfit._bodies (strided views of the runs, or a byte gather when runs are short)
    give the offsets and the bytes at each, as slicing the file by hand gives them."""
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 40))
    runs, positions, pos = [], [], int(rng.integers(0, 20))
    for _ in range(int(rng.integers(1, 60))):
        count = int(rng.integers(1, 3 if seed % 2 else 200))  # odd seeds: short runs (the gather)
        runs.append([pos, count])
        positions += [pos + k * (size + 1) for k in range(count)]
        pos = positions[-1] + size + 1 + int(rng.integers(1, 30))  # another message between runs
    data = rng.integers(0, 256, pos + size, dtype=np.uint8).tobytes()
    d = fit_layout.Definition(mesg=20, big_endian=False, fields=[], dev_fields=[], size=size, runs=runs)
    assert d.positions().tolist() == positions
    dtype = np.dtype({"names": ["a", "b"], "formats": ["u1", "u1"], "offsets": [0, size - 1], "itemsize": size})
    got = fastfit._bodies(np.frombuffer(data, np.uint8), d, dtype)
    want = np.frombuffer(b"".join(data[p : p + size] for p in positions), dtype=dtype)
    assert got.dtype == dtype and got.tobytes() == want.tobytes()


def _crc_sdk(data: bytes) -> int:
    """FitCRC_Get16 of the FIT SDK (fit_crc.c), byte by byte with its nibble table."""
    table = (0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
             0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400)  # fmt: skip
    crc = 0
    for byte in data:
        tmp = table[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[byte & 0xF]
        tmp = table[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[(byte >> 4) & 0xF]
    return crc


def test_crc16_is_the_fit_sdks():
    # The catalogued check value of CRC-16/ARC (Greg Cook's CRC RevEng catalogue): "123456789" -> 0xBB3D.
    assert fit_layout.crc16(b"123456789") == 0xBB3D == _crc_sdk(b"123456789")
    rng = np.random.default_rng(20)
    for n in (0, 1, 2, 15, 16, 17, 1000, 4099):
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert fit_layout.crc16(data) == _crc_sdk(data)
        assert fit_layout.crc16(memoryview(b"xy" + data)[2:]) == _crc_sdk(data)  # a view, as decoding takes it
    # A whole FIT file's last two bytes are the CRC of what precedes them (but in a
    # damaged one, which the shared set has).
    matched = []
    for path in FIT_FILES[:40]:
        body = path.read_bytes()[:-2]
        assert fit_layout.crc16(body) == _crc_sdk(body), path.name
        matched.append(fit_layout.crc16(body) == int.from_bytes(path.read_bytes()[-2:], "little"))
    assert len(matched) >= 10 and sum(matched) >= 0.8 * len(matched)
