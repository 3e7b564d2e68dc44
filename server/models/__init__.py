"""SQLAlchemy models, one module per aggregate.

Models hold data and small invariants only: they never commit, build URLs or start jobs.
Importing this package registers every table on ``db.metadata`` (Alembic needs that).
"""

from server.models.action import CaseAction
from server.models.aggregate import AggregateCount, AggregateDirty, AggregateValue
from server.models.api_token import ApiToken
from server.models.area import AdminUnit
from server.models.audit import AuditEvent
from server.models.case import Case, CaseComment, CaseEvent
from server.models.export_job import ExportJob
from server.models.facility import Facility
from server.models.form import Form, FormAssignment, FormAttachment, FormVersion
from server.models.form_draft import FormDraft, FormDraftAttachment
from server.models.job import JobRun, SchedulerLease
from server.models.notification import Notification
from server.models.person import Consent, Person, PersonLink, RegistrationConflict
from server.models.programme_data import Denominator, ProvinceSetting, ProvinceSettingChange
from server.models.referral import Referral
from server.models.screening import Screening, ScreeningResult
from server.models.submission import Submission, SubmissionAttachment, SubmissionConflict
from server.models.user import AppUser, User, UserArea

__all__ = [
    "AdminUnit",
    "AggregateCount",
    "AggregateDirty",
    "AggregateValue",
    "ApiToken",
    "AppUser",
    "AuditEvent",
    "Case",
    "CaseAction",
    "CaseComment",
    "CaseEvent",
    "Consent",
    "Denominator",
    "ExportJob",
    "Facility",
    "Form",
    "FormAssignment",
    "FormAttachment",
    "FormDraft",
    "FormDraftAttachment",
    "FormVersion",
    "JobRun",
    "Notification",
    "Person",
    "PersonLink",
    "ProvinceSetting",
    "ProvinceSettingChange",
    "Referral",
    "RegistrationConflict",
    "SchedulerLease",
    "Screening",
    "ScreeningResult",
    "Submission",
    "SubmissionAttachment",
    "SubmissionConflict",
    "User",
    "UserArea",
]
