"""Import benchmark: N distinct realistic runs, cold and warm, per stage, against fitparse.

The corpus is built from sample_data's FIT runs (1 s recording with running
dynamics): copy k of a run has every FIT date_time field (record and event timestamps,
session/lap start times, file_id.time_created, activity.local_timestamp) moved k
seasons earlier in whole weeks, and a fresh CRC, so every copy is a distinct run of
a long history. Written to a temporary folder.

    .venv/bin/python benchmarks/bench_import.py            # N = 200
    .venv/bin/python benchmarks/bench_import.py --n 2000   # the full figure

Prints: cold import (read_history into a fresh cache), warm re-run (all cached),
per-stage times (decode; features: weekly_table + form_summary; detectors: analyze;
report: write_report), the whole `heavylegs analyze` command in a fresh process (warm:
with every chart drawn, with the charts kept, and after one new run), peak RSS of this
process and of its worker processes, and the ratio against serial fitparse
(FitFile(path).get_messages('record') with get_values()), timed on --baseline files
and extrapolated by record count.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import struct
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from analyzer.importers import fastfit, fit_layout, fit_profile  # noqa: E402

SAMPLE_RUNS = ("easy", "long", "tempo", "intervals")
WEEK_S = 7 * 86400


def _date_time_fields() -> dict[int, set[int]]:
    """{global message number: field numbers of FIT type date_time / local_date_time} (FIT profile)."""
    from fitparse.profile import MESSAGE_TYPES

    out: dict[int, set[int]] = {}
    for num, mesg in MESSAGE_TYPES.items():
        for fnum, f in mesg.fields.items():
            if f.type.name in ("date_time", "local_date_time"):
                out.setdefault(num, set()).add(fnum)
    return out


def time_offsets(data: bytes, fields: dict[int, set[int]]) -> tuple[np.ndarray, bool]:
    """Byte offsets of every valid, absolute uint32 date_time value in a FIT file
    (one without compressed timestamps), and whether the file is big-endian."""
    pos = data[0]
    end = pos + int.from_bytes(data[4:8], "little")
    local: dict[int, tuple] = {}
    offsets: list[int] = []
    big = False
    while pos < end:
        h = data[pos]
        if h & 0xC0 == 0x40:
            d, length = fit_layout.parse_definition(data, pos, h)
            wanted = fields.get(d.mesg, set())
            spots = [off for num, size, base, off in d.fields if num in wanted and size == 4 and base == 0x86]
            local[h & 0x0F] = (d, spots)
            big |= d.big_endian
            pos += length
            continue
        if h & 0x80:
            raise ValueError("compressed timestamps: not used for the corpus")
        d, spots = local[h & 0x0F]
        for off in spots:
            value = struct.unpack_from(">I" if d.big_endian else "<I", data, pos + 1 + off)[0]
            if fit_profile.FIT_ABSOLUTE_MIN <= value != 0xFFFFFFFF:
                offsets.append(pos + 1 + off)
        pos += 1 + d.size
    return np.asarray(offsets, dtype=np.int64), big


def shifted(data: bytes, offsets: np.ndarray, shift_s: int) -> bytes:
    """The file with every date_time at ``offsets`` moved by ``shift_s`` and a fresh CRC."""
    buf = np.frombuffer(data, dtype=np.uint8).copy()
    idx = offsets[:, None] + np.arange(4)
    values = buf[idx].copy().view("<u4").reshape(-1).astype(np.int64) + shift_s
    buf[idx] = values.astype("<u4").view(np.uint8).reshape(-1, 4)
    end = len(data) - 2
    buf[end:] = np.frombuffer(fit_layout.crc16(buf[:end].tobytes()).to_bytes(2, "little"), dtype=np.uint8)
    return buf.tobytes()


def build_corpus(n: int, out: Path) -> list[Path]:
    sources = sorted(p for p in (ROOT / "sample_data" / "activities").glob("*.fit") if p.stem.endswith(SAMPLE_RUNS))
    fields = _date_time_fields()
    prepared = []
    for p in sources:
        data = p.read_bytes()
        offsets, big = time_offsets(data, fields)
        if not big:
            prepared.append((p, data, offsets))
    # One season of the sample data spans about 24 weeks: each copy goes 26 weeks further back.
    paths = []
    for i in range(n):
        p, data, offsets = prepared[i % len(prepared)]
        season = i // len(prepared)
        body = shifted(data, offsets, -season * 26 * WEEK_S) if season else data
        path = out / f"s{season:03d}_{p.name}"
        path.write_bytes(body)
        paths.append(path)
    return paths


def fitparse_serial(paths: list[Path]) -> tuple[float, int]:
    """Seconds and records for plain serial fitparse over ``paths``."""
    import fitparse

    t = time.perf_counter()
    records = 0
    for p in paths:
        for msg in fitparse.FitFile(str(p)).get_messages("record"):
            msg.get_values()
            records += 1
    return time.perf_counter() - t, records


def count_records(paths: list[Path]) -> int:
    return sum(fastfit.decode(p.read_bytes()).n_records for p in paths)


def peak_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


CLI_SCRIPT = """
import resource, runpy, sys
sys.argv = ["heavylegs", *sys.argv[1:]]
try:
    runpy.run_module("analyzer", run_name="__main__")
finally:
    own, helper = (resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    sys.stderr.write(f"\\nPEAK_RSS_KB {own} {helper}\\n")
"""


def run_cli(args: list[str]) -> tuple[float, float, float]:
    """Wall time [s], and peak RSS [MB] of the process and of its largest child (the
    figure helper, or a decoding worker), of one `heavylegs` command in a fresh process."""
    import subprocess

    # Bytecode cached, as on a runner's machine (pip compiles on install); a session
    # that sets PYTHONDONTWRITEBYTECODE would otherwise time the compiler on every run.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CLI_SCRIPT, *args], capture_output=True, text=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"heavylegs {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    rss = [line for line in done.stderr.splitlines() if line.startswith("PEAK_RSS_KB")]
    own, helper = rss[-1].split()[1:]
    return wall, int(own) / 1024, int(helper) / 1024


CLI_REPEATS = 3


def time_cli(label: str, args: list[str], before=None) -> None:
    """Run the command CLI_REPEATS times (``before(i)`` first each time) and print the
    median wall time, the range, and the peak RSS."""
    runs = []
    for i in range(CLI_REPEATS):
        if before is not None:
            before(i)
        runs.append(run_cli(args))
    walls = sorted(r[0] for r in runs)
    print(
        f"{label}: {walls[len(walls) // 2]:.2f} s (median of {len(walls)}; {walls[0]:.2f}-{walls[-1]:.2f} s), "
        f"peak RSS {max(r[1] for r in runs):.0f} MB, largest child {max(r[2] for r in runs):.0f} MB"
    )


def print_stages(paths: list[Path], tmp: Path) -> None:
    """CPU per file by stage (benchmarks/stages.py) on ``paths`` and on as many lean runs."""
    from lean_corpus import build_lean_corpus
    from stages import STAGES, stage_figures

    lean = tmp / "lean"
    lean.mkdir()
    lean_paths = build_lean_corpus(len(paths), lean)
    figures = {"corpus": stage_figures(paths, tmp / "stages"), "lean": stage_figures(lean_paths, tmp / "stages")}
    print(f"CPU per file by stage (one process; {len(paths)} files of each corpus):")
    print("| stage | this corpus | lean corpus |\n|---|---|---|")
    for name in (*STAGES, "total"):
        print(f"| {name} | {figures['corpus'][name]:.2f} ms | {figures['lean'][name]:.2f} ms |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200, help="runs in the corpus (default 200)")
    ap.add_argument("--baseline", type=int, default=40, help="files timed with serial fitparse (default 40)")
    ap.add_argument("--workers", type=int, default=None, help="decoding processes (default all cores)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument(
        "--stages",
        type=int,
        default=200,
        help="CPU per file by stage on this many files of the corpus and of a lean corpus (0: skip; default 200)",
    )
    args = ap.parse_args(argv)

    import os

    from analyzer import analyze, read_history
    from analyzer.cache.inputs import InputMemo
    from analyzer.detectors.context import Context
    from analyzer.report.html import write_report
    from analyzer.report.outputs import write_outputs

    tmp = Path(tempfile.mkdtemp(prefix="heavylegs-bench-"))
    try:
        corpus = tmp / "corpus"
        corpus.mkdir()
        t = time.perf_counter()
        paths = build_corpus(args.n, corpus)
        size_mb = sum(p.stat().st_size for p in paths) / 1e6
        print(f"corpus: {len(paths)} FIT runs, {size_mb:.0f} MB, built in {time.perf_counter() - t:.1f} s ({tmp})")
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, numpy {np.__version__}")
        # A runner's export files are older than the input memo's settling time; files
        # written a moment ago are (rightly) read again by every import until then.
        time.sleep(InputMemo.SETTLE_S + 1.0)

        cache = tmp / "cache"
        t = time.perf_counter()
        history = read_history([corpus], cache=cache, workers=args.workers, progress=False)
        cold = time.perf_counter() - t
        n_runs = len(history.runs)
        print(
            f"cold import (decode + per-run features in the workers, {history.decoded} files): {cold:.2f} s; "
            f"{n_runs} distinct runs"
        )
        rss_import = peak_rss_mb(resource.RUSAGE_SELF)

        t = time.perf_counter()
        ctx = Context(history)
        for table in ("weekly", "daily", "spikes", "comebacks", "efficiency", "form", "shoes"):
            getattr(ctx, table)
        features = time.perf_counter() - t
        t = time.perf_counter()
        analysis = analyze(history)
        detectors = time.perf_counter() - t
        t = time.perf_counter()
        write_outputs(analysis, tmp / "report")
        write_report(analysis, tmp / "report")
        report = time.perf_counter() - t
        print(f"  history features (weekly table, ACWR, spikes, form baseline, ...): {features:.2f} s")
        print(f"  detectors (analyze, features included): {detectors:.2f} s")
        print(f"  outputs and report (write_outputs + write_report): {report:.2f} s")

        t = time.perf_counter()
        warm_history = read_history([corpus], cache=cache, workers=args.workers, progress=False)
        warm_import = time.perf_counter() - t
        t = time.perf_counter()
        analyze(warm_history)
        warm_analyze = time.perf_counter() - t
        print(
            f"warm re-run in this process: import {warm_import:.2f} s ({warm_history.decoded} decoded), "
            f"analyze {warm_analyze:.2f} s"
        )
        rss_children = peak_rss_mb(resource.RUSAGE_CHILDREN)  # the decoding workers (before the CLI runs)
        cli = ["analyze", str(corpus), "--out", str(tmp / "cli"), "--cache", str(cache)]
        if args.workers:
            cli += ["--workers", str(args.workers)]
        charts = cache / "derived" / "charts"
        time_cli(
            "warm `heavylegs analyze`, every chart drawn (fresh process, report included)",
            cli,
            before=lambda i: shutil.rmtree(charts, ignore_errors=True),
        )
        time_cli("warm `heavylegs analyze`, charts unchanged and kept", cli)
        latest = max((p for p in paths if p.name.startswith("s000_")), key=lambda p: p.name)
        fields = _date_time_fields()

        def add_run(i: int) -> None:
            data = latest.read_bytes()
            new = shifted(data, time_offsets(data, fields)[0], (i + 1) * 86400)
            (corpus / f"new{i}_{latest.name}").write_bytes(new)

        time_cli("`heavylegs analyze` after one new run (decoded, every chart drawn again)", cli, before=add_run)

        print(
            f"peak RSS: main process {rss_import:.0f} MB during the cold import, "
            f"{peak_rss_mb(resource.RUSAGE_SELF):.0f} MB in all; largest worker {rss_children:.0f} MB"
        )

        k = min(args.baseline, len(paths))
        step = max(1, len(paths) // k)
        chosen = paths[::step][:k]
        serial_s, serial_records = fitparse_serial(chosen)
        total_records = count_records(paths)
        estimate = serial_s / serial_records * total_records
        print(
            f"serial fitparse: {serial_s:.1f} s for {k} files ({serial_records} records); "
            f"estimated {estimate:.0f} s for all {total_records} records"
        )
        print(f"speed-up of the cold import over serial fitparse: {estimate / cold:.0f}x")
        if args.stages:
            print_stages(paths[: args.stages], tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
