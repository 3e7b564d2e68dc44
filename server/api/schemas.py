"""marshmallow schemas at the JSON boundary: what the API accepts and what it returns."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from server import programme
from server.models.case import CASE_STATES

MAX_BATCH = 500
MAX_OFFSET = 1_000_000_000  # far beyond any list, far below the databases' integer range
# what server/inputs.py lets through in a URL: no control characters
NO_CONTROLS = validate.Regexp(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$",
                              error="must not contain control characters")


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
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))


class CaseSchema(Schema):
    id = fields.Integer()
    person_id = fields.String()
    state = fields.String()
    step = fields.String()
    risk = fields.String()
    flags = fields.List(fields.String(), attribute="open_flags")
    next_action = fields.String(allow_none=True)
    next_action_reason = fields.String(allow_none=True)
    due = fields.Date(attribute="next_action_due", allow_none=True)
    urgent = fields.Boolean()
    overdue = fields.Method("_overdue", metadata={
        "type": "boolean", "description": "the next action was due before today (Vietnam time)"})
    referral_status = fields.String()

    def _overdue(self, case) -> bool:
        return case.overdue_on(programme.today())


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
    items = fields.List(fields.Nested(CaseSchema))


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
