"""Unit tests of the pure ``screening_tools`` package, one module per instrument."""
