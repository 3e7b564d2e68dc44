"""Paths of the test data shipped in ``tests/data``."""

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
# The benchmark's screening form (copied from shared/bench so the tests need nothing outside
# the repository).
ANCHOR_FORM = DATA / "anchor_screen.xml"
