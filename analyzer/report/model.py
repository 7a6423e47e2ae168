"""What every output says about an analysis, in one model: the terminal summary, the
PDF's text page and report.html format the same `FindingView` rows, so that a finding
reads the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from .. import columns as C


@dataclass(frozen=True)
class FindingView:
    """One finding as the outputs show it.

    rank : 1 for the most likely cause; cause : the detector id; title : the cause in
    words; severity; category; start, end : the window (ISO dates); score : the
    ranking key; message; advice; evidence : detectors.base.Evidence rows.
    """

    rank: int
    cause: str
    title: str
    severity: str
    category: str
    start: str
    end: str
    score: float
    message: str
    advice: str
    evidence: tuple

    @property
    def advice_line(self) -> str:
        return "Advice: " + self.advice


def title_of(cause: str) -> str:
    """A cause id in words (``long_run_spike`` -> ``long run spike``)."""
    return cause.replace("_", " ")


def finding_views(findings) -> list[FindingView]:
    """The ranked findings as the outputs show them."""
    return [
        FindingView(
            rank=i,
            cause=f.cause,
            title=title_of(f.cause),
            severity=f.severity,
            category=f.category,
            start=f.window["start"],
            end=f.window["end"],
            score=f.score,
            message=f.message,
            advice=f.advice,
            evidence=tuple(f.evidence),
        )
        for i, f in enumerate(findings, 1)
    ]


def earlier_findings(analysis) -> list:
    """Findings of the history that are not active now, oldest first."""
    return sorted((f for f in analysis.timeline if f not in analysis.findings), key=lambda f: f.window["start"])


def runs_read(analysis) -> int:
    acts = analysis.context.activities
    return int(acts[C.IS_RUN].sum()) if len(acts) else 0


NO_FINDING = "No cause found in the watch data for the last four weeks."
