"""The base exception of the ``sync`` package and its code catalogue.

Every refusal of the package is a :class:`SyncError` (or a subclass such as
:class:`BindingError`) carrying a stable ``code`` from :data:`CODES`, an English ``message`` for
people and, when one is to blame, the form ``field`` path. Only ``server/`` turns codes into HTTP
statuses and wire formats; this module must not know about either, and it must not log or print.
"""

from __future__ import annotations

#: code -> what it means. Codes are part of the public contract: add, never rename.
CODES: dict[str, str] = {
    "binding_unknown_instrument": "a sangloc:item or sangloc:device_score names an unknown "
    "instrument",
    "binding_item_missing": "an item of the instrument is bound to no field",
    "binding_item_twice": "an item, follow-up item, person role or device score is bound to "
    "more than one field",
    "binding_bad_choice": "an item field is not a select_one whose choice names are exactly the "
    "item's answer codes",
    "binding_unknown_item": "a sangloc:item or sangloc:device_score names no item of its "
    "instrument, or is not written <instrument>.<item>",
    "binding_mixed_instruments": "the fields of one form name more than one instrument",
    "binding_unknown_person_role": "a sangloc:person attribute names an unknown role",
    "registration_invalid": "a person field of a submission cannot be read (e.g. a date of "
    "birth that is not yyyy-mm-dd)",
    "unknown_thresholds": "scoring was asked for a threshold table that does not exist",
}

#: the codes a :class:`BindingError` may carry
BINDING_CODES = frozenset(code for code in CODES if code.startswith("binding_"))


class SyncError(Exception):
    """A coded refusal of the ``sync`` package: ``code``, ``message`` and maybe ``field``."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        if code not in CODES:
            raise ValueError(f"unknown SyncError code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __repr__(self) -> str:
        extra = f", field={self.field!r}" if self.field is not None else ""
        return f"{type(self).__name__}({self.code!r}, {self.message!r}{extra})"


class BindingError(SyncError):
    """A form's sangloc bind attributes do not describe its instrument correctly."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        if code not in BINDING_CODES:
            raise ValueError(f"{code!r} is not a binding error code")
        super().__init__(code, message, field=field)
