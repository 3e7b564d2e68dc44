"""What the pages call things: every code the server stores, in words (English msgids,
translated by the catalogue in ``translations/``; Vietnamese by default), and the words the
pages share: an instrument's name and band (as the device says them, ``sync.messages``) and
a person's age.
"""

from datetime import date

from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l

from server.programme import today
from sync import messages
from sync.scoring import completed_months

MONTHS_SHOWN = 24  # younger than this, an age is said in months

KIND_LABELS = {
    "safety_contact": _l("Safety contact today"), "referral": _l("Referral"),
    "assessment": _l("Assessment"), "followup_interview": _l("Follow-Up interview"),
    "rescreen": _l("Rescreen"), "review": _l("Review the form"),
    "referral_followup": _l("Follow the referral up"),
    "needs_info": _l("More information from the collaborator"),
    "intake": _l("Follow up a call or walk-in"),
}

RISK_LABELS = {"urgent": _l("Urgent"), "high": _l("High"), "medium": _l("Medium"),
               "low": _l("Low"), "none": _l("None")}

STATE_LABELS = {"new": _l("New"), "in_review": _l("In review"), "needs_info": _l("Needs info"),
                "referred": _l("Referred"), "monitoring": _l("Monitoring"),
                "closed": _l("Closed")}

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
    "assigned": _l("Work assigned"), "intake": _l("Call or walk-in taken"),
}

RESULT_LABELS = {"screen_positive": _l("Screen positive at step 2"),
                 "screen_negative": _l("Screen negative at step 2"),
                 "diagnosed": _l("Diagnosis given"), "not_diagnosed": _l("No diagnosis"),
                 "unknown": _l("Not known yet")}

SEX_LABELS = {"female": _l("Female"), "male": _l("Male")}

FIELD_LABELS = {"full_name": _l("Full name"), "dob": _l("Date of birth"), "sex": _l("Sex"),
                "caregiver_name": _l("Caregiver"), "phone": _l("Phone"),
                "commune": _l("Commune"), "village": _l("Village")}

STEP_LABELS = {"intake": _l("Intake"), "assessment": _l("Assessment"), "plan": _l("Plan"),
               "implementation": _l("Implementation"), "monitoring": _l("Monitoring"),
               "closure": _l("Closure")}

CHANNEL_LABELS = {"hotline": _l("Hotline call"), "walk_in": _l("Walk-in"),
                  "referred_in": _l("Sent by another service"), "other": _l("Other")}

FACILITY_KIND_LABELS = {
    "hospital": _l("Hospital"),
    "psychiatric": _l("Psychiatric hospital or ward"),
    "paediatric": _l("Children's hospital or ward"),
    "health_station": _l("Health station"),
    "social_work_centre": _l("Social work centre"),
    "special_education": _l("Inclusive education support centre"),
    "other": _l("Other"),
}

ROLE_LABELS = {"collaborator": _l("Collaborator"), "supervisor": _l("Supervisor"),
               "coordinator": _l("Coordinator"), "admin": _l("Administrator")}

SUBSCALE_LABELS = {
    "emotional": _l("Emotional symptoms"), "conduct": _l("Conduct problems"),
    "hyperactivity": _l("Hyperactivity and inattention"), "peer": _l("Peer problems"),
    "prosocial": _l("Prosocial behaviour"),
}

SUBSCALE_BANDS = {"normal": _l("Normal"), "borderline": _l("Borderline"),
                  "abnormal": _l("Abnormal")}

DATE_SOURCES = {
    "screened_on": _l("the date written in the form"),
    "start": _l("when the form was opened on the device"),
    "end": _l("when the form was finished on the device"),
    "today": _l("the device's date"),
    "received": _l("the day the server received it"),
}


def _lang() -> int:
    """Index of the page's language in ``sync.messages``' (vi, en) pairs."""
    return 1 if str(get_locale()) == "en" else 0


def instrument_titles(ids) -> dict[str, str]:
    """Instrument id -> its name in the page's language."""
    return {i: messages.TITLES.get(i, (i, i))[_lang()] for i in ids}


def result_words(screening) -> tuple[str, str]:
    """The instrument's name and its result in words, in the page's language."""
    title = messages.TITLES.get(screening.instrument, (screening.instrument,) * 2)[_lang()]
    words = messages.BAND_WORDS.get(screening.instrument, {}).get(screening.band or "")
    return title, words[_lang()] if words else "—"


def age_words(months: int | None, years: int | None = None) -> str:
    """An age: completed months under two years, else years; empty when not known."""
    if months is not None and months < MONTHS_SHOWN:
        return ngettext("%(num)s month", "%(num)s months", months)
    if years is None and months is not None:
        years = months // 12
    return "" if years is None else ngettext("%(num)s year", "%(num)s years", years)


def age_on_today(dob: date | None) -> str:
    """A person's age today in Vietnam."""
    if dob is None:
        return ""
    return age_words(completed_months(dob, today()) if dob <= today() else 0)
