"""Who is told about an opened action, and what: rows of the notification outbox.

An urgent action (a same-day safety contact) and a ``review`` (a supervisor must look at the
form) are announced: by e-mail to every active supervisor whose areas cover the person's
commune and who has an address, and once to the webhook when ``SANGLOC_WEBHOOK_URL`` is set
(with those supervisors' usernames, for the gateway to route). The message says the kind of
work in general words ("urgent work, contact today"; "a form to review"), the commune, the due
date and the case's link: never a name, an answer, a score or the reason. ("Urgent" is said:
only a same-day safety contact is urgent, so a reader of the message learns that some person in
the commune needs contact today, and nothing about who or why; that is the least a supervisor
must know to act the same day.)
"""

from __future__ import annotations

from flask import current_app

from server.config import configured_origin
from server.extensions import db
from server.models import AdminUnit, CaseAction, Notification, Person, User
from server.services.access import users


def announce(action: CaseAction) -> list[Notification]:
    """The outbox rows for ``action`` (none for work that is neither urgent nor a review)."""
    topic = "urgent" if action.urgent else "review" if action.kind == "review" else None
    if topic is None:
        return []
    commune = db.session.get(AdminUnit, db.session.get(Person, action.person_id).commune_code)
    payload = {"event": "action.opened", "topic": topic, "action_id": action.id,
               "case_id": action.case_id, "commune": commune.code,
               "commune_name": commune.name, "due": action.due.isoformat(),
               "link": case_link(action.case_id)}
    staff = supervisors_of(commune)
    rows = [Notification(action_id=action.id, channel="email", address=user.email,
                         language=user.language, payload=payload)
            for user in staff if user.email]
    if current_app.config["SANGLOC_WEBHOOK_URL"]:
        rows.append(Notification(action_id=action.id, channel="webhook", address="webhook",
                                 payload={**payload,
                                          "supervisors": [user.username for user in staff]}))
    db.session.add_all(rows)
    return rows


def supervisors_of(commune: AdminUnit) -> list[User]:
    """Active supervisors whose areas include the commune or its province."""
    return users.working_in(commune, "supervisor")


def case_link(case_id: int) -> str:
    """Where the case is read (the supervisor web app's page for it)."""
    return f"{configured_origin(current_app.config)}/cases/{case_id}"
