"""The answer first: two to four plain sentences, read before the ranked findings, in
report.html, the terminal, findings.json (``summary``) and the PDF's first page.

Every sentence is written from the analysis, never from a template that could say
something the findings do not:

1. the most likely cause: the top finding's key measure in its own words (the detector's
   ``brief``, or its first measured evidence row as the report shows it), its window, and
   the other measures of the same event;
2. what else contributed: the next findings of other causes, each with its key measure;
3. what the data cannot tell and which data would (``not_detectable``: its ``status``
   and ``provided_by``), and the recovery markers recorded and normal, when they were;
4. the one thing to do next: the top finding's advice, cut to its first sentence.

Without a current finding: nothing stands out in the last four weeks, what was checked
(the categories of the detectors that ran), and which data would add to it.
"""

from __future__ import annotations

import re

from ..detectors.base import SEVERITIES, registered
from ..detectors.load_rules import MIN_RUNS_FOR_RATIOS, RATIO_WINDOW_DAYS
from ..detectors.not_detectable import (
    CHECKED,
    DIARY,
    FLUID_FILES,
    MARKER_FILES,
    MASS_FILES,
    SLEEP_FILES,
)
from .model import title_of

#: Aim of the summary's length [words] (heavylegs convention: read in about twenty
#: seconds at an adult's 200-250 words a minute); over it, the summary drops detail in
#: a fixed order (see `summary_sentences`), never a sentence's meaning.
WORD_BUDGET = 70
#: The other findings named in "also" (heavylegs convention: the next two; the ranked
#: list below has them all).
MAX_ALSO = 2
#: The other measures of the lead event named beside its key measure.
MAX_MEASURES = 2
#: The data gaps named (heavylegs convention: the two that matter most, in GAP_ORDER).
MAX_GAPS = 2
#: Which gaps to name first (heavylegs convention: sleep and the overnight markers tell
#: most about heavy legs that watch activity files cannot, then fluids and diet).
GAP_ORDER = ("lack_of_sleep", "overtraining", "dehydration", "low_carbohydrate_diet", "iron_deficiency")

#: What each `not_detectable` provided_by gives, in a few words: (the data, where from).
GARMIN_WELLNESS = "a Garmin Connect export's wellness files"
DATA_WORDS = {
    SLEEP_FILES: (("sleep",), GARMIN_WELLNESS),
    MARKER_FILES: (("HRV", "resting heart rate"), GARMIN_WELLNESS),
    FLUID_FILES: (("fluid intake",), "a Garmin export's hydration log or a diary.csv"),
    f"carbs_g in {DIARY}": (("carbohydrate intake",), "a diary.csv"),
    f"ferritin_ug_l in {DIARY}": (("a recent ferritin test",), "a diary.csv"),
    f"stretching_min in {DIARY}": (("stretching",), "a diary.csv"),
    MASS_FILES: (("body mass",), "a scale's FIT file or a Garmin export"),
}
#: Detector categories in words, for "what was checked".
CHECKED_WORDS = {
    "overtraining": "training load",
    "performance": "pace at a given heart rate",
    "form": "running form",
    "shoes": "shoes",
    "strength": "strength sessions",
    "heat": "heat",
    "weight": "weight",
    "sleep": "sleep",
    "recovery": ("HRV", "resting heart rate"),
    "hydration": "fluids",
    "diet": "diet",
}
NOTHING = "Nothing stands out in the last four weeks"
MEASURE = "measure: "
#: The evidence row a ratio over too few runs carries (load_rules.judged): such a
#: measure is evidence only, not named in the summary.
SPARSE_METRIC = f"runs in the {RATIO_WINDOW_DAYS} days before"
#: How not_detectable says data is there but too thin to judge (its _unjudged).
THIN = ", but not enough to judge"


def summary(analysis) -> str:
    """The summary as one paragraph."""
    return " ".join(summary_sentences(analysis))


def summary_sentences(analysis) -> list[str]:
    """Two to four sentences; over WORD_BUDGET words, detail goes in the order of
    SHORTER, one more at a time, until they fit (or nothing more can go)."""
    for level in range(len(SHORTER) + 1):
        sentences = _written(analysis, set(SHORTER[:level]))
        if sum(len(s.split()) for s in sentences) <= WORD_BUDGET:
            break
    return sentences


#: What goes first when the summary is over WORD_BUDGET: the key measures of the other
#: findings (their names stay), the advice after its first clause ('; ' or ', and '), all but the first data
#: gap, the other findings, the recovery markers found normal (the report's "Checked and
#: normal" says it), the lead event's other measures, and last what the recovery markers
#: together mean (their reading stays).
SHORTER = ("also_measures", "advice_clauses", "gaps", "also", "normal", "lead_measures", "reading")


def _written(analysis, cut: set[str]) -> list[str]:
    findings = list(analysis.findings)
    gaps = data_gaps(analysis, 1 if "gaps" in cut else MAX_GAPS, "normal" not in cut)
    if not findings:
        return [s for s in (_nothing(analysis), gaps) if s]
    lead = findings[0]
    measures = lead_measures(lead)[: 1 if "lead_measures" in cut else 1 + MAX_MEASURES]
    first = f"Most likely cause: {title_of(lead.cause)}, {window_words(lead)}"
    said = "; ".join(p for p in (_and(measures), recovery_reading(lead, "reading" not in cut)) if p)
    sentences = [f"{first}: {said}." if said else f"{first}."]
    others = [] if "also" in cut else also(findings)
    if others:
        short = "also_measures" in cut
        named = [title_of(f.cause) if short else f"{title_of(f.cause)} ({key_measure(f)})" for f in others]
        sentences.append(f"Also: {_and(named)}.")
    if gaps:
        sentences.append(gaps)
    step = first_sentence(lead.advice)
    if "advice_clauses" in cut:
        step = re.split(r"; |, and ", step)[0].rstrip(".") + "."
    if step:
        sentences.append(f"Next: {step}")
    return sentences


def window_words(f) -> str:
    """'on 2026-08-23', or '2026-09-14 to 2026-09-20' (the finding's window, as the
    ranked list shows it)."""
    start, end = f.window["start"], f.window["end"]
    return f"on {start}" if start == end else f"{start} to {end}"


def _groups(f) -> list[tuple[str, list]]:
    """The finding's measures: (its brief, its evidence rows) each; one for a finding of
    one measure, whose brief the report does not show: it is used only as far as its
    numbers are the finding's own as shown (`_shown_brief`)."""
    groups: list[tuple[str, list]] = []
    for e in f.evidence:
        if e.metric.startswith(MEASURE):
            groups.append((str(e.value), []))
        elif groups:
            groups[-1][1].append(e)
    return groups or [(_shown_brief(f), list(f.evidence))]


NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
ASIDE = re.compile(r" \([^()]*\)")


def _shown_brief(f) -> str:
    """``f.brief`` when every number in it is one its evidence values or message show
    (as shown: '5.4', '+59'), else without its asides in brackets when that holds, else
    '' (the evidence row is said instead)."""
    shown = {n for text in [*(str(e.value) for e in f.evidence), f.message] for n in NUMBER.findall(text)}
    for brief in (f.brief, ASIDE.sub("", f.brief)):
        if set(NUMBER.findall(brief)) <= shown:
            return brief
    return ""


def _phrase(brief: str, rows: list) -> str:
    """A measure in words: its brief, else its first measured row ('aerobic decoupling
    8.1 %'), as the evidence table shows it."""
    if brief and brief not in SEVERITIES:
        return brief
    numeric = [e for e in rows if isinstance(e.value, int | float) and not isinstance(e.value, bool)]
    row = next((e for e in numeric if e.threshold), numeric[0] if numeric else None)
    return f"{row.metric} {row.value} {row.unit}".strip() if row is not None else brief


def _sparse(rows: list) -> bool:
    return any(
        e.metric == SPARSE_METRIC and isinstance(e.value, int | float) and e.value < MIN_RUNS_FOR_RATIOS for e in rows
    )


def lead_measures(f) -> list[str]:
    """The key measure of ``f`` and those of the same event (not a ratio over too few
    runs), each once."""
    groups = _groups(f)
    phrases = [_phrase(*groups[0])] + [_phrase(b, rows) for b, rows in groups[1:] if not _sparse(rows)]
    return [p for p in dict.fromkeys(phrases) if p]


def key_measure(f) -> str:
    return lead_measures(f)[0] if lead_measures(f) else title_of(f.cause)


def recovery_reading(f, reason: bool = True) -> str:
    """What a recovery finding's markers say together (consolidate_wellness.triangulate:
    the sentence of its message about the training load, with the first clause of its
    reason, without its asides in brackets); '' for other findings."""
    if f.category not in ("recovery", "sleep"):
        return ""
    for sentence in ASIDE.sub("", f.message).split(". "):
        if "training load" in sentence:
            head, _, why = sentence.rstrip(".").partition(": ")
            return f"{head}, {why.split('; ')[0]}" if why and reason else head
    return ""


def also(findings) -> list:
    """The next findings after the first, one per cause, at most MAX_ALSO."""
    seen = {findings[0].cause}
    out = []
    for f in findings[1:]:
        if f.cause not in seen and len(out) < MAX_ALSO:
            out.append(f)
            seen.add(f.cause)
    return out


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (up to its first '. ')."""
    text = text.strip()
    return text.split(". ")[0].rstrip(".") + "." if text else ""


def data_gaps(analysis, most: int = MAX_GAPS, normal_too: bool = True) -> str:
    """What the data cannot tell and which data would, from `not_detectable` (the
    ``most`` that matter most), with the recovery markers recorded and normal first when
    they were (and ``normal_too``); '' when nothing is missing."""
    items = list(analysis.not_detectable)
    normal = [i for i in items if i.get("status") == CHECKED]
    missing = [i for i in items if i.get("status") != CHECKED and i.get("provided_by")]
    order = {cause: n for n, cause in enumerate(GAP_ORDER)}
    missing.sort(key=lambda i: order.get(i["cause"], len(order)))
    parts = [_normal(i) for i in normal[:1]] if normal_too else []
    if missing:
        parts.append(_missing(missing[:most]))
    text = "; ".join(p for p in parts if p)
    return text[:1].upper() + text[1:] + "." if text else ""


def _normal(item: dict) -> str:
    """'Sleep, HRV and resting heart rate were normal in the last week' (recorded and
    judged normal on the analysis date's week)."""
    said, found, _ = item["why"].partition(" recorded and normal")
    return f"{said} normal in the last week" if found else item["why"].split(":")[0]


def _missing(items: list[dict]) -> str:
    """'sleep, HRV and resting heart rate are not in your data: a Garmin Connect export's
    wellness files would show them'."""
    absent, thin, sources = [], [], []
    for item in items:
        words, source = DATA_WORDS.get(item["provided_by"], ((title_of(item["cause"]),), item["provided_by"]))
        # Recorded but too thin for its detectors (not_detectable._unjudged), or not there
        # (no data; a ferritin test too old; no body mass to judge carbohydrate per kg).
        if THIN not in item["why"]:
            absent.extend(words)
            sources += [s for s in source.split(" or ") if s not in sources]
        else:
            thin.extend(words)
    clauses = []
    if absent:
        it = "it" if len(absent) == 1 else "them"
        clauses.append(f"{_and(absent)} {_are(absent)} not in your data: {' or '.join(sources)} would show {it}")
    if thin:
        clauses.append(f"{_and(thin)} {_are(thin)} recorded on too few days to judge")
    return "; ".join(clauses)


def _are(words: list[str]) -> str:
    return "is" if len(words) == 1 else "are"


def _nothing(analysis) -> str:
    """'Nothing stands out in the last four weeks: training load, ... were checked.'"""
    skipped = {s.detector for s in analysis.skipped_detectors}
    ran = [cls.category for cls in registered() if cls.id not in skipped]
    said = [CHECKED_WORDS.get(c, c) for c in ran]
    words = list(dict.fromkeys(w for s in said for w in ((s,) if isinstance(s, str) else s)))
    return f"{NOTHING}: {_and(words)} {'was' if len(words) == 1 else 'were'} checked." if words else f"{NOTHING}."


def _and(words: list[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
