"""Squad benchmark: N athletes x R one-hour 1 Hz runs, serial against the local Dask
cluster, cold and warm, with an estimate for 1,000 athletes x 1,000 runs on 32 workers.

Each athlete is a folder of R FIT runs made like the import benchmark's corpus
(bench_import.build_corpus): sample_data's FIT runs with every date_time field moved
and a fresh CRC. Athlete i's run j is sample run (j + 7 i) mod P (P runs) moved
(j + 7 i) div P seasons of 26 weeks back, and the whole athlete i days back, so no two
athletes share a file and each has R distinct runs. Squads are built once under --dir
(default: heavylegs-bench-squad in the temporary folder) and reused.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_squad.py --athletes 10 50
    PYTHONPATH=. .venv/bin/python benchmarks/bench_squad.py --athletes 200 --big-runs 0

For each squad size, each measurement in a fresh Python process (its CPU time is that
process's and every child's: Dask's workers and the figure helpers they start):

* **serial**: one process, every athlete one after another as a squad worker does it
  (tasks.analyze_athlete: exactly api.analyze_to with workers=1, then its cohort tables
  and its row), empty caches; wall time, CPU time, and the part spent in analyze_to;
* **cluster cold**: analyzer.squad.engine.run_squad with a local cluster of --workers
  processes (no scheduler address) and the squad page, empty caches and outputs; wall
  time, the cluster's start (LocalCluster, client, the workers' version check) and close,
  CPU time of every process, the peak RSS of each worker process and of the figure
  helpers (psutil, sampled every SAMPLE_S);
* **cluster warm**: the same command again on the unchanged squad (caches and outputs kept).

Then, once: Dask's per-task overhead on the same local cluster (many trivial tasks), the
tasks of one athlete of --big-runs runs (survey, decode_batch by BATCH_FILES, the
analysis), and from both an estimate for 1,000 athletes x 1,000 runs on 32 workers.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

#: How often the worker processes' memory is sampled during a cluster run [s].
SAMPLE_S = 0.2
#: Seconds an athlete is moved back per place in the squad (one day).
ATHLETE_SHIFT_S = 86400
#: Seasons of the sample data are 26 weeks apart (bench_import).
SEASON_S = 26 * 7 * 86400
#: The estimate's squad and cluster.
EST_ATHLETES, EST_RUNS, EST_WORKERS = 1000, 1000, 32
#: Round trips timed one at a time for Dask's task latency.
LATENCY_TASKS = 200
#: Wait after writing files, so that they are older than the input memo's settling time
#: (cache/inputs.py: 2 s), as a runner's export files are [s].
SETTLE_WAIT_S = 3.0
#: Size of the speed probe (about 0.1 s).
PROBE_N = 1_000_000
#: Longest wait for a quiet machine before a measurement (--quiet) [s].
QUIET_WAIT_S = 900.0
#: The measurements of each squad size, in order.
KINDS = {
    "serial": "serial (cold)",
    "cold": "cluster cold",
    "warm": "cluster warm (unchanged)",
    "analysed": "cluster warm, every athlete analysed again (records removed)",
    "new_run": "cluster, one new run per athlete",
}


# --- the squads ---------------------------------------------------------------------


def _prepared():
    """(name, bytes, date_time offsets) of every little-endian sample FIT run (bench_import)."""
    from bench_import import SAMPLE_RUNS, _date_time_fields, time_offsets

    fields = _date_time_fields()
    out = []
    for p in sorted((ROOT / "sample_data" / "activities").glob("*.fit")):
        if p.stem.endswith(SAMPLE_RUNS):
            data = p.read_bytes()
            offsets, big = time_offsets(data, fields)
            if not big:
                out.append((p.name, data, offsets))
    return out


def write_athlete(folder: Path, index: int, runs: int, prepared) -> None:
    """Athlete ``index``'s R runs (module docstring) into ``folder``, written whole."""
    from bench_import import shifted

    work = folder.with_name(folder.name + ".part")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for j in range(runs):
        k = j + 7 * index
        name, data, offsets = prepared[k % len(prepared)]
        shift = -(k // len(prepared)) * SEASON_S - index * ATHLETE_SHIFT_S
        (work / f"r{j:04d}_{name}").write_bytes(shifted(data, offsets, shift) if shift else data)
    os.rename(work, folder)


def build_squad(base: Path, athletes: int, runs: int) -> tuple[Path, bool]:
    """The squad folder of ``athletes`` x ``runs`` under ``base`` (built when missing or
    incomplete); and whether anything was written."""
    root = base / "squads" / f"n{athletes}_r{runs}"
    root.mkdir(parents=True, exist_ok=True)
    missing = [i for i in range(athletes) if not (root / f"a{i:04d}").is_dir()]
    if missing:
        prepared = _prepared()
        t = time.perf_counter()
        for i in missing:
            write_athlete(root / f"a{i:04d}", i, runs, prepared)
        size = sum(f.stat().st_size for f in root.rglob("*.fit")) / 1e6
        print(f"built {root}: {len(missing)} athletes written in {time.perf_counter() - t:.1f} s ({size:.0f} MB)")
    return root, bool(missing)


# --- measurements, each in a fresh process ------------------------------------------


def _cpu_self_children() -> float:
    a, b = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def _jobs(squad: Path, out: Path, cache: Path):
    from analyzer.squad import engine, roster

    return [engine._job(a, out, cache, None, "km") for a in roster.read_roster([squad], skip=(out, cache))]


def measure_serial(squad: Path, out: Path) -> dict:
    """Every athlete one after another in this process, as a worker runs it."""
    from analyzer import api
    from analyzer.squad import page, tasks

    real = api.analyze_to
    spent = [0.0]

    def timed(*args, **kw):
        t = time.perf_counter()
        try:
            return real(*args, **kw)
        finally:
            spent[0] += time.perf_counter() - t

    api.analyze_to = timed
    cache = out / ".cache"
    jobs = _jobs(squad, out, cache)
    out.mkdir(parents=True, exist_ok=True)
    sampler = Sampler()
    sampler.start()
    cpu0, t0 = _cpu_self_children(), time.perf_counter()
    per = []
    rows = []
    for job in jobs:
        t = time.perf_counter()
        rows.append(tasks.analyze_athlete(job))
        per.append(time.perf_counter() - t)
    page.write_squad_page(rows, out, "km")
    wall, cpu = time.perf_counter() - t0, _cpu_self_children() - cpu0
    return {
        "wall": wall,
        "cpu": cpu,
        "analyze_to": spent[0],
        "athletes": len(jobs),
        "failed": sum(r.status != "ok" for r in rows),
        "files": sum(r.files for r in rows),
        "decoded": sum(r.decoded for r in rows),
        "per_athlete_min_max": [min(per), max(per)],
        "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **sampler.result(),
    }


class Sampler(threading.Thread):
    """Peak RSS of each process under this one, by kind, and the last CPU times seen."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        import psutil

        self.me = psutil.Process()
        self.peak: dict[int, tuple[str, float]] = {}  # pid -> (kind, MB)
        self.cpu: dict[int, tuple[str, float]] = {}  # pid -> (kind, own + reaped children's CPU s)
        self.stop = threading.Event()

    def kind(self, proc) -> str:
        """A Dask worker (a process multiprocessing started under this one), a figure
        helper or one of its drawing copies, the resource tracker, or other (a process
        caught between fork and exec)."""
        line = " ".join(proc.cmdline())
        if "analyzer.report.helper" in line:
            return "helper"
        if "resource_tracker" in line:
            return "tracker"
        return "worker" if "multiprocessing" in line and proc.ppid() == self.me.pid else "other"

    def run(self) -> None:
        while not self.stop.wait(SAMPLE_S):
            for proc in self.me.children(recursive=True):
                try:
                    kind = self.kind(proc)
                    rss = proc.memory_info().rss / 2**20
                    t = proc.cpu_times()
                except Exception:  # noqa: BLE001 - gone meanwhile
                    continue
                seen_kind, seen_mb = self.peak.get(proc.pid, (kind, 0.0))
                self.peak[proc.pid] = (kind, max(rss, seen_mb) if seen_kind == kind else rss)
                self.cpu[proc.pid] = (kind, t.user + t.system + t.children_user + t.children_system)

    def result(self) -> dict:
        self.stop.set()
        self.join()
        by_kind: dict[str, list[float]] = {}
        for kind, mb in self.peak.values():
            by_kind.setdefault(kind, []).append(mb)
        cpu: dict[str, float] = {}
        for kind, s in self.cpu.values():
            cpu[kind] = cpu.get(kind, 0.0) + s
        return {
            "peak_rss_mb": {k: sorted(v, reverse=True) for k, v in by_kind.items() if k != "helper"},
            "helper_peak_mb": max(by_kind.get("helper", [0.0])),
            "helpers": len(by_kind.get("helper", [])),
            "cpu_by_kind": cpu,
        }


def measure_cluster(squad: Path, out: Path, workers: int) -> dict:
    """run_squad on a local cluster of ``workers`` processes, and the squad page."""
    from contextlib import contextmanager

    from analyzer.squad import engine, page

    marks: dict[str, float] = {}
    real = engine.connect

    stream: list = []

    @contextmanager
    def timed(*args, **kw):
        from distributed import get_task_stream

        t = time.perf_counter()
        with real(*args, **kw) as client:
            marks["start"] = time.perf_counter() - t
            try:
                with get_task_stream(client) as ts:
                    yield client
                marks["closing"] = time.perf_counter()
            finally:
                marks.setdefault("closing", time.perf_counter())
            stream.extend(ts.data)
        marks["close"] = time.perf_counter() - marks["closing"]

    engine.connect = timed
    sampler = Sampler()
    sampler.start()
    own0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    rows = engine.run_squad([squad], out, workers=workers, progress=False)
    page.write_squad_page(rows, out, "km")
    wall = time.perf_counter() - t0
    own1 = resource.getrusage(resource.RUSAGE_SELF)
    found = sampler.result()
    return {
        "wall": wall,
        "start": marks["start"],
        "close": marks["close"],
        "tasks": task_times(stream, marks["closing"] - t0 - marks["start"]),
        "main_cpu": own1.ru_utime + own1.ru_stime - own0.ru_utime - own0.ru_stime,
        "athletes": len(rows),
        "failed": sum(r.status != "ok" for r in rows),
        "files": sum(r.files for r in rows),
        "decoded": sum(r.decoded for r in rows),
        **found,
    }


def task_times(stream: list, running: float) -> dict:
    """From Dask's task stream: seconds each worker computed, by kind of task (survey,
    batch, analyze), and the share of the time between the cluster's start and its close
    (``running``) each worker computed."""
    busy: dict[str, float] = {}
    kinds: dict[str, float] = {}
    counts: dict[str, int] = {}
    for task in stream:
        kind = str(task.get("key", "")).split("-", 1)[0]
        for ss in task.get("startstops", ()):
            if ss.get("action") == "compute":
                d = ss["stop"] - ss["start"]
                busy[task["worker"]] = busy.get(task["worker"], 0.0) + d
                kinds[kind] = kinds.get(kind, 0.0) + d
        counts[kind] = counts.get(kind, 0) + 1
    return {
        "busy": sorted(busy.values(), reverse=True),
        "busy_share": [b / running for b in sorted(busy.values(), reverse=True)] if running > 0 else [],
        "by_kind": kinds,
        "count": counts,
    }


def measure_tasks(workers: int, n: int) -> dict:
    """Dask's per-task overhead on a local cluster like the squad's: ``n`` trivial tasks
    submitted at once (the scheduler's throughput), and LATENCY_TASKS one at a time."""
    from distributed import as_completed

    from analyzer.squad import engine

    t = time.perf_counter()
    with engine.connect(None, workers, False) as client:
        start = time.perf_counter() - t
        client.gather(client.map(int, range(50), pure=False))  # warm-up
        t = time.perf_counter()
        futures = [client.submit(int, i, key=f"t-{i}") for i in range(n)]
        for f in as_completed(futures):
            f.result()
        burst = time.perf_counter() - t
        t = time.perf_counter()
        for i in range(LATENCY_TASKS):
            client.submit(int, i, key=f"l-{i}").result()
        latency = (time.perf_counter() - t) / LATENCY_TASKS
    return {"start": start, "tasks": n, "burst": burst, "per_task": burst / n, "latency": latency}


def measure_big(athlete: Path, out: Path) -> dict:
    """The tasks of one large athlete, one after another in this process as single-threaded
    workers run them (charts drawn in the process): survey, decode_batch per BATCH_FILES
    files, the analysis after them, the analysis again with its record removed (every
    file in the cache), again unchanged (its record up to date), and after one new run
    (its batches and its analysis: every chart drawn again)."""
    import matplotlib.figure  # noqa: F401 - a worker imports it once, drawing its first athlete

    import analyzer.api  # noqa: F401 - imports paid once per worker, not per task
    import analyzer.ingest.pool  # noqa: F401
    from analyzer.squad import engine, roster, tasks, uptodate

    tasks.draws_here = lambda: True  # as in a single-threaded worker: the charts drawn in this process
    cache = out / ".cache"
    job = engine._job(roster.Athlete(athlete.name, athlete.name, athlete, athlete.parent), out, cache, None, "km")
    res: dict = {}
    sampler = Sampler()
    sampler.start()
    c, t = _cpu_self_children(), time.perf_counter()
    counts = tasks.survey(job.paths)
    res["survey"] = (time.perf_counter() - t, _cpu_self_children() - c)
    batches = engine.plan_batches(counts)
    cpu = []
    for paths, part, parts in batches:
        c = _cpu_self_children()
        tasks.decode_batch(paths, part, parts, job.cache)
        cpu.append(_cpu_self_children() - c)
    res["batches"] = cpu
    res["rss_after_batches_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for label in ("analyze_cold", "analyze_warm", "analyze_uptodate"):
        if label == "analyze_warm":
            uptodate.forget(job)  # analysed again: every entry in the cache, nothing decoded
            c = _cpu_self_children()
            for paths, part, parts in batches:  # as in a rerun: the input memo knows every file
                tasks.decode_batch(paths, part, parts, job.cache)
            res["batches_warm"] = _cpu_self_children() - c
        c, t = _cpu_self_children(), time.perf_counter()
        row = tasks.analyze_athlete(job)
        res[label] = (time.perf_counter() - t, _cpu_self_children() - c)
        if row.status != "ok":
            raise SystemExit(f"the large athlete failed: {row.reason}")
    res["files"] = sum(n for _, n in counts)
    added = add_new_runs(athlete.parent, res["files"])  # one new run: decoded, every chart drawn again
    try:
        c = _cpu_self_children()
        for paths, part, parts in engine.plan_batches(tasks.survey(job.paths)):
            tasks.decode_batch(paths, part, parts, job.cache)
        res["new_run_batches"] = _cpu_self_children() - c
        c, t = _cpu_self_children(), time.perf_counter()
        row = tasks.analyze_athlete(job)
        res["analyze_new_run"] = (time.perf_counter() - t, _cpu_self_children() - c)
    finally:
        for path in added:
            path.unlink()
    res["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["rss_helper_mb"] = sampler.result()["helper_peak_mb"]
    return res


MEASURES = {"serial": measure_serial, "cluster": measure_cluster, "tasks": measure_tasks, "big": measure_big}


def in_fresh_process(kind: str, *args) -> dict:
    """Run MEASURES[kind](*args) in a new Python process; its result, its wall time and the
    CPU time of it and every process under it (reaped: Dask's workers, the helpers)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--measure", kind, json.dumps([str(a) for a in args])],
        capture_output=True,
        text=True,
        env=env,
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"measure {kind} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(lines[-1][len("RESULT ") :])
    result["process_wall"] = wall
    result["process_cpu"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return result


def _measure_main(kind: str, args: str) -> None:
    values = json.loads(args)
    fn = MEASURES[kind]
    if kind == "cluster":
        result = fn(Path(values[0]), Path(values[1]), int(values[2]))
    elif kind == "tasks":
        result = fn(int(values[0]), int(values[1]))
    else:
        result = fn(*(Path(v) for v in values))
    print("RESULT " + json.dumps(result), flush=True)


# --- the figures --------------------------------------------------------------------


def load() -> str:
    return "load average " + " / ".join(f"{x:.2f}" for x in os.getloadavg())


NEW_RUN = "r9999_new.fit"


def add_new_runs(squad: Path, runs: int) -> list[Path]:
    """One more run for each athlete of ``squad``: its latest run moved a day later."""
    from bench_import import _date_time_fields, shifted, time_offsets

    prepared, fields, added = _prepared(), _date_time_fields(), []
    for folder in sorted(p for p in squad.iterdir() if p.is_dir()):
        index = int(folder.name[1:])
        k = max(range(7 * index, 7 * index + runs), key=lambda k: (-(k // len(prepared)), k % len(prepared)))
        latest = folder / f"r{k - 7 * index:04d}_{prepared[k % len(prepared)][0]}"
        data = latest.read_bytes()
        path = folder / NEW_RUN
        path.write_bytes(shifted(data, time_offsets(data, fields)[0], 86400))
        added.append(path)
    return added


def forget_records(out: Path) -> int:
    """Remove the athletes' up-to-date records (squad/uptodate.py), so that a rerun
    analyses every athlete again; returns how many there were."""
    from analyzer.squad import uptodate

    records = list((out / ".cache").glob(f"*/{uptodate.RECORD}"))
    for path in records:
        path.unlink()
    return len(records)


def probe() -> float:
    """CPU seconds of a fixed piece of Python (PROBE_N squares summed), the best of three:
    this virtual machine's speed drifts by 20 % and more over an hour, which moves the
    serial and cluster figures measured minutes apart."""
    best = math.inf
    for _ in range(3):
        t = time.process_time()
        sum(i * i for i in range(PROBE_N))
        best = min(best, time.process_time() - t)
    return best


def wait_for_quiet(limit: float | None) -> None:
    """Wait (at most QUIET_WAIT_S) until the 1-minute load average is under ``limit``: the
    machine may be shared, and a cluster of one worker per core is slowed by any other work."""
    if limit is None or os.getloadavg()[0] < limit:
        return
    print(f"[{time.strftime('%H:%M:%S')}] waiting for a load average under {limit:g}, {load()}", flush=True)
    t = time.perf_counter()
    while os.getloadavg()[0] >= limit and time.perf_counter() - t < QUIET_WAIT_S:
        time.sleep(5.0)


def run_size(base: Path, athletes: int, runs: int, workers: int, repeat: int, quiet: float | None = None) -> dict:
    squad, built = build_squad(base, athletes, runs)
    for stale in squad.glob(f"*/{NEW_RUN}"):
        stale.unlink()  # left by an interrupted run
        built = True
    if built:
        time.sleep(SETTLE_WAIT_S)  # a runner's files are older than the input memo's settling time
    label = f"n{athletes}_r{runs}"
    fig: dict = {"athletes": athletes, "runs": runs, **{kind: [] for kind in KINDS}}

    def step(kind: str, *args) -> None:
        wait_for_quiet(quiet)
        speed = probe()
        print(f"[{time.strftime('%H:%M:%S')}] {label} {KINDS[kind]}, {load()}, probe {speed:.3f} s", flush=True)
        fig[kind].append(in_fresh_process(*args))
        fig[kind][-1].update(load_after=os.getloadavg()[0], probe=speed)

    for _ in range(repeat):
        serial_out = base / "out" / f"{label}_serial"
        shutil.rmtree(serial_out, ignore_errors=True)
        step("serial", "serial", squad, serial_out)
        out = base / "out" / f"{label}_cluster"
        shutil.rmtree(out, ignore_errors=True)
        step("cold", "cluster", squad, out, workers)
        step("warm", "cluster", squad, out, workers)
        forget_records(out)
        step("analysed", "cluster", squad, out, workers)
        added = add_new_runs(squad, runs)
        try:
            time.sleep(SETTLE_WAIT_S)
            step("new_run", "cluster", squad, out, workers)
        finally:
            for path in added:
                path.unlink()
    print(f"[{time.strftime('%H:%M:%S')}] {label} done, {load()}", flush=True)
    return fig


def _workers_rss(r: dict) -> str:
    mb = r["peak_rss_mb"].get("worker", [])
    return "/".join(f"{x:.0f}" for x in mb) or "-"


def print_size(fig: dict, workers: int) -> None:
    n, runs = fig["athletes"], fig["runs"]
    print(f"\n{n} athletes x {runs} runs ({workers} workers)")
    print(
        "| measurement | wall | cluster start / close | CPU (all processes) | CPU per file | workers computing | "
        "peak RSS per worker | figure helpers (peak) | load after | probe |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for i, s in enumerate(fig["serial"]):
        print(
            f"| serial #{i + 1} (analyze_to {s['analyze_to']:.1f} s; {s['decoded']} decoded) | {s['wall']:.1f} s | - | "
            f"{s['cpu']:.1f} s | {1000 * s['cpu'] / s['files']:.1f} ms | - | {s['rss_main_mb']:.0f} MB (the process) | "
            f"{s['helpers']} ({s['helper_peak_mb']:.0f} MB) | {s['load_after']:.2f} | {s.get('probe', 0):.3f} s |"
        )
    for kind in KINDS:
        if kind == "serial":
            continue
        for i, c in enumerate(fig[kind]):
            share = "/".join(f"{100 * b:.0f}" for b in c["tasks"]["busy_share"]) or "-"
            print(
                f"| {KINDS[kind]} #{i + 1} ({c['decoded']} decoded) | {c['wall']:.1f} s | {c['start']:.1f} / "
                f"{c['close']:.1f} s | {c['process_cpu']:.1f} s | {1000 * c['process_cpu'] / c['files']:.1f} ms | "
                f"{share} % | {_workers_rss(c)} MB | {c['helpers']} ({c['helper_peak_mb']:.0f} MB) | "
                f"{c['load_after']:.2f} | {c.get('probe', 0):.3f} s |"
            )
    for i, (s, c) in enumerate(zip(fig["serial"], fig["cold"], strict=True)):
        ideal = s["cpu"] / workers + c["start"]
        print(
            f"ideal #{i + 1} = serial CPU {s['cpu']:.1f} s / {workers} + cluster start {c['start']:.1f} s = "
            f"{ideal:.1f} s; cold cluster {c['wall']:.1f} s = {100 * (c['wall'] / ideal - 1):+.1f} % of it; "
            f"speed-up over serial {s['wall'] / c['wall']:.2f}x"
        )
        cpu, t = c["cpu_by_kind"], c["tasks"]
        kinds = ", ".join(f"{k} {t['count'].get(k, 0)} tasks {v:.1f} s" for k, v in sorted(t["by_kind"].items()))
        print(
            f"  cold cluster CPU: main process (scheduler, nannies, client) {c['main_cpu']:.1f} s, workers "
            f"(sampled, with any helper) {cpu.get('worker', 0):.1f} s; total {c['process_cpu']:.1f} s against serial "
            f"{s['cpu']:.1f} s; task compute time: {kinds}"
        )


def estimate(figs: list[dict], tasks: dict | None, big: dict | None, workers: int) -> None:
    """The estimate for EST_ATHLETES x EST_RUNS on EST_WORKERS workers, with its arithmetic."""
    from analyzer.squad.engine import BATCH_FILES, LARGE_ATHLETE_FILES

    print(f"\nESTIMATE (not a measurement): {EST_ATHLETES} athletes x {EST_RUNS} runs on {EST_WORKERS} workers")
    batches = math.ceil(EST_RUNS / BATCH_FILES) if EST_RUNS > LARGE_ATHLETE_FILES else 0
    n_tasks = EST_ATHLETES * (2 + batches)
    print(f"  tasks: {EST_ATHLETES} x (survey + {batches} decode_batch of {BATCH_FILES} files + analysis) = {n_tasks}")
    per_task = tasks["per_task"] if tasks else 0.0
    if tasks:
        print(
            f"  Dask's overhead: {tasks['tasks']} trivial tasks took {tasks['burst']:.2f} s on this {workers}-worker "
            f"cluster = {1000 * per_task:.2f} ms a task (one at a time, submit to result: "
            f"{1000 * tasks['latency']:.2f} ms); {n_tasks} x {1000 * per_task:.2f} ms = {n_tasks * per_task:.0f} s"
        )
    start = figs[0]["cold"][0]["start"] if figs else 0.0
    if big:
        survey, b, b_warm = big["survey"][1], sum(big["batches"]), big["batches_warm"]
        per_file = b / big["files"]
        cold, warm, kept = big["analyze_cold"][1], big["analyze_warm"][1], big["analyze_uptodate"][1]
        print(
            f"  measured, the tasks of one {big['files']}-run athlete as a worker runs them (CPU): survey {survey:.2f} s, "
            f"{len(big['batches'])} decode_batch {b:.1f} s ({1000 * per_file:.1f} ms a file), the analysis after them "
            f"{cold:.1f} s; again with every file in the cache: the batches {b_warm:.2f} s, the analysis {warm:.1f} s; "
            f"again unchanged (up to date) {kept:.2f} s; peak RSS {big['rss_mb']:.0f} MB"
        )
        athlete = survey + per_file * EST_RUNS + cold
        total = EST_ATHLETES * athlete
        wall = total / EST_WORKERS + n_tasks * per_task + start
        print(
            f"  cold: CPU per athlete {survey:.2f} + {EST_RUNS} x {1000 * per_file:.1f} ms + {cold:.1f} = {athlete:.1f} s; "
            f"{EST_ATHLETES} x {athlete:.1f} s = {total / 3600:.1f} CPU-hours; on {EST_WORKERS} workers: "
            f"{total:.0f} s / {EST_WORKERS} + {n_tasks * per_task:.0f} s of Dask + {start:.1f} s start = "
            f"{wall:.0f} s = {wall / 60:.0f} min"
        )
        nb, na = big["new_run_batches"], big["analyze_new_run"][1]
        print(
            f"  measured, the same athlete after one new run: its batches {nb:.2f} s, its analysis {na:.1f} s "
            "(every chart drawn again)"
        )
        new = survey + nb + na
        print(
            f"  one new run per athlete: {EST_ATHLETES} x ({survey:.2f} + {nb:.2f} + {na:.1f}) s / "
            f"{EST_WORKERS} + {n_tasks} x {1000 * per_task:.2f} ms + {start:.1f} s = "
            f"{EST_ATHLETES * new / EST_WORKERS + n_tasks * per_task + start:.0f} s"
        )
        print(
            f"  unchanged rerun: {EST_ATHLETES} x ({survey:.2f} + {b_warm:.2f} + {kept:.2f}) s / {EST_WORKERS} + "
            f"{n_tasks} x {1000 * per_task:.2f} ms + {start:.1f} s = "
            f"{EST_ATHLETES * (survey + b_warm + kept) / EST_WORKERS + n_tasks * per_task + start:.0f} s"
        )
    for fig in figs:
        c = fig["cold"][0]
        per_file = c["process_cpu"] / c["files"]
        total = EST_ATHLETES * EST_RUNS * per_file
        print(
            f"  check, linear in files from the {fig['athletes']} x {fig['runs']} cold cluster "
            f"({1000 * per_file:.1f} ms of CPU a file, everything included): {EST_ATHLETES * EST_RUNS} x "
            f"{1000 * per_file:.1f} ms = {total / 3600:.1f} CPU-hours, {total / EST_WORKERS / 60:.0f} min on "
            f"{EST_WORKERS} workers"
        )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--athletes", type=int, nargs="+", default=[10, 50], help="squad sizes (default 10 50)")
    ap.add_argument("--runs", type=int, default=100, help="runs per athlete (default 100)")
    ap.add_argument("--workers", type=int, default=2, help="worker processes of the local cluster (default 2)")
    ap.add_argument("--repeat", type=int, default=1, help="measure each size this many times (default 1)")
    ap.add_argument("--big-runs", type=int, default=1000, help="runs of the large athlete timed task by task (0: skip)")
    ap.add_argument("--tasks", type=int, default=2000, help="trivial tasks timed for Dask's overhead (0: skip)")
    ap.add_argument(
        "--quiet", type=float, default=None, help="before each measurement, wait for a load average under this"
    )
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "heavylegs-bench-squad")
    ap.add_argument("--json", type=Path, default=None, help="write every figure here")
    ap.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        _measure_main(*args.measure)
        return
    import numpy as np

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, numpy {np.__version__}; {load()}")
    print(f"squads under {args.dir}")
    figs = []
    for n in args.athletes:
        figs.append(run_size(args.dir, n, args.runs, args.workers, args.repeat, args.quiet))
        print_size(figs[-1], args.workers)
    tasks = big = None
    if args.tasks:
        wait_for_quiet(args.quiet)
        print(f"[{time.strftime('%H:%M:%S')}] Dask overhead, {load()}", flush=True)
        tasks = in_fresh_process("tasks", args.workers, args.tasks)
    if args.big_runs:
        squad, built = build_squad(args.dir, 1, args.big_runs)
        if built:
            time.sleep(SETTLE_WAIT_S)
        out = args.dir / "out" / f"big_r{args.big_runs}"
        shutil.rmtree(out, ignore_errors=True)
        wait_for_quiet(args.quiet)
        print(f"[{time.strftime('%H:%M:%S')}] one athlete of {args.big_runs} runs, task by task, {load()}", flush=True)
        big = in_fresh_process("big", squad / "a0000", out)
    for fig in figs:
        print_size(fig, args.workers)
    estimate(figs, tasks, big, args.workers)
    print(f"\nend: {time.strftime('%Y-%m-%d %H:%M:%S')}, {load()}")
    if args.json:
        args.json.write_text(json.dumps({"sizes": figs, "tasks": tasks, "big": big}, indent=1))


if __name__ == "__main__":
    main()
