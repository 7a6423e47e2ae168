"""Test-only stand-ins of analyzer.squad.page and analyzer.squad.cohort (written by another
branch of issue 18), with their signatures and the least they must do for the engine's
tests: the athlete's row, squad.csv and index.html, and one cohort table. `install` adds an
import finder consulted only after the real ones, so the real modules win where they exist."""

from __future__ import annotations

import html
import importlib.abc
import importlib.util
import sys
import types

STANDINS = ("analyzer.squad.page", "analyzer.squad.cohort")


def _page(module: types.ModuleType) -> None:
    import csv
    import io
    from pathlib import Path

    from analyzer.atomic import write_atomic
    from analyzer.squad.model import OK, AthleteRow

    def row_from_report(report, athlete_id, name, out_dir, files, decoded):
        analysis = report.analysis
        top = analysis.findings[0] if analysis.findings else None
        return AthleteRow(
            athlete_id,
            name,
            OK,
            as_of=analysis.as_of.isoformat(),
            top_cause=top.cause if top else "",
            report=str(Path(report.main).relative_to(Path(out_dir))),
            files=files,
            decoded=decoded,
        )

    def write_squad_page(rows, out_dir, units, title=""):
        out_dir = Path(out_dir)
        buf = io.StringIO()
        fields = list(AthleteRow("", "", OK).as_dict())
        writer = csv.DictWriter(buf, fields)
        writer.writeheader()
        for row in rows:
            writer.writerow(row.as_dict())
        items = "".join(
            f"<li>{html.escape(r.name)}: {html.escape(r.status)} {html.escape(r.reason)}</li>" for r in rows
        )
        return {
            "csv": write_atomic(out_dir / "squad.csv", buf.getvalue()),
            "index": write_atomic(out_dir / "index.html", f"<html><body><ul>{items}</ul></body></html>"),
        }

    module.row_from_report = row_from_report
    module.write_squad_page = write_squad_page


def _cohort(module: types.ModuleType) -> None:
    from pathlib import Path

    def write_athlete_cohort(analysis, athlete_id, cohort_root):
        import pandas as pd

        from analyzer.atomic import write_atomic

        frame = pd.DataFrame({"cause": [str(getattr(f, "cause", "")) for f in analysis.findings]})
        path = Path(cohort_root) / "findings" / f"athlete={athlete_id}" / "part-0.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        return {"findings": write_atomic(path, frame.to_parquet(index=False))}

    module.write_athlete_cohort = write_athlete_cohort


class _Loader(importlib.abc.Loader):
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        (_page if module.__name__.endswith(".page") else _cohort)(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in STANDINS:
            return importlib.util.spec_from_loader(name, _Loader())
        return None


def install() -> None:
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())
