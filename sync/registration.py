"""Who a submission is about and whether they agreed: the person block and the consent group.

The bundled forms (forms/definitions/README.md) mark identification and consent fields with
``sangloc:person`` roles (:data:`sync.binding.PERSON_ROLES`); :func:`read_registration` reads
them from a parsed instance into a :class:`Registration`, and :func:`differences` says where a
submission disagrees with the stored person so the server can raise a review instead of silently
overwriting.

Consent rules (vietnam.md §6, Law 91/2025/QH15 and Decree 356/2025/NĐ-CP):

* consent is given only by an explicit ``"yes"``; anything else, including an empty or missing
  answer, is no consent ("silence is not consent");
* a child's assent (asked from 7 years) that is anything but ``"yes"`` withdraws the consent; an
  empty assent means "not asked" (``child_assent=None``);
* a form that binds **no** ``consent`` role at all is an ordinary screening form whose consent is
  recorded outside the form (e.g. on paper at enrolment): its :class:`Consent` has
  ``given=True`` and no ``by``/``relation``/``method``. The server must only accept such forms
  where that is true; this module cannot check it.

Every text a submission brings has a length limit (:data:`FIELD_LIMITS`, which the server's
columns are declared with), checked here, so a value too long for its column is refused in the
same words on every database, never truncated and never left to the database to reject.

This module must not look up or create people, must not decide what a difference means, and
never logs: the values it handles are personal data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sync.binding import Binding
from sync.errors import SyncError

#: the person fields of a :class:`Registration`, in the order :meth:`Registration.fields` uses
REGISTRATION_FIELDS: tuple[str, ...] = (
    "full_name",
    "dob",
    "sex",
    "caregiver_name",
    "phone",
    "commune",
    "village",
)
#: role -> the most characters a submitted value may have (the person and consent columns)
FIELD_LIMITS: dict[str, int] = {
    "person_id": 36,
    "full_name": 200,
    "sex": 20,
    "caregiver_name": 200,
    "phone": 40,
    "commune": 5,
    "village": 200,
    "consent_by": 200,
    "consent_relation": 60,
    "consent_method": 60,
}
#: the ``person_id`` value meaning "a new person" (not chosen from the device's cases.csv)
NEW_PERSON = "new"
YES = "yes"

#: free text typed on the device: compared ignoring case, spacing and Unicode form, but never
#: diacritics ("An" and "Ân" are two names; only duplicate matching is that loose)
_NAME_FIELDS = frozenset({"full_name", "caregiver_name", "village"})
# JavaRosa writes a date as yyyy-mm-dd; some clients append a time (openrosa.md: dateTime
# values look like 2026-03-05T10:20:00.000+07:00). Only the date part is read.
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?")
# a Vietnamese number written +84 / 0084 instead of the leading 0 (the forms allow both)
_COUNTRY_PREFIXES = ("+84", "0084")
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class Consent:
    """What the consent group says; ``given`` already includes a refused child assent."""

    given: bool
    by: str | None
    relation: str | None
    method: str | None
    child_assent: bool | None


@dataclass(frozen=True)
class Registration:
    """The person block of one submission. Text is stripped; empty means None."""

    person_id: str | None
    full_name: str | None
    dob: date | None
    sex: str | None
    caregiver_name: str | None
    phone: str | None
    commune: str | None
    village: str | None
    consent: Consent

    def fields(self) -> dict[str, object]:
        """The person fields by name, in :data:`REGISTRATION_FIELDS` order."""
        return {name: getattr(self, name) for name in REGISTRATION_FIELDS}


def read_registration(binding: Binding, values: Mapping[str, str]) -> Registration:
    """The :class:`Registration` of a parsed instance's ``values``, read by the bound roles.

    An unbound role reads as None. ``person_id`` is None when absent or :data:`NEW_PERSON`.
    Raises :class:`SyncError` ``registration_invalid`` (naming the field) for a date of birth
    that is not ``yyyy-mm-dd`` (optionally followed by a time part) or not a real date, and for
    a value longer than its :data:`FIELD_LIMITS` entry.
    """
    person = binding.person

    def text(role: str) -> str | None:
        return _limited(role, person.get(role), _text(values, person.get(role)))

    person_id = text("person_id")
    return Registration(
        person_id=None if person_id == NEW_PERSON else person_id,
        full_name=text("full_name"),
        dob=_read_date(text("dob"), person.get("dob")),
        sex=text("sex"),
        caregiver_name=text("caregiver_name"),
        phone=text("phone"),
        commune=text("commune"),
        village=text("village"),
        consent=_read_consent(person, values),
    )


def _limited(role: str, path: str | None, value: str | None) -> str | None:
    limit = FIELD_LIMITS.get(role)
    if value is not None and limit is not None and len(value) > limit:
        raise SyncError(
            "registration_invalid",
            f"Field {path} ({role}) is longer than {limit} characters.",
            field=path,
        )
    return value


def differences(
    registration: Registration, stored: Mapping[str, object]
) -> dict[str, tuple[object, object]]:
    """Field -> (stored, submitted) where both are non-empty and disagree; {} when they agree.

    Names, caregiver names and villages compare ignoring case, runs of spaces and the Unicode
    form (precomposed or decomposed), but a different mark is a difference ("An" / "Ân");
    phones by their digits, with a leading
    ``+84``/``0084`` read as ``0``; the date of birth as a date (a stored ``datetime`` or
    ISO string is accepted); other fields as stripped text. A value missing on either side is
    never a difference: the submission fills a gap, or simply did not ask.
    """
    found: dict[str, tuple[object, object]] = {}
    for name, submitted in registration.fields().items():
        old = stored.get(name)
        if _is_empty(submitted) or _is_empty(old):
            continue
        if _comparable(name, submitted) != _comparable(name, old):
            found[name] = (old, submitted)
    return found


def _text(values: Mapping[str, str], path: str | None) -> str | None:
    if path is None:
        return None
    value = values.get(path)
    stripped = value.strip() if isinstance(value, str) else ""
    return stripped or None


def _read_date(text: str | None, path: str | None) -> date | None:
    if text is None:
        return None
    match = _DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise SyncError(
            "registration_invalid",
            f"Field {path} (date of birth) is not a date written yyyy-mm-dd.",  # never the value
            field=path,
        ) from None


def _read_consent(person: Mapping[str, str], values: Mapping[str, str]) -> Consent:
    """Consent per the module rules; a form binding no ``consent`` role counts as given."""
    def text(role: str) -> str | None:
        return _limited(role, person.get(role), _text(values, person.get(role)))

    assent_text = text("child_assent")
    assent = None if assent_text is None else assent_text == YES
    # no consent role bound: consent is recorded outside this form (module docstring)
    given = "consent" not in person or text("consent") == YES
    return Consent(
        given=given and assent is not False,
        by=text("consent_by"),
        relation=text("consent_relation"),
        method=text("consent_method"),
        child_assent=assent,
    )


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _comparable(name: str, value: object) -> object:
    """The form of ``value`` that two equal entries of field ``name`` share."""
    if name == "dob":
        return _as_date(value)
    text = str(value).strip()
    if name in _NAME_FIELDS:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())
    if name == "phone":
        return _phone_digits(text)
    return text


def _as_date(value: object) -> object:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        match = _DATE.fullmatch(value.strip())
        if match is not None:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        return value.strip()
    return value


def _phone_digits(text: str) -> str:
    for prefix in _COUNTRY_PREFIXES:
        if text.startswith(prefix):
            text = "0" + text[len(prefix) :]
            break
    return "".join(char for char in text if char in _DIGITS)
