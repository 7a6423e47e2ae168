"""Causes of heavy legs that watch data cannot see, said plainly with the seed
article's advice (DOMAIN.md: "the seed article's causes and what watch data can say")."""

from __future__ import annotations

PHYSICIAN = "If heavy legs persist for more than a couple of weeks despite rest, see a physician."

NOT_DETECTABLE = (
    {
        "cause": "iron_deficiency",
        "why": "A watch cannot measure iron; at most heart rate at a given pace creeps up (see declining_performance).",
        "advice": "Iron deficiency is common in runners, especially women: a blood test (ferritin) tells. " + PHYSICIAN,
    },
    {
        "cause": "poor_circulation",
        "why": "Circulation (e.g. venous insufficiency) leaves no trace in pace, heart rate or dynamics.",
        "advice": "Heavy, aching or swollen legs at rest, or visible veins, are for a physician. " + PHYSICIAN,
    },
    {
        "cause": "lack_of_sleep",
        "why": "No sleep data was given; watch activity files do not carry sleep.",
        "advice": "Aim for 7-9 hours; sleep is when legs recover.",
    },
    {
        "cause": "low_carbohydrate_diet",
        "why": "Diet is not in watch data.",
        "advice": "Low-carbohydrate eating empties muscle glycogen: legs feel heavy on runs. Eat enough carbohydrate.",
    },
    {
        "cause": "skipped_stretching",
        "why": "Stretching and mobility are not recorded.",
        "advice": "Ten minutes of stretching after runs helps legs feel loose.",
    },
)
