"""What each aggregate measure counts: the contract between the aggregates' upkeep and the
indicators that read them (``models/aggregate.py``).

Every count is of current records only: a screening superseded by an edit, a person merged
into another, a person who withdrew consent (locked) and a cancelled action count nowhere. A
count lands in the commune the person is registered in now and in the month (Vietnam date)
named below. ``instrument``, ``sex`` and ``age_band`` are ``""`` where a measure has none; a
person of unknown sex has ``sex="unknown"`` and one of unknown age ``age_band="unknown"``.
The age band is the age at the screening the row counts (at the positive screening for
cascade measures).

Screen-positive ("positive") means the screening's pathway opened a ``referral`` or an
``assessment`` action (``sync/pathway.py``) that was not cancelled: step 2 is needed. An
edited screening keeps the work opened on its earlier versions (an edit opens again nothing a
person already closed), so that work counts for the current version. An M-CHAT-R of medium
risk is not positive until its Follow-Up is (the Follow-Up's own screening is then the
positive one). Cascade measures follow the positives of a month to today (a cohort): a
referral made in April of a child screened positive in March counts in March. A referral,
its attendance and its step-2/3 result count for every positive of the person screened on or
before the day the referral was made (referrals are not tied to an instrument). Referral
counts have the person's sex and the age band of their birth date on the day the referral
was made. Submissions are counted in the commune of the device that sent them (its home
commune), edits included; one without a screening is never timely.
"""

from __future__ import annotations

#: age bands, at the screening (months for children, years from 7)
AGE_BANDS = ("u16m", "16_30m", "31m_6y", "7_11y", "12_17y", "18y", "unknown")
#: the bands of "children 0-6" (the 70% target of QĐ 1929/QĐ-TTg)
CHILD_BANDS = ("u16m", "16_30m", "31m_6y")
SEXES = ("male", "female", "other", "unknown")

#: measure -> (the month it counts in, what it counts); keyed by instrument unless said
COUNTS: dict[str, tuple[str, str]] = {
    "screened": ("screened_on", "current screenings"),
    "person_screened": ("screened_on", "persons, once a calendar year, at their first current "
                        "screening of that year (any instrument); instrument ''"),
    "child_screened": ("screened_on", "children 0-6 at screening, once a calendar year, at their "
                       "first current screening of that year with any instrument; instrument ''"),
    "mchat_screened": ("screened_on", "children 16-30 months at screening, once a calendar year, "
                       "at their first current M-CHAT-R (mchat_r, or mchat_rf, which repeats "
                       "the initial screen) of that year; instrument 'mchat_r'"),
    "positive": ("screened_on", "screen-positive current screenings"),
    "followup_needed": ("screened_on", "M-CHAT-R screenings that opened a Follow-Up interview"),
    "followup_done": ("screened_on", "of those, the ones whose Follow-Up interview is done "
                      "(state done)"),
    "positive_referred": ("screened_on of the positive", "positives with a referral made on or "
                          "after the screening day"),
    "positive_assessed": ("screened_on of the positive", "positives whose referral was attended "
                          "(step 2/3 reached)"),
    "positive_diagnosed": ("screened_on of the positive", "positives whose referral's result is "
                           "'diagnosed'"),
    "positive_intervention": ("screened_on of the positive", "diagnosed positives whose "
                              "referral says intervention started"),
    "referral_made": ("made_on", "referrals made; instrument ''"),
    "referral_attended_90": ("made_on", "referrals attended within 90 days of being made; "
                             "instrument ''"),
    "safety_opened": ("opened_at", "safety contacts opened (not cancelled); age band at the "
                      "screening that opened it ('unknown' for one opened by a call)"),
    "safety_24h": ("opened_at", "safety contacts done (closed with state done) within 24 "
                   "hours of opening"),
    "submissions": ("received_at", "submissions received from devices of the commune; "
                    "instrument, sex and age_band ''"),
    "submissions_timely": ("received_at", "of those, received within 7 days of the interview"),
    "active_devices": ("received_at", "devices (collaborators) that sent at least one "
                       "submission that month; instrument, sex and age_band ''; a device is "
                       "counted in each month, so months do not add up to a year"),
}

#: measure -> (the month it counts in, the whole number it keeps the distribution of)
VALUES: dict[str, tuple[str, str]] = {
    "days_to_referral": ("screened_on of the positive", "days from the positive screening to "
                         "its first referral made on or after it"),
    "days_to_assessment": ("screened_on of the positive", "days from the positive screening to "
                           "the first attendance (attended_on) of a referral made on or after "
                           "it"),
    "age_at_diagnosis": ("screened_on of the positive", "age in completed months on the day the "
                         "first referral that gave the diagnosis was attended (no diagnosis "
                         "date is recorded); none without a birth date or attendance date"),
}

#: days within which a referral counts as completed, and a submission as timely
REFERRAL_COMPLETION_DAYS = 90
TIMELY_DAYS = 7
