"""One athlete's line of the squad page (page.py) and of squad.csv."""

from __future__ import annotations

from dataclasses import asdict, dataclass

#: AthleteRow.status of an athlete whose analysis finished, and of one whose export
#: could not be analysed (the reason says why).
OK = "ok"
FAILED = "failed"


@dataclass
class AthleteRow:
    """What the squad page says of one athlete.

    athlete_id : the folder name or the zip's stem, made safe for paths (roster.py)
    name : the display name (athletes.csv), else the id
    status : OK or FAILED; reason : why it failed, or what to know ('' when nothing)
    as_of : the analysis date (ISO), '' when failed
    runs_4w : runs in the 4 weeks to as_of; weekly_m : mean weekly distance of those 4
        weeks [m] (the page shows km or mi)
    top_cause, top_category, top_severity, top_score : the first finding ('' / NaN when none)
    top_evidence : one line of its evidence, for the page
    report : the athlete's report.html relative to the squad's out folder ('' when none)
    files : input files of the athlete; decoded : how many were decoded in this run (the
        rest came from the cache)
    """

    athlete_id: str
    name: str
    status: str
    reason: str = ""
    as_of: str = ""
    runs_4w: int = 0
    weekly_m: float = float("nan")
    top_cause: str = ""
    top_category: str = ""
    top_severity: str = ""
    top_score: float = float("nan")
    top_evidence: str = ""
    report: str = ""
    files: int = 0
    decoded: int = 0

    def as_dict(self) -> dict:
        return asdict(self)
