"""Derived state is read, not stored (issue 9).

- "Overdue" is computed when a case is read: before, a job set it and nothing ever unset it, so
  a case was overdue only after the job ran and stayed overdue after its due date moved.
- Exports and scoping follow the person: a screening belongs to whatever commune its person is
  in now (before, each screening kept the commune of the day it was taken, which went stale when
  a person's commune was corrected).
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.models import CaseAction, Person
from server.programme import today
from server.services.access import api_tokens, users
from server.services.audit import SYSTEM
from tests.support.instances import mchat_answers, screening_instance

FIRST = "uuid:cccccccc-0000-4000-8000-000000000001"


@pytest.fixture
def province_user(app):
    with transaction():
        users.create_user(SYSTEM, "gs-01", "supervisor", ["01"])
        token = api_tokens.create_token(SYSTEM, "gs-01")
    return {"Authorization": f"Bearer {token}"}


def sync(client, headers, xml: bytes) -> dict:
    response = client.post("/api/v1/sync", headers=headers,
                           json={"submissions": [{"client_id": "x", "xml": xml.decode()}]})
    return response.json["results"][0]


def test_a_case_is_overdue_as_soon_as_its_due_date_has_passed(publish_bundled, client,
                                                               province_user):
    publish_bundled("mchat_r")
    assert sync(client, province_user, screening_instance(
        "mchat_r", mchat_answers(8), dob=date(2025, 2, 10)))["status"] == "accepted"
    [case] = client.get("/api/v1/cases", headers=province_user).json["items"]
    assert case["overdue"] is False and case["due"] == (today() + timedelta(days=14)).isoformat()
    with transaction():  # time passes: the referral was due yesterday, and no job has run
        db.session.scalar(select(CaseAction)).due = today() - timedelta(days=1)
    [case] = client.get("/api/v1/cases", headers=province_user).json["items"]
    assert case["overdue"] is True
    with transaction():  # the due date moves on: no longer overdue
        db.session.scalar(select(CaseAction)).due = today() + timedelta(days=3)
    [case] = client.get("/api/v1/cases", headers=province_user).json["items"]
    assert case["overdue"] is False


def test_exports_follow_the_persons_commune_after_a_correction(publish_bundled, client,
                                                                province_user, runner):
    publish_bundled("mchat_r")
    sync(client, province_user, screening_instance(
        "mchat_r", mchat_answers(8), dob=date(2025, 2, 10), instance_id=FIRST))
    edit = screening_instance("mchat_r", mchat_answers(8), dob=date(2025, 2, 10),
                              deprecated_id=FIRST, commune="00008")
    assert sync(client, province_user, edit)["status"] == "accepted"
    db.session.expire_all()
    assert db.session.scalar(select(Person)).commune_code == "00008"

    def exported(area: str) -> list[dict]:
        result = runner.invoke(args=["export", "screenings", "--format", "csv", "--area", area])
        assert result.exit_code == 0, result.output
        return list(csv.DictReader(io.StringIO(result.stdout)))

    assert len(exported("00008")) == 2  # the screening and the edit that superseded it
    assert exported("00004") == []
