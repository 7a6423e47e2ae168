"""What the three running-form detectors share: a form metric of the recent runs
against the runner's own pace-adjusted baseline and the population bands. Each metric
is its own detector (ground_contact.py, vertical_oscillation.py, cadence.py)."""

from __future__ import annotations

import math

import pandas as pd

from .. import columns as C
from ..features import baseline
from .base import Detector, Evidence, Threshold, exceedance, iso, rounded
from .citations import BANDS_SOURCE, BASELINE_SOURCE

#: The evidence row of a form finding made while a new device came in (consolidate.py
#: names the device once in the running_form finding that gathers such findings).
NEW_DEVICE_METRIC = "new device, compared only with its own runs"

#: Runs of the last RECENT_DAYS [days] are judged (heavylegs convention: about a month).
RECENT_DAYS = 28
#: Fewest recent runs with dynamics to judge form.
MIN_RECENT_RUNS = 3
#: "Well above the baseline": median robust z of the recent runs at least this
#: (two robust SDs; heavylegs convention)...
Z_LIMIT = 2.0
#: ...and a median deviation at least this large (heavylegs convention, about the
#: session-to-session spread of each metric at a fixed pace).
MIN_EFFECT = {C.FORM_GCT_MS: 8.0, C.FORM_VO_MM: 4.0, C.FORM_CADENCE_SPM: 4.0}
#: The two worst population bands, and the share of recent runs in them that counts.
WORST_BANDS = ("orange", "red")
WORST_BAND_SHARE = 0.5
#: Strength grows from Z_LIMIT to full three robust SDs past it (heavylegs convention).
Z_SCORE_SPAN = 3.0
#: Days per week, for the trend of the deviation.
DAYS_PER_WEEK = 7

FORM_ADVICE = (
    'Think "quick steps": a slightly higher cadence with shorter, lighter ground contact; add drills and '
    "strides, and check fatigue, since form degrades when legs are tired."
)


class FormSignal(Detector):
    """Worse = higher (GCT, VO) or lower (cadence) than the baseline at the same pace."""

    category = "form"
    metric = ""  # dynamics short name
    label = ""
    unit = ""
    sign = 1.0  # +1: higher is worse; -1: lower is worse
    band_col = ""
    band_edges: tuple[float, ...] = ()  # population band edges, best to worst
    advice = FORM_ADVICE

    def __init_subclass__(cls, **kwargs) -> None:
        if cls.band_edges:  # one metric's detector: its thresholds follow from its data
            worse, side, z_side = (">", "above", ">=") if cls.sign > 0 else ("<", "below", "<=")
            effect = f"{'+' if cls.sign > 0 else '-'}{MIN_EFFECT[cls.metric]:g}"
            cls.thresholds = (
                Threshold("worst bands", f"{worse} {cls.band_edges[2]:g}", cls.unit, BANDS_SOURCE),
                Threshold(
                    f"{side} own baseline", f"z {z_side} {cls.sign * Z_LIMIT:g} and {effect}", cls.unit, BASELINE_SOURCE
                ),
            )
        super().__init_subclass__(**kwargs)

    def detect(self, ctx):
        form = ctx.form
        med = C.form_column(C.MEDIAN, self.metric)
        day = pd.to_datetime(form[C.START_LOCAL]).dt.normalize()
        recent = form[(day > ctx.as_of_ts - pd.Timedelta(days=RECENT_DAYS)) & form[med].notna()]
        if len(recent) < MIN_RECENT_RUNS:
            return self.skipped(f"fewer than {MIN_RECENT_RUNS} runs with {self.label} in the last {RECENT_DAYS} days")
        signal = self._signal(ctx, recent)
        new = self._new_device(ctx, form[form[med].notna()], day)
        if signal is None:
            if new is not None and new["judged"] < MIN_RECENT_RUNS:
                return self.skipped(
                    f"a new device ({new['device']}) from {new['from']:%Y-%m-%d}: its {self.label} is compared only "
                    f"with its own runs, and {new['runs']} runs on it are too few for a personal baseline (need "
                    f"{baseline.MIN_BASELINE_RUNS}); the change that came with it is not read as form"
                )
            return []
        start, end = day[recent.index].min(), day[recent.index].max()
        return [self._finding(ctx, recent, signal, start, end, new)]

    def _new_device(self, ctx, measured: pd.DataFrame, day: pd.Series) -> dict | None:
        """A new device: one whose first run with the metric falls inside the recent
        window, after runs on another device (its runs have a baseline of their own,
        restarted). The latest such device: device, from (its first day), runs (on it
        so far) and judged (its runs with a pace-adjusted deviation); None when there
        is none. Two watches worn in turn since before the window are not new; runs of
        no known device (GPX) say nothing about a change."""
        if C.DEVICE not in measured:
            return None
        measured = measured[measured[C.DEVICE] != ""].assign(day=day)
        if measured.empty:
            return None
        first_seen = measured.groupby(C.DEVICE)["day"].min()
        new = first_seen[(first_seen > ctx.as_of_ts - pd.Timedelta(days=RECENT_DAYS)) & (first_seen > first_seen.min())]
        if new.empty:
            return None
        device = new.idxmax()
        on = measured[measured[C.DEVICE] == device]
        judged = int(on[C.form_column(C.DEVIATION, self.metric)].notna().sum())
        return {"device": device, "from": new.max(), "runs": len(on), "judged": judged}

    def _signal(self, ctx, recent: pd.DataFrame) -> dict | None:
        """The recent runs against the baseline and bands: severity, median deviation and
        z, trend per week, share in the worst bands; None when nothing is wrong."""
        dev = recent[C.form_column(C.DEVIATION, self.metric)] * self.sign
        z = recent[C.form_column(C.Z, self.metric)] * self.sign
        have_baseline = dev.notna().sum() >= MIN_RECENT_RUNS
        med_dev = float(dev.median()) if have_baseline else float("nan")
        med_z = float(z.median()) if have_baseline else float("nan")
        adjusted_bad = have_baseline and med_z >= Z_LIMIT and med_dev >= MIN_EFFECT[self.metric]
        bad_bands = recent[self.band_col].isin(WORST_BANDS).mean() >= WORST_BAND_SHARE
        # Rising: the pace-adjusted deviation grows over the recent runs (Theil-Sen slope).
        slope = float("nan")
        if have_baseline:
            ok = dev.notna()
            t = (pd.to_datetime(recent.loc[ok, "start_local"]) - ctx.as_of_ts).dt.total_seconds() / 86400
            if ok.sum() >= MIN_RECENT_RUNS and t.nunique() > 1:
                slope = baseline.theil_sen(t.to_numpy(), dev[ok].to_numpy())[1] * DAYS_PER_WEEK
        rising = math.isfinite(slope) and slope > 0
        if adjusted_bad and (rising or bad_bands):
            severity = "high" if bad_bands and rising else "medium"
        elif bad_bands and not have_baseline:
            severity = "low"
        else:
            return None
        return {"severity": severity, "dev": med_dev, "z": med_z, "slope": slope, "rising": rising, "bands": bad_bands}

    def _finding(self, ctx, recent: pd.DataFrame, s: dict, start, end, new: dict | None):
        med = C.form_column(C.MEDIAN, self.metric)
        worse = "+" if self.sign > 0 else "-"
        ev = [
            Evidence(
                f"{self.label}, recent median", rounded(recent[med].median()), self.unit, None, end.date().isoformat()
            ),
            Evidence(
                f"{self.label} vs own baseline at the same pace",
                rounded(self.sign * s["dev"]),
                self.unit,
                f"{worse}{MIN_EFFECT[self.metric]:g} {self.unit}",
                None,
                BASELINE_SOURCE,
            ),
            Evidence(
                "robust z-score",
                rounded(self.sign * s[C.Z], 2),
                "",
                f"{'>=' if self.sign > 0 else '<='} {self.sign * Z_LIMIT:g}",
                None,
                BASELINE_SOURCE,
            ),
            Evidence("trend of the deviation", rounded(self.sign * s["slope"], 2), f"{self.unit}/week", "rising"),
            Evidence(
                "recent runs in the two worst population bands",
                rounded(100 * recent[self.band_col].isin(WORST_BANDS).mean(), 0),
                "%",
                f">= {100 * WORST_BAND_SHARE:.0f} %",
                None,
                BANDS_SOURCE,
            ),
        ]
        message = self._message(recent, s)
        if new is not None:
            ev.append(Evidence(NEW_DEVICE_METRIC, new["device"], "", None, iso(new["from"])))
            message += (
                f" A new device ({new['device']}) from {new['from']:%d %b %Y} may read {self.label} differently: "
                f"its runs are compared only among themselves ({new['judged']} of its {new['runs']} with a baseline)."
            )
        strength = exceedance(s[C.Z], Z_LIMIT, Z_SCORE_SPAN) if math.isfinite(s[C.Z]) else 0.0
        return self.finding(ctx, s["severity"], strength, start, end, ev, message, brief=self._brief(recent, s))

    def _brief(self, recent: pd.DataFrame, s: dict) -> str:
        """A few words for the running_form finding that gathers this one."""
        if math.isfinite(s["dev"]):
            return f"{self.label} {self.sign * s['dev']:+.0f} {self.unit}"
        median = recent[C.form_column(C.MEDIAN, self.metric)].median()
        return f"{self.label} {median:.0f} {self.unit} (in the population's two worst bands, no baseline yet)"

    def _message(self, recent: pd.DataFrame, s: dict) -> str:
        if math.isfinite(s["dev"]):
            return (
                f"Over the last {RECENT_DAYS} days your {self.label} is {abs(s['dev']):.0f} {self.unit} "
                f"{'above' if self.sign > 0 else 'below'} your own baseline at the same pace"
                + (" and getting worse" if s["rising"] else "")
                + (", in the population's two worst bands" if s["bands"] else "")
                + "."
            )
        return (
            f"Your {self.label} ({recent[C.form_column(C.MEDIAN, self.metric)].median():.0f} {self.unit}) sits in the population's "
            "two worst bands; too few runs for a personal baseline at your pace, and bands partly reflect pace."
        )
