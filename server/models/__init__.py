"""SQLAlchemy models, one module per aggregate.

Models hold data and small invariants only: they never commit, build URLs or start jobs.
Importing this package registers every table on ``db.metadata`` (Alembic needs that).
"""

from server.models.area import AdminUnit
from server.models.audit import AuditEvent
from server.models.form import Form, FormAssignment, FormAttachment, FormVersion
from server.models.submission import Submission, SubmissionAttachment, SubmissionConflict
from server.models.user import AppUser, User, UserArea

__all__ = [
    "AdminUnit", "AppUser", "AuditEvent", "Form", "FormAssignment", "FormAttachment",
    "FormVersion", "Submission", "SubmissionAttachment", "SubmissionConflict", "User", "UserArea",
]
