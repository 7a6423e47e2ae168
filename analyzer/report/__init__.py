"""Reports: what an analysis says, for people and for programs.

model.py       one view of the findings, shared by every output
summary.py     the answer first: two to four sentences written from the findings
text.py        the terminal summaries and the PDF's text page
outputs.py     findings.json, weekly.csv, activities.csv, the import JSON
html.py        the self-contained report.html (and report.pdf)
charts.py      every chart declared once (inputs, caption, size) and its data bundle
plots.py       one drawing function per chart (numpy and matplotlib only)
draw.py        drawing in this process; fork.py in forked copies;
helper.py      the figure helper process; kept_charts.py charts kept in the cache
heavy.py       the section "Your heavy-legs days" (terminal, PDF, HTML)
wellness_chart.py, plot_wellness.py   the wellness chart's data and drawing
table.py       Table: the numpy columns a chart reads
"""
