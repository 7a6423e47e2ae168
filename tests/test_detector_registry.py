"""The detector framework: a new detector is one module that registers itself; what a
detector needs is checked before it runs, with a standard reason when it is missing;
and every registered detector skips loudly, never raising, on histories with nothing
for it."""

from __future__ import annotations

import importlib
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

from analyzer import analyze
from analyzer.cli import main
from analyzer.detectors import Context, Skipped, registered
from analyzer.detectors.base import unregister
from analyzer.detectors.needs import NEEDS

from .fakes import FakeHistory, activities, activity, on_days

MODULE = "tests.made_up_detector"


@pytest.fixture
def made_up():
    """The made-up detector, registered by importing its module (again, if an earlier
    test imported it), and forgotten afterwards."""
    module = importlib.reload(sys.modules[MODULE]) if MODULE in sys.modules else importlib.import_module(MODULE)
    yield module.MadeUpSignal
    unregister(module.MadeUpSignal.id)


def _runs_only() -> FakeHistory:
    return FakeHistory(on_days([(d, 8000.0) for d in range(0, 28, 2)]))


def _weights(*kg: float) -> pd.DataFrame:
    stamps = pd.date_range("2024-01-01", periods=len(kg), freq="7D", tz="UTC")
    return pd.DataFrame({"timestamp": stamps, "weight_kg": list(kg), "source": "scale.fit"})


def test_one_new_module_registers_a_detector(made_up):
    assert made_up in registered()
    # Listed after the detectors of the categories before its own, and after weight_gain (rank 1).
    ids = [cls.id for cls in registered()]
    assert ids.index("made_up_signal") == ids.index("weight_gain") + 1


def test_the_cli_lists_the_new_detector(made_up):
    res = CliRunner().invoke(main, ["detectors"])
    assert res.exit_code == 0, res.output
    assert "made_up_signal (weight)" in res.output
    assert f"needs: {NEEDS['body_mass'].what}" in res.output
    assert "made-up gain = 1.0 kg  [test convention: made up for a test]" in res.output


def test_missing_needs_skip_it_with_the_standard_reason(made_up):
    h = _runs_only()  # runs, no body-mass readings
    assert made_up().run(Context(h)) == Skipped("made_up_signal", NEEDS["body_mass"].reason)
    result = analyze(h)
    assert Skipped("made_up_signal", NEEDS["body_mass"].reason) in result.skipped_detectors


def test_with_its_data_it_runs(made_up):
    h = FakeHistory(on_days([(d, 8000.0) for d in range(0, 28, 2)]), weights=_weights(70.0, 70.4, 71.5))
    (finding,) = made_up().run(Context(h))
    assert finding.cause == "made_up_signal" and finding.evidence[0].value == 1.5  # 71.5 - 70.0 kg
    unregister("made_up_signal")
    assert "made_up_signal" not in [cls.id for cls in registered()]


def test_an_unknown_need_is_refused_when_the_class_is_made():
    from analyzer.detectors.base import Detector

    with pytest.raises(ValueError, match="unknown needs"):
        type("Typo", (Detector,), {"id": "typo_signal", "category": "form", "needs": ("dynamix",)})
    assert "typo_signal" not in [cls.id for cls in registered()]


HISTORIES = {
    "empty": lambda: FakeHistory(activities([])),
    "one ride": lambda: FakeHistory(activities([activity(0, 40_000.0, sport="cycling", prefix="b")])),
    "one run": lambda: FakeHistory(on_days([(0, 5000.0)])),
}


@pytest.mark.parametrize("history", sorted(HISTORIES))
@pytest.mark.parametrize("detector", registered(), ids=lambda cls: cls.id)
def test_every_detector_skips_loudly_on_too_little_data(detector, history):
    got = detector().run(Context(HISTORIES[history]()))
    if history == "one run" and not isinstance(got, Skipped):
        assert got == []  # one run may be enough to say "nothing", never to raise
        return
    assert isinstance(got, Skipped), got
    assert got.detector == detector.id and got.reason.strip()
    if history != "one run":
        needs_missing = [NEEDS[n].reason for n in detector.needs if not NEEDS[n].present(Context(HISTORIES[history]()))]
        assert needs_missing and got.reason == needs_missing[0], (detector.id, got.reason)
