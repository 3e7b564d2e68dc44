"""Unit tests of the pure ``sync`` package."""
