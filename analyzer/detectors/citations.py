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

# --- sleep, HRV, resting heart rate, and what a diary records (DOMAIN.md) -------------
WATSON = "Watson NF et al. Sleep 2015;38:843 (AASM/SRS consensus: at least 7 h a night for adults)"
MILEWSKI = (
    "Milewski MD et al. J Pediatr Orthop 2014;34:129 (under 8 h: injury RR 1.7, 95 % CI 1.0-3.0, "
    "112 adolescent athletes: small, and not adults)"
)
PLEWS = (
    "Plews DJ et al. Eur J Appl Physiol 2012;112:3729 (the 7-day rolling mean of ln rMSSD judged "
    "against the athlete's own baseline)"
)
PLEWS_NIGHTS = (
    "Plews DJ et al. Int J Sports Physiol Perform 2014;9:783 (at least 3 valid nights a week for a valid weekly HRV)"
)
BUCHHEIT = (
    "Buchheit M. Front Physiol 2014;5:73 (resting HR and HRV against the athlete's own smallest "
    "worthwhile change, 0.5 x the between-day SD; no universal threshold)"
)
MEEUSEN = "Meeusen R et al. Med Sci Sports Exerc 2013;45:186 (ECSS/ACSM consensus on overtraining)"
GARMIN_HRV = "Garmin HRV Status (FIT hrv_status_summary): the watch's own band, its construction undocumented"
EFSA_WATER = (
    "EFSA Panel on Dietetic Products, Nutrition and Allergies. EFSA Journal 2010;8(3):1459 (adequate "
    "intake of water 2.0 L/day for women, 2.5 L for men, about 80 % of it from drinks)"
)
THOMAS = (
    "Thomas DT, Erdman KA, Burke LM. Med Sci Sports Exerc 2016;48:543 (ACSM/AND/DC: carbohydrate 3-5 g/kg/day "
    "for light training, 5-7 for ~1 h/day, 6-10 for 1-3 h/day)"
)
PEELING = "Peeling P et al. Eur J Appl Physiol 2008;103:381 (iron depletion, stage 1: ferritin < 35 ug/L)"
SIM = "Sim M et al. Eur J Appl Physiol 2019;119:1463 (iron in athletes: ferritin < 35 ug/L as depletion)"
SEED_STRETCHING = (
    "the seed article's advice (10 minutes of stretching after runs); no study shows that stretching "
    "prevents heavy legs: recorded, not proven"
)

REST_ADVICE = (
    "Rest a few days, then run less for a few weeks and build back gradually; raise weekly distance in small steps."
)
