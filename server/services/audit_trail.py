"""Reading the audit log for the admins' audit view (issue 12): who read or changed what.

``list_events(actor, scope, filters, page)`` returns one page (``PAGE`` rows, newest first) and
whether older rows follow, and records the reading itself (``audit.read``: the filters, the
page and how many rows were shown).

Filters: a user (``actor`` = that staff user), a person (rows about the person, their case, a
screening, an action or a referral of theirs), an action (``person.read``, or a family without
a dot: ``person`` = ``person.*``), a period of Vietnam's dates (from the first day's midnight to
the last day's end, in Vietnam time).

Which rows an admin sees. An ``AuditEvent`` holds no area: only what was acted on
(``target_type``, ``target_id``) and who acted (``actor_type``, ``actor_id``). So each row is
tied to an area through the records it names, read at the time of viewing:

- by its target, when the target is a record with a place: a person (their commune); their case,
  screening, action or referral (through the person); a submission or its attachment (the
  commune it was sent for); a facility (its area); a device (its commune); a population change
  (the province, ``area``); a user or their API token (the user's areas);
- else (a list, an export, a form), by who acted: a user's areas, a device's commune.

A row is shown when the area it is tied to is within the admin's scope: a commune of theirs,
or a province that is theirs in whole or in part (a province-wide record such as a facility,
a coordinator or a population change is shown to the admins of its communes). A row about a
person of a commune outside the area is never shown, whoever acted. A row tied to no area
(the system publishing a form, a refused sign-in) is shown only to an admin of the whole
country, who sees every row. A person who moved is tied to their commune today.

A target id is text; a number in it is compared as a number only when it is all digits, so no
cast can fail on either database. Each tie is a correlated look-up by primary key per row read,
so a page costs at most a few hundred index look-ups, whatever the size of the log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import BigInteger, ColumnElement, and_, case, cast, exists, func, or_, select

from server import problems
from server.extensions import db
from server.models import (
    AdminUnit,
    ApiToken,
    AppUser,
    AuditEvent,
    Case,
    CaseAction,
    Facility,
    Person,
    Referral,
    Screening,
    Submission,
    SubmissionAttachment,
    User,
    UserArea,
)
from server.programme import VIETNAM
from server.services.access.scope import Scope
from server.services.audit import Actor, record_event

PAGE = 50
DETAIL_SHOWN = 300  # characters of a row's detail shown
E = AuditEvent


@dataclass(frozen=True)
class Filters:
    user: str | None = None  # a username
    person: str | None = None  # a person's id
    action: str | None = None  # an action, or a family (no dot)
    since: date | None = None
    until: date | None = None

    def said(self) -> dict[str, str]:
        """The filters used, as the audit row of the reading records them."""
        found = {"user": self.user, "person": self.person, "action": self.action,
                 "from": self.since and self.since.isoformat(),
                 "to": self.until and self.until.isoformat()}
        return {key: value for key, value in found.items() if value}


@dataclass(frozen=True)
class Row:
    at: datetime
    actor_type: str
    who: str | None  # a username or a device's name; None for the system or no one
    action: str
    target_type: str
    target_id: str
    remote_addr: str | None
    detail: str


def list_events(actor: Actor, scope: Scope, filters: Filters,
                page: int = 1) -> tuple[list[Row], bool]:
    """One page of the rows ``scope`` may see, newest first, and whether more follow."""
    query = select(E).where(*_conditions(filters))
    if not _whole_country(scope):
        query = query.where(_visible(scope))
    found = list(db.session.scalars(query.order_by(E.at.desc(), E.id.desc())
                                    .limit(PAGE + 1).offset((page - 1) * PAGE)))
    rows = _rows(found[:PAGE])
    record_event(actor, "audit.read", "audit", "*", rows=len(rows), page=page,
                 filters=filters.said())
    return rows, len(found) > PAGE


def _conditions(filters: Filters) -> list[ColumnElement[bool]]:
    conditions = []
    if filters.user is not None:
        user_id = db.session.scalar(select(User.id).where(User.username == filters.user))
        if user_id is None:
            raise problems.user_unknown(filters.user)
        conditions += [E.actor_type == "user", E.actor_id == user_id]
    if filters.person is not None:
        conditions.append(_about_person(filters.person))
    if filters.action is not None:
        conditions.append(E.action == filters.action if "." in filters.action
                          else E.action.startswith(filters.action + ".", autoescape=True))
    if filters.since is not None:
        conditions.append(E.at >= _vietnam_midnight(filters.since))
    if filters.until is not None:
        conditions.append(E.at < _vietnam_midnight(filters.until + timedelta(days=1)))
    return conditions


def _about_person(person_id: str) -> ColumnElement[bool]:
    """Rows about the person or a record of theirs: their ids are looked up once, so the log
    is compared with plain values (no look-up per row)."""
    owned = {kind: [str(i) for i in db.session.scalars(select(model.id).where(
        model.person_id == person_id))]
        for kind, model in (("case", Case), ("screening", Screening), ("action", CaseAction),
                            ("referral", Referral))}
    return or_(and_(E.target_type == "person", E.target_id == person_id),
               *(and_(E.target_type == kind, E.target_id.in_(ids))
                 for kind, ids in owned.items() if ids))


def _vietnam_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), VIETNAM)


def _whole_country(scope: Scope) -> bool:
    provinces = set(db.session.scalars(
        select(AdminUnit.code).where(AdminUnit.province_code.is_(None))))
    return provinces <= scope.provinces and bool(provinces)


def _number() -> ColumnElement:
    """The target id as a number when it is all digits, else NULL (never a failing cast)."""
    text = E.target_id
    return case((and_(func.length(text) > 0, func.length(text) < 19,
                      func.ltrim(text, "0123456789") == ""), cast(text, BigInteger)),
                else_=None)


def _person_of_row() -> ColumnElement:
    """The id of the person a row is about, for the kinds of target that belong to one."""
    number = _number()
    through = {
        "case": select(Case.person_id).where(Case.id == number),
        "screening": select(Screening.person_id).where(Screening.id == number),
        "action": select(CaseAction.person_id).where(CaseAction.id == number),
        "referral": select(Referral.person_id).where(Referral.id == number),
    }
    return case((E.target_type == "person", E.target_id),
                *((E.target_type == kind, query.correlate(E).scalar_subquery())
                  for kind, query in through.items()), else_=None)


def _area_of_target() -> ColumnElement:
    """The one commune or province a row's target lies in (users have several: see below)."""
    number = _number()
    submission = select(Submission.commune_code)
    direct = {
        "submission": submission.where(Submission.id == number),
        "submission_attachment": submission.join(
            SubmissionAttachment, SubmissionAttachment.submission_id == Submission.id)
        .where(SubmissionAttachment.id == number),
        "facility": select(Facility.area_code).where(Facility.id == number),
        "app_user": select(AppUser.commune_code).where(AppUser.id == number),
    }
    person = select(Person.commune_code).where(Person.id == _person_of_row())
    return case((E.target_type.in_(("person", "case", "screening", "action", "referral")),
                 person.correlate(E).scalar_subquery()),
                *((E.target_type == kind, query.correlate(E).scalar_subquery())
                  for kind, query in direct.items()),
                (E.target_type == "area", E.target_id), else_=None)


def _user_areas(user_id: ColumnElement, codes: list[str] | None) -> ColumnElement[bool]:
    query = select(UserArea.id).where(UserArea.user_id == user_id)
    if codes is not None:
        query = query.where(UserArea.area_code.in_(codes))
    return exists(query.correlate(E))


def _token_areas(codes: list[str] | None) -> ColumnElement[bool]:
    query = select(UserArea.id).join(ApiToken, ApiToken.user_id == UserArea.user_id) \
        .where(ApiToken.id == _number())
    if codes is not None:
        query = query.where(UserArea.area_code.in_(codes))
    return exists(query.correlate(E))


def _target_tie(codes: list[str] | None) -> ColumnElement[bool]:
    """The row's target lies in one of ``codes`` (None: anywhere, i.e. it has a place)."""
    area = _area_of_target()
    return or_(area.in_(codes) if codes is not None else area.is_not(None),
               and_(E.target_type == "user", _user_areas(_number(), codes)),
               and_(E.target_type == "api_token", _token_areas(codes)))


def _actor_tie(codes: list[str]) -> ColumnElement[bool]:
    device = select(AppUser.id).where(AppUser.id == E.actor_id,
                                      AppUser.commune_code.in_(codes))
    return or_(and_(E.actor_type == "user", _user_areas(E.actor_id, codes)),
               and_(E.actor_type == "app_user", exists(device.correlate(E))))


def _visible(scope: Scope) -> ColumnElement[bool]:
    codes = sorted(scope.communes | scope.provinces)
    return or_(_target_tie(codes), and_(~_target_tie(None), _actor_tie(codes)))


def _rows(events: list[AuditEvent]) -> list[Row]:
    users = {e.actor_id for e in events if e.actor_type == "user"}
    devices = {e.actor_id for e in events if e.actor_type == "app_user"}
    usernames = dict(db.session.execute(select(User.id, User.username)
                                        .where(User.id.in_(users))).all())
    device_names = dict(db.session.execute(select(AppUser.id, AppUser.name)
                                           .where(AppUser.id.in_(devices))).all())
    names = {"user": usernames, "app_user": device_names}
    return [Row(e.at, e.actor_type, names.get(e.actor_type, {}).get(e.actor_id), e.action,
                e.target_type, e.target_id, e.remote_addr,
                json.dumps(e.detail, ensure_ascii=False, sort_keys=True)[:DETAIL_SHOWN])
            for e in events]
