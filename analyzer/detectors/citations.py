"""Sources cited by several detectors, and advice they share."""

from __future__ import annotations

NIELSEN = "Nielsen RO et al. J Orthop Sports Phys Ther 2014;44:739-747 (weak evidence: HR 1.59, 0.96-2.66)"
GABBETT = "Gabbett TJ. Br J Sports Med 2016;50:273-280 (contested: Impellizzeri 2020, Lolli 2019)"
WILLIAMS = "Williams S et al. Br J Sports Med 2017;51:209"
LOLLI = "Lolli L et al. Br J Sports Med 2019;53:921"
FOSTER = "Foster C. Med Sci Sports Exerc 1998;30:1164-1168 (1.5/2.0 levels: Runalyze's convention)"
FRIEL = "TrainingPeaks/Friel efficiency factor and Pa:HR decoupling (convention)"
HR_COVERAGE = (
    "heavylegs convention: a run's efficiency factor needs heart rate on half its moving time, "
    "its decoupling on half of each half (load.HR_MIN_COVERAGE_PCT)"
)
BANDS_SOURCE = (
    "Garmin running-dynamics colour zones (population percentiles), edges as coded in Runalyze's open-source plots"
)
BASELINE_SOURCE = "heavylegs pace-adjusted personal baseline (Theil-Sen, 90 days); robust z (Rousseeuw & Croux 1993)"

REST_ADVICE = (
    "Rest a few days, then run less for a few weeks and build back gradually; raise weekly distance in small steps."
)
