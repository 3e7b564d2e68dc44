"""The case page and working a case: who the person is, what is open, what was screened.

``GET /cases/<id>`` shows the person, their consent, the open and past actions (each open one
with its complete and cancel forms), every screening over time and the case's history; reading
it is audited (``reads.get_case``). Completing or cancelling an action and changing the review
state post a form (with its CSRF token) and come back to the page (post/redirect/get). A case
outside the user's area is the same 404 as an unknown number, for reading and for every change.
Withdrawing consent (with a reason) locks the person's record, which then leaves every list.
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext

from server import programme
from server.models.action import OUTCOMES
from server.models.case import CASE_STATES, CASE_STEPS
from server.models.referral import RESULTS
from server.programme import today
from server.services.access import areas
from server.services.cases import (
    actions,
    casework,
    comments,
    facilities,
    handoffs,
    persons,
    reads,
    referrals,
)
from server.ui import bp
from server.ui.labels import (
    CHANNEL_LABELS,
    EVENT_LABELS,
    FIELD_LABELS,
    FLAG_LABELS,
    KIND_LABELS,
    OUTCOME_LABELS,
    RESULT_LABELS,
    RISK_LABELS,
    SEX_LABELS,
    STATE_LABELS,
    STEP_LABELS,
    age_on_today,
    result_words,
)
from server.ui.web import (
    actor,
    read_date,
    read_id,
    required_date,
    signed_in_required,
    vn_date,
)


@bp.get("/cases/<int:case_id>")
@signed_in_required
def case_page(case_id: int):
    case = reads.get_case(actor(), g.scope, case_id)
    person = case.person
    collaborators = handoffs.people_for(case, "collaborator")
    supervisors = handoffs.people_for(case, "supervisor")
    duplicates = reads.duplicates_in_scope(g.scope, person, actor())
    conflicts = reads.open_conflicts(person)
    communes = areas.names({person.commune_code, *(d.commune_code for d in duplicates),
                            *(c.fields["commune"][i] for c in conflicts
                              if "commune" in c.fields for i in (0, 1))} - {None})
    return render_template(
        "case.html", case=case, person=person, age=age_on_today,
        communes=communes, shown=_shown(communes),
        screenings=list(reversed(reads.screenings_of(person))),
        consents=reads.consents_of(person), events=reads.events_of(case.case),
        past=[a for a in case.actions if not a.is_open], outcomes=OUTCOMES,
        outcome_labels=OUTCOME_LABELS, kind_labels=KIND_LABELS, risk_labels=RISK_LABELS,
        state_labels=STATE_LABELS, step_labels=STEP_LABELS, states=CASE_STATES,
        steps=CASE_STEPS, today=today(), flag_labels=FLAG_LABELS, event_labels=EVENT_LABELS,
        referrals=reads.referrals_of(case.case), results=RESULTS, result_labels=RESULT_LABELS,
        result_words=result_words, collaborators=collaborators, supervisors=supervisors,
        assignees={u.id: u.username for u in collaborators + supervisors},
        comments=comments.of(case),
        duplicates=duplicates, conflicts=conflicts,
        facilities=facilities.list_for(g.scope), sex_labels=SEX_LABELS,
        field_labels=FIELD_LABELS, channel_labels=CHANNEL_LABELS)


def _shown(communes: dict[str, str]):
    """A registration value as the page shows it (a date dd/mm/yyyy, a commune by name)."""
    def shown(field: str, value: str | None) -> str:
        if value is None or value == "":
            return "—"
        if field == "dob":
            day = read_date(value)
            return vn_date(day) if day else value
        if field == "sex":
            return str(SEX_LABELS.get(value, value))
        return communes.get(value, value) if field == "commune" else value
    return shown


@bp.post("/cases/<int:case_id>/actions/<int:action_id>/complete")
@signed_in_required
def complete_action(case_id: int, action_id: int):
    reads.case_in_scope(g.scope, case_id)
    actions.complete(actor(), g.scope, g.user.role, action_id,
                     request.form.get("outcome", ""), request.form.get("note"), case_id=case_id)
    return redirect(url_for("ui.case_page", case_id=case_id))


@bp.post("/cases/<int:case_id>/actions/<int:action_id>/cancel")
@signed_in_required
def cancel_action(case_id: int, action_id: int):
    reads.case_in_scope(g.scope, case_id)
    actions.cancel(actor(), g.scope, g.user.role, action_id, request.form.get("reason", ""),
                   case_id=case_id)
    return redirect(url_for("ui.case_page", case_id=case_id))


@bp.post("/cases/<int:case_id>/state")
@signed_in_required
def change_state(case_id: int):
    reads.case_in_scope(g.scope, case_id)
    casework.set_case_state(actor(), case_id, request.form.get("state", ""),
                            request.form.get("reason", ""), request.form.get("step") or None)
    return redirect(url_for("ui.case_page", case_id=case_id))


@bp.post("/cases/<int:case_id>/referrals")
@signed_in_required
def make_referral(case_id: int):
    case = reads.case_in_scope(g.scope, case_id)
    form = request.form
    made = referrals.Made(
        facility=form.get("facility", ""),
        made_on=required_date(form.get("made_on"), gettext("Made on")) or today(),
        appointment_on=required_date(form.get("appointment_on"), gettext("Appointment")),
        answers=read_id(form.get("answers"), gettext("It answers")),
        note=form.get("note"))
    referrals.make(actor(), g.scope, g.user.role, case, made, programme.current())
    return redirect(url_for("ui.case_page", case_id=case_id))


@bp.post("/cases/<int:case_id>/referrals/<int:referral_id>/outcome")
@signed_in_required
def referral_outcome(case_id: int, referral_id: int):
    case = reads.case_in_scope(g.scope, case_id)
    form = request.form
    outcome = referrals.Outcome(
        attended=_yes_no(form.get("attended")),
        attended_on=required_date(form.get("attended_on"), gettext("Attended on")),
        result=form.get("result") or None, diagnosis_by=form.get("diagnosis_by"),
        intervention_started=_yes_no(form.get("intervention_started")),
        intervention_where=form.get("intervention_where"), note=form.get("note"))
    referrals.record_outcome(actor(), g.scope, g.user.role, case, referral_id, outcome)
    return redirect(url_for("ui.case_page", case_id=case_id))


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@bp.post("/cases/<int:case_id>/withdraw")
@signed_in_required
def withdraw_consent(case_id: int):
    """The person withdrew consent: their record is locked and leaves every list."""
    case = reads.case_in_scope(g.scope, case_id)
    persons.withdraw_consent(actor(), case.person_id, request.form.get("reason", ""))
    return redirect(url_for("ui.worklist"))
