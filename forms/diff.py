"""What changed between two versions of a form: fields, labels, types, choices, binding.

``diff_forms(before, after)`` compares two XForms (bytes as published) and returns a
:class:`FormDiff`: the fields (leaves of the main instance) added and removed, the fields whose
bind type changed, the questions whose label in the form's default language changed
(each version read in its own default language), the choices added to or removed from a
select, and the title. ``diff_data`` compares two plain JSON-like mappings (an instrument
binding as stored, ``sync.Binding.to_data``) key by key, nested keys joined with dots
(``items.q01``); ``diff_forms`` takes the two bindings and puts that comparison in
``binding``. It must not decide whether a change is allowed (publishing does) and never
changes the XForm bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from forms.labels import read_labels
from forms.xform import XFormInfo, read_xform


@dataclass(frozen=True)
class FieldEntry:
    """A field added or removed: its path, bind type and default-language label ("" none)."""

    path: str
    type: str
    label: str


@dataclass(frozen=True)
class Change:
    """One thing that is ``before`` in one version and ``after`` in the other (None: absent);
    ``key`` is a field path, or a binding key such as ``items.q01``."""

    key: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class ChoiceChange:
    path: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class FormDiff:
    added: tuple[FieldEntry, ...] = ()
    removed: tuple[FieldEntry, ...] = ()
    relabelled: tuple[Change, ...] = ()
    retyped: tuple[Change, ...] = ()
    choices: tuple[ChoiceChange, ...] = ()
    binding: tuple[Change, ...] = ()
    title: Change | None = None

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.relabelled or self.retyped
                    or self.choices or self.binding or self.title)


def diff_forms(before: bytes, after: bytes, *, binding_before: Mapping | None = None,
               binding_after: Mapping | None = None) -> FormDiff:
    """The changes from the XForm ``before`` to the XForm ``after`` (``FormError`` as
    ``read_xform`` raises for an unreadable one)."""
    old, new = read_xform(before), read_xform(after)
    old_labels, new_labels = _labels(before, old), _labels(after, new)
    added = tuple(FieldEntry(p, f.type, new_labels.get(p, ""))
                  for p, f in new.fields.items() if p not in old.fields)
    removed = tuple(FieldEntry(p, f.type, old_labels.get(p, ""))
                    for p, f in old.fields.items() if p not in new.fields)
    both = [p for p in new.fields if p in old.fields]
    retyped = tuple(Change(p, old.fields[p].type, new.fields[p].type)
                    for p in both if old.fields[p].type != new.fields[p].type)
    relabelled = tuple(Change(p, old_labels[p], new_labels[p]) for p in both
                       if p in old_labels and p in new_labels and old_labels[p] != new_labels[p])
    choices = tuple(_choice_change(p, old.fields[p].choices, new.fields[p].choices)
                    for p in both if set(old.fields[p].choices) != set(new.fields[p].choices))
    title = Change("title", old.title, new.title) if old.title != new.title else None
    return FormDiff(added, removed, relabelled, retyped, choices,
                    diff_data(binding_before, binding_after), title)


def _labels(xml: bytes, info: XFormInfo) -> dict[str, str]:
    """Question labels by path in the form's default language (the only one if none set)."""
    labels = read_labels(xml, (info.default_language or "").lower())
    return {path: question.label for path, question in labels.questions.items()}


def _choice_change(path: str, before: tuple[str, ...], after: tuple[str, ...]) -> ChoiceChange:
    return ChoiceChange(path, tuple(c for c in after if c not in before),
                        tuple(c for c in before if c not in after))


def diff_data(before: Mapping | None, after: Mapping | None) -> tuple[Change, ...]:
    """Keys whose value differs between two JSON-like mappings, flattened (``items.q01``);
    lists are compared whole and shown joined with ", "."""
    old, new = _flat(before or {}), _flat(after or {})
    keys = sorted(set(old) | set(new))
    return tuple(Change(key, old.get(key), new.get(key)) for key in keys
                 if old.get(key) != new.get(key))


def _flat(data: Mapping, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flat(value, f"{name}."))
        elif isinstance(value, list | tuple):
            flat[name] = ", ".join(str(item) for item in value)
        elif value is not None:
            flat[name] = str(value)
    return flat
