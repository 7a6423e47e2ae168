"""A time limit on a block of code, in any thread: the per-file decoding budget.

In the main thread of a process (the command, a decoding process of the pool) a timer
signal (SIGALRM) raises `OverBudget` when the time is up. Signals reach only the main
thread, and a Dask worker runs its tasks in another thread (`heavylegs squad`): there a
watchdog thread raises `OverBudget` in the working thread when the time is up
(``PyThreadState_SetAsyncExc``), and again every REFIRE_S until the block ends.

Either way the exception is raised between two steps of Python code: a decoder looping
in Python (the FIT, GPX and TCX record loops, fitparse) is stopped within moments; one
call into compiled code that never returns (a single huge parse) is stopped when it
returns. A signal also cuts a sleep or a blocking read short; the watchdog does not.
`OverBudget` is a BaseException so that an importer's ``except Exception`` (fit.py
falls back to fitparse on any error of its fast path) does not swallow it.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from contextlib import contextmanager

#: Once over the budget, the watchdog raises OverBudget again every this many seconds
#: until the block ends (heavylegs convention: in case code in the block swallowed it).
REFIRE_S = 1.0


class OverBudget(BaseException):  # noqa: N818 - a signal of time, not an error of the input
    """Raised in a block that ran over its time (see the module docstring)."""


def _alarm(_signum, _frame):
    raise OverBudget


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    """Make ``exc`` raise in the thread ``thread_id`` at its next step (None: cancel a
    pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None
    )


class _Watchdog:
    def __init__(self, seconds: float) -> None:
        self.target = threading.get_ident()
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, args=(seconds,), name="heavylegs-deadline", daemon=True)
        self.thread.start()

    def _run(self, seconds: float) -> None:
        if self.done.wait(seconds):
            return
        while True:
            with self.lock:
                if self.done.is_set():
                    return
                _raise_in(self.target, OverBudget)
            if self.done.wait(REFIRE_S):
                return

    def stop(self) -> None:
        """Disarm: after this returns, OverBudget is never raised by this watchdog. One
        raised while disarming is dropped (the block has ended by then)."""
        while True:
            try:
                with self.lock:
                    self.done.set()
                    _raise_in(self.target, None)
                return
            except OverBudget:
                continue


def _signals_usable() -> bool:
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


@contextmanager
def deadline(seconds: float):
    """Raise OverBudget in the block when it runs longer than ``seconds`` (module
    docstring). Without signals or ctypes' access to the interpreter (not CPython), the
    block runs without a limit."""
    if _signals_usable():
        previous = signal.signal(signal.SIGALRM, _alarm)
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    elif hasattr(ctypes, "pythonapi"):
        watchdog = _Watchdog(seconds)
        try:
            yield
        finally:
            watchdog.stop()
    else:
        yield
