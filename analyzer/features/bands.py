"""Published bands and limits that the report's charts draw, with their sources.

They live here, free of pandas, so that the figure helper (report/render.py) can draw
them without importing pandas; load/ and dynamics.py use and re-export them.
"""

from __future__ import annotations

from ..units import M_PER_MILE

#: ACWR "sweet spot" and danger zone: Gabbett TJ. Br J Sports Med 2016;50:273-280.
#: Widely quoted and contested (Impellizzeri FM et al. Sports Med 2020; Lolli L et al.
#: BJSM 2019;53:921): shown with the critique.
ACWR_SWEET_SPOT = (0.8, 1.3)
ACWR_DANGER = 1.5

# --- running-dynamics population bands -------------------------------------------------
#: Garmin's running-dynamics colour zones are population percentiles: purple > 95th,
#: blue 70-95th, green 30-69th, orange 5-29th, red < 5th (best to worst). Edges between
#: them as coded in Runalyze's open-source plots (see shared DOMAIN.md). Population
#: bands confound pace with form: see baseline.pace_adjusted_form for the personal view.
BAND_NAMES = ("purple", "blue", "green", "orange", "red")
#: Ground contact time edges, best to worst [ms] (shorter is "better").
GCT_BAND_EDGES_MS = (208.0, 240.0, 272.0, 305.0)
#: Vertical oscillation edges, best to worst [mm] (smaller is "better").
VO_BAND_EDGES_MM = (67.0, 83.0, 100.0, 118.0)
#: Vertical ratio edges, best to worst [%] (smaller is "better").
VR_BAND_EDGES_PCT = (6.1, 7.4, 8.6, 10.1)
#: Cadence edges, best to worst [steps/min] (higher is "better").
CADENCE_BAND_EDGES_SPM = (185.0, 173.0, 162.0, 151.0)

# --- shoes ------------------------------------------------------------------------------
#: The seed article's "replace shoes every 300-500 miles" (483 / 805 km) [m]. This is
#: industry guidance, not a finding: no study establishes it as a threshold. What
#: exists: Cook SD et al. 1985 (machine-worn shoes kept ~60 % of their cushioning at
#: 500 miles, runner-worn ~80 %); Wang L et al., Footwear Science 2010 (peak force
#: +4.9 % after 500 km); Malisoux L et al., Scand J Med Sci Sports 2015 (runners who
#: rotate several pairs: injury hazard ratio 0.61, 0.39-0.97).
SHOE_GUIDANCE_LOW_M = 300 * M_PER_MILE
SHOE_GUIDANCE_HIGH_M = 500 * M_PER_MILE
