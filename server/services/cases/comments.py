"""Comments: what the staff who work a case say to each other about it.

A comment belongs to a case the author may work (a case of their area, checked by the caller
with ``reads.case_in_scope``); it is kept in the case file, shown in the case's timeline, and
audited without its text (a comment is personal: it never goes to a log or a notification).
"""

from __future__ import annotations

from sqlalchemy import select

from server import problems
from server.extensions import db
from server.inputs import check_length
from server.models import CaseComment, User
from server.models.types import utcnow
from server.services.audit import Actor, record_event
from server.services.cases.worklist import CaseView

LIMIT = 4000


def add(actor: Actor, case: CaseView, body: str) -> CaseComment:
    body = (body or "").strip()
    if not body:
        raise problems.text_missing()
    check_length("comment", body, LIMIT)
    comment = CaseComment(case_id=case.id, author_id=actor.id, body=body, at=utcnow())
    db.session.add(comment)
    db.session.flush()
    record_event(actor, "case.comment", "case", case.id, comment_id=comment.id)
    return comment


def of(case: CaseView) -> list[tuple[CaseComment, str]]:
    """The case's comments, newest first, each with its author's username."""
    return [(comment, username) for comment, username in db.session.execute(
        select(CaseComment, User.username).join(User, User.id == CaseComment.author_id)
        .where(CaseComment.case_id == case.id)
        .order_by(CaseComment.at.desc(), CaseComment.id.desc())).all()]
