"""Nothing acknowledged is left unmerged in silence (issue 8, items 2 and 5).

A form that can never be merged as it was sent (an impossible date of birth, a registration
value longer than its column) is stored, marked ``unmergeable`` at once with its reason, never
retried, listed for a supervisor of that commune (``GET /api/v1/reviews``), and the device is
told that a supervisor will review it. Consent "yes" with an empty name merges (the consent row
is written after its person). Column limits are checked before the database, so SQLite and
PostgreSQL answer the same. A merge that fails for another reason is retried with back-off and
given up after ``MAX_ATTEMPTS`` with its error kept and listed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.models import Consent, Person, Screening, Submission
from server.models.types import utcnow
from server.services.access import api_tokens, users
from server.services.audit import SYSTEM
from server.services.intake import merge, retry
from tests.integration.test_openrosa_forms import RESPONSE_NS
from tests.support.instances import mchat_answers, screening_instance


@pytest.fixture
def forms_ready(publish_bundled):
    publish_bundled("mchat_r")


def message(response) -> str:
    return ET.fromstring(response.data).find("r:message", RESPONSE_NS).text


def only_submission() -> Submission:
    db.session.expire_all()
    [submission] = db.session.scalars(select(Submission)).all()
    return submission


def impossible_dob(**overrides) -> bytes:
    """An instance whose date of birth, 30 February 2025, does not exist."""
    xml = screening_instance("mchat_r", mchat_answers(8), dob=date(2025, 2, 10), **overrides)
    return xml.replace(b"<dob>2025-02-10</dob>", b"<dob>2025-02-30</dob>")


def run_retry_job(app) -> dict:
    from server.jobs import bodies

    with app.app_context():
        return bodies.retry_failed_merges()


@pytest.fixture
def supervisor(app):
    def make(username: str, area: str) -> dict[str, str]:
        with transaction():
            users.create_user(SYSTEM, username, "supervisor", [area])
            token = api_tokens.create_token(SYSTEM, username)
        return {"Authorization": f"Bearer {token}"}
    return make


def test_an_impossible_date_of_birth_is_stored_unmergeable_and_the_device_told(
        forms_ready, device, app):
    response = device.collect.submit(impossible_dob())
    assert response.status_code == 201
    text = message(response)
    assert "người giám sát sẽ xem lại" in text  # "a supervisor will review it"
    assert "2025" not in text  # no value of the form in the message
    submission = only_submission()
    assert submission.merge_state == "unmergeable"
    assert "date of birth" in submission.merge_error
    assert db.session.scalar(select(Screening)) is None
    # never retried: the retry job does not touch it, however often it runs
    for _ in range(3):
        run_retry_job(app)
    again = only_submission()
    assert (again.merge_state, again.merge_attempts) == ("unmergeable", 1)
    # a resend is a duplicate and gets the same truthful message
    resent = device.collect.submit(impossible_dob(instance_id=submission.instance_id))
    assert resent.status_code == 201 and message(resent) == text


def test_the_review_list_shows_it_to_the_communes_supervisor_only(forms_ready, device,
                                                                  client, supervisor):
    device.collect.submit(impossible_dob())
    here = client.get("/api/v1/reviews", headers=supervisor("gs-hn", "00004"))
    assert here.status_code == 200
    [item] = here.json["items"]
    assert item["kind"] == "unmergeable" and item["commune"] == "00004"
    assert item["form_id"] == "mchat_r" and "date of birth" in item["reason"]
    province = client.get("/api/v1/reviews", headers=supervisor("gs-01", "01"))
    assert len(province.json["items"]) == 1
    elsewhere = client.get("/api/v1/reviews", headers=supervisor("gs-ng", "00008"))
    assert elsewhere.json["items"] == []


def test_consent_with_an_empty_name_merges(forms_ready, device):
    response = device.collect.submit(screening_instance(
        "mchat_r", mchat_answers(8), dob=date(2025, 2, 10), name=""))
    assert response.status_code == 201
    assert only_submission().merge_state == "merged"
    person = db.session.scalar(select(Person))
    assert person.full_name is None
    consent = db.session.scalar(select(Consent))
    assert consent.given and consent.person_id == person.id


@pytest.mark.parametrize(("field", "limit"), [("village", 200), ("phone", 40)])
def test_a_value_longer_than_its_column_is_unmergeable_on_both_backends(forms_ready, device,
                                                                        field, limit):
    too_long = "x" * (limit + 1) if field == "village" else "0" * (limit + 1)
    response = device.collect.submit(screening_instance(
        "mchat_r", mchat_answers(8), dob=date(2025, 2, 10), **{field: too_long}))
    assert response.status_code == 201
    submission = only_submission()
    assert submission.merge_state == "unmergeable"
    assert f"longer than {limit}" in submission.merge_error
    just_right = "y" * limit if field == "village" else "1" * limit
    assert device.collect.submit(screening_instance(
        "mchat_r", mchat_answers(8), dob=date(2025, 2, 10),
        **{field: just_right})).status_code == 201
    assert getattr(db.session.scalar(select(Person)), field) == just_right


def test_a_failing_merge_is_retried_with_back_off_and_given_up(forms_ready, device, app,
                                                                monkeypatch, client,
                                                                supervisor):
    def broken(*_args, **_kwargs):
        raise RuntimeError("scoring service down")

    monkeypatch.setattr(merge, "score_instance", broken)
    response = device.collect.submit(screening_instance(
        "mchat_r", mchat_answers(8), dob=date(2025, 2, 10)))
    assert response.status_code == 201
    assert "sau" in message(response)  # "... sẽ được xử lý sau": the result comes later
    first = only_submission()
    assert (first.merge_state, first.merge_attempts) == ("failed", 1)
    assert first.next_retry_at > utcnow()
    # not due yet: the job leaves it alone
    assert run_retry_job(app)["failed"] == 0
    waits = []
    for attempt in range(2, retry.MAX_ATTEMPTS + 1):
        _make_due(first.id)
        run_retry_job(app)
        current = only_submission()
        assert current.merge_attempts == attempt
        if current.next_retry_at is not None:
            waits.append(current.next_retry_at - utcnow())
    assert waits == sorted(waits)  # the wait grows with every attempt
    given_up = only_submission()
    assert given_up.merge_state == "unmergeable"
    assert "scoring service down" in given_up.merge_error
    [item] = client.get("/api/v1/reviews", headers=supervisor("gs", "00004")).json["items"]
    assert item["kind"] == "unmergeable" and item["attempts"] == retry.MAX_ATTEMPTS


def test_new_failures_are_not_starved_by_old_ones(forms_ready, device, app, monkeypatch):
    """Due items come oldest-due first and each failure moves its item back: a batch of old
    failures cannot keep a new one from its turn."""
    def broken(*_args, **_kwargs):
        raise RuntimeError("down")

    monkeypatch.setattr(merge, "score_instance", broken)
    for _ in range(3):
        device.collect.submit(screening_instance("mchat_r", mchat_answers(8),
                                                 dob=date(2025, 2, 10)))
    monkeypatch.setattr(retry, "RETRY_BATCH", 2)
    db.session.expire_all()
    ids = sorted(db.session.scalars(select(Submission.id)))
    for submission_id in ids:
        _make_due(submission_id)
    run_retry_job(app)  # tries the first two; they move back by their wait
    run_retry_job(app)  # the third is the only one due now
    db.session.expire_all()
    attempts = [db.session.get(Submission, i).merge_attempts for i in ids]
    assert attempts == [2, 2, 2]


def _make_due(submission_id: int) -> None:
    with transaction():
        submission = db.session.get(Submission, submission_id)
        submission.next_retry_at = utcnow() - timedelta(seconds=1)
