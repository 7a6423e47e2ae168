"""What every output says about an analysis, in one model: the terminal summary, the
PDF's text page and report.html format the same `FindingView` rows, so that a finding
reads the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from .. import columns as C
from ..features.load.other import is_other_sport, sport_word


@dataclass(frozen=True)
class FindingView:
    """One finding as the outputs show it.

    rank : 1 for the most likely cause; cause : the detector id; title : the cause in
    words; severity; category; start, end : the window (ISO dates); score : the
    ranking key; message; advice; evidence : detectors.base.Evidence rows; signals : the
    measures it gathers, in words.
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
    signals: tuple = ()

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
            signals=tuple(title_of(s) for s in (f.signals or (f.cause,))),
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

#: How the formats of activities are named to a runner.
FORMAT_NAMES = {"fit": "FIT", "gpx": "GPX", "tcx": "TCX", "strava_csv": "Strava activities.csv rows"}


def _counted(values) -> str:
    """'12 FIT, 3 GPX' from an iterable of names, most common first."""
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return ", ".join(f"{n} {name}" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _n(count: int, one: str, many: str = "") -> str:
    """'1 run', '3 runs'."""
    return f"{count} {one if count == 1 else many or one + 's'}"


def inputs_used(analysis) -> list[str]:
    """What the analysis used and left out, in sentences: the runs and where they came
    from, the other training and how it counts, the activities after the analysis date,
    and the files not used (duplicates, not runs, skipped) in counts."""
    ctx = analysis.context
    acts = ctx.activities
    lines = []
    runs = acts[acts[C.IS_RUN]] if len(acts) else acts
    if len(runs):
        first, last = runs[C.START_LOCAL].min(), runs[C.START_LOCAL].max()
        formats = _counted(FORMAT_NAMES.get(f, str(f)) for f in runs[C.FORMAT])
        lines.append(f"{_n(len(runs), 'run')} from {first:%d %b %Y} to {last:%d %b %Y} ({formats}).")
    else:
        lines.append("No runs up to the analysis date.")
    if len(acts):
        other = acts[is_other_sport(acts)]
        rest = acts[~acts[C.IS_RUN] & ~is_other_sport(acts)]
        if C.DUPLICATE_OF in rest:
            rest = rest[rest[C.DUPLICATE_OF].fillna("") == ""]
        if len(other):
            sports = _counted(sport_word(s, sub) for s, sub in zip(other[C.SPORT], other[C.SUB_SPORT], strict=True))
            hours = float(other[C.DURATION_S].fillna(0.0).sum()) / 3600
            lines.append(f"{_n(len(other), 'other-sport session')} ({sports}; {hours:.1f} h): {OTHER_TRAINING_RULE}")
        if len(rest):
            kinds = _counted(_not_training(s) for s in rest[C.SPORT])
            lines.append(f"Not counted as training: {kinds}.")
    later = len(analysis.history.activities) - len(acts)
    if later > 0:
        verb = "is" if later == 1 else "are"
        lines.append(
            f"{_n(later, 'activity', 'activities')} after {analysis.as_of:%d %b %Y} (the analysis date) {verb} not used."
        )
    files = analysis.history.files
    for f in files:  # a Strava activities.csv says what became of its rows
        if str(f.reason).startswith("Strava activities.csv"):
            lines.append(f"{f.path}: {f.reason}.")
    counts = {s: sum(1 for f in files if f.status == s) for s in C.FILE_STATUSES}
    parts = [
        (C.IMPORTED, "with runs (or shoe lists)"),
        (C.NOT_RUN, "with no run: other sports or body-mass readings"),
        (C.DUPLICATE, "duplicates of another file's activity, counted once"),
        (C.SKIPPED, "could not be read (listed below)"),
    ]
    said = "; ".join(f"{counts[s]} {what}" for s, what in parts if counts[s])
    if files:
        lines.append(f"Of the {len(files)} files given: {said}.")
    return lines


#: How other training counts (said in the report; features.load.other, breaks).
OTHER_TRAINING_RULE = (
    "counted beside the running as hours and TRIMP per week (weekly.csv other_sports_h and "
    "other_sports_trimp, the weekly chart's lower panel), never as running distance; a running break "
    "filled with them is a break from running, not from training."
)


def _not_training(sport) -> str:
    """Why an activity that is neither a run nor another sport is left out, in words."""
    sport = str(sport or "").strip().lower()
    if sport == "running":
        return "running too short or too fast to be a run"
    if sport in ("", "unknown", "generic"):
        return "no sport named"
    return sport.replace("_", " ")
