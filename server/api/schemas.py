"""marshmallow schemas at the JSON boundary: what the API accepts and what it returns."""

from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate

from server import programme
from server.models.action import ACTION_STATES, OUTCOMES
from server.models.case import CASE_STATES
from sync import messages, pathway

MAX_BATCH = 500
MAX_OFFSET = 1_000_000_000  # far beyond any list, far below the databases' integer range
# what server/inputs.py lets through in a URL: no control characters
NO_CONTROLS = validate.Regexp(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$",
                              error="must not contain control characters")
# free text (a note, a reason) may hold line breaks but never NUL, which PostgreSQL refuses
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="must not contain NUL")


class ErrorDetailSchema(Schema):
    code = fields.String(metadata={"description": "a catalogue code such as 404.5, or the "
                                                  "HTTP status"})
    status = fields.Integer()
    message = fields.String()
    errors = fields.Dict(metadata={"description": "argument -> what is wrong with it"})


class ErrorSchema(Schema):
    """The one error shape of the API (``server/api/errors.py``)."""

    error = fields.Nested(ErrorDetailSchema, required=True)


class SyncItemSchema(Schema):
    client_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    xml = fields.String(required=True, validate=validate.Length(min=1))
    attachments = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)


class SyncRequestSchema(Schema):
    submissions = fields.List(fields.Nested(SyncItemSchema), required=True,
                              validate=validate.Length(min=1, max=MAX_BATCH))


class ScoreSummarySchema(Schema):
    instrument = fields.String()
    total = fields.Integer(allow_none=True)
    band = fields.String(allow_none=True)
    flags = fields.List(fields.String())
    next_action = fields.String(allow_none=True)
    due = fields.Date(allow_none=True)
    message = fields.String()


class SyncResultSchema(Schema):
    client_id = fields.String()
    status = fields.String(metadata={"enum": ["accepted", "duplicate", "rejected"]})
    reason = fields.String(allow_none=True)
    score = fields.Nested(ScoreSummarySchema, allow_none=True)
    message = fields.String(allow_none=True, metadata={
        "description": "what to show the collaborator (as Collect shows it), for an accepted "
                       "or duplicate item"})


class SyncResponseSchema(Schema):
    results = fields.List(fields.Nested(SyncResultSchema))


class ChangesQuerySchema(Schema):
    cursor = fields.String(load_default=None, validate=[
        validate.Length(max=2000), validate.Regexp(r"^[A-Za-z0-9_.-]*$")],
                           metadata={"description": "the cursor of the previous answer"})


class PersonPathSchema(Schema):
    person_id = fields.String(required=True, validate=validate.Regexp(
        r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
        metadata={"description": "a person's id (a UUID)"})


class PersonQuerySchema(Schema):
    commune = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{5}$"),
                            metadata={"description": "a 5-digit commune code"})
    q = fields.String(load_default=None, validate=[validate.Length(max=200), NO_CONTROLS])
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))


class CaseQuerySchema(Schema):
    state = fields.String(load_default=None, validate=validate.OneOf(CASE_STATES))
    flag = fields.String(load_default=None, validate=[validate.Length(max=60), NO_CONTROLS])
    due_before = fields.Date(load_default=None)
    commune = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{5}$"))
    kind = fields.String(load_default=None, validate=validate.OneOf(pathway.KINDS))
    instrument = fields.String(load_default=None, validate=validate.OneOf(tuple(messages.TITLES)))
    risk = fields.String(load_default=None, validate=validate.OneOf(pathway.RISK_ORDER))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))


class ActionSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(pathway.KINDS)})
    reason = fields.String(metadata={
        "description": "the flag or band that opened it, e.g. self_harm_item_positive, "
                       "phq9:severe"})
    rule = fields.String(metadata={"description": "the pathway row (sync/pathway.py)"})
    instrument = fields.String()
    screening_id = fields.Integer(allow_none=True)
    due = fields.Date()
    urgent = fields.Boolean()
    risk = fields.String()
    state = fields.String(metadata={"enum": list(ACTION_STATES)})
    assigned_to = fields.Integer(attribute="assigned_to_id", allow_none=True)
    instructions = fields.Method("_instructions", allow_none=True, metadata={
        "description": "what the person who opened it asked (needs info, a call's concern); "
                       "to a device, only for work assigned to its collaborator"})
    opened_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    outcome = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    overdue = fields.Method("_overdue", metadata={
        "type": "boolean", "description": "open and due before today (Vietnam time)"})

    def _instructions(self, action) -> str | None:
        """A concern or a note is for staff and for the collaborator the work is given to,
        not for every device of the commune."""
        mine = g.user.role != "collaborator" or action.assigned_to_id == g.user.id
        return action.instructions if mine else None

    def _overdue(self, action) -> bool:
        return action.overdue_on(programme.today())


class CaseSchema(Schema):
    """A case with every action (open and closed); risk, next action and due are read from the
    open actions and the current results, never stored."""

    id = fields.Integer()
    person_id = fields.String()
    state = fields.String()
    step = fields.String()
    risk = fields.String(metadata={"enum": list(pathway.RISK_ORDER)})
    flags = fields.List(fields.String(), metadata={
        "description": "the reasons of the open actions"})
    next_action = fields.Method("_next_kind", metadata={"type": "string", "nullable": True})
    next_action_reason = fields.Method("_next_reason",
                                       metadata={"type": "string", "nullable": True})
    due = fields.Method("_next_due", metadata={"type": "string", "format": "date",
                                               "nullable": True})
    urgent = fields.Method("_urgent", metadata={"type": "boolean"})
    overdue = fields.Boolean(metadata={
        "description": "the next action was due before today (Vietnam time)"})
    actions = fields.List(fields.Nested(ActionSchema))

    def _next_kind(self, view) -> str | None:
        return view.next_action.kind if view.next_action else None

    def _next_reason(self, view) -> str | None:
        return view.next_action.reason if view.next_action else None

    def _next_due(self, view) -> str | None:
        return view.next_action.due.isoformat() if view.next_action else None

    def _urgent(self, view) -> bool:
        return bool(view.next_action and view.next_action.urgent)


class WorklistItemSchema(CaseSchema):
    actions = fields.List(fields.Nested(ActionSchema), attribute="open_actions",
                          metadata={"description": "the open actions, in worklist order"})


class CompleteActionSchema(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    note = fields.String(load_default=None, validate=[validate.Length(max=2000), NO_NUL])


class CancelActionSchema(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NO_NUL])


class ActionPathSchema(Schema):
    action_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class ScreeningSchema(Schema):
    id = fields.Integer()
    instrument = fields.String()
    date = fields.Date(attribute="screened_on")
    total = fields.Integer(allow_none=True)
    subscales = fields.Method("_subscales")
    band = fields.String(allow_none=True)
    flags = fields.List(fields.String())
    instance_id = fields.String()
    form_id = fields.String()
    form_version = fields.String()
    age_months = fields.Integer(allow_none=True)
    outside_age_range = fields.Boolean()
    device_total = fields.Integer(allow_none=True)
    device_disagrees = fields.Boolean()
    thresholds = fields.String(allow_none=True)
    superseded = fields.Boolean()

    def _subscales(self, screening) -> dict:
        return (screening.result or {}).get("subscales", {})


class PersonSummarySchema(Schema):
    id = fields.String()
    full_name = fields.String(allow_none=True)
    dob = fields.Date(allow_none=True)
    sex = fields.String(allow_none=True)
    commune = fields.String(attribute="commune_code")
    village = fields.String(allow_none=True)
    version = fields.Integer()


class PersonListSchema(Schema):
    items = fields.List(fields.Nested(PersonSummarySchema))


class ConflictSchema(Schema):
    id = fields.Integer()
    submission_id = fields.Integer()
    fields_ = fields.Dict(data_key="fields", attribute="fields",
                          metadata={"description": "field -> [stored, sent]"})
    created_at = fields.DateTime()


class PersonDetailSchema(PersonSummarySchema):
    caregiver_name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    screenings = fields.List(fields.Nested(ScreeningSchema))
    case = fields.Nested(CaseSchema, allow_none=True)
    possible_duplicates = fields.List(fields.String())
    conflicts = fields.List(fields.Nested(ConflictSchema))


class CaseListSchema(Schema):
    items = fields.List(fields.Nested(WorklistItemSchema))


class FormVersionChangeSchema(Schema):
    form_id = fields.String()
    version = fields.String()
    title = fields.String()
    hash = fields.String()


class ChangesSchema(Schema):
    persons = fields.List(fields.Nested(PersonSummarySchema))
    cases = fields.List(fields.Nested(CaseSchema))
    form_versions = fields.List(fields.Nested(FormVersionChangeSchema))
    cursor = fields.String()
    more = fields.Boolean(metadata={"description": "call again at once with this cursor"})


class ReviewQuerySchema(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))


class ReviewItemSchema(Schema):
    kind = fields.String(metadata={"enum": ["unmergeable", "held", "conflict"]})
    id = fields.Integer(metadata={"description": "the submission's id, or the conflict's"})
    form_id = fields.String()
    instance_id = fields.String()
    received_at = fields.DateTime()
    reason = fields.String(allow_none=True)
    commune = fields.String(allow_none=True)
    attempts = fields.Integer(metadata={"description": "merge attempts so far"})


class ReviewListSchema(Schema):
    items = fields.List(fields.Nested(ReviewItemSchema))


class SessionRequestSchema(Schema):
    username = fields.String(required=True, validate=[validate.Length(min=1, max=80),
                                                      NO_CONTROLS])
    password = fields.String(required=True, validate=[validate.Length(min=1, max=1000),
                                                      NO_NUL])


class CommuneSchema(Schema):
    code = fields.String()
    name = fields.String()


class MeSchema(Schema):
    username = fields.String()
    user_id = fields.Integer()
    role = fields.String()
    language = fields.String(metadata={"description": "vi or en: the caller's (a device's own)"})
    device = fields.Boolean(metadata={"description": "the token is a device link's, not a "
                                                     "sign-in's"})
    commune = fields.Nested(CommuneSchema, metadata={"description": "home commune (a device's "
                                                                    "commune)"})
    communes = fields.List(fields.Nested(CommuneSchema))


class SessionSchema(Schema):
    token = fields.String(metadata={"description": "an API token: send it as Authorization: "
                                                   "Bearer <token>"})
    expires_at = fields.DateTime()
    me = fields.Nested(MeSchema)


class MediaEntrySchema(Schema):
    name = fields.String()
    hash = fields.String(metadata={"description": "md5:<hex> of the file's bytes"})
    url = fields.String()


class FormEntrySchema(Schema):
    form_id = fields.String()
    version = fields.String()
    title = fields.String()
    hash = fields.String(metadata={"description": "md5:<hex> of the XForm"})
    xml_url = fields.String()
    case_list = fields.Boolean(metadata={"description": "the form picks a person from "
                                                        "cases.csv, which the app builds itself"})
    media = fields.List(fields.Nested(MediaEntrySchema))


class FormListSchema(Schema):
    forms = fields.List(fields.Nested(FormEntrySchema))


class FormPathSchema(Schema):
    form_id = fields.String(required=True, validate=[validate.Length(min=1, max=200),
                                                     NO_CONTROLS])


class MediaPathSchema(FormPathSchema):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=500), NO_CONTROLS])
