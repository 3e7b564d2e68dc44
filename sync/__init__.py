"""sangloc's pure sync package: how a parsed instance becomes changes to a screening record.

Public API so far::

    read_binding(info: forms.XFormInfo) -> Binding | None     # when a form is published
    extract_answers(binding, values) -> (item answers, follow-up answers)
    Binding; PERSON_ROLES; SyncError, BindingError, CODES

Failures are :class:`SyncError` subclasses with a code from :data:`CODES`. This package is pure:
it imports only ``forms`` and ``screening_tools`` (never Flask, SQLAlchemy, marshmallow,
APScheduler or ``server``) and it never prints or logs.
"""

from sync.binding import PERSON_ROLES, Binding, extract_answers, read_binding
from sync.errors import CODES, BindingError, SyncError

__all__ = [
    "CODES",
    "PERSON_ROLES",
    "Binding",
    "BindingError",
    "SyncError",
    "extract_answers",
    "read_binding",
]
