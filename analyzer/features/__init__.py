"""Features: pure functions over the activity and sample tables (frames in, frames out).

load.py      weekly volume, acute:chronic load, long-run spikes, comebacks, monotony,
             efficiency and decoupling, strength sessions (issue 4)
dynamics.py  per-run form summaries, population bands, pace-adjusted baseline, drift (issue 5)
shoes.py     mileage per pair of shoes (issue 5)
"""
