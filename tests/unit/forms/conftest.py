"""Shared helpers for the ``forms`` unit tests: XLSForms written as data, built with openpyxl."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.paths import ANCHOR_FORM
from tests.support.xlsform import Sheets, build_xlsx


@pytest.fixture
def make_xlsx() -> Callable[[Sheets], bytes]:
    return build_xlsx


@pytest.fixture
def anchor_xml() -> bytes:
    return ANCHOR_FORM.read_bytes()
