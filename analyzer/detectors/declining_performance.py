"""Declining performance: less ground covered per heartbeat than in the weeks before."""

from __future__ import annotations

import pandas as pd

from .. import columns as C
from ..features import load
from .base import Detector, Evidence, Threshold, exceedance, rounded
from .citations import FRIEL, HR_COVERAGE

#: Efficiency factor falling by this much [%] from the runner's own baseline counts as
#: declining performance (heavylegs convention on Friel's EF; day-to-day EF varies ~2-4 %).
EF_DROP_PCT = 5.0
#: Runs compared for EF: at least this long moving [s] (steady aerobic runs).
EF_MIN_MOVING_S = 20 * 60
#: Recent window and baseline window [days] for EF; each needs EF_MIN_RUNS runs.
EF_RECENT_DAYS = 21
EF_BASELINE_DAYS = 56
EF_MIN_RUNS = 3
#: Strength grows from the drop limit to full 15 points past it (heavylegs convention).
EF_SCORE_SPAN_PCT = 15.0


class DecliningPerformance(Detector, id="declining_performance", category="performance", rank=1, needs=("runs",)):
    thresholds = (
        Threshold("efficiency factor drop", EF_DROP_PCT, "%", FRIEL),
        Threshold("heart rate recorded on", load.HR_MIN_COVERAGE_PCT, "% of moving time", HR_COVERAGE),
    )
    advice = (
        "Ease off for a week or two. If your heart rate at a given pace keeps creeping up without harder "
        "training, see a physician: iron deficiency and illness show up this way."
    )
    description = "Median efficiency factor of the last 3 weeks >= 5 % below the 8 weeks before, on runs of 20+ min."

    def detect(self, ctx):
        eff = ctx.efficiency
        long_enough = eff[eff[C.MOVING_S] >= EF_MIN_MOVING_S] if len(eff) else eff
        eff = long_enough[long_enough[C.EF_M_PER_BEAT].notna()]
        if len(eff) < 2 * EF_MIN_RUNS:
            left_out = len(long_enough) - len(eff)
            why = (
                f" ({left_out} left out: heart rate on under {load.HR_MIN_COVERAGE_PCT:g} % of their moving time)"
                if left_out
                else ""
            )
            return self.skipped(f"too few runs with heart rate of 20+ minutes to compare efficiency{why}")
        day = pd.to_datetime(eff[C.DATE])
        recent_start = ctx.as_of_ts - pd.Timedelta(days=EF_RECENT_DAYS - 1)
        base_start = recent_start - pd.Timedelta(days=EF_BASELINE_DAYS)
        recent = eff[day >= recent_start]
        base = eff[(day >= base_start) & (day < recent_start)]
        if len(recent) < EF_MIN_RUNS or len(base) < EF_MIN_RUNS:
            return self.skipped(
                f"needs {EF_MIN_RUNS}+ runs with heart rate in the last {EF_RECENT_DAYS} days and in the "
                f"{EF_BASELINE_DAYS} days before"
            )
        ef_recent, ef_base = recent[C.EF_M_PER_BEAT].median(), base[C.EF_M_PER_BEAT].median()
        drop = 100.0 * (1.0 - ef_recent / ef_base)
        if drop < EF_DROP_PCT:
            return []
        coverage = pd.concat([recent, base])[C.HR_COVERAGE_PCT].median()
        return [self._finding(ctx, ef_recent, ef_base, drop, coverage, recent_start, base_start)]

    def _finding(self, ctx, ef_recent: float, ef_base: float, drop: float, coverage: float, recent_start, base_start):
        # Weekly load over exactly the two windows (daily distance, so an unfinished
        # calendar week does not count as a full one).
        daily = ctx.daily[C.LOAD]
        recent_load = daily[daily.index >= recent_start].sum() / (EF_RECENT_DAYS / 7)
        base_load = daily[(daily.index >= base_start) & (daily.index < recent_start)].sum() / (EF_BASELINE_DAYS / 7)
        high_load = recent_load >= base_load
        severity = "medium" if high_load else "low"
        ev = [
            Evidence(
                "efficiency factor, last 3 weeks (median)",
                rounded(ef_recent, 3),
                "m/beat",
                None,
                recent_start.date().isoformat(),
                FRIEL,
            ),
            Evidence(
                "efficiency factor, 8 weeks before (median)",
                rounded(ef_base, 3),
                "m/beat",
                None,
                base_start.date().isoformat(),
                FRIEL,
            ),
            Evidence("drop", rounded(drop), "%", f">= {EF_DROP_PCT:g} %", None, FRIEL),
            Evidence(
                "heart rate recorded on (median of the runs compared)",
                rounded(coverage),
                "% of moving time",
                f">= {load.HR_MIN_COVERAGE_PCT:g} % each",
                None,
                HR_COVERAGE,
            ),
            Evidence(
                "weekly distance, recent vs before",
                f"{ctx.dist(recent_load):.1f} vs {ctx.dist(base_load):.1f}",
                f"{ctx.units}/week",
            ),
        ]
        why = (
            "while training load is high"
            if high_load
            else "without more training: consider illness, sleep, iron (a physician can check)"
        )
        msg = (
            f"You cover {drop:.0f} % less ground per heartbeat than in the 8 weeks before "
            f"({ef_recent:.2f} vs {ef_base:.2f} m/beat), {why}."
        )
        strength = exceedance(drop, EF_DROP_PCT, EF_SCORE_SPAN_PCT)
        return self.finding(ctx, severity, strength, recent_start, ctx.as_of_ts, ev, msg)
