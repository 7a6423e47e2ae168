"""Hostile inputs (issue 9): fuzzed FIT/GPX, archive tricks, crashes and concurrent imports.

Every input, however damaged, must end as imported (a partial read says so), duplicate,
not_run or skipped, with a one-line reason; no exception escapes, nothing hangs, memory
stays bounded, and an import killed at any moment leaves a cache that the next run
completes into the same history as an uninterrupted one.

The mutations are plain functions ``(data, rng) -> bytes`` shared with
``benchmarks/fuzz_long.py`` (the long run, 10,000 cases by default).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from fitparse.records import Crc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer import read_history
from analyzer.columns import FILE_STATUSES
from analyzer.errors import NotAnActivity, UnreadableExport
from analyzer.importers import IMPORTER_VERSION, decode
from analyzer.ingest.sources import MAX_ARCHIVE_DEPTH, MAX_FILE_BYTES, MAX_RATIO

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SAMPLE = ROOT / "sample_data" / "activities"
FENIX_RUN = DATA / "dtcooper__garmin-fenix5-run-57s.fit"
#: A whole real run (43 min), for tests that need a file imported as a run.
RUN_FIT = DATA / "dtcooper__garmin-fr110-run-2013.fit"
REAL_FIT = ROOT.parent / "shared" / "data" / "real" / "fit"

#: A single decode taking longer than this [s] counts as a hang (the CI machine is slow;
#: the real files decode in well under 2 s).
CASE_LIMIT_S = 30.0
#: Seeds larger than this are cut (at a message boundary, header and CRC made whole) so
#: that a CI-sized run stays within minutes; the long run uses whole files.
CI_SEED_BYTES = 8_000
CI_GPX_POINTS = 60

# --- the FIT structure (FIT SDK: file header, record headers, definition messages) ---


def fit_header_size(data: bytes) -> int:
    return data[0] if data and data[0] in (12, 14) else 14


def fit_crc(data: bytes) -> bytes:
    return Crc.calculate(data).to_bytes(2, "little")


def fit_messages(data: bytes) -> list[tuple[int, int, bool]]:
    """(offset, length, is_definition) of each message of a well-formed FIT file, in
    order, as far as the structure can be followed."""
    out: list[tuple[int, int, bool]] = []
    pos = fit_header_size(data)
    end = min(len(data) - 2, pos + int.from_bytes(data[4:8], "little"))
    sizes: dict[int, int] = {}
    while pos < end:
        head = data[pos]
        if head & 0x80:  # compressed-timestamp data message
            local, length = (head >> 5) & 0x3, None
        elif head & 0x40:  # definition message
            if pos + 6 > end:
                break
            n_fields = data[pos + 5]
            length = 6 + 3 * n_fields
            if head & 0x20:  # developer fields follow
                if pos + length >= end:
                    break
                n_dev = data[pos + length]
                dev_size = sum(
                    data[pos + length + 1 + 3 * i + 1] for i in range(n_dev) if pos + length + 3 * i + 3 < end
                )
                length += 1 + 3 * n_dev
            else:
                dev_size = 0
            fields = sum(data[pos + 6 + 3 * i + 1] for i in range(n_fields) if pos + 6 + 3 * i + 2 < end)
            sizes[head & 0x0F] = fields + dev_size
            out.append((pos, length, True))
            pos += length
            continue
        else:
            local, length = head & 0x0F, None
        if local not in sizes:
            break
        length = 1 + sizes[local]
        out.append((pos, length, False))
        pos += length
    return out


def fit_make_whole(data: bytes) -> bytes:
    """Header data size and both CRCs recomputed: damage the CRC cannot reveal."""
    data = bytearray(data)
    if len(data) < 14:
        return bytes(data)
    hs = fit_header_size(data)
    body = max(len(data) - hs, 0)
    data[4:8] = body.to_bytes(4, "little")
    if hs == 14:
        data[12:14] = fit_crc(bytes(data[:12]))
    return bytes(data) + fit_crc(bytes(data))


def fit_body(data: bytes) -> bytes:
    """The bytes between header and final CRC."""
    return data[fit_header_size(data) : len(data) - 2]


def fit_cut(data: bytes, max_bytes: int) -> bytes:
    """The first messages of ``data`` up to ``max_bytes``, as a whole (valid) FIT file."""
    if len(data) <= max_bytes:
        return data
    hs = fit_header_size(data)
    keep = hs
    for off, length, _ in fit_messages(data):
        if off + length > max_bytes:
            break
        keep = off + length
    return fit_make_whole(data[:keep])


def gpx_cut(data: bytes, n_points: int) -> bytes:
    """The first ``n_points`` track points of a one-segment GPX, closed again."""
    starts = [m.start() for m in re.finditer(rb"<trkpt[\s>]", data)]
    if len(starts) <= n_points:
        return data
    return data[: starts[n_points]] + b"</trkseg></trk></gpx>\n"


# --- mutations: (data, rng) -> bytes --------------------------------------------------

Mutation = Callable[[bytes, random.Random], bytes]


def _pos(data: bytes, rng: random.Random) -> int:
    return rng.randrange(len(data)) if data else 0


def bit_flips(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 3, 8, 32))):
        if out:
            out[_pos(out, rng)] ^= 1 << rng.randrange(8)
    return bytes(out)


def byte_sets(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 4, 16))):
        if out:
            out[_pos(out, rng)] = rng.choice((0x00, 0xFF, 0x7F, 0x80, 0x40, rng.randrange(256)))
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def duplicate_chunk(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    a = _pos(data, rng)
    b = min(len(data), a + rng.choice((1, 2, 16, 64, 512, 4096)))
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[a:b] * rng.choice((1, 2, 50)) + data[at:]


def shuffle_chunks(data: bytes, rng: random.Random) -> bytes:
    n = rng.choice((2, 4, 16, 64))
    cuts = sorted(rng.randrange(len(data) + 1) for _ in range(n - 1))
    parts = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    head, rest = parts[0], parts[1:]
    rng.shuffle(rest)
    return head + b"".join(rest)


def delete_chunk(data: bytes, rng: random.Random) -> bytes:
    a = _pos(data, rng)
    return data[:a] + data[a + rng.choice((1, 3, 100, 1000)) :]


def random_bytes(data: bytes, rng: random.Random) -> bytes:
    junk = rng.randbytes(rng.choice((0, 1, 11, 12, 14, 100, 5000)))
    if rng.random() < 0.5 and len(junk) >= 12:  # a FIT signature on junk
        junk = junk[:8] + b".FIT" + junk[12:]
    return junk


# FIT-aware mutations: they follow the message structure of the seed.


def _fit_msgs(data: bytes, rng: random.Random, definitions: bool | None = None) -> list[tuple[int, int, bool]]:
    msgs = fit_messages(data)
    if definitions is not None:
        msgs = [m for m in msgs if m[2] == definitions]
    return msgs


def fit_truncate_at_boundary(data: bytes, rng: random.Random) -> bytes:
    msgs = _fit_msgs(data, rng)
    if not msgs:
        return truncate(data, rng)
    off, length, _ = rng.choice(msgs)
    return data[: off + rng.choice((0, 0, 1, length - 1, length))]


def _def_field_byte(data: bytes, rng: random.Random, which: int) -> bytes:
    """Overwrite byte ``which`` (0 number, 1 size, 2 base type) of a definition's field."""
    defs = [m for m in _fit_msgs(data, rng, definitions=True) if data[m[0] + 5] > 0]
    if not defs:
        return byte_sets(data, rng)
    out = bytearray(data)
    for off, _, _ in rng.sample(defs, min(len(defs), rng.choice((1, 1, 3)))):
        at = off + 6 + 3 * rng.randrange(out[off + 5]) + which
        if at < len(out):
            out[at] = rng.choice((0, 1, 3, 0x7F, 0xFF, rng.randrange(256)))
    return bytes(out)


def fit_bad_field_size(data: bytes, rng: random.Random) -> bytes:
    return _def_field_byte(data, rng, 1)


def fit_bad_base_type(data: bytes, rng: random.Random) -> bytes:
    return _def_field_byte(data, rng, 2)


def fit_bad_field_number(data: bytes, rng: random.Random) -> bytes:
    return _def_field_byte(data, rng, 0)


def fit_huge_field_count(data: bytes, rng: random.Random) -> bytes:
    defs = _fit_msgs(data, rng, definitions=True)
    if not defs:
        return byte_sets(data, rng)
    out = bytearray(data)
    off = rng.choice(defs)[0]
    out[off + 5] = rng.choice((0, 0xFF, 0xFE, 0x80, rng.randrange(256)))
    if rng.random() < 0.3:
        out[off] |= 0x20  # claims developer fields
    return bytes(out)


def fit_bad_global_or_arch(data: bytes, rng: random.Random) -> bytes:
    defs = _fit_msgs(data, rng, definitions=True)
    if not defs:
        return byte_sets(data, rng)
    out = bytearray(data)
    off = rng.choice(defs)[0]
    if rng.random() < 0.5:
        out[off + 2] = rng.choice((1, 2, 0xFF))  # architecture: only 0 and 1 exist
    else:
        out[off + 3 : off + 5] = rng.choice((0, 0xFFFF, 0xFF00, rng.randrange(65536))).to_bytes(2, "little")
    return bytes(out)


def fit_bad_record_header(data: bytes, rng: random.Random) -> bytes:
    msgs = _fit_msgs(data, rng)
    if not msgs:
        return byte_sets(data, rng)
    out = bytearray(data)
    for off, _, _ in rng.sample(msgs, min(len(msgs), rng.choice((1, 4)))):
        out[off] = rng.choice((0x40 | rng.randrange(16), rng.randrange(16), 0x80 | rng.randrange(128), 0x60))
    return bytes(out)


def fit_duplicate_messages(data: bytes, rng: random.Random) -> bytes:
    msgs = _fit_msgs(data, rng)
    if len(msgs) < 2:
        return duplicate_chunk(data, rng)
    a, b = sorted(rng.sample(range(len(msgs)), 2))
    start, stop = msgs[a][0], msgs[b][0] + msgs[b][1]
    at = rng.choice(msgs)[0]
    return data[:at] + data[start:stop] * rng.choice((1, 2, 10)) + data[at:]


def fit_shuffle_messages(data: bytes, rng: random.Random) -> bytes:
    msgs = _fit_msgs(data, rng)
    if len(msgs) < 3:
        return shuffle_chunks(data, rng)
    chunks = [data[o : o + n] for o, n, _ in msgs]
    i = rng.randrange(1, len(chunks))
    j = min(len(chunks), i + rng.choice((2, 5, 50)))
    window = chunks[i:j]
    rng.shuffle(window)
    body = b"".join(chunks[:i] + window + chunks[j:])
    head = data[: msgs[0][0]]
    return head + body + data[msgs[-1][0] + msgs[-1][1] :]


def fit_bad_header(data: bytes, rng: random.Random) -> bytes:
    if len(data) < 14:
        return byte_sets(data, rng)
    out = bytearray(data)
    what = rng.randrange(4)
    if what == 0:
        out[4:8] = rng.choice((0, 1, 0xFFFFFFFF, 0x7FFFFFFF, len(data) * 2, rng.randrange(2**32))).to_bytes(4, "little")
    elif what == 1:
        out[0] = rng.choice((0, 1, 11, 13, 15, 0xFF))
    elif what == 2:
        out[1] = rng.randrange(256)  # protocol version
    else:
        out[12:14] = rng.randbytes(2)  # header CRC
    return bytes(out)


def fit_wrong_crc(data: bytes, rng: random.Random) -> bytes:
    if len(data) < 2:
        return data
    return data[:-2] + rng.choice((b"\x00\x00", b"\xff\xff", rng.randbytes(2)))


# GPX-aware mutations.


def gpx_deep_nesting(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice((100, 300, 2000, 50_000))
    nest = b"<a>" * depth + b"x" + b"</a>" * depth
    spot = rng.choice((b"</trkpt>", b"<trkseg>", b"</trk>"))
    at = data.find(spot)
    if at < 0:
        return data + nest
    ext = b"<extensions>" + nest + b"</extensions>" if spot == b"</trkpt>" else nest
    return data[:at] + ext + data[at:]


def gpx_huge_attribute(data: bytes, rng: random.Random) -> bytes:
    size = rng.choice((10_000, 1_000_000, 12_000_000))
    value = rng.choice((b"1", b"x", b"&#x41;"))
    attr = rng.choice((b"lat", b"lon", b"creator", b"junk"))
    tag = b"<trkpt" if attr in (b"lat", b"lon") else b"<gpx"
    at = data.find(tag)
    if at < 0:
        return data
    at += len(tag)
    return data[:at] + b" " + attr + b'="' + value * (size // len(value)) + b'"' + data[at:]


_ENTITY_TRICKS = (
    b'<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    b'<!DOCTYPE gpx [<!entity a "x">]>',
    b'<!DOCTYPE gpx SYSTEM "file:///etc/passwd">',
    b'<!DOCTYPE gpx [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>',
    b'<!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/hostname">]>',
    b'<!DOCTYPE gpx [<!ATTLIST trkpt lat CDATA "52.0">]>',
    b"<!DOCTYPE gpx [<!-- <!ENTITY in a comment --> ]>",
    b'<?xml-stylesheet href="http://127.0.0.1:9/x.xsl"?>',
    b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>',
)
_ENTITY_REFS = (b"&a;", b"&b;", b"&x;", b"&lt;&#0;", b"&#x110000;", b"&#65;&#x42;", b"&unknown;", b"&amp;amp;")


def gpx_entity_trick(data: bytes, rng: random.Random) -> bytes:
    prolog = rng.choice(_ENTITY_TRICKS)
    at = data.find(b"<gpx")
    if at < 0:
        return prolog + data
    out = data[:at] + prolog + b"\n" + data[at:]
    name = out.find(b"<name>")
    ref = rng.choice(_ENTITY_REFS)
    if name >= 0:
        out = out[: name + 6] + ref + out[name + 6 :]
    else:
        t = out.find(b"<time>")
        if t >= 0:
            out = out[: t + 6] + ref + out[t + 6 :]
    return out


def gpx_bad_values(data: bytes, rng: random.Random) -> bytes:
    """Odd numbers and times in place of real ones."""
    text = data
    for _ in range(rng.choice((1, 5, 50))):
        kind = rng.randrange(4)
        if kind == 0:
            pat, vals = rb'lat="[^"]*"', (b'lat="nan"', b'lat="1e999"', b'lat="-91"', b'lat=""', b'lat="1,5"')
        elif kind == 1:
            pat, vals = rb'lon="[^"]*"', (b'lon="inf"', b'lon="400"', b'lon="0x10"', b'lon=" "')
        elif kind == 2:
            pat = rb"<time>[^<]*</time>"
            vals = (
                b"<time>0000-00-00T00:00:00Z</time>",
                b"<time>9999-12-31T23:59:60Z</time>",
                b"<time>2020-02-30T25:61:00+99:00</time>",
                b"<time>yesterday</time>",
                b"<time>-2020-01-01T00:00:00Z</time>",
                b"<time>1e20</time>",
            )
        else:
            pat, vals = rb"<ele>[^<]*</ele>", (b"<ele>nan</ele>", b"<ele>-1e308</ele>", b"<ele>--</ele>")
        matches = list(re.finditer(pat, text))
        if matches:
            m = rng.choice(matches)
            text = text[: m.start()] + rng.choice(vals) + text[m.end() :]
    return text


def gpx_encoding_trick(data: bytes, rng: random.Random) -> bytes:
    what = rng.randrange(4)
    if what == 0:
        return data.decode("utf-8", errors="replace").encode("utf-16")
    if what == 1:
        return re.sub(rb'encoding="[^"]*"', b'encoding="ISO-8859-1"', data, count=1) + b"<!-- \xe9\xff -->"
    if what == 2:
        return b"\xef\xbb\xbf" * rng.choice((1, 2)) + data
    return data.replace(b"<trkpt", b"<trkpt\x00", 1)


GENERIC: dict[str, Mutation] = {
    "bit_flips": bit_flips,
    "byte_sets": byte_sets,
    "truncate": truncate,
    "duplicate_chunk": duplicate_chunk,
    "shuffle_chunks": shuffle_chunks,
    "delete_chunk": delete_chunk,
    "random_bytes": random_bytes,
}
FIT_MUTATIONS: dict[str, Mutation] = {
    **GENERIC,
    "fit_truncate_at_boundary": fit_truncate_at_boundary,
    "fit_bad_field_size": fit_bad_field_size,
    "fit_bad_base_type": fit_bad_base_type,
    "fit_bad_field_number": fit_bad_field_number,
    "fit_huge_field_count": fit_huge_field_count,
    "fit_bad_global_or_arch": fit_bad_global_or_arch,
    "fit_bad_record_header": fit_bad_record_header,
    "fit_duplicate_messages": fit_duplicate_messages,
    "fit_shuffle_messages": fit_shuffle_messages,
    "fit_bad_header": fit_bad_header,
    "fit_wrong_crc": fit_wrong_crc,
}
GPX_MUTATIONS: dict[str, Mutation] = {
    **GENERIC,
    "gpx_deep_nesting": gpx_deep_nesting,
    "gpx_huge_attribute": gpx_huge_attribute,
    "gpx_entity_trick": gpx_entity_trick,
    "gpx_bad_values": gpx_bad_values,
    "gpx_encoding_trick": gpx_encoding_trick,
}


def seeds(ci: bool = True) -> list[tuple[str, bytes]]:
    """(label, bytes) of the real files the mutations start from. ``ci``: large files
    cut to a few dozen KB (a whole, valid file still) so that a case decodes quickly."""
    paths = sorted(p for p in DATA.iterdir() if p.suffix in (".fit", ".gpx"))
    season = sorted(SAMPLE.glob("*.fit"), key=lambda p: p.name)
    paths += season[:: max(1, len(season) // 6)] + sorted(SAMPLE.glob("*.gpx"))[:2]
    if REAL_FIT.is_dir():
        paths += sorted(p for p in REAL_FIT.glob("*.fit"))
    out = []
    for p in paths:
        data = p.read_bytes()
        if ci:
            data = fit_cut(data, CI_SEED_BYTES) if p.suffix == ".fit" else gpx_cut(data, CI_GPX_POINTS)
        out.append((p.name, data))
    return out


def mutate(label: str, data: bytes, rng: random.Random, n_steps: int = 1) -> tuple[bytes, list[str]]:
    """Apply ``n_steps`` random mutations fitting the seed's format; sometimes make the
    FIT header and CRC whole again afterwards (damage that no checksum reveals)."""
    table = FIT_MUTATIONS if label.endswith(".fit") else GPX_MUTATIONS
    names = []
    for _ in range(n_steps):
        name = rng.choice(sorted(table))
        data = table[name](data, rng)
        names.append(name)
    if label.endswith(".fit") and len(data) >= 16 and rng.random() < 0.4:
        data = fit_make_whole(data[:-2])
        names.append("crc_fixed")
    return data, names


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: float):
    """Raise Hang in the main thread after ``seconds`` (SIGALRM)."""

    def on_alarm(signum, frame):
        raise Hang(f"no result after {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def decode_case(label: str, data: bytes) -> tuple[str, str]:
    """Decode one mutated input: ('ok'|'refused', one-line note/reason). Any other
    exception propagates: that is a bug."""
    sha = hashlib.sha256(data).hexdigest()
    try:
        result = decode(data, label, sha)
    except (UnreadableExport, NotAnActivity) as err:
        return "refused", err.reason
    assert result.kind in ("activity", "weight", "gear", "shoes", "wellness"), result.kind
    assert "\n" not in result.note, result.note
    if result.kind == "activity":
        assert len(result.activities) >= 1
        for note in result.activities["note"]:
            assert "\n" not in note, note
    return "ok", result.note


#: Library bugs the fuzzing found (outside analyzer/history.py, so not fixed here): an
#: exception type and a message pattern -> what the bug is. Each has a strict xfail test
#: below with its smallest input; when one is fixed, that test XPASSes (fails): remove
#: the entry then.
KNOWN_BUGS: dict[tuple[type, str], str] = {}


def known_bug(err: BaseException) -> str | None:
    for (kind, pattern), what in KNOWN_BUGS.items():
        if isinstance(err, kind) and re.search(pattern, str(err)):
            return what
    return None


def known_bug_reason(reason: str) -> str | None:
    """The known bug behind a history reason 'importer failed: Type: message', if any."""
    for (kind, pattern), what in KNOWN_BUGS.items():
        if re.search(f"importer failed: {kind.__name__}: " + pattern.lstrip("^"), reason):
            return what
    return None


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- 1. fuzzing the decoders ------------------------------------------------------------

SEEDS = seeds(ci=True)
FIT_SEEDS = [s for s in SEEDS if s[0].endswith(".fit")]
GPX_SEEDS = [s for s in SEEDS if s[0].endswith(".gpx")]


def test_seeds_are_whole_and_decode():
    assert len(FIT_SEEDS) >= 8 and len(GPX_SEEDS) >= 2
    for label, data in SEEDS:
        if label.endswith(".fit"):
            assert data[-2:] == fit_crc(data[:-2]), label
        try:
            assert decode_case(label, data)[0] in ("ok", "refused"), label
        except (ValueError, AttributeError) as err:
            assert known_bug(err), (label, err)


def _check_case(label: str, original: bytes, data: bytes, names: list[str]) -> None:
    t0 = time.perf_counter()
    try:
        with time_limit(CASE_LIMIT_S):
            outcome, text = decode_case(label, data)
    except Exception as err:
        if known_bug(err):
            return  # reported by its own strict xfail test
        raise
    took = time.perf_counter() - t0
    assert took < CASE_LIMIT_S, (label, names, took)
    if outcome == "refused":
        assert text.strip() and "\n" not in text, (label, names, text)
    elif label.endswith(".fit") and data != original and "crc_fixed" not in names:
        # Damage the file's own CRC reveals must be said, never silently accepted.
        assert "CRC" in text or "partial" in text or "weight" in text, (label, names, text)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(seed=st.sampled_from(FIT_SEEDS), rng=st.randoms(use_true_random=False), steps=st.sampled_from((1, 1, 1, 2, 3)))
def test_fuzz_fit_decode(seed, rng, steps):
    label, original = seed
    data, names = mutate(label, original, rng, steps)
    _check_case(label, original, data, names)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(seed=st.sampled_from(GPX_SEEDS), rng=st.randoms(use_true_random=False), steps=st.sampled_from((1, 1, 2)))
def test_fuzz_gpx_decode(seed, rng, steps):
    label, original = seed
    data, names = mutate(label, original, rng, steps)
    _check_case(label, original, data, names)


@settings(max_examples=150, deadline=None, database=None)
@given(junk=st.binary(max_size=4096), name=st.sampled_from(("x.fit", "x.gpx", "x.csv", "x", "x.FIT")))
def test_fuzz_random_bytes(junk, name):
    _check_case(name, junk, junk, ["random"])


def test_fuzz_memory_bounded():
    """After the fuzz runs above, the process's peak RSS stayed sane (no mutation made a
    decoder allocate far beyond its input)."""
    assert peak_rss_mb() < 2500, peak_rss_mb()


def _write_batch(folder: Path, rng: random.Random, n: int) -> dict[str, list[str]]:
    folder.mkdir(parents=True)
    made = {}
    for i in range(n):
        label, original = rng.choice(SEEDS)
        data, names = mutate(label, original, rng, rng.choice((1, 2)))
        path = folder / f"{i:03d}-{label}"
        path.write_bytes(data)
        made[str(path)] = names
    return made


def _check_history(h, expected: int) -> None:
    assert len(h.files) == expected
    for rec in h.files:
        assert rec.status in FILE_STATUSES, rec
        assert "\n" not in rec.reason and "\r" not in rec.reason, rec
        if rec.status == "skipped":
            assert rec.reason.strip(), rec
        # an exception the importer did not expect (known library bugs have their xfail tests)
        assert "importer failed" not in rec.reason or known_bug_reason(rec.reason), rec
        assert "decoding took longer" not in rec.reason, rec


@settings(max_examples=4, deadline=None, database=None)
@given(rng=st.randoms(use_true_random=False))
def test_fuzz_through_read_history(tmp_path_factory, rng):
    """Mutated files through the whole pipeline (two worker processes, the cache)."""
    tmp = tmp_path_factory.mktemp("fuzz-batch")
    made = _write_batch(tmp / "in", rng, 24)
    h = read_history([tmp / "in"], cache=tmp / "cache", workers=2, progress=False)
    _check_history(h, len(made))
    again = read_history([tmp / "in"], cache=tmp / "cache", workers=2, progress=False)
    assert again.decoded == 0
    assert [f.as_dict() for f in again.files] == [f.as_dict() for f in h.files]


# --- bugs the fuzzing found, fixed: each keeps its smallest input as a test ------------

BAD_XMLNS_GPX = (
    b'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1" xmlns:a="x y=" creator="t">'
    b'<trk><trkseg><trkpt lat="1" lon="2"><time>2020-01-01T00:00:00Z</time></trkpt></trkseg></trk></gpx>'
)


def test_bug_gpx_malformed_xmlns_prefix_is_refused_with_reason():
    with pytest.raises(UnreadableExport):
        decode(BAD_XMLNS_GPX, "bad-xmlns.gpx", "0" * 64)


def fit_drop_messages(data: bytes, global_number: int) -> bytes:
    """``data`` without the data messages of one global message number (a whole file)."""
    local_global: dict[int, int] = {}
    keep = []
    for off, length, is_def in fit_messages(data):
        head = data[off]
        if is_def:
            order = "big" if data[off + 2] == 1 else "little"
            local_global[head & 0x0F] = int.from_bytes(data[off + 3 : off + 5], order)
        else:
            local = (head >> 5) & 0x3 if head & 0x80 else head & 0x0F
            if local_global.get(local) == global_number:
                continue
        keep.append(data[off : off + length])
    return fit_make_whole(data[: fit_header_size(data)] + b"".join(keep))


LAT_95_GPX = (
    b'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1" creator="t"><trk><trkseg>'
    b'<trkpt lat="95" lon="2"><time>2020-01-01T00:00:00Z</time></trkpt>'
    b'<trkpt lat="95" lon="2"><time>2020-01-01T00:00:09Z</time></trkpt></trkseg></trk></gpx>'
)


def test_bug_position_out_of_range_does_not_crash():
    got = decode(LAT_95_GPX, "lat95.gpx", "0" * 64)
    assert got.activities["utc_offset_source"].iloc[0].startswith("unknown")


def _gpx_points(*times: str) -> bytes:
    points = "".join(
        f'<trkpt lat="47.36" lon="{8.55 + i * 1e-4:.4f}"><time>{t}</time></trkpt>' for i, t in enumerate(times)
    )
    return (
        b'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        b"<trk><type>running</type><trkseg>" + points.encode() + b"</trkseg></trk></gpx>"
    )


def test_bug_gpx_with_some_times_without_a_zone_reads_them_as_utc():
    # Found by test_fuzz_gpx_decode: one point's 'Z' lost made pandas refuse the whole file.
    data = _gpx_points("2020-01-01T10:00:00Z", "2020-01-01T10:00:05", "2020-01-01T12:00:10+02:00")
    got = decode(data, "mixed.gpx", "0" * 64)
    stamps = got.samples["timestamp"]
    # All three in UTC, 5 s apart: the zone-less one read as UTC, +02:00 converted.
    assert stamps.dt.strftime("%H:%M:%S").tolist() == ["10:00:00", "10:00:05", "10:00:10"]
    assert "1 of 3 GPX times carry no time zone: read as UTC" in got.activities["note"].iloc[0]


def test_bug_gpx_time_outside_what_nanoseconds_hold_is_dropped():
    # Found by test_fuzz_gpx_decode: a time in the year 3026 (a damaged 2026) made pandas
    # raise OutOfBoundsDatetime out of the importer.
    data = _gpx_points("2020-01-01T10:00:00Z", "3020-01-01T10:00:05Z", "2020-01-01T10:00:10Z")
    got = decode(data, "year3020.gpx", "0" * 64)
    assert got.samples["timestamp"].dt.strftime("%H:%M:%S").tolist() == ["10:00:00", "10:00:10"]
    assert "1 track points dated outside 1677-2262 dropped (damaged times)" in got.activities["note"].iloc[0]
    with pytest.raises(UnreadableExport, match="every GPX time lies outside 1677-2262"):
        decode(_gpx_points("3020-01-01T10:00:00Z", "3020-01-01T10:00:05Z"), "all3020.gpx", "0" * 64)


def test_bug_fit_session_without_records():
    data = fit_drop_messages(FENIX_RUN.read_bytes(), 20)  # 20 = record
    assert data[-2:] == fit_crc(data[:-2])
    got = decode(data, "summary-only.fit", "0" * 64)
    assert got.activities["sport"].tolist() == ["running"] and got.activities["n_samples"].tolist() == [0]
    assert got.activities["distance_m"].iloc[0] > 0  # the session's own total


# --- 3. archives: what tests/test_inputs.py does not cover yet ----------------------------


def _zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _statuses(h) -> dict[str, object]:
    out = {}
    for rec in h.files:
        assert rec.status in FILE_STATUSES, rec
        assert "\n" not in rec.reason, rec
        if rec.status == "skipped":
            assert rec.reason.strip(), rec
        out[rec.path] = rec
    return out


def test_nested_zip_bomb(tmp_path):
    """A bomb inside a zip inside a zip: the inner member is refused by the ratio guard,
    its honest sibling imported, and nothing near the bomb's size is held in memory."""
    bomb = _zip_bytes({"zeros.fit": bytes(64 * 2**20)})
    inner = _zip_bytes({"bomb.zip": bomb, "run.fit": RUN_FIT.read_bytes()}, zipfile.ZIP_STORED)
    path = tmp_path / "outer.zip"
    path.write_bytes(_zip_bytes({"export/inner.zip": inner}))
    before = peak_rss_mb()
    h = read_history([path], cache=tmp_path / "cache", workers=1, progress=False)
    got = _statuses(h)
    label = f"{path}!export/inner.zip!bomb.zip!zeros.fit"
    assert got[label].status == "skipped" and f"{MAX_RATIO}:1" in got[label].reason, got[label]
    assert "decompression-bomb" in got[label].reason
    assert got[f"{path}!export/inner.zip!run.fit"].status == "imported"
    assert peak_rss_mb() - before < 200


def test_zips_nested_deeper_than_the_limit(tmp_path):
    data = _zip_bytes({"run.fit": RUN_FIT.read_bytes()})
    for level in range(MAX_ARCHIVE_DEPTH + 1):
        data = _zip_bytes({f"level{level}.zip": data})
    path = tmp_path / "deep.zip"
    path.write_bytes(data)
    h = read_history([path], cache=tmp_path / "cache", workers=1, progress=False)
    (rec,) = _statuses(h).values()
    assert rec.status == "skipped" and f"nested deeper than {MAX_ARCHIVE_DEPTH}" in rec.reason, rec


def test_zip_member_lying_about_its_size(tmp_path):
    """Headers that claim a small member while the data inflates far beyond: the read
    stops at the claimed size (the CRC then fails), so nothing near the real size is held;
    a header claiming more than the size limit is refused before reading."""
    raw = bytearray(_zip_bytes({"liar.fit": bytes(32 * 2**20), "huge.fit": b"x" * 1000}))
    archive = zipfile.ZipFile(io.BytesIO(bytes(raw)))
    liar, huge = archive.infolist()
    # central directory entries: uncompressed size at offset 24 of each record
    for info, size in ((liar, 1000), (huge, MAX_FILE_BYTES + 1)):
        cd = _central_record(raw, info.filename)
        raw[cd + 24 : cd + 28] = size.to_bytes(4, "little")
    path = tmp_path / "liar.zip"
    path.write_bytes(bytes(raw))
    before = peak_rss_mb()
    h = read_history([path], cache=tmp_path / "cache", workers=1, progress=False)
    got = _statuses(h)
    rec = got[f"{path}!liar.fit"]
    assert rec.status == "skipped" and re.search("damaged archive member|decompression-bomb", rec.reason), rec
    assert peak_rss_mb() - before < 100
    rec = got[f"{path}!huge.fit"]
    assert rec.status == "skipped" and "size limit" in rec.reason, rec


def _central_record(raw: bytes | bytearray, name: str) -> int:
    pos = 0
    while True:
        pos = raw.find(b"PK\x01\x02", pos)
        assert pos >= 0, name
        n = int.from_bytes(raw[pos + 28 : pos + 30], "little")
        if raw[pos + 46 : pos + 46 + n] == name.encode():
            return pos
        pos += 4


def test_file_over_the_size_limit_is_not_read(tmp_path):
    """A (sparse) 300 MiB file named .fit is refused by its size, without reading it."""
    path = tmp_path / "huge.fit"
    with open(path, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 44 * 2**20)
    before = peak_rss_mb()
    h = read_history([path], cache=tmp_path / "cache", workers=1, progress=False)
    (rec,) = _statuses(h).values()
    assert rec.status == "skipped" and f"{MAX_FILE_BYTES // 2**20} MiB" in rec.reason, rec
    assert peak_rss_mb() - before < 100


def test_hostile_member_names_and_encrypted_members(tmp_path):
    run = RUN_FIT.read_bytes()
    path = tmp_path / "names.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ("C:/Users/x/run.fit", "c:evil.fit", "..\\..\\evil.fit", "a/../../evil.fit", "//server/x.fit"):
            zf.writestr(name, run)
        zf.writestr("secret.fit", run)
        link = zipfile.ZipInfo("nested/link.fit")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("ok/run.fit", run)
    # "Encrypted": zipfile clears ZipInfo.flag_bits on write, so set bit 0 in the central
    # directory record (general-purpose flags at offset 8); the data itself stays plain.
    raw = bytearray(path.read_bytes())
    cd = _central_record(raw, "secret.fit")
    raw[cd + 8] |= 0x1
    path.write_bytes(bytes(raw))
    assert zipfile.ZipFile(path).getinfo("secret.fit").flag_bits & 0x1
    h = read_history([path], cache=tmp_path / "cache", workers=1, progress=False)
    got = _statuses(h)
    for name in ("C:/Users/x/run.fit", "c:evil.fit", "..\\..\\evil.fit", "a/../../evil.fit", "//server/x.fit"):
        rec = got[f"{path}!{name}"]
        assert rec.status == "skipped" and "absolute" in rec.reason, rec
    rec = got[f"{path}!secret.fit"]
    assert rec.status == "skipped" and "encrypted" in rec.reason and "password" in rec.reason, rec
    rec = got[f"{path}!nested/link.fit"]
    assert rec.status == "skipped" and "symbolic link" in rec.reason, rec
    assert got[f"{path}!ok/run.fit"].status == "imported"
    assert len(h.activities) == 1
    assert not (tmp_path.parent / "evil.fit").exists()


def test_folder_with_symlink_loops_and_unreadable_entries(tmp_path):
    """A folder linking to itself is not followed (the walk ends, each file read once);
    a file symlink loop and a dangling link are skipped with the OS's reason; with
    permissions that bite (not root), a locked file and a locked folder too."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(RUN_FIT, folder / "sub" / "run.fit")
    os.symlink(folder, folder / "loop")
    os.symlink(folder / "sub", folder / "sub" / "up")
    os.symlink(folder / "b.fit", folder / "a.fit")
    os.symlink(folder / "a.fit", folder / "b.fit")
    os.symlink(folder / "gone.fit", folder / "dangling.fit")
    locked = os.geteuid() != 0
    if locked:
        shutil.copy(RUN_FIT, folder / "locked.fit")
        (folder / "locked.fit").chmod(0)
        (folder / "closed").mkdir()
        (folder / "closed").chmod(0)
    t0 = time.perf_counter()
    try:
        h = read_history([folder], cache=tmp_path / "cache", workers=1, progress=False)
    finally:
        if locked:
            (folder / "locked.fit").chmod(0o644)
            (folder / "closed").chmod(0o755)
    assert time.perf_counter() - t0 < 60
    got = _statuses(h)
    inside = [os.path.relpath(p, folder) for p in got]
    assert not any(p.startswith("loop") or "/up/" in p for p in inside), inside
    assert got[str(folder / "sub" / "run.fit")].status == "imported"
    for name in ("a.fit", "b.fit"):
        rec = got[str(folder / name)]
        assert rec.status == "skipped" and "cannot read" in rec.reason and "symbolic links" in rec.reason, rec
    rec = got[str(folder / "dangling.fit")]
    assert rec.status == "skipped" and "cannot read" in rec.reason, rec
    if locked:
        assert "cannot read" in got[str(folder / "locked.fit")].reason
        assert "cannot read folder" in got[str(folder / "closed")].reason


# --- 4./5. crash safety and concurrent imports --------------------------------------------

IMPORT_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from analyzer import read_history
    h = read_history([sys.argv[1]], cache=sys.argv[2], workers=2, progress=False)
    acts = h.all_activities
    rows = sorted(zip(acts["activity_id"], acts["distance_m"].astype(float), acts["start_utc"].astype(str)))
    with open(sys.argv[3], "w") as fh:
        json.dump({"rows": rows, "statuses": sorted((f.path, f.status) for f in h.files), "decoded": h.decoded}, fh)
    """
)
N_SEASON_FILES = 40


def _table(h) -> list[tuple[str, float, str]]:
    acts = h.all_activities
    return sorted(
        zip(acts["activity_id"], acts["distance_m"].astype(float), acts["start_utc"].astype(str), strict=True)
    )


def _start_import(folder: Path, cache: Path, out: Path) -> subprocess.Popen:
    """The importer in its own process group (so that a kill takes its workers too)."""
    return subprocess.Popen(
        [sys.executable, "-c", IMPORT_SCRIPT, str(folder), str(cache), str(out)],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _result(out: Path) -> dict:
    data = json.loads(out.read_text(encoding="utf-8"))
    data["rows"] = [tuple(r) for r in data["rows"]]
    return data


def _check_cache_whole(cache: Path) -> int:
    """Every entry in the cache is whole: its metadata names its own hash, every table
    it lists reads, and nothing else lies among the entries. Returns the number of entries."""
    from analyzer.cache import entryfile

    root = cache / f"v{IMPORTER_VERSION}"
    n = 0
    for entry in root.glob("??/*"):
        assert entry.suffix == ".entry", entry
        meta, tables = entryfile.unpack(entry.read_bytes())
        assert meta["sha256"] == entry.stem, entry
        assert sorted(tables) == meta["tables"], entry
        for table in tables.values():
            table.to_pandas()
        n += 1
    return n


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    """~40 files of the sample season (copies) and the activity table of one
    uninterrupted import of them into a fresh cache."""
    # every third file by size, from the smallest: an import of them takes several
    # seconds (so the kills land mid-import) without making CI slow
    by_size = sorted(SAMPLE.glob("*.*"), key=lambda p: (p.stat().st_size, p.name))
    chosen = by_size[::3][:N_SEASON_FILES]
    folder = tmp_path_factory.mktemp("season") / "in"
    folder.mkdir()
    for p in chosen:
        shutil.copy(p, folder / p.name)
    cache = tmp_path_factory.mktemp("season-ref-cache")
    h = read_history([folder], cache=cache, workers=2, progress=False)
    assert h.counts()["skipped"] == 0
    return folder, _table(h)


def test_killed_imports_leave_a_whole_cache_and_the_rerun_completes(season, tmp_path):
    folder, reference = season
    cache = tmp_path / "cache"
    rng = random.Random(20260509)
    kills = []

    def entries() -> int:
        return sum(1 for p in cache.glob("v*/*/*.entry") if p.is_file())

    for attempt in range(3):
        done = entries()
        # Kill at a random point of the import: once a random number of new entries is written.
        target = done + rng.randint(1, max(1, N_SEASON_FILES - done - 1))
        proc = _start_import(folder, cache, tmp_path / f"out{attempt}.json")
        deadline = time.monotonic() + 300
        while proc.poll() is None and entries() < target and time.monotonic() < deadline:
            time.sleep(0.02)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the importer and its worker processes
            proc.wait()
        kills.append((target, proc.returncode))
        _check_cache_whole(cache)
    assert any(code == -signal.SIGKILL for _, code in kills), kills  # at least one kill landed mid-import
    proc = _start_import(folder, cache, tmp_path / "final.json")
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()[-2000:]
    final = _result(tmp_path / "final.json")
    assert final["rows"] == reference
    assert final["decoded"] < N_SEASON_FILES or all(code == -signal.SIGKILL for _, code in kills)
    assert _check_cache_whole(cache) == len({r[0].split("-")[0] for r in reference})
    again = read_history([folder], cache=cache, workers=2, progress=False)
    assert again.decoded == 0 and _table(again) == reference


def test_two_imports_into_one_cache_at_once(season, tmp_path):
    folder, reference = season
    cache = tmp_path / "cache"
    procs = [_start_import(folder, cache, tmp_path / f"out{i}.json") for i in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()[-2000:]
    first, second = (_result(tmp_path / f"out{i}.json") for i in range(2))
    assert first["rows"] == reference and second["rows"] == reference
    assert first["statuses"] == second["statuses"]
    _check_cache_whole(cache)
    again = read_history([folder], cache=cache, workers=2, progress=False)
    assert again.decoded == 0 and _table(again) == reference


# --- 6. mixed batches ---------------------------------------------------------------------

LONG_RUN = os.environ.get("HEAVYLEGS_LONG_TESTS") == "1"


def _good_runs(n: int) -> list[tuple[str, bytes]]:
    """``n`` distinct runs: short cuts of the season's GPX runs moved to distinct days
    (a day apart, so none is a copy of another)."""
    # 150 points: every cut is over a minute and 200 m, so counts as a run (importers.plausible).
    base = [gpx_cut(p.read_bytes(), 150) for p in sorted(SAMPLE.glob("*.gpx"))]
    out = []
    day0 = pd.Timestamp("2015-01-01")
    for i in range(n):
        data = base[i % len(base)]
        old = re.search(rb"<time>(\d{4}-\d\d-\d\d)T", data).group(1)
        new = (day0 + pd.Timedelta(days=i)).strftime("%Y-%m-%d").encode()
        out.append((f"good-{i:04d}.gpx", data.replace(old, new)))
    return out


def _damaged(m: int) -> list[tuple[str, bytes]]:
    """``m`` damaged files (distinct bytes, distinct days), each damaged in a way a reason
    must name."""
    rng = random.Random(m)
    run_fit = (DATA / "dtcooper__garmin-fr110-run-2013.fit").read_bytes()
    template = _good_runs(1)[0][1]
    out = []
    for i in range(m):
        day = (pd.Timestamp("2009-06-01") + pd.Timedelta(days=i)).strftime("%Y-%m-%d").encode()
        gpx = template.replace(b"2015-01-01", day)
        kind = i % 8
        if kind == 0:
            name, data = "truncated.gpx", gpx[: len(gpx) // 2]
        elif kind == 1:
            name, data = "entities.gpx", gpx_entity_trick(gpx, rng)
        elif kind == 2:
            name, data = "deep.gpx", gpx.replace(b"</trkpt>", b"<extensions>" + b"<a>" * 300 + b"</a>" * 300, 1)
        elif kind == 3:
            name, data = "bad-field-size.fit", fit_bad_field_size(run_fit, rng)
        elif kind == 4:
            name, data = "truncated.fit", run_fit[: len(run_fit) // 3 + i]
        elif kind == 5:
            name, data = "badcrc.fit", run_fit[:-2] + (0xFFFF - i).to_bytes(2, "little")
        elif kind == 6:
            name, data = "random.fit", rng.randbytes(3000)
        else:
            name, data = "empty.fit", b"" if i < 8 else b"\x00" * i
        out.append((f"bad-{i:03d}-{name}", data))
    assert len({d for _, d in out}) == m
    return out


@pytest.mark.parametrize(
    ("n_good", "n_bad"),
    [
        (300, 15),
        pytest.param(1000, 50, marks=pytest.mark.skipif(not LONG_RUN, reason="long run: set HEAVYLEGS_LONG_TESTS=1")),
    ],
)
def test_mixed_batch_good_and_damaged(tmp_path, n_good, n_bad):
    good, bad = _good_runs(n_good), _damaged(n_bad)
    both, alone = tmp_path / "both", tmp_path / "alone"
    both.mkdir()
    alone.mkdir()
    for name, data in good:
        (both / name).write_bytes(data)
        (alone / name).write_bytes(data)
    for name, data in bad:
        (both / name).write_bytes(data)
    h_both = read_history([both], cache=tmp_path / "cache-both", workers=2, progress=False)
    h_alone = read_history([alone], cache=tmp_path / "cache-alone", workers=2, progress=False)
    got = _statuses(h_both)
    assert len(got) == n_good + n_bad
    good_recs = [got[str(both / name)] for name, _ in good]
    assert [r.status for r in good_recs] == ["imported"] * n_good, [r for r in good_recs if r.status != "imported"][:3]
    for name, _ in bad:
        rec = got[str(both / name)]
        assert rec.reason.strip(), rec  # skipped, or a partial/damaged read that says so
        assert rec.status == "skipped" or re.search("partial|CRC", rec.reason), rec
        assert "importer failed" not in rec.reason or known_bug_reason(rec.reason), rec
    assert h_alone.counts()["imported"] == n_good
    ours = h_both.activities[h_both.activities["source"].str.contains("/good-")]
    assert _table_of(ours) == _table_of(h_alone.activities)


def _table_of(acts: pd.DataFrame) -> list[tuple[str, float, str]]:
    return sorted(
        zip(acts["activity_id"], acts["distance_m"].astype(float), acts["start_utc"].astype(str), strict=True)
    )


def test_a_file_over_the_time_budget_is_skipped_and_not_cached(tmp_path, monkeypatch):
    """The per-file budget (ingest.pool.DECODE_BUDGET_S): a decode that runs over it is
    stopped and the file skipped with that reason; nothing is cached, so a later run on a
    faster machine tries again."""
    import analyzer.ingest.pool as pool_module

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(RUN_FIT, folder / "run.fit")

    def slow_decode(*_args):
        time.sleep(5)  # a decoder stuck on a pathological file

    monkeypatch.setattr(pool_module, "decode", slow_decode)
    monkeypatch.setattr(pool_module, "DECODE_BUDGET_S", 0.2)
    h = read_history([folder], cache=tmp_path / "cache", workers=1, progress=False)
    assert [f.status for f in h.files] == ["skipped"]
    assert "took longer than" in h.files[0].reason
    monkeypatch.undo()
    again = read_history([folder], cache=tmp_path / "cache", workers=1, progress=False)
    assert again.decoded == 1 and [f.status for f in again.files] == ["imported"]
