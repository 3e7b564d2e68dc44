"""The case page and working a case: who the person is, what is open, what was screened.

``GET /cases/<id>`` shows the person, their consent, the open and past actions (each open one
with its complete and cancel forms), every screening over time and the case's history; reading
it is audited (``reads.get_case``). Completing or cancelling an action and changing the review
state post a form (with its CSRF token) and come back to the page (post/redirect/get). A case
outside the user's area is the same 404 as an unknown number, for reading and for every change.
Withdrawing consent (with a reason) locks the person's record, which then leaves every list.
"""

from __future__ import annotations

from datetime import date

from flask import g, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from server import programme
from server.models.action import OUTCOMES
from server.models.case import CASE_STATES, CASE_STEPS
from server.models.referral import RESULTS
from server.programme import today
from server.services.access import areas
from server.services.cases import actions, casework, persons, reads, referrals
from server.ui import bp
from server.ui.web import actor, required_date, signed_in_required
from server.ui.worklist import KIND_LABELS, RISK_LABELS, STATE_LABELS
from sync import messages
from sync.scoring import completed_months

MONTHS_SHOWN = 24  # younger than this, an age is said in months

OUTCOME_LABELS = {
    "contacted": _l("Contacted the person or family"),
    "safety_plan_made": _l("Risk assessed, safety plan agreed"),
    "emergency_referral": _l("Sent to emergency care"),
    "referred": _l("Referral made"),
    "appointment_booked": _l("Appointment booked"),
    "attended": _l("Attended"),
    "assessed_no_concern": _l("Assessed: no concern"),
    "assessed_concern": _l("Assessed: a need was found"),
    "treatment_started": _l("Treatment or intervention started"),
    "interview_done": _l("Follow-Up interview done"),
    "rescreened": _l("Screened again"),
    "reviewed": _l("Form reviewed"),
    "other": _l("Other (say in the note)"),
}
FLAG_LABELS = {
    "self_harm_item_positive": _l("Self-harm answer"),
    "refer_immediately": _l("Refer now (High)"),
    "refer_for_evaluation": _l("Follow-Up positive"),
    "followup_interview_required": _l("Follow-Up needed"),
    "moh_warning_sign": _l("Warning sign"),
    "loss_of_skills": _l("Loss of skills"),
    "outside_age_range": _l("Outside the validated age range"),
}
EVENT_LABELS = {
    "created": _l("Case opened"), "action_opened": _l("Work opened"),
    "action_done": _l("Work done"), "action_cancelled": _l("Work cancelled"),
    "action_moved": _l("Work moved to the corrected form"), "state": _l("State changed"),
    "step": _l("Step changed"), "reopened": _l("Case reopened"), "merged": _l("Records merged"),
    "referral_made": _l("Referral recorded"), "referral_outcome": _l("Referral outcome recorded"),
}
RESULT_LABELS = {"screen_positive": _l("Screen positive at step 2"),
                 "screen_negative": _l("Screen negative at step 2"),
                 "diagnosed": _l("Diagnosis given"), "not_diagnosed": _l("No diagnosis"),
                 "unknown": _l("Not known yet")}
STEP_LABELS = {"intake": _l("Intake"), "assessment": _l("Assessment"), "plan": _l("Plan"),
               "implementation": _l("Implementation"), "monitoring": _l("Monitoring"),
               "closure": _l("Closure")}


@bp.get("/cases/<int:case_id>")
@signed_in_required
def case_page(case_id: int):
    case = reads.get_case(actor(), g.scope, case_id)
    person = case.person
    return render_template(
        "case.html", case=case, person=person, age=_age(person.dob),
        commune=areas.names([person.commune_code]).get(person.commune_code, ""),
        screenings=list(reversed(reads.screenings_of(person))),
        consents=reads.consents_of(person), events=reads.events_of(case.case),
        past=[a for a in case.actions if not a.is_open], outcomes=OUTCOMES,
        outcome_labels=OUTCOME_LABELS, kind_labels=KIND_LABELS, risk_labels=RISK_LABELS,
        state_labels=STATE_LABELS, step_labels=STEP_LABELS, states=CASE_STATES,
        steps=CASE_STEPS, today=today(), flag_labels=FLAG_LABELS, event_labels=EVENT_LABELS,
        referrals=reads.referrals_of(case.case), results=RESULTS, result_labels=RESULT_LABELS,
        result_words=_result_words)


def _result_words(screening) -> tuple[str, str]:
    """The instrument's name and its result in words, in the page's language (as the device
    says them, ``sync.messages``)."""
    lang = 1 if str(get_locale()) == "en" else 0
    title = messages.TITLES.get(screening.instrument, (screening.instrument,) * 2)[lang]
    words = messages.BAND_WORDS.get(screening.instrument, {}).get(screening.band or "")
    return title, words[lang] if words else "—"


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
        answers=int(form["answers"]) if form.get("answers", "").isdigit() else None,
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


def _age(dob: date | None) -> str:
    """Age on today's date: completed months under two years, else years."""
    if dob is None:
        return ""
    months = completed_months(dob, today()) if dob <= today() else 0
    if months < MONTHS_SHOWN:
        return ngettext("%(num)s month", "%(num)s months", months)
    return ngettext("%(num)s year", "%(num)s years", months // 12)
