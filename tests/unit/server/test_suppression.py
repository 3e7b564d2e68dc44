"""Small-cell suppression: counts 1-4 hidden, zero shown, rates hidden with their counts."""

from server.services.programme.suppression import SUPPRESSED, is_small, shown_count, shown_rate


def test_counts_one_to_four_are_hidden_zero_and_five_are_shown():
    assert [shown_count(n) for n in (0, 1, 4, 5, 12)] == [0, SUPPRESSED, SUPPRESSED, 5, 12]
    assert shown_count(None) is None
    assert not is_small(0) and is_small(1) and is_small(4) and not is_small(5)


def test_a_rate_is_hidden_when_its_numerator_or_denominator_is_small():
    # 3 of 40 screened positive: the 3 could single out children, so the rate goes too
    hidden = shown_rate(3, 40)
    assert hidden.suppressed and hidden.percent is None
    assert (hidden.numerator, hidden.denominator) == (SUPPRESSED, 40)
    assert shown_rate(7, 4).percent is None


def test_a_rate_with_shown_counts_is_a_percent_to_one_decimal():
    # 7 of 40 = 17.5 %; 0 of 12 = 0 %; no denominator, no rate
    assert shown_rate(7, 40).percent == 17.5
    assert shown_rate(0, 12).percent == 0.0
    assert shown_rate(5, 0).percent is None and not shown_rate(5, 0).suppressed
