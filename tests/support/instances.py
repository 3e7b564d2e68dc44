"""Filled instances of the bundled screening forms, written as JavaRosa serialises them.

Paths follow ``forms/definitions/README.md``: consent in ``/data/consent_group``, the person
block in ``/data/person``, items in ``/data/<form_id>/qNN``. Non-relevant groups are left out,
as JavaRosa does, so a refused consent sends only the consent group.
"""

from __future__ import annotations

import uuid
from datetime import date
from xml.sax.saxutils import escape

VERSION = "2026120101"
NAMESPACES = ('xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms" '
              'xmlns:odk="http://www.opendatakit.org/xforms"')


def _elements(values: dict[str, object]) -> str:
    return "".join(f"<{k}>{escape(str(v))}</{k}>" if v not in (None, "") else f"<{k} />"
                   for k, v in values.items())


def screening_instance(form_id: str, answers: dict[str, object], *, consent: str = "yes",
                       dob: date | None = date(2024, 12, 1), name: str = "Nguyễn Văn An",
                       sex: str = "male", person_id: str = "new", commune: str = "00004",
                       instance_id: str | None = None, deprecated_id: str | None = None,
                       group: str | None = None, device_total: int | None = None,
                       village: str = "Thôn Đông", phone: str = "0912345678",
                       extra: dict[str, dict[str, object]] | None = None,
                       start: str | None = None) -> bytes:
    """``extra``: more groups after the items' one (e.g. the M-CHAT-R/F ``followup``);
    ``start``: the form's start metadata as Collect writes it (2026-12-01T09:15:02.123+07:00)."""
    instance_id = instance_id or f"uuid:{uuid.uuid4()}"
    consent_part = _elements({"consent": consent} if consent != "yes" else {
        "consent": "yes", "consent_by": "Trần Thị Hoa", "consent_relation": "mother",
        "consent_method": "on_device"})
    body = f"<start>{start}</start>" if start else ""
    body += f"<consent_group>{consent_part}</consent_group>"
    if consent == "yes":
        person = {"dob": dob.isoformat() if dob else "", "person_id": person_id,
                  "full_name": name, "sex": sex, "caregiver_name": "Trần Thị Hoa",
                  "phone": phone, "commune": commune, "village": village}
        items = dict(answers)
        if device_total is not None:
            items["total"] = device_total
        body += f"<person>{_elements(person)}</person><{group or form_id}>{_elements(items)}" \
                f"</{group or form_id}>"
        body += "".join(f"<{name}>{_elements(values)}</{name}>"
                        for name, values in (extra or {}).items())
    deprecated = f"<deprecatedID>{deprecated_id}</deprecatedID>" if deprecated_id else ""
    return (f"<?xml version='1.0' encoding='UTF-8' ?><data id=\"{form_id}\" version=\"{VERSION}\""
            f" {NAMESPACES}>{body}<meta><instanceID>{instance_id}</instanceID>{deprecated}"
            "</meta></data>").encode()


def mchat_answers(at_risk: int) -> dict[str, str]:
    """M-CHAT-R answers with exactly ``at_risk`` items at risk (q01.. first)."""
    reverse = {"q02", "q05", "q12"}
    answers = {}
    for i in range(1, 21):
        key = f"q{i:02d}"
        risky = i <= at_risk
        answers[key] = ("yes" if risky else "no") if key in reverse else \
            ("no" if risky else "yes")
    return answers


def levels(count: int, **items: int) -> dict[str, str]:
    """q01..q<count> at "0", except ``items`` (e.g. ``q09=2``)."""
    answers = {f"q{i:02d}": "0" for i in range(1, count + 1)}
    answers.update({k: str(v) for k, v in items.items()})
    return answers


def phq9_answers(**items: int) -> dict[str, str]:
    return levels(9, **items)
