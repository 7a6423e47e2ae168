"""Reports: plots.py (one function per chart, each draws on a matplotlib Axes),
html.py (the self-contained report.html and the optional PDF)."""
