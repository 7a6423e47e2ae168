"""Test-only: on PYTHONPATH (tests/test_squad_engine.py puts it there for the squad's
worker and command processes), installs the stand-ins of analyzer.squad.page and
analyzer.squad.cohort (standins.py) for a checkout that does not have them yet. Where the
real modules exist, they are found first and the stand-ins are never used."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

import standins  # noqa: E402

standins.install()
