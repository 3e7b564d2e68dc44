"""How a published form's fields map to an instrument's items: reading and checking the binding.

A bundled or uploaded XLSForm marks its fields with bind attributes in the ``urn:sangloc``
namespace (read by ``forms.read_xform`` into ``Field.attrs``):

* ``sangloc:item="<instrument>.<item>"`` on the field that answers an item (``phq9.q09``), or
  ``"<instrument>.followup.<item>"`` on an M-CHAT-R/F Follow-Up field (``mchat_rf.followup.q03``);
* ``sangloc:person="<role>"`` on identification and consent fields (:data:`PERSON_ROLES`);
* ``sangloc:device_score="<instrument>.total"`` on the calculate holding the device's own total.

:func:`read_binding` checks these against the instrument catalogue of ``screening_tools`` when a
form is published and refuses a wrong form with a :class:`~sync.errors.BindingError` naming the
field; :func:`extract_answers` then picks a submission's answers by the bound paths. This module
must not score, must not look at a database or HTTP request, and imports only ``forms`` and
``screening_tools`` besides the standard library.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

import forms
import screening_tools
from sync.errors import BindingError

ITEM_ATTR = "sangloc:item"
PERSON_ATTR = "sangloc:person"
SCORE_ATTR = "sangloc:device_score"
FOLLOWUP = "followup"
TOTAL = "total"
SELECT_ONE = "select1"

#: person role -> what the field holds. The server reads these to find or create the person
#: record and to store the consent (Law 91/2025/QH15; vietnam.md §6).
PERSON_ROLES: dict[str, str] = {
    "person_id": "an existing person chosen from the device's cases.csv (name column)",
    "full_name": "the screened person's full name",
    "dob": "date of birth (yyyy-mm-dd)",
    "sex": "sex (female / male)",
    "caregiver_name": "the child's primary caregiver's full name",
    "phone": "contact phone number",
    "commune": "commune code chosen from the device's communes.csv (name column)",
    "village": "village or residential group (free text)",
    "consent": "explicit consent of the person or their legal representative (yes / no)",
    "consent_by": "full name of the person who gave consent",
    "consent_relation": "relation of that person to the screened person ('self' for adults)",
    "consent_method": "how consent was recorded",
    "child_assent": "the child's own assent (asked from 7 years of age; yes / no)",
    "screened_on": "the interview date (yyyy-mm-dd), when the form asks for it",
}
#: preloaded metadata that dates an interview (XLSForm types start, end, today), in the order
#: they are trusted after a ``screened_on`` field (sync/interview.py)
TIMESTAMPS: tuple[str, ...] = ("start", "end", "today")


@dataclass(frozen=True)
class Binding:
    """Which field answers which item of one instrument, plus person roles and device score."""

    instrument_id: str
    items: Mapping[str, str | tuple[str, ...]]  # a composite item: its parts' paths
    followup: Mapping[str, str]
    person: Mapping[str, str]
    device_score: str | None
    # start / end / today -> path
    timestamps: Mapping[str, str] = dataclasses.field(
        default_factory=lambda: MappingProxyType({}))

    def to_data(self) -> dict[str, object]:
        """Plain JSON data, as a published form version stores it (a composite item's parts
        as a list)."""
        items = {key: list(path) if isinstance(path, tuple) else path
                 for key, path in self.items.items()}
        return {"instrument_id": self.instrument_id, "items": items,
                "followup": dict(self.followup), "person": dict(self.person),
                "device_score": self.device_score, "timestamps": dict(self.timestamps)}

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> Binding:
        """The binding :meth:`to_data` wrote (versions stored before timestamps: none)."""
        items = {key: tuple(path) if isinstance(path, list) else path
                 for key, path in dict(data["items"]).items()}
        return cls(data["instrument_id"], items, dict(data["followup"]),
                   dict(data["person"]), data["device_score"],
                   dict(data.get("timestamps") or {}))


class _Ref(NamedTuple):
    """One parsed ``sangloc:item`` attribute."""

    path: str
    instrument: str
    item: str
    followup: bool


def read_binding(info: forms.XFormInfo) -> Binding | None:
    """The form's binding, or None when no field carries ``sangloc:item`` (an ordinary form).

    Raises :class:`BindingError` when an instrument or item is unknown, the fields name more
    than one instrument, an item (or follow-up item, person role, device score) is bound twice,
    an item field's choices are not its answer codes, or an item of the instrument is unbound.
    """
    refs = [_parse_ref(path, field.attrs[ITEM_ATTR]) for path, field in _marked(info, ITEM_ATTR)]
    if not refs:
        return None
    spec = _spec_for(refs)
    items = _bind_items(spec, [ref for ref in refs if not ref.followup], info.fields)
    followup = _bind_followup(spec, [ref for ref in refs if ref.followup], info.fields)
    _check_complete(spec.id, spec.items, items, what="item")
    _check_complete(spec.id, spec.followup_items, followup, what="follow-up item")
    return Binding(
        instrument_id=spec.id,
        items=MappingProxyType(items),
        followup=MappingProxyType(followup),
        person=MappingProxyType(_bind_person(info)),
        device_score=_bind_device_score(info, spec.id),
        timestamps=MappingProxyType(_timestamps(info)),
    )


def _timestamps(info: forms.XFormInfo) -> dict[str, str]:
    """The first field preloaded with each of :data:`TIMESTAMPS`, by name."""
    found: dict[str, str] = {}
    for path, field in info.fields.items():
        if field.preload in TIMESTAMPS:
            found.setdefault(field.preload, path)
    return found


def extract_answers(
    binding: Binding, values: Mapping[str, str]
) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """(item answers, follow-up answers) by item key from a parsed instance's ``values``.

    Every bound key is present; an answer that is missing, empty or only whitespace is None
    (openrosa.md (c).3: a missing and an empty element both mean "not answered").
    """
    return _pick(binding.items, values), _pick(binding.followup, values)


def _pick(paths: Mapping[str, str | tuple[str, ...]],
          values: Mapping[str, str]) -> dict[str, str | None]:
    picked: dict[str, str | None] = {}
    for key, path in paths.items():
        if isinstance(path, tuple):
            picked[key] = _any_part(tuple(_text(values, part) for part in path))
        else:
            picked[key] = _text(values, path)
    return picked


def _text(values: Mapping[str, str], path: str) -> str | None:
    return (values.get(path) or "").strip() or None


def _any_part(parts: tuple[str | None, ...]) -> str | None:
    """A composite yes/no item: "yes" when a part is "yes", "no" when every part is "no",
    else not answered (a part left empty cannot be read as "no")."""
    odd = [part for part in parts if part not in (None, "yes", "no")]
    if odd:
        return odd[0]  # not an answer code: scoring refuses it, naming the item
    if "yes" in parts:
        return "yes"
    return "no" if all(part == "no" for part in parts) else None


def _marked(info: forms.XFormInfo, attr: str) -> list[tuple[str, forms.Field]]:
    """(path, field) of the fields carrying ``attr``, in document order."""
    return [(path, field) for path, field in info.fields.items() if attr in field.attrs]


def _parse_ref(path: str, value: str) -> _Ref:
    """``phq9.q01`` or ``mchat_rf.followup.q03`` -> :class:`_Ref`."""
    parts = value.strip().split(".")
    if len(parts) == 3 and parts[1] == FOLLOWUP and all(parts):
        return _Ref(path, parts[0], parts[2], followup=True)
    if len(parts) == 2 and all(parts):
        return _Ref(path, parts[0], parts[1], followup=False)
    raise BindingError(
        "binding_unknown_item",
        f"Field {path}: sangloc:item {value!r} is not written <instrument>.<item> "
        f"(or <instrument>.followup.<item>).",
        field=path,
    )


def _spec_for(refs: list[_Ref]) -> screening_tools.InstrumentSpec:
    """The one instrument every ref names; unknown or mixed instruments are refused."""
    for ref in refs:
        _get_spec(ref.instrument, ref.path, f"{ref.instrument}.{ref.item}")
    first = refs[0]
    for ref in refs[1:]:
        if ref.instrument != first.instrument:
            raise BindingError(
                "binding_mixed_instruments",
                f"Field {ref.path} is bound to instrument {ref.instrument!r} but field "
                f"{first.path} to {first.instrument!r}; a form binds one instrument.",
                field=ref.path,
            )
    return _get_spec(first.instrument, first.path, f"{first.instrument}.{first.item}")


def _get_spec(instrument_id: str, path: str, value: str) -> screening_tools.InstrumentSpec:
    try:
        return screening_tools.get_instrument(instrument_id)
    except screening_tools.ScoringError as exc:
        known = ", ".join(screening_tools.INSTRUMENT_IDS)
        raise BindingError(
            "binding_unknown_instrument",
            f"Field {path} is bound to {value!r}: {instrument_id!r} is not a known instrument "
            f"(known: {known}).",
            field=path,
        ) from exc


def _bind_items(
    spec: screening_tools.InstrumentSpec, refs: list[_Ref], fields: Mapping[str, forms.Field]
) -> dict[str, str | tuple[str, ...]]:
    """Item key -> path for the initial items, checked for known keys, twins and codes; a
    composite item (``spec.composite_items``) may be asked in parts: key -> (path, ...)."""
    known = (*spec.items, *spec.optional_items)
    parts = [ref for ref in refs if ref.item in spec.composite_items]
    bound: dict[str, str | tuple[str, ...]] = dict(_unique_keys(
        spec.id, [ref for ref in refs if ref not in parts], known, what="item"))
    for ref in parts:
        bound[ref.item] = (*bound.get(ref.item, ()), ref.path)
    for key, paths in bound.items():
        for path in (paths,) if isinstance(paths, str) else paths:
            _check_choices(fields[path], f"{spec.id}.{key}", spec.answer_codes.get(key, ()))
    return {key: _single(bound[key]) for key in known if key in bound}


def _single(paths: str | tuple[str, ...]) -> str | tuple[str, ...]:
    """One path as itself; a composite asked in one question is an ordinary item."""
    return paths[0] if isinstance(paths, tuple) and len(paths) == 1 else paths


def _bind_followup(
    spec: screening_tools.InstrumentSpec, refs: list[_Ref], fields: Mapping[str, forms.Field]
) -> dict[str, str]:
    """Follow-up item key -> path, checked for known keys, twins and the follow-up codes."""
    bound = _unique_keys(spec.id, refs, spec.followup_items, what="follow-up item")
    for key, path in bound.items():
        _check_choices(fields[path], f"{spec.id}.{FOLLOWUP}.{key}", spec.followup_codes)
    return {key: bound[key] for key in spec.followup_items if key in bound}


def _unique_keys(
    instrument_id: str, refs: list[_Ref], known: Iterable[str], *, what: str
) -> dict[str, str]:
    allowed = set(known)
    bound: dict[str, str] = {}
    for ref in refs:
        if ref.item not in allowed:
            raise BindingError(
                "binding_unknown_item",
                f"Field {ref.path} is bound to {what} {ref.item!r}, which {instrument_id!r} "
                f"does not have.",
                field=ref.path,
            )
        if ref.item in bound:
            raise BindingError(
                "binding_item_twice",
                f"{what.capitalize()} {instrument_id}.{ref.item} is bound to field "
                f"{bound[ref.item]} and again to field {ref.path}.",
                field=ref.path,
            )
        bound[ref.item] = ref.path
    return bound


def _check_choices(field: forms.Field, label: str, codes: tuple[str, ...]) -> None:
    """The field must be a select_one whose choice names are exactly the answer codes."""
    if field.control != SELECT_ONE or not field.choices:
        raise BindingError(
            "binding_bad_choice",
            f"Field {field.path} answers {label} but is not a select_one with choices "
            f"{', '.join(codes)} (found control {field.control or 'none'!r}).",
            field=field.path,
        )
    wrong = [name for name in field.choices if name not in codes]
    absent = [code for code in codes if code not in field.choices]
    if wrong or absent:
        detail = f"choice name(s) {', '.join(wrong)} are not answer codes" if wrong else (
            f"answer code(s) {', '.join(absent)} have no choice")  # fmt: skip
        raise BindingError(
            "binding_bad_choice",
            f"Field {field.path} answers {label}: {detail}; the answer codes are "
            f"{', '.join(codes)}.",
            field=field.path,
        )


def _check_complete(
    instrument_id: str, needed: Iterable[str], bound: Mapping[str, str], *, what: str
) -> None:
    for key in needed:
        if key not in bound:
            raise BindingError(
                "binding_item_missing",
                f"No field is bound to {what} {key} of {instrument_id!r}; every {what} of the "
                f"instrument needs a field with sangloc:item.",
            )


def _bind_person(info: forms.XFormInfo) -> dict[str, str]:
    person: dict[str, str] = {}
    for path, field in _marked(info, PERSON_ATTR):
        role = field.attrs[PERSON_ATTR].strip()
        if role not in PERSON_ROLES:
            raise BindingError(
                "binding_unknown_person_role",
                f"Field {path} has sangloc:person {role!r}, which is not a person role "
                f"(known: {', '.join(PERSON_ROLES)}).",
                field=path,
            )
        if role in person:
            raise BindingError(
                "binding_item_twice",
                f"Person role {role!r} is bound to field {person[role]} and again to {path}.",
                field=path,
            )
        person[role] = path
    return person


def _bind_device_score(info: forms.XFormInfo, instrument_id: str) -> str | None:
    found: str | None = None
    for path, field in _marked(info, SCORE_ATTR):
        value = field.attrs[SCORE_ATTR].strip()
        _check_score_value(path, value, instrument_id)
        if found is not None:
            raise BindingError(
                "binding_item_twice",
                f"The device score is bound to field {found} and again to {path}.",
                field=path,
            )
        found = path
    return found


def _check_score_value(path: str, value: str, instrument_id: str) -> None:
    """``sangloc:device_score`` must read ``<instrument>.total`` for the form's instrument."""
    instrument, _, part = value.partition(".")
    if instrument != instrument_id:
        _get_spec(instrument, path, value)
        raise BindingError(
            "binding_mixed_instruments",
            f"Field {path} holds the device score of {instrument!r} but the form's items are "
            f"bound to {instrument_id!r}.",
            field=path,
        )
    if part != TOTAL:
        raise BindingError(
            "binding_unknown_item",
            f"Field {path}: sangloc:device_score {value!r} must be {instrument_id}.{TOTAL}.",
            field=path,
        )
