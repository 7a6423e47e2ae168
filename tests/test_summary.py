"""The summary at the top (report/summary.py): written from the findings (every measured
number in it is one the findings show), naming the planted cause first on sample_data/,
"nothing stands out" on a steady history, first in the terminal, report.html (above the
fold in a real browser), findings.json and the PDF, whose pages are rendered to check
that nothing is cut off at the page's edge."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from analyzer import analyze, read_history  # noqa: E402
from analyzer.cli import main  # noqa: E402
from analyzer.detectors.context import Context  # noqa: E402
from analyzer.detectors.run import run_detectors  # noqa: E402
from analyzer.report.draw import TEXT_PAGE_LINES  # noqa: E402
from analyzer.report.html import render_html, write_report  # noqa: E402
from analyzer.report.outputs import findings_json  # noqa: E402
from analyzer.report.summary import WORD_BUDGET, summary, summary_sentences  # noqa: E402
from analyzer.report.text import analysis_lines, pdf_lines  # noqa: E402
from tests.conftest import ROOT, SAMPLE  # noqa: E402
from tests.fakes import FakeHistory, on_days  # noqa: E402
from tests.test_report import CHROMIUM_FLAGS  # noqa: E402

ARTIFACTS = ROOT / "test-artifacts"
SHOES = SAMPLE / "shoes.csv"
#: Every Sunday of the season (sample_data/README.md: Monday 2026-05-11 to Sunday 2026-10-25).
SUNDAYS = [(dt.date(2026, 5, 17) + dt.timedelta(weeks=k)).isoformat() for k in range(24)]
#: The stories' dates (sample_data/README.md): the big week's Sunday, the hot long run,
#: the long-run spike, the short-nights week's last day, the strength block's end, the
#: shoes passing 500 miles, the season's last day.
STORY_DATES = ("2026-07-19", "2026-08-08", "2026-08-23", "2026-09-06", "2026-09-20", "2026-10-03", "2026-10-25")
DATES = sorted(set(SUNDAYS) | set(STORY_DATES))

#: What is not a measurement, and so need not be among the findings' numbers:
#: ISO dates (checked against the findings' windows and evidence dates instead) ...
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
#: ... advice ranges, guidance rather than measurements: "7-9 hours", "300-500 miles",
#: "483-805 km", "1-2 strength sessions" ...
ADVICE_RANGE = re.compile(r"\b\d+-\d+ (?:hours|miles|km|strength sessions)\b")
#: ... and the "Next:" sentence, checked to be the top finding's own advice word for word
#: (its "24 hours" is the advice's, not a measurement).
NEXT = "Next: "
NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
LEAD = re.compile(r"^Most likely cause: ([a-z ]+), ")


@pytest.fixture(scope="module")
def at(sample_history):
    """The analysis of sample_data/ at a date: ``export`` with garmin_export/ (the whole
    folder, as sample_history reads it), else only activities/ and shoes.csv."""
    without = read_history([SAMPLE / "activities", SHOES], cache=sample_history.cache.layout.root, progress=False)
    kept: dict[tuple[str, bool], object] = {}

    def run(day: str, export: bool):
        if (day, export) not in kept:
            kept[day, export] = analyze(sample_history if export else without, as_of=day, shoes=SHOES)
        return kept[day, export]

    return run


def shown_numbers(findings) -> set[str]:
    """Every number as the findings show it: in their evidence values and messages."""
    texts = [str(e.value) for f in findings for e in f.evidence] + [f.message for f in findings]
    return {n for t in texts for n in NUMBER.findall(t)}


def finding_dates(findings) -> set[str]:
    return {d for f in findings for d in (f.window["start"], f.window["end"], *(e.date for e in f.evidence)) if d}


def check_written_from_the_findings(analysis) -> None:
    """Every measured number of the summary is one the findings show, every date one of
    their windows or evidence, the causes named are the findings' in rank order, and the
    "Next:" sentence is the top finding's advice."""
    sentences = summary_sentences(analysis)
    text = " ".join(sentences)
    findings = analysis.findings
    assert 1 <= len(sentences) <= 4, sentences
    assert len(text.split()) <= WORD_BUDGET, text
    assert set(ISO_DATE.findall(text)) <= finding_dates(findings), text
    measured = [s for s in sentences if not s.startswith(NEXT)]
    rest = ADVICE_RANGE.sub(" ", ISO_DATE.sub(" ", " ".join(measured)))
    numbers = NUMBER.findall(rest)
    assert set(numbers) <= shown_numbers(findings), (set(numbers) - shown_numbers(findings), text)
    if not findings:
        assert numbers == [] and not any(s.startswith(NEXT) for s in sentences)
        return
    titles = [f.cause.replace("_", " ") for f in findings]
    assert LEAD.match(text).group(1) == titles[0], text
    also = next((s for s in sentences if s.startswith("Also: ")), "")
    places = [also.find(t) for t in dict.fromkeys(titles[1:]) if t != titles[0] and t in also]
    assert places == sorted(places) and (places or not also), also  # the next findings, in rank order
    step = next(s for s in sentences if s.startswith(NEXT)).removeprefix(NEXT)
    advice = findings[0].advice
    assert advice.startswith(step.rstrip(".")), (step, advice)


@pytest.mark.parametrize("export", [False, True], ids=["activities", "with-garmin-export"])
def test_every_number_in_the_summary_is_one_the_findings_show(at, export):
    for day in DATES:
        check_written_from_the_findings(at(day, export))


def lead_of(text: str) -> str:
    match = LEAD.match(text)
    return match.group(1) if match else ""


@pytest.mark.parametrize("export", [False, True], ids=["activities", "with-garmin-export"])
def test_the_planted_causes_come_first(at, export):
    # Week 9: 58.6 km after 40.9 km (+43 %); its long run leads the event, the week is
    # among its measures (sample_data/README.md, tests/test_analyze.py).
    week = at("2026-07-19", export)
    text = summary(week)
    assert lead_of(text) == "long run spike" and "mileage_jump" in week.findings[0].signals
    assert "weekly distance +43 %" in text.split(". ")[0]
    # 27.1 km against a 30-day longest of 17.0 km: +59 %.
    text = summary(at("2026-08-23", export))
    assert lead_of(text) == "long run spike"
    assert text.startswith("Most likely cause: long run spike, on 2026-08-23: the 27.1 km run +59 % ")
    # Three strength sessions in the week of 14 Sep (the 14th, 16th and 18th).
    text = summary(at("2026-09-20", export))
    assert text.startswith("Most likely cause: strength load, 2026-09-14 to 2026-09-20: 3 strength sessions")
    # The season's end: the form drift (weeks 19-23) or the pair past 500 miles (3 Oct).
    assert lead_of(summary(at("2026-10-25", export))) in ("running form", "worn shoes")


def test_the_short_nights_week_leads_with_the_garmin_export(at):
    # Wake-up dates 31 Aug to 6 Sep: 5.1-5.6 h asleep, HRV and resting heart rate out of
    # their range at an ordinary week's distance (sample_data/README.md, story 8).
    text = summary(at("2026-09-06", True))
    assert text.startswith("Most likely cause: poor recovery, 2026-08-31 to 2026-09-06: sleep ")
    hours = float(re.search(r"sleep (\d\.\d) h a night", text).group(1))
    assert 5.1 <= hours <= 5.6
    assert "HRV down and resting heart rate up at normal training load" in text
    # Without the export, the summary says which files would show it.
    text = summary(at("2026-09-06", False))
    assert (
        "Sleep, HRV and resting heart rate are not in your data: a Garmin Connect export's wellness files would "
        "show them." in text
    )


def test_a_recovery_finding_says_what_its_markers_mean():
    """The wellness detectors' histories (tests/test_wellness_detectors.py): a week of
    5.5 h nights, HRV 45 ms and resting HR 56 bpm with a 20 km run against 8 km (+150 %)
    is overreaching; HRV alone down with resting HR in its range is one marker."""
    from analyzer import columns as C
    from tests.test_wellness_detectors import (
        AS_OF,
        HRV_BASE,
        RHR_BASE,
        WEEK,
        WellHistory,
        _all_three,
        activities,
        activity,
        day,
        readings,
        runs,
    )

    acts = runs(days=[d for d in range(0, AS_OF + 1, 2) if d != 82])
    spike = activities([activity(82, 20_000.0, i=99, hours=2.0)])
    analysis = analyze(_all_three(pd.concat([acts, spike], ignore_index=True)), as_of=day(AS_OF))
    check_written_from_the_findings(analysis)
    assert summary(analysis).startswith(
        "Most likely cause: poor recovery, 2024-03-18 to 2024-03-24: sleep 5.5 h a night, 7 nights under 6 h; "
        "HRV down and resting heart rate up while your training load rose, the pattern of functional overreaching."
    )
    rows = readings(C.HRV_NIGHT_MS, HRV_BASE + [(d, 45.0) for d in WEEK]) + readings(
        C.RESTING_HR_BPM, RHR_BASE + [(d, 50.0) for d in WEEK]
    )
    analysis = analyze(WellHistory(runs(), rows), as_of=day(AS_OF))
    check_written_from_the_findings(analysis)
    assert summary(analysis).startswith(
        "Most likely cause: hrv suppressed, 2024-03-18 to 2024-03-24: HRV 45 ms against your 55 ms; "
        "HRV is down at normal training load, resting heart rate in your usual range."
    )


def test_normal_markers_are_said_when_nothing_stands_out(at):
    # The base phase with the export: every night 7.1-8.3 h, HRV and resting heart rate
    # in their range; no current finding.
    analysis = at("2026-06-28", True)
    assert analysis.findings == []
    sentences = summary_sentences(analysis)
    assert sentences[0].startswith("Nothing stands out in the last four weeks: training load, ")
    assert sentences[1].startswith("Sleep, HRV and resting heart rate were normal in the last week; ")


def test_data_too_thin_to_judge_is_told_apart_from_data_not_there():
    """not_detectable's entries for data that is recorded but too thin (sleep on four
    nights) and for what is missing (no body mass to judge the diary's carbohydrate per
    kg: the body mass is what would tell)."""
    from types import SimpleNamespace

    from analyzer.detectors import not_detectable as nd
    from analyzer.detectors.wellness_rules import TOO_LITTLE
    from analyzer.report.summary import data_gaps

    thin = nd._unjudged(nd.SLEEP, "Sleep is recorded", f"{TOO_LITTLE}4 nights of 7")
    per_kg = nd._unjudged(nd.CARBS, "Carbohydrate is recorded in the diary", "cannot judge carbohydrate per kg")
    assert (thin["status"], per_kg["provided_by"]) == ("partial", nd.MASS_FILES)
    analysis = SimpleNamespace(not_detectable=(nd.IRON, nd.CIRCULATION, per_kg, thin))
    assert data_gaps(analysis) == (
        "Body mass is not in your data: a scale's FIT file or a Garmin export would show it; sleep is recorded on "
        "too few days to judge."
    )
    assert data_gaps(analysis, most=1) == "Sleep is recorded on too few days to judge."


def steady():
    """Eight weeks of four 8 km runs (days 0, 2, 4, 6 of each): no shoes, heart rate,
    dynamics, strength or wellness, so only the load detectors run, and find nothing."""
    runs = [(7 * w + d, 8000.0) for w in range(8) for d in (0, 2, 4, 6)]
    return run_detectors(Context(FakeHistory(on_days(runs))))


NOTHING_SUMMARY = (
    "Nothing stands out in the last four weeks: training load was checked. Sleep, HRV and resting heart rate are "
    "not in your data: a Garmin Connect export's wellness files would show them."
)


def test_no_finding_says_nothing_stands_out_everywhere():
    analysis = steady()
    assert analysis.findings == []
    assert summary(analysis) == NOTHING_SUMMARY
    check_written_from_the_findings(analysis)
    lines = analysis_lines(analysis)
    blank = lines.index("", 2)
    assert (
        " ".join(lines[2:blank]) == NOTHING_SUMMARY
        and lines[blank + 1] == "No cause found in the watch data for the last four weeks."
    )
    assert findings_json(analysis)["summary"] == NOTHING_SUMMARY
    assert f"<p class='summary' id='summary'>{html.escape(NOTHING_SUMMARY)}</p>" in render_html(analysis, [])


def test_the_summary_comes_first_in_every_output(at):
    analysis = at("2026-08-23", False)
    text = summary(analysis)
    # The terminal: after the heading line and a blank one, then a blank before the causes.
    lines = analysis_lines(analysis)
    blank = lines.index("", 2)
    assert " ".join(lines[2:blank]) == text and lines[blank + 1] == "Likely causes, most likely first:"
    assert all(len(line) <= 100 for line in lines)
    # findings.json
    assert findings_json(analysis)["summary"] == text
    # report.html: right under the title, before the ranked findings, escaped (the shoe
    # pair's name, from shoes.csv, is in it).
    page = render_html(analysis, [])
    block = f"<p class='summary' id='summary'>{html.escape(text)}</p>"
    assert page.index("<h1>") < page.index(block) < page.index("<h2>Likely causes")
    # The PDF's first page.
    pdf = pdf_lines(analysis)
    blank = pdf.index("", 2)
    assert " ".join(pdf[2:blank]) == text and pdf[blank + 1].startswith("1. [MEDIUM] long run spike")


def test_a_hostile_shoe_name_in_the_summary_is_escaped(sample_history, tmp_path):
    # The pair past 500 miles on 3 Oct (814 km after that day's run, sample_data/README.md),
    # named by a hostile shoes.csv: the summary names it.
    bad = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    shoes = tmp_path / "shoes.csv"
    quoted = '"' + bad.replace('"', '""') + '"'
    shoes.write_text(SHOES.read_text(encoding="utf-8").replace("Nike Pegasus 40 (blue)", quoted))
    runs = read_history([SAMPLE / "activities"], cache=sample_history.cache.layout.root, progress=False)
    analysis = analyze(runs, as_of="2026-10-03", shoes=shoes)
    assert summary(analysis).startswith(f"Most likely cause: worn shoes, on 2026-10-03: 814 km on your {bad}.")
    page = render_html(analysis, [])
    assert bad not in page and "<p class='summary' id='summary'>Most likely cause: worn shoes" in page
    assert html.escape(bad) in page.split("<h2>")[0]  # in the summary, escaped


#: The report in an iframe of exactly the viewport tested (a headless window is at
#: least 500 px wide and its page shorter than the window); srcdoc, so that the page
#: around it may measure it.
FRAME = """<!DOCTYPE html><html><head><meta charset='utf-8'><style>body{margin:0}</style></head><body>
<iframe id='f' style='border:0;display:block' width='WIDTH' height='HEIGHT' srcdoc="SRCDOC"></iframe>
<script>
const f = document.getElementById('f');
f.addEventListener('load', () => {
  const d = f.contentDocument, w = f.contentWindow;
  const box = d.getElementById('summary').getBoundingClientRect();
  const causes = d.querySelector('h2').getBoundingClientRect();
  document.body.setAttribute('data-bottom', Math.ceil(box.bottom));
  document.body.setAttribute('data-causes', Math.floor(causes.top));
  document.body.setAttribute('data-vw', w.innerWidth);
  document.body.setAttribute('data-vh', w.innerHeight);
});
</script></body></html>"""


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_the_summary_is_above_the_fold_in_a_real_browser(at, tmp_path, width, height):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("headless Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")
    # The season's last day with the export: its summary is the longest of the dates above.
    written = write_report(at("2026-10-25", True), tmp_path / "out", ("html",))
    report = written["report"].read_text(encoding="utf-8")
    page = tmp_path / "frame.html"
    frame = FRAME.replace("WIDTH", str(width)).replace("HEIGHT", str(height))
    page.write_text(frame.replace("SRCDOC", html.escape(report, quote=True)), encoding="utf-8")
    flags = [*CHROMIUM_FLAGS, "--window-size=1400,1200", "--hide-scrollbars"]
    run = subprocess.run(
        [exe, *flags, f"--user-data-dir={tmp_path / 'p1'}", "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    got = {k: int(v) for k, v in re.findall(r'data-(bottom|causes|vw|vh)="(\d+)"', run.stdout)}
    assert set(got) == {"bottom", "causes", "vw", "vh"}, run.stderr[-2000:]
    assert (got["vw"], got["vh"]) == (width, height)
    assert got["bottom"] <= height, got  # the whole summary is on the first screen
    assert got["bottom"] <= got["causes"], got  # and before the ranked causes
    ARTIFACTS.mkdir(exist_ok=True)
    shot = tmp_path / "shot.png"
    subprocess.run(
        [exe, *flags, f"--user-data-dir={tmp_path / 'p2'}", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    pixels = mpimg.imread(shot)
    assert pixels.shape[0] >= height and pixels.shape[1] >= width
    mpimg.imsave(ARTIFACTS / f"summary-{width}x{height}.png", pixels[:height, :width])


#: A page's edge band that must stay blank [pt]: tight_layout's pad around a chart is
#: 1.08 x its 10 pt font (10.8 pt), the text pages' margin 0.06 x 595 pt (36 pt).
EDGE_PT = 4.0
#: Rendered at this resolution [pixels per inch]: 50 dpi gives an A4 page of 414 x 585.
PNG_DPI = 50
#: The text pages (draw.text_page): A4 in points, the text starting 0.06 of the width in.
A4_PT = (595.44, 841.68)
TEXT_LEFT = 0.06


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        pytest.skip(f"{name} is not installed (Debian package poppler-utils; .ci/run installs it)")
    return exe


def _words(pdf) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """(width, height, [(xMin, yMin, xMax, yMax, word)]) per page, from pdftotext -bbox."""
    out = subprocess.run([_tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True)
    pages = []
    for page in re.findall(r"<page (.*?)</page>", out.stdout, re.S):
        w, h = (float(v) for v in re.match(r'width="([\d.]+)" height="([\d.]+)"', page).groups())
        words = [
            (float(a), float(b), float(c), float(d), html.unescape(t))
            for a, b, c, d, t in re.findall(
                r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', page
            )
        ]
        pages.append((w, h, words))
    return pages


@pytest.mark.parametrize(
    ("inputs", "day"),
    [
        # Without the export the wellness chart is not drawn: its long "not drawn" line
        # goes on the text page.
        (("activities", "shoes.csv"), "2026-08-23"),
        ((".",), "2026-09-06"),
    ],
    ids=["activities", "with-garmin-export"],
)
def test_the_pdf_has_the_summary_first_and_nothing_cut_off(sample_history, tmp_path, inputs, day):
    pdftoppm = _tool("pdftoppm")
    pdftotext = _tool("pdftotext")
    out = tmp_path / "out"
    cache = str(sample_history.cache.layout.root)
    args = ["analyze", *(str(SAMPLE / p) for p in inputs), "--out", str(out), "--as-of", day, "--format", "pdf"]
    res = CliRunner().invoke(main, [*args, "--cache", cache, "--shoes", str(SHOES)])
    assert res.exit_code == 0, res.output
    pdf = out / "report.pdf"
    text = json.loads((out / "findings.json").read_text(encoding="utf-8"))["summary"]
    # Page 1 starts with the title, then the summary.
    first = subprocess.run([pdftotext, "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True)
    title = f"Why do my legs feel heavy? As of {dt.date.fromisoformat(day):%d %B %Y}"
    assert " ".join(first.stdout.split()).startswith(f"{title} {text} 1. ["), first.stdout[:600]
    # Every word inside its page; on the text pages, inside the margins, and no more
    # lines than a page holds.
    pages = _words(pdf)
    text_pages = 0
    for n, (w, h, words) in enumerate(pages, 1):
        assert words, f"page {n} has no text"
        for _, _, x1, y1, word in words:
            assert x1 <= w and y1 <= h, (n, word, x1, y1, w, h)
        if (round(w, 2), round(h, 2)) == A4_PT:
            text_pages += 1
            left, right = w * TEXT_LEFT, w * (1 - TEXT_LEFT)
            assert min(x0 for x0, _, _, _, _ in words) >= left - 0.5
            assert max(x1 for _, _, x1, _, _ in words) <= right, (n, max(words, key=lambda t: t[2]))
            assert len({round(y0) for _, y0, _, _, _ in words}) <= TEXT_PAGE_LINES
    assert text_pages >= 1
    # Rendered, no ink in the band at the right and bottom edge of any page.
    subprocess.run([pdftoppm, "-r", str(PNG_DPI), "-png", str(pdf), str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(pages)
    band = max(1, round(EDGE_PT / 72 * PNG_DPI))
    for png in pngs:
        ink = mpimg.imread(png)[..., :3].min(axis=2) < 0.9
        assert not ink[:, -band:].any(), f"{png.name}: ink at the right edge"
        assert not ink[-band:, :].any(), f"{png.name}: ink at the bottom edge"
