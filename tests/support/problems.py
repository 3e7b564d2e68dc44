"""Asserting a refusal: the named problem's code, never its wording (texts may be reworded)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from server.problems import Problem


@contextmanager
def raises_problem(code: str) -> Iterator[pytest.ExceptionInfo[Problem]]:
    """Like ``pytest.raises(Problem)``, and the problem's code must be ``code``."""
    with pytest.raises(Problem) as raised:
        yield raised
    assert raised.value.code == code, f"expected {code}, got {raised.value}"
