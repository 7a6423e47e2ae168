"""The athletes of a squad: every folder and every export zip directly under each ROOT.

An athlete's id is its folder's name or its zip's stem made safe for paths (`athlete_id`):
the text is NFKC-normalised, every character outside ``A-Z a-z 0-9 . _ -`` becomes ``_``,
leading dots become ``_`` (no hidden folders), an empty result is ``_``, and it is cut
to MAX_ID_CHARS. Two athletes whose ids are equal ignoring case (``alice/`` and
``alice.zip``, or ``Alice/`` in one root and ``alice/`` in another: one folder on a
case-insensitive file system) stop the squad with one line naming both; so does an id that
is a name of the squad's own output (RESERVED_IDS).

``ROOT/athletes.csv`` (optional; ``athlete_id,name,shoes_csv,diary_csv``, paths relative
to ROOT) gives display names and per-athlete files; a row that cannot be used stops the
squad with one line naming the file and the row. Hidden entries (``.name``), other files
and the squad's own output folder (when it is under ROOT) are not athletes.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import AnalyzerError, InputFileError

#: Longest athlete id [characters]: heavylegs convention, well under the 255 bytes a file
#: name may have on common file systems, leaving room for the cache's and the cohort's
#: folder names built on it (``athlete=<id>``).
MAX_ID_CHARS = 80
#: Names of the squad's own output under DIR (page.py, cohort.py, engine.py): no athlete
#: may have them (compared ignoring case).
RESERVED_IDS = ("index.html", "squad.csv", "cohort")
#: The roster file under a ROOT, and its columns (athlete_id required).
ROSTER_FILE = "athletes.csv"
ROSTER_COLUMNS = ("athlete_id", "name", "shoes_csv", "diary_csv")

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class RosterError(AnalyzerError):
    """The squad's athletes cannot be told apart or its athletes.csv cannot be used:
    ``str(err)`` is one line naming what to fix."""


@dataclass(frozen=True)
class Athlete:
    """One athlete of the squad.

    athlete_id : the id (module docstring); name : the display name (athletes.csv, else the id)
    path : the athlete's folder or export zip; root : the ROOT it is under
    shoes, diary : the athlete's shoes.csv and diary.csv given in athletes.csv (None when not)
    """

    athlete_id: str
    name: str
    path: Path
    root: Path
    shoes: Path | None = None
    diary: Path | None = None


def athlete_id(name: str) -> str:
    """The path-safe id of a folder name or a zip's stem (module docstring)."""
    text = _UNSAFE.sub("_", unicodedata.normalize("NFKC", name))
    stripped = text.lstrip(".")
    text = "_" * (len(text) != len(stripped)) + stripped
    return text[:MAX_ID_CHARS] or "_"


def _is_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip" and path.is_file()


def _entries(root: Path, skip: set[Path]) -> list[tuple[str, Path]]:
    """(raw name, path) of the athletes directly under ``root``, sorted by name."""
    try:
        names = sorted(os.listdir(root))
    except OSError as err:
        raise RosterError(f"{root}: cannot list the squad's folder ({err.strerror or err})") from err
    found = []
    for name in names:
        path = root / name
        if name.startswith(".") or path.resolve() in skip:
            continue
        if path.is_dir():
            found.append((name, path))
        elif _is_zip(path):
            found.append((path.stem, path))
    return found


def read_roster(roots, skip=()) -> list[Athlete]:
    """The athletes under ``roots`` (folders), in root order then by name, with their
    athletes.csv details. ``skip`` : paths that are not athletes (the squad's output and
    cache folders). Raises RosterError or InputFileError (athletes.csv), one line each."""
    skipped = {Path(p).resolve() for p in skip}
    athletes: list[Athlete] = []
    seen: dict[str, Athlete] = {}
    for raw_root in roots:
        root = Path(raw_root)
        if not root.is_dir():
            raise RosterError(f"{root}: not a folder (a squad's ROOT holds one folder or zip per athlete)")
        here = []
        for name, path in _entries(root, skipped):
            athlete = Athlete(athlete_id(name), athlete_id(name), path, root)
            key = athlete.athlete_id.casefold()
            if key in RESERVED_IDS:
                raise RosterError(
                    f"{path}: athlete id {athlete.athlete_id!r} is a name of the squad's output "
                    f"({', '.join(RESERVED_IDS)}): rename the folder or zip"
                )
            if key in seen:
                raise RosterError(
                    f"athletes {seen[key].path} and {path} have the same id {athlete.athlete_id!r} "
                    "(ids are folder names or zip stems made safe for paths, compared ignoring case): rename one"
                )
            seen[key] = athlete
            here.append(athlete)
        athletes += _with_roster_file(root, here)
    return athletes


def _with_roster_file(root: Path, athletes: list[Athlete]) -> list[Athlete]:
    """``athletes`` with the names and files given by ROOT/athletes.csv, when there is one."""
    path = root / ROSTER_FILE
    if not path.is_file():
        return athletes
    label = str(path)
    by_id = {a.athlete_id: a for a in athletes}
    given: dict[str, int] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise InputFileError(label, f"not a readable CSV ({' '.join(str(err).split())[:120]})") from err
    if not rows:
        raise InputFileError(label, f"empty file: the header {','.join(ROSTER_COLUMNS)} is missing")
    header = [h.strip().lower() for h in rows[0]]
    if "athlete_id" not in header:
        raise InputFileError(label, f"no athlete_id column (header {','.join(ROSTER_COLUMNS)})", row=1)
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        by_id.update(_roster_row(root, label, number, row, by_id, given))
    return [by_id[a.athlete_id] for a in athletes]


def _roster_row(root: Path, label: str, number: int, row: dict, by_id: dict, given: dict) -> dict[str, Athlete]:
    """The athlete one row of athletes.csv describes, with its name and files."""
    raw = row.get("athlete_id", "")
    if not raw:
        raise InputFileError(label, "empty athlete_id", row=number)
    aid = athlete_id(raw)
    if aid not in by_id:
        raise InputFileError(label, f"athlete_id {raw!r}: no folder or .zip of that name under {root}", row=number)
    if aid in given:
        raise InputFileError(label, f"athlete_id {raw!r} is already given in row {given[aid]}", row=number)
    given[aid] = number
    files = {}
    for column in ("shoes_csv", "diary_csv"):
        value = row.get(column, "")
        if value:
            path = root / value
            if not path.is_file():
                raise InputFileError(label, f"{column} {value!r}: no such file under {root}", row=number)
            files[column] = path
    athlete = by_id[aid]
    updated = Athlete(aid, row.get("name") or aid, athlete.path, root, files.get("shoes_csv"), files.get("diary_csv"))
    return {aid: updated}
