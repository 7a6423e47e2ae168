"""Features: pure functions over the activity and sample tables (frames in, frames out).

load         weekly volume, acute:chronic load, long-run spikes, comebacks, monotony,
             efficiency and decoupling, strength sessions
dynamics.py  per-run form summaries, population bands, pace-adjusted baseline, drift
shoes.py     mileage per pair of shoes
per_run.py   the per-run features computed at import (cached beside the samples), on
             numpy columns by run_numpy.py (grouped reductions: run_kernels.py), the same
             frames bit for bit as the pandas functions above give
bands.py     the published bands and limits the report's charts draw (no pandas)
proportion.py  a share's 95 % Wilson score interval
"""
