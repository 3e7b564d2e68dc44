"""Settings resolution (issue 12): a province's overrides on top of the server's defaults, and
the page's text read as settings (``server/programme.py``, ``services/programme/settings.py``).

Pure: no database. The defaults are ``sync.pathway.Periods``' (referral 14 days, rescreen 30,
needs info 7...).
"""

from __future__ import annotations

import pytest

from server.problems import Problem
from server.programme import Programme
from server.services.programme.settings import Proposed, read_days, read_form
from sync.pathway import Periods

BASE = Programme("international", Periods(), 90)


def test_no_override_is_the_default_itself():
    assert BASE.with_overrides(None, {}) is BASE
    assert BASE.with_overrides("international", None) is BASE


def test_a_table_and_some_periods_override_the_rest_follow_the_default():
    local = BASE.with_overrides("vietnam", {"rescreen_days": 10, "needs_info_days": 0})
    assert local.thresholds == "vietnam"
    assert (local.periods.rescreen_days, local.periods.needs_info_days) == (10, 0)
    assert (local.periods.referral_days, local.periods.review_days) == (14, 3)
    assert local.interview_max_age_days == 90
    assert BASE.periods.rescreen_days == 30  # the default is not changed


def test_a_stored_name_the_server_does_not_know_is_ignored():
    """A row written by a later version (a period or table this one lacks) cannot stop
    merging."""
    assert BASE.with_overrides("atlantis", {"tea_days": 5}) == BASE
    assert BASE.with_overrides(None, {"tea_days": 5, "review_days": 1}).periods.review_days == 1


def test_the_form_read_as_settings_empty_means_default():
    proposed = read_form({"thresholds": "vietnam", "referral_days": " 10 ", "review_days": "",
                          "rescreen_days": "0", "unknown": "5"})
    assert proposed == Proposed("vietnam", {"referral_days": 10, "rescreen_days": 0})
    assert read_form({}) == Proposed(None, {})
    assert Proposed(None, {"b_days": 1, "a_days": 2}).as_data() == {
        "thresholds": None, "periods": {"a_days": 2, "b_days": 1}}


@pytest.mark.parametrize("text", ["366", "-1", "1.5", "1e2", "٣", "", "abc", "0" * 4, "+5",
                                  "9" * 5000])
def test_a_period_is_whole_days_from_0_to_365(text):
    with pytest.raises(Problem) as refused:
        read_days("referral_days", text)
    assert refused.value.code == "400.110"
    assert "từ 0 đến 365" in refused.value.message("vi")
    assert len(refused.value.message("vi")) < 300  # a long value is not echoed whole


@pytest.mark.parametrize("text, days", [("0", 0), ("365", 365), ("007", 7)])
def test_periods_at_the_bounds(text, days):
    assert read_days("referral_days", text) == days


def test_an_unknown_table_names_the_known_ones():
    with pytest.raises(Problem) as refused:
        read_form({"thresholds": "vn"})
    assert refused.value.code == "400.111"
    assert "international, vietnam" in refused.value.message("en")
