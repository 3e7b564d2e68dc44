"""Unit tests of the pure ``forms`` package."""
