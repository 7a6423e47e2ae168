"""The few exceptions heavylegs raises, each carrying a one-line reason."""

from __future__ import annotations


class AnalyzerError(Exception):
    """Base class: every error heavylegs raises on purpose."""


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


class NoInputRead(AnalyzerError):
    """None of the inputs could be read."""
