"""The few exceptions heavylegs raises, each carrying a one-line reason.

Every error heavylegs raises on purpose is an `AnalyzerError`; the command line turns
one into a single line naming the file, the row where there is one, and the problem,
and exits with status 2 (never a traceback).
"""

from __future__ import annotations


class AnalyzerError(Exception):
    """Base class: every error heavylegs raises on purpose. ``str(err)`` is one line."""


class UnreadableExport(AnalyzerError):
    """A file that cannot be read as an activity export (corrupt, truncated, hostile...).

    ``str(err)`` is the one-line reason shown to the user, naming the file.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class NotAnActivity(UnreadableExport):
    """A readable file that holds no activity (a README, a monitoring file, ...)."""


class InputFileError(AnalyzerError):
    """A file the runner gives to steer the analysis (shoes.csv, a shoe override file)
    that cannot be used. ``reason`` names the row when there is one:
    ``str(err)`` is ``"<path>: row <n>: <problem>"``."""

    def __init__(self, path: str, reason: str, row: int | None = None) -> None:
        self.path = path
        self.row = row
        self.reason = f"row {row}: {reason}" if row is not None else reason
        super().__init__(f"{path}: {self.reason}")


class NoInputRead(AnalyzerError):
    """None of the inputs could be read: ``str(err)`` says how many there were and why
    the first of them was not read."""

    def __init__(self, reasons: list[tuple[str, str]]) -> None:
        self.reasons = reasons
        if not reasons:
            text = "no input files given"
        else:
            path, why = reasons[0]
            more = f" (and {len(reasons) - 1} more not read)" if len(reasons) > 1 else ""
            text = f"none of the {len(reasons)} input files could be read: {path}: {why}{more}"
        super().__init__(text)
