"""A coach's squad and a study's cohort: every athlete analysed the same way
(api.analyze_to), on Dask distributed (a local cluster by default, or an existing one),
with a squad page and a cohort dataset.

model.py   AthleteRow: one athlete's line of the squad page and squad.csv
roster.py  the athletes under the roots: ids, collisions, athletes.csv
engine.py  the Dask client: the cluster, the tasks' scheduling (per athlete, per batch of files)
tasks.py   what the workers run: survey, batch decoding, an athlete's analysis
page.py    index.html and squad.csv
cohort.py  the cohort dataset: DIR/cohort/<table>/athlete=<id>/*.parquet
cohort_schema.py  the cohort's tables and their fixed pyarrow schemas
"""
