"""sangloc's pure sync package: how a parsed instance becomes changes to a screening record.

Public API so far::

    read_binding(info: forms.XFormInfo) -> Binding | None     # when a form is published
    extract_answers(binding, values) -> (item answers, follow-up answers)
    Binding; PERSON_ROLES; SyncError, BindingError, CODES
    normalise_name(name) -> str; duplicate_key(commune, dob, full_name) -> key | None
    read_registration(binding, values) -> Registration (with Consent); differences(reg, stored)
    REGISTRATION_FIELDS; FIELD_LIMITS; NEW_PERSON
    score_instance(binding, values, *, screening_date, dob, thresholds) -> ScreeningOutcome
    completed_months(dob, on) -> int; date_of_age(dob, months) -> date
    pathway.plan(outcome, *, on, dob, table, periods) -> [Planned]   # what a result opens
    pathway.risk_of(outcome, *, on, dob, table) -> str; Periods; RISK_ORDER
    result_message(outcome, actions, language="vi") -> str   # the OpenRosaResponse <message>

Failures are :class:`SyncError` subclasses with a code from :data:`CODES`. This package is pure:
it imports only ``forms`` and ``screening_tools`` (never Flask, SQLAlchemy, marshmallow,
APScheduler or ``server``) and it never prints or logs.
"""

from sync import pathway
from sync.binding import PERSON_ROLES, Binding, extract_answers, read_binding
from sync.errors import CODES, BindingError, SyncError
from sync.messages import result_message
from sync.names import duplicate_key, normalise_name
from sync.pathway import RISK_ORDER, Periods, Planned
from sync.registration import (
    FIELD_LIMITS,
    NEW_PERSON,
    REGISTRATION_FIELDS,
    Consent,
    Registration,
    differences,
    read_registration,
)
from sync.scoring import (
    ScreeningOutcome,
    completed_months,
    date_of_age,
    rescore,
    score_instance,
)

__all__ = [
    "CODES",
    "FIELD_LIMITS",
    "NEW_PERSON",
    "PERSON_ROLES",
    "REGISTRATION_FIELDS",
    "RISK_ORDER",
    "Binding",
    "BindingError",
    "Consent",
    "Periods",
    "Planned",
    "Registration",
    "ScreeningOutcome",
    "SyncError",
    "completed_months",
    "date_of_age",
    "differences",
    "duplicate_key",
    "extract_answers",
    "normalise_name",
    "pathway",
    "read_binding",
    "read_registration",
    "rescore",
    "result_message",
    "score_instance",
]
