"""Names from files are shown, never run, and never break the layout (issue 19, point 4).

Every string that comes from a file or the user — a GPX <name>, <desc> and <type>, FIT
developer field names, file and archive member names, shoe names from shoes.csv and from
Strava's gear, Strava activity names and types, athlete names from athletes.csv — is fed
here as ``<script>``, as ``"><img src=x onerror=alert(1)>``, as a 300-character name
without a space and as a name matplotlib would read as mathematics, through
`heavylegs analyze` into report.html (and report.pdf), through `write_squad_page` into the
squad page, and through `heavylegs why` into why-<date>.html when the library has
`explain_run`. Headless Chromium then opens each page: no script runs (no alert, no
injected element or handler), no console message, no network request, every image has
its alt text, and nothing scrolls sideways at 390 px wide (long names wrap) or 1280 px.

Chromium's windows are at least 500 px wide, so the 390 px check loads the page in an
iframe 390 px wide (its viewport is then 390 px); the probe inside posts what it saw to
the outer page. Screenshots of the sample season's report at 1280x800 and 390x844 go to
test-artifacts/.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from analyzer import api
from tests.conftest import ROOT, SAMPLE
from tests.test_report import CHROMIUM_FLAGS

ARTIFACTS = ROOT / "test-artifacts"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
#: 300 characters without a space: must wrap, never widen the page.
LONG = "Lo" + "n" * 296 + "g!"
#: matplotlib would read this as mathematics and fail on it (an unknown command).
MATH = r"Race $\oops{$ flats"
HOSTILE = (SCRIPT, IMG, LONG, MATH)
#: A file name holds no '/' and at most 255 bytes: the on-disk versions.
FILE_SCRIPT = "<script>alert(1)<\\script>"
FILE_LONG = "W" * 240
#: Narrowest phone layout checked [CSS px] and the windows of the screenshots.
PHONE_WIDTH = 390
DAY0 = dt.datetime(2024, 3, 1, 7, 0)


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("headless Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")
    return exe


# --- the hostile inputs ----------------------------------------------------------------


def gpx_text(start: dt.datetime, name: str, kind: str = "running", minutes: int = 40) -> str:
    """A GPX 1.1 run at 3 m/s northwards, a point every 2 s, with ``name`` as its metadata
    and track <name> and <desc> and ``kind`` as its <type>."""
    points = []
    for i in range(minutes * 30 + 1):
        when = start + dt.timedelta(seconds=2 * i)
        lat = 47.0 + i * 6.0 / 111_195.0  # 6 m per point
        points.append(f'<trkpt lat="{lat:.7f}" lon="8.5000000"><time>{when:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>')
    e = html.escape
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="heavylegs test" '
        'xmlns="http://www.topografix.com/GPX/1/1">'
        f"<metadata><name>{e(name)}</name><desc>{e(name)}</desc></metadata>"
        f"<trk><name>{e(name)}</name><desc>{e(name)}</desc><type>{e(kind)}</type><trkseg>"
        + "".join(points)
        + "</trkseg></trk></gpx>"
    )


def fit_with_developer_fields(start: dt.datetime, names: list[str]) -> bytes:
    """A 40-minute FIT run whose records carry one developer field per name in ``names``
    (FIT strings hold at most 255 bytes: each name is cut to 200 characters)."""
    from fit_tool.base_type import BaseType
    from fit_tool.developer_field import DeveloperField
    from fit_tool.profile.messages import record_message
    from fit_tool.profile.messages.developer_data_id_message import DeveloperDataIdMessage
    from fit_tool.profile.messages.field_description_message import FieldDescriptionMessage

    from tests import fitmake

    names = [n[:200] for n in names]
    app = DeveloperDataIdMessage()
    app.developer_data_index, app.application_version = 0, 1
    described = []
    for number, name in enumerate(names):
        d = FieldDescriptionMessage()
        d.developer_data_index, d.field_definition_number = 0, number
        d.fit_base_type_id, d.field_name, d.units = BaseType.UINT16, name, name[:30]
        described.append(d)

    class DevRecord(record_message.RecordMessage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.developer_fields = []
            for number, name in enumerate(names):
                f = DeveloperField(field_id=number, name=name, base_type=BaseType.UINT16, size=2)
                f.set_value(0, 100 + number)
                self.developer_fields.append(f)

    real, record_message.RecordMessage = record_message.RecordMessage, DevRecord
    try:
        return fitmake.fit_bytes([fitmake.run(2400)], start, extra=[app, *described])
    finally:
        record_message.RecordMessage = real


#: Strava's current activities.csv header (two Elapsed Time and two Distance columns).
STRAVA_HEADER = [
    "Activity ID",
    "Activity Date",
    "Activity Name",
    "Activity Type",
    "Activity Description",
    "Elapsed Time",
    "Distance",
    "Activity Gear",
    "Filename",
    "Elapsed Time",
    "Moving Time",
    "Distance",
]


def strava_csv(path: Path) -> None:
    """A run every other day for eight weeks in Strava's activities.csv, each named and
    geared with a hostile string in turn, then a 30 km long run (a spike), and one
    activity whose type is hostile (another sport, named in "What the analysis used")."""
    rows = []
    for n in range(29):
        when = DAY0 + dt.timedelta(days=2 * n)
        metres = 30_000.0 if n == 28 else 10_000.0
        name, gear = HOSTILE[n % 4], HOSTILE[(n + 1) % 4]
        seconds = int(metres / 2.8)
        rows.append([9000 + n, f"{when:%b} {when.day}, {when:%Y, %-I:%M:%S %p}", name, "Run", name, seconds,
                     f"{metres / 1000:.2f}", gear, "", seconds, seconds, metres])  # fmt: skip
    when = DAY0 + dt.timedelta(days=57)
    rows.append([9100, f"{when:%b} {when.day}, {when:%Y, %-I:%M:%S %p}", SCRIPT, SCRIPT, IMG, 1800, "0.00", IMG,
                 f"activities/{IMG}.fit", 1800, 1800, 0.0])  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(STRAVA_HEADER)
        writer.writerows(rows)


def shoes_csv(path: Path) -> None:
    """The hostile pairs, all but the second already past 500 miles (worn-shoes findings)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "first_used", "retired", "initial_km"])
        for name, km in zip(HOSTILE, (900, 0, 900, 900), strict=True):
            writer.writerow([name, "2024-02-01", "", km])


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    """The runner's folder of hostile files, and its shoes.csv."""
    root = tmp_path_factory.mktemp("hostile")
    runs = root / "runs"
    runs.mkdir()
    strava_csv(runs / "activities.csv")
    (runs / f"{IMG} run.gpx").write_text(gpx_text(DAY0 + dt.timedelta(days=59), SCRIPT), encoding="utf-8")
    (runs / "other.gpx").write_text(gpx_text(DAY0 + dt.timedelta(days=58, hours=5), LONG, kind=IMG), "utf-8")
    for name in (FILE_SCRIPT, IMG, FILE_LONG):
        (runs / f"{name}.fit").write_bytes(f"not a FIT file: {name}".encode())
    with zipfile.ZipFile(runs / "export.zip", "w") as zf:
        for name in (f"{SCRIPT}.fit", f"{IMG}/x.fit", f"{'M' * 300}.fit"):
            zf.writestr(name, f"not a FIT file: {name}".encode())
        zf.writestr(f"{SCRIPT}/dev.fit", fit_with_developer_fields(DAY0 + dt.timedelta(days=60), list(HOSTILE)))
    shoes = root / "shoes.csv"
    shoes_csv(shoes)
    return {"runs": runs, "shoes": shoes, "root": root}


@pytest.fixture(scope="module")
def report(inputs, tmp_path_factory):
    """`heavylegs analyze` of the hostile folder, HTML and PDF."""
    out = tmp_path_factory.mktemp("hostile-out")
    result = api.analyze_to(
        [inputs["runs"]], out, shoes=inputs["shoes"], formats=("html", "pdf"), cache=inputs["root"] / "cache"
    )
    return SimpleNamespace(result=result, out=out, page=result.main.read_text(encoding="utf-8"))


# --- the browser -----------------------------------------------------------------------

PROBE = """<script>
(() => {
  const hostile = %s;
  const seen = {alerts: 0};
  for (const f of ['alert', 'confirm', 'prompt', 'print', 'open']) window[f] = () => { seen.alerts += 1; };
  window.addEventListener('load', () => {
    const all = [...document.querySelectorAll('*')];
    const text = document.body.textContent;
    const images = [...document.images];
    const result = {
      alerts: seen.alerts,
      scripts: document.scripts.length,
      handlers: all.filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
      iframes: document.querySelectorAll('iframe, object, embed').length,
      images: images.length,
      notData: images.filter(i => !i.getAttribute('src').startsWith('data:')).length,
      noAlt: images.filter(i => !(i.getAttribute('alt') || '').trim()).length,
      bad: images.filter(i => !(i.complete && i.naturalWidth > 0)).length,
      net: performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('data:')),
      shown: hostile.map(h => text.split(h).length - 1),
      width: window.innerWidth,
      scrollWidth: document.documentElement.scrollWidth,
    };
    if (window.parent !== window) window.parent.postMessage(result, '*');
    else document.documentElement.setAttribute('data-probe', JSON.stringify(result));
  });
})();
</script>"""

FRAME = """<!DOCTYPE html><html><head><meta charset='utf-8'></head><body style='margin:0'>
<iframe src='%s' style='width:%dpx;height:844px;border:0'></iframe>
<script>window.addEventListener('message', e => document.documentElement.setAttribute('data-probe',
JSON.stringify(e.data)));</script></body></html>"""


def _probed(page: Path, tmp: Path) -> Path:
    """A copy of ``page`` with the probe first in its <head>."""
    text = page.read_text(encoding="utf-8")
    # '<' as \u003c: the names' "</script>" must not end the probe's own script.
    probe = PROBE % json.dumps(list(HOSTILE)).replace("<", "\\u003c")
    copy = tmp / f"probed-{page.name}"
    copy.write_text(text.replace("<head>", "<head>" + probe, 1), encoding="utf-8")
    return copy


def browse(page: Path, tmp: Path, width: int) -> tuple[dict, list[str]]:
    """Open ``page`` (probed) ``width`` CSS px wide in headless Chromium: what the probe
    saw, and the console messages."""
    exe = _chromium()
    target = _probed(page, tmp)
    window = max(width, 500)
    if width < 500:  # Chromium's windows are at least 500 px wide: a 390 px iframe
        frame = tmp / f"frame-{width}-{page.name}"
        frame.write_text(FRAME % (target.name, width), encoding="utf-8")
        target = frame
    run = subprocess.run(
        [exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp / f'profile-{width}'}", f"--window-size={window},844",
         "--hide-scrollbars", "--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0", "--dump-dom",
         target.as_uri()],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    found = re.search(r'data-probe="([^"]*)"', run.stdout)
    assert found, f"the probe did not report: {run.stderr[-2000:]}"
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    return json.loads(html.unescape(found.group(1))), console


def assert_inert(page: Path, tmp: Path, images: int | None = None) -> dict:
    """The checks of the module docstring at 390 px and 1280 px; returns the 390 px probe."""
    for width in (PHONE_WIDTH, 1280):
        seen, console = browse(page, tmp, width)
        assert console == [], (page.name, width, console)
        assert seen["width"] == width, seen
        assert seen["alerts"] == 0 and seen["handlers"] == 0 and seen["iframes"] == 0, (page.name, seen)
        assert seen["scripts"] == 1, "a script other than the probe is in the page"
        assert seen["notData"] == 0 and seen["net"] == [], ("network request", seen["net"])
        assert seen["noAlt"] == 0 and seen["bad"] == 0, ("an image without alt text, or broken", seen)
        if images is not None:
            assert seen["images"] == images, seen
        assert seen["scrollWidth"] <= width + 1, (page.name, width, seen["scrollWidth"], "the page scrolls sideways")
    return seen


def assert_escaped(text: str) -> None:
    """No hostile markup in the page's source: only its escaped form."""
    for raw in ("<script>alert", "<img src=x", "onerror=alert(1)>"):
        assert raw not in text, raw


# --- report.html -----------------------------------------------------------------------


def test_the_hostile_inputs_were_read(report):
    """Each path was taken: the runs, the skipped files and members, the shoes, the
    developer fields."""
    analysis = report.result.analysis
    files = {Path(f.path).name if "!" not in f.path else f.path.split("!", 1)[1]: f for f in analysis.history.files}
    for name in (f"{FILE_SCRIPT}.fit", f"{IMG}.fit", f"{FILE_LONG}.fit", f"{SCRIPT}.fit", f"{IMG}/x.fit"):
        assert files[name].status == "skipped", name
    assert files[f"{IMG} run.gpx"].status == "imported"
    assert files[f"{SCRIPT}/dev.fit"].status == "imported"
    acts = analysis.history.activities
    dev = acts[acts["source"].str.endswith(f"!{SCRIPT}/dev.fit")]["activity_id"]
    columns = set(analysis.history.load_samples(dev).columns)
    assert {f"dev:{name[:200]}" for name in HOSTILE} <= columns, sorted(c for c in columns if c.startswith("dev:"))
    pairs = set(analysis.context.shoes.pairs["shoe"])
    assert set(HOSTILE) <= pairs, pairs
    assert any(f.cause == "worn_shoes" for f in analysis.findings)


def test_report_html_escapes_every_name_it_shows(report):
    text = report.page
    assert_escaped(text)
    # Shown, escaped: the shoes (finding, its evidence, the takeaway), the files not read,
    # the archive's members, the other sport's type.
    for name in (SCRIPT, IMG, LONG, MATH, FILE_SCRIPT, FILE_LONG, "M" * 300):
        assert html.escape(name) in text, name[:40]
    worn = re.search(r"<figure id='shoes'>.*?<p class='takeaway'>([^<]*)</p>", text, re.S)
    assert worn and html.escape(SCRIPT) in worn.group(1)


def test_report_html_in_a_real_browser(report, tmp_path):
    seen = assert_inert(report.result.main, tmp_path, images=len(list(report.out.glob("*.png"))))
    # The names are there as text: the shoes in the findings, tables and takeaways, the
    # files not read (the long name at least twice: as a shoe and in a member's name).
    assert all(n >= 1 for n in seen["shown"]), seen["shown"]


def test_the_pdf_is_written_with_the_hostile_names(report):
    """matplotlib draws the shoe chart and the takeaways with the names (no mathematics
    read into MATH, no failure); the long names are cut or wrapped."""
    pdf = report.out / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run([exe, str(pdf), "-"], capture_output=True, text=True).stdout
    assert r"$\oops{$" in text and SCRIPT in text


def test_names_in_legends_are_text_whole_or_cut():
    """A pair's name in the shoe chart's legend: '$' escaped (never mathematics), cut to
    40 characters with an ellipsis, and shown even when it starts with '_' (which matplotlib
    leaves out of legends)."""
    import matplotlib.pyplot as plt

    from analyzer.report.charts import MAX_LEGEND_CHARS, file_label

    assert file_label(MATH) == r"Race \$\oops{\$ flats"
    assert file_label(LONG) == LONG[: MAX_LEGEND_CHARS - 1] + "…" and len(file_label(LONG)) == 40
    assert file_label("_spare  pair") == " _spare pair"
    fig, ax = plt.subplots()
    for name in (MATH, "_spare", LONG):
        ax.plot([0, 1], [0, 1], label=file_label(name))
    texts = [t.get_text() for t in ax.legend().get_texts()]
    fig.canvas.draw()  # would raise on MATH read as mathematics
    plt.close(fig)
    assert texts == [r"Race \$\oops{\$ flats", " _spare", LONG[:39] + "…"]


# --- the squad page --------------------------------------------------------------------


def test_the_squad_page_escapes_athlete_names(report, inputs, tmp_path):
    from analyzer.squad.model import OK
    from analyzer.squad.page import failed_row, row_from_report, write_squad_page
    from analyzer.squad.roster import read_roster

    root = tmp_path / "squad"
    root.mkdir()
    folders = ["ann", "ben", "cy", "dee"]
    for folder in folders:
        (root / folder).mkdir()
    with (root / "athletes.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["athlete_id", "name"])
        writer.writerows(zip(folders, HOSTILE, strict=True))
    athletes = read_roster([root])
    assert [a.name for a in athletes] == list(HOSTILE)
    out = tmp_path / "squad-out"
    rows = [row_from_report(report.result, athletes[0].athlete_id, athletes[0].name, out, 9, 9)]
    rows += [
        failed_row(a.athlete_id, a.name, f"{inputs['runs'] / (IMG + '.fit')}: not a FIT file") for a in athletes[1:3]
    ]
    rows.append(
        rows[0].__class__(athlete_id=athletes[3].athlete_id, name=athletes[3].name, status=OK, as_of="2024-05-01")
    )
    written = write_squad_page(rows, out, "km", title=SCRIPT)
    text = written["index"].read_text(encoding="utf-8")
    assert_escaped(text)
    for name in HOSTILE:
        assert html.escape(name, quote=True) in text, name[:40]
    seen = assert_inert(written["index"], tmp_path, images=0)
    assert all(n >= 1 for n in seen["shown"]), seen["shown"]


# --- why-<date>.html -------------------------------------------------------------------


def test_why_page_escapes_every_name(inputs, tmp_path):
    if not hasattr(api, "explain_run"):
        pytest.skip("analyzer.api has no explain_run yet (heavylegs why, issue 19 point 2): why-*.html not checked")
    from click.testing import CliRunner

    from analyzer.cli import main

    out = tmp_path / "why"
    day = (DAY0 + dt.timedelta(days=59)).date().isoformat()  # the GPX run named SCRIPT, in a hostile file
    args = ["why", day, str(inputs["runs"]), "--out", str(out), "--shoes", str(inputs["shoes"])]
    result = CliRunner().invoke(main, [*args, "--cache", str(inputs["root"] / "cache")])
    assert result.exit_code == 0, result.output
    pages = sorted(out.glob("why-*.html"))
    assert pages, list(out.iterdir())
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert_escaped(text)
        assert_inert(page, tmp_path)


# --- screenshots -----------------------------------------------------------------------


def test_screenshots_of_the_sample_report(sample_history, tmp_path):
    """The sample season's report at 1280x800 and 390x844 (what a runner sees first), and
    it holds the same checks as the hostile one."""
    from PIL import Image

    from analyzer import analyze
    from analyzer.report.html import write_report

    exe = _chromium()
    written = write_report(analyze(sample_history, shoes=SAMPLE / "shoes.csv"), tmp_path / "sample")
    assert_inert(written["report"], tmp_path, images=6)
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1280, 800), (PHONE_WIDTH, 844)):
        target, window = written["report"], width
        if width < 500:
            target = tmp_path / "frame.html"
            target.write_text(FRAME % (written["report"].as_uri(), width), encoding="utf-8")
            window = 500
        shot = ARTIFACTS / f"report-{width}x{height}.png"
        subprocess.run(
            [exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / f'shot-{width}'}", f"--window-size={window},{height}",
             "--hide-scrollbars", f"--screenshot={shot}", target.as_uri()],
            capture_output=True, timeout=180, check=True,
        )  # fmt: skip
        with Image.open(shot) as image:
            image.load()
            assert image.size == (window, height)
            if window != width:
                image.crop((0, 0, width, height)).save(shot)
        with Image.open(shot) as image:
            pixels = np.asarray(image.convert("L"))
        assert pixels.shape == (height, width) and pixels.std() > 10  # not a blank page
