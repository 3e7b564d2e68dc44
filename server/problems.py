"""Every refusal a person can meet, as a named constructor returning a coded ``Problem``.

Services and views ``raise problems.user_unknown(username)``; nothing else builds a Problem, so
a call site never spells a code. The texts (Vietnamese and English) are in
``server/problem_catalogue.py``. Each surface renders a Problem in its own format, and only
there: OpenRosaResponse XML for Collect (``server/openrosa/responses.py``), the JSON error shape
for the API (``server/api/errors.py``), one line on stderr and exit code 1 for the CLI
(``server/cli/common.py``). A Problem may carry ``data``: structured, JSON-safe detail (the
sheet and row of an XLSForm error, the missing blobs of a backup) that the CLI shows beside the
text; texts and data never hold personal data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from server.problem_catalogue import CATALOGUE, DETAIL_LABELS, LISTED, MORE


class Problem(Exception):
    """A refusal with a catalogue code; ``params`` fill the text templates.

    ``keep=True`` asks the boundary to commit what the request wrote before failing (a
    conflicting body kept for review); by default a Problem rolls everything back.
    """

    def __init__(self, code: str, /, *, keep: bool = False, data: Mapping[str, Any] | None = None,
                 **params: Any):
        if code not in CATALOGUE:
            raise KeyError(f"unknown problem code {code}")
        super().__init__(code)
        self.code = code
        self.keep = keep
        self.params = params
        self.data = {key: value for key, value in (data or {}).items() if value is not None}

    @property
    def status(self) -> int:
        return CATALOGUE[self.code].status

    def message(self, language: str = "vi") -> str:
        entry = CATALOGUE[self.code]
        template = entry.en if language == "en" else entry.vi
        return template.format(**self.params)

    def where(self, language: str = "vi") -> str:
        """The labelled detail as text (``sheet survey, row 3``); empty when there is none.
        A detail the text already says (a parameter of the same name) is not repeated."""
        labels = DETAIL_LABELS["en" if language == "en" else "vi"]
        parts = [f"{label} {_shown(self.data[key], language)}"
                 for key, label in labels.items()
                 if self.data.get(key) not in (None, "", []) and key not in self.params]
        return ", ".join(parts)

    def __str__(self) -> str:
        """Code, English text and detail: for logs and job runs (no personal data)."""
        where = self.where("en")
        return f"{self.code}: {self.message('en')}" + (f" ({where})" if where else "")


def _shown(value: Any, language: str) -> str:
    if not isinstance(value, list | tuple):
        return str(value)
    more = len(value) - LISTED
    extra = [MORE["en" if language == "en" else "vi"].format(count=more)] if more > 0 else []
    return ", ".join([*map(str, value[:LISTED]), *extra])


def _listed(values: Sequence[str]) -> str:
    return ", ".join(values) or "-"


# --- OpenRosa and HTTP: what Collect or a client sent -------------------------------------

def openrosa_version_missing() -> Problem:
    return Problem("400.1")


def submission_file_missing() -> Problem:
    return Problem("400.2")


def submission_not_xml(detail: str) -> Problem:
    return Problem("400.3", detail=detail)


def submission_has_doctype() -> Problem:
    return Problem("400.4")


def instance_id_missing() -> Problem:
    return Problem("400.5")


def form_id_missing() -> Problem:
    return Problem("400.6")


def bad_request(detail: str) -> Problem:
    return Problem("400.7", detail=detail)


def value_too_long(field: str, limit: int) -> Problem:
    return Problem("400.8", field=field, limit=limit)


def control_character(field: str) -> Problem:
    return Problem("400.9", field=field)


def not_found() -> Problem:
    return Problem("404.4")


def method_not_allowed() -> Problem:
    return Problem("405.1")


def request_too_slow() -> Problem:
    return Problem("408.1")


def request_too_large(limit: int) -> Problem:
    return Problem("413.1", limit=limit)


def too_many_wrong_keys(seconds: int) -> Problem:
    return Problem("429.1", seconds=seconds)


def sign_in_throttled(seconds: int) -> Problem:
    return Problem("429.2", seconds=seconds)


def sign_in_refused() -> Problem:
    """401.3: the same for an unknown user, a wrong password and a deactivated account."""
    return Problem("401.3")


def server_error() -> Problem:
    return Problem("500.1")


def storage_unavailable() -> Problem:
    """503.4: the object store does not answer; nothing was kept, send again later."""
    return Problem("503.4")


def file_unavailable(filename: str) -> Problem:
    return Problem("503.1", filename=filename)


# --- credentials ---------------------------------------------------------------------------

def device_key_unknown() -> Problem:
    return Problem("401.1")


def api_token_invalid() -> Problem:
    return Problem("401.2")


def device_key_revoked() -> Problem:
    return Problem("403.1")


# --- forms as a device sees them, and submissions ------------------------------------------

def form_not_for_device(form_id: str) -> Problem:
    return Problem("403.2", form_id=form_id)


def form_unknown(form_id: str) -> Problem:
    return Problem("404.1", form_id=form_id)


def form_version_unpublished(form_id: str, version: str) -> Problem:
    return Problem("404.2", form_id=form_id, version=version)


def edit_target_unknown(deprecated_id: str) -> Problem:
    return Problem("404.3", deprecated_id=deprecated_id)


def submission_conflict(instance_id: str) -> Problem:
    """409.1: the text promises the body was kept for review, so the unit of work is kept."""
    return Problem("409.1", keep=True, instance_id=instance_id)


def form_closed(form_id: str) -> Problem:
    return Problem("409.2", form_id=form_id)


def submission_deleted(instance_id: str) -> Problem:
    return Problem("409.3", instance_id=instance_id)


def edit_target_superseded(deprecated_id: str) -> Problem:
    return Problem("409.4", deprecated_id=deprecated_id)


def edit_id_taken(instance_id: str) -> Problem:
    """409.5: like 409.1, the refused edit's body is kept for review."""
    return Problem("409.5", keep=True, instance_id=instance_id)


# --- users, devices, areas, API tokens -------------------------------------------------------

def role_unknown(role: str, allowed: Sequence[str]) -> Problem:
    return Problem("400.10", role=role, allowed=_listed(allowed))


def current_password_wrong() -> Problem:
    return Problem("400.27")


def password_too_short(minimum: int) -> Problem:
    return Problem("400.22", minimum=minimum)


def passwords_differ() -> Problem:
    return Problem("400.23")


def form_expired() -> Problem:
    """400.21: a web form without a valid CSRF token (expired, or posted from elsewhere)."""
    return Problem("400.21")


def page_not_found() -> Problem:
    """404.15: a page, or an id outside the user's area (the same answer for both)."""
    return Problem("404.15")


def page_failed() -> Problem:
    return Problem("500.8")


def email_invalid(email: str) -> Problem:
    return Problem("400.20", email=email)


def areas_missing() -> Problem:
    return Problem("400.11")


def commune_needed(code: str) -> Problem:
    return Problem("400.12", code=code)


def user_unknown(username: str) -> Problem:
    return Problem("404.6", username=username)


def app_user_unknown(name: str) -> Problem:
    return Problem("404.7", name=name)


def area_unknown(code: str) -> Problem:
    return Problem("404.8", code=code)


def api_token_unknown(token_id: int) -> Problem:
    return Problem("404.9", token_id=token_id)


def user_exists(username: str) -> Problem:
    return Problem("409.6", username=username)


def app_user_exists(name: str) -> Problem:
    return Problem("409.7", name=name)


def collaborator_outside_commune(username: str, commune: str) -> Problem:
    return Problem("409.8", username=username, commune=commune)


def user_not_collaborator(username: str, role: str) -> Problem:
    return Problem("409.9", username=username, role=role)


# --- persons and cases -------------------------------------------------------------------------

def reason_missing() -> Problem:
    return Problem("400.13")


def person_merge_same() -> Problem:
    return Problem("400.14")


def case_state_unknown(state: str, allowed: Sequence[str]) -> Problem:
    return Problem("400.15", state=state, allowed=_listed(allowed))


def case_step_unknown(step: str, allowed: Sequence[str]) -> Problem:
    return Problem("400.16", step=step, allowed=_listed(allowed))


def export_format_unknown(fmt: str, allowed: Sequence[str]) -> Problem:
    return Problem("400.18", format=fmt, allowed=_listed(allowed))


def person_unknown(person_id: str) -> Problem:
    return Problem("404.5", person_id=person_id)


def case_unknown(case_id: int) -> Problem:
    return Problem("404.10", case_id=case_id)


def person_merge_inactive() -> Problem:
    return Problem("409.10")


def action_outcome_unknown(outcome: str, allowed: Sequence[str]) -> Problem:
    return Problem("400.19", outcome=outcome, allowed=_listed(allowed))


def admin_only() -> Problem:
    return Problem("403.4")


def action_role_refused(role: str) -> Problem:
    return Problem("403.3", role=role)


def action_unknown(action_id: int) -> Problem:
    return Problem("404.14", action_id=action_id)


def action_closed(action_id: int, state: str) -> Problem:
    return Problem("409.14", action_id=action_id, state=state)


def date_unreadable(field: str) -> Problem:
    return Problem("400.26", field=field)


def number_unreadable(field: str) -> Problem:
    return Problem("400.28", field=field)


def facility_missing() -> Problem:
    return Problem("400.24")


def referral_result_unknown(result: str, allowed: Sequence[str]) -> Problem:
    return Problem("400.25", result=result, allowed=_listed(allowed))


def referral_unknown(referral_id: int) -> Problem:
    return Problem("404.16", referral_id=referral_id)


def assignee_not_here() -> Problem:
    return Problem("400.40")


def text_missing() -> Problem:
    return Problem("400.41")


def intake_channel_unknown(channel: str, allowed: Sequence[str]) -> Problem:
    return Problem("400.42", channel=channel, allowed=_listed(allowed))


def intake_kind_unknown(kind: str, allowed: Sequence[str]) -> Problem:
    return Problem("400.43", kind=kind, allowed=_listed(allowed))


def commune_outside_area(code: str) -> Problem:
    return Problem("400.44", code=code)


def conflict_unknown(conflict_id: int) -> Problem:
    return Problem("404.40", conflict_id=conflict_id)


def duplicate_unknown() -> Problem:
    return Problem("404.41")


# --- the facility list a coordinator keeps ---------------------------------------------------

def facility_name_missing() -> Problem:
    return Problem("400.50")


def facility_kind_unknown(kind: str, allowed: Sequence[str]) -> Problem:
    return Problem("400.51", kind=kind, allowed=_listed(allowed))


def coordinator_only() -> Problem:
    return Problem("403.50")


def facility_unknown(facility_id: int) -> Problem:
    """404.50: a facility that does not exist or is outside the caller's area (one answer)."""
    return Problem("404.50", facility_id=facility_id)


# --- people and devices a coordinator or admin manages -------------------------------------

def account_name_invalid(name: str) -> Problem:
    return Problem("400.60", name=name)


def collaborator_missing() -> Problem:
    return Problem("400.61")


def own_account_refused() -> Problem:
    return Problem("403.60")


def managed_user_unknown(user_id: int) -> Problem:
    """404.60: a user who does not exist or is not wholly within the caller's area."""
    return Problem("404.60", user_id=user_id)


def managed_device_unknown(device_id: int) -> Problem:
    """404.61: a device that does not exist or whose commune is outside the caller's area."""
    return Problem("404.61", device_id=device_id)


def device_revoked_no_code(name: str) -> Problem:
    return Problem("409.60", name=name)


def device_code_replaced(name: str) -> Problem:
    return Problem("409.61", name=name)


def user_has_devices(username: str, communes: Sequence[str]) -> Problem:
    return Problem("409.62", username=username, communes=_listed(communes))


# --- population denominators and the audit view (issue 12) ----------------------------------

def year_unreadable(year: str) -> Problem:
    return Problem("400.70", year=year)


def population_value_unreadable(code: str, group: str) -> Problem:
    """400.71: a number typed on the page; ``group`` is named in the page's language."""
    return Problem("400.71", code=code, group=group)


def import_file_missing() -> Problem:
    return Problem("400.72")


def audit_filter_unreadable(field: str) -> Problem:
    return Problem("400.73", field=field)


def import_preview_gone() -> Problem:
    """404.70: an unknown preview address, or one this user's session did not make."""
    return Problem("404.70")


def import_preview_outdated(code: str) -> Problem:
    return Problem("409.70", code=code)


def import_file_too_large(limit: int) -> Problem:
    return Problem("413.70", limit=limit)


def import_commune_unknown(code: str, row: int) -> Problem:
    """422.70 to 422.76 describe one row of a population file (returned as data, not raised)."""
    return Problem("422.70", data={"row": row}, code=code)


def import_commune_outside(code: str, row: int) -> Problem:
    return Problem("422.71", data={"row": row}, code=code)


def import_value_unreadable(column: str, value: str, row: int) -> Problem:
    return Problem("422.72", data={"row": row}, column=column, value=value)


def import_column_unknown(column: str, allowed: Sequence[str], row: int) -> Problem:
    return Problem("422.73", data={"row": row}, column=column, allowed=_listed(allowed))


def import_row_duplicate(code: str, year: int, first: int, row: int) -> Problem:
    return Problem("422.74", data={"row": row}, code=code, year=year, first=first)


def import_year_unreadable(value: str, row: int) -> Problem:
    return Problem("422.75", data={"row": row}, value=value)


def import_column_missing(column: str, row: int) -> Problem:
    return Problem("422.76", data={"row": row}, column=column)


def import_file_unreadable() -> Problem:
    return Problem("422.77")


def import_file_empty() -> Problem:
    return Problem("422.78")


def import_too_many_rows(limit: int) -> Problem:
    return Problem("422.79", limit=limit)


# --- publishing and managing forms ---------------------------------------------------------

def form_state_unknown(state: str, allowed: Sequence[str]) -> Problem:
    return Problem("400.17", state=state, allowed=_listed(allowed))


def form_has_no_version(form_id: str, version: str) -> Problem:
    return Problem("404.11", form_id=form_id, version=version)


def form_version_exists(form_id: str, version: str) -> Problem:
    return Problem("409.11", form_id=form_id, version=version)


def form_version_not_newer(form_id: str, version: str, current: str) -> Problem:
    return Problem("409.12", form_id=form_id, version=version, current=current)


def field_type_changed(form_id: str, field: str, before: str, after: str,
                       version: str) -> Problem:
    return Problem("409.13", data={"field": field}, form_id=form_id, field=field,
                   before=before, after=after, version=version)


def xlsform_invalid(reason: str, detail: str, sheet: str | None = None,
                    row: int | None = None) -> Problem:
    """422.1; ``reason`` is the ``forms`` package's code, ``detail`` pyxform's message."""
    return Problem("422.1", data={"reason": reason, "sheet": sheet, "row": row},
                   detail=detail)


def xform_invalid(reason: str, detail: str) -> Problem:
    return Problem("422.2", data={"reason": reason}, detail=detail)


def javarosa_refused(reason: str, detail: str, field: str | None = None) -> Problem:
    return Problem("422.3", data={"reason": reason, "field": field}, detail=detail)


def binding_invalid(reason: str, detail: str, field: str | None = None) -> Problem:
    """422.4; ``reason`` is the ``sync`` package's code (``binding_item_missing`` ...)."""
    return Problem("422.4", data={"reason": reason, "field": field}, detail=detail)


def form_version_missing(form_id: str) -> Problem:
    return Problem("422.5", form_id=form_id)


def media_not_used(form_id: str, version: str, filename: str, used: Sequence[str]) -> Problem:
    return Problem("422.6", form_id=form_id, version=version, filename=filename,
                   used=_listed(used))


def validation_unavailable(reason: str, detail: str) -> Problem:
    """503.2: Java or ODK Validate is missing or failed (strict mode needs them)."""
    return Problem("503.2", data={"reason": reason}, detail=detail)


# --- jobs, backups and restores (the CLI) ----------------------------------------------------

def job_unknown(name: str, known: Sequence[str]) -> Problem:
    return Problem("404.12", name=name, known=_listed(known))


def job_failed(name: str, run_id: int, error: str) -> Problem:
    """500.2; ``error`` is the job run's log-safe description (its type or problem code)."""
    return Problem("500.2", name=name, run_id=run_id, error=error)


def backup_file_missing(path: str) -> Problem:
    return Problem("404.13", path=path)


def backup_wrong_kind(name: str, backend: str, suffix: str) -> Problem:
    return Problem("422.7", name=name, backend=backend, suffix=suffix)


def backup_unreadable(name: str, reason: str) -> Problem:
    return Problem("422.8", name=name, reason=reason)


def backup_blobs_missing(name: str, missing: Sequence[str], pool: str) -> Problem:
    """422.9: restore refused before touching anything; ``data['missing']`` lists them."""
    return Problem("422.9", data={"missing": list(missing)}, name=name, count=len(missing),
                   pool=pool)


def backup_blobs_damaged(damaged: Sequence[str], pool: str) -> Problem:
    return Problem("422.10", data={"damaged": list(damaged)}, count=len(damaged), pool=pool)


def backup_incomplete(name: str, missing: Sequence[str]) -> Problem:
    """500.3: the backup ``name`` was written and kept, but lacks ``missing`` blobs."""
    return Problem("500.3", data={"file": name, "missing": list(missing)}, name=name,
                   count=len(missing))


def restored_blobs_missing(name: str, missing: Sequence[str]) -> Problem:
    return Problem("500.4", data={"missing": list(missing)}, name=name, count=len(missing))


def pg_tool_failed(tool: str, exit_code: int, reason: str) -> Problem:
    return Problem("500.5", tool=tool, exit_code=exit_code, reason=reason)


def backup_backend_unsupported(backend: str) -> Problem:
    return Problem("500.6", backend=backend)


def sqlite_file_missing(path: str) -> Problem:
    return Problem("500.7", path=path)


def pg_tool_missing(tool: str) -> Problem:
    return Problem("503.3", tool=tool)


# --- issue 12: form drafts, publishing and managing forms on the pages -----------------------
# A refusal of an uploaded form carries its location as data: sheet, row, column (letter),
# header (the column's header), field (the instance path) and detail (pyxform's or JavaRosa's
# own English words).

def form_upload_missing() -> Problem:
    return Problem("400.80")


def form_not_managed(form_id: str) -> Problem:
    return Problem("403.80", form_id=form_id)


def form_everywhere_admin_only() -> Problem:
    return Problem("403.81")


def draft_unknown(draft_id: int) -> Problem:
    return Problem("404.80", draft_id=draft_id)


def upload_too_large(limit: int) -> Problem:
    return Problem("413.80", limit=limit)


def form_upload_unsupported(filename: str) -> Problem:
    return Problem("422.80", filename=filename)


def form_unknown_function(name: str, where: Mapping[str, Any] | None = None) -> Problem:
    return Problem("422.81", data=where, name=name)


def form_expression_syntax(where: Mapping[str, Any] | None = None) -> Problem:
    return Problem("422.82", data=where)


def form_unknown_reference(name: str, where: Mapping[str, Any] | None = None) -> Problem:
    return Problem("422.83", data=where, name=name)


def form_duplicate_name(name: str, where: Mapping[str, Any] | None = None) -> Problem:
    return Problem("422.84", data=where, name=name)


def form_unknown_type(name: str, where: Mapping[str, Any] | None = None) -> Problem:
    return Problem("422.85", data=where, name=name)


def form_upload_unreadable(filename: str) -> Problem:
    return Problem("422.86", filename=filename)


def xlsform_refused(where: Mapping[str, Any] | None = None) -> Problem:
    return Problem("422.87", data=where)


def javarosa_refused_located(where: Mapping[str, Any] | None = None) -> Problem:
    return Problem("422.88", data=where)
# --- issue 12: test-filling a form in the browser (nothing is stored) ------------------------

def trial_wrong_form(form_id: str, version: str) -> Problem:
    return Problem("422.90", form_id=form_id, version=version)


def trial_unmergeable(field: str) -> Problem:
    """422.91: a merge would refuse it for good (``sync.SyncError``), naming the field."""
    return Problem("422.91", field=field)
# --- issue 12: licensed instrument texts -----------------------------------------------------

def licensed_text_language(language: str) -> Problem:
    return Problem("400.100", language=language)


def licensed_text_area(form_id: str) -> Problem:
    """403.100: a coordinator and a form offered beyond their area (or everywhere)."""
    return Problem("403.100", form_id=form_id)


def licensed_text_not_offered(form_id: str) -> Problem:
    return Problem("404.100", form_id=form_id)


def licensed_text_outdated(form_id: str, version: str, current: str) -> Problem:
    return Problem("409.100", form_id=form_id, version=version, current=current)


def licensed_text_too_large(limit: int) -> Problem:
    return Problem("413.100", limit=limit)


def licensed_text_unexpected_row(found: str, expected: str, row: int) -> Problem:
    """422.100 to 422.108 describe one row of a text file (returned as data, not raised);
    ``found``, ``expected`` and ``slot`` name an item (``q03``) or an option (``q03 = 2``)."""
    return Problem("422.100", data={"row": row}, row=row, found=found, expected=expected)


def licensed_text_unknown_item(found: str, keys: Sequence[str], row: int) -> Problem:
    return Problem("422.101", data={"row": row}, row=row, found=found, keys=_listed(keys))


def licensed_text_wrong_value(item: str, found: str, expected: Sequence[str],
                              row: int) -> Problem:
    return Problem("422.102", data={"row": row}, row=row, item=item, found=found,
                   expected=_listed(expected))


def licensed_text_duplicate(slot: str, first: int, row: int) -> Problem:
    return Problem("422.103", data={"row": row}, row=row, slot=slot, first=first)


def licensed_text_missing(slot: str, row: int) -> Problem:
    return Problem("422.104", data={"row": row}, row=row, slot=slot)


def licensed_text_empty(slot: str, row: int) -> Problem:
    return Problem("422.105", data={"row": row}, row=row, slot=slot)


def licensed_text_too_long(slot: str, limit: int, row: int) -> Problem:
    return Problem("422.106", data={"row": row}, row=row, slot=slot, limit=limit)


def licensed_text_markup(slot: str, row: int) -> Problem:
    return Problem("422.107", data={"row": row}, row=row, slot=slot)


def licensed_text_shared(slot: str, row: int) -> Problem:
    return Problem("422.108", data={"row": row}, row=row, slot=slot)
# --- issue 12: programme settings per province ----------------------------------------------

def period_invalid(period: str, value: str, low: int, high: int) -> Problem:
    return Problem("400.110", period=period, value=value, low=low, high=high)


def threshold_table_unknown(table: str, tables: str) -> Problem:
    return Problem("400.111", table=table, tables=tables)


def settings_changed_since_preview(province: str) -> Problem:
    return Problem("409.112", province=province)


# --- issue 12: background exports --------------------------------------------------------------

def export_kind_unknown(kind: str) -> Problem:
    return Problem("400.140", kind=kind)


def export_filter_invalid(field: str) -> Problem:
    return Problem("400.141", field=field)


def export_not_ready() -> Problem:
    return Problem("409.142")


def export_expired(days: int) -> Problem:
    return Problem("410.143", days=days)


def export_failed() -> Problem:
    """500.144: the worker failed for a reason that is not the requester's (the log says why)."""
    return Problem("500.144")


def export_queue_full(limit: int) -> Problem:
    return Problem("429.145", limit=limit)


def export_too_many_rows(limit: int) -> Problem:
    return Problem("413.146", limit=limit)


# --- issue 12: dashboards ------------------------------------------------------------------

def dashboard_period_unreadable(text: str) -> Problem:
    return Problem("400.130", text=text)


def dashboard_sex_unknown(text: str) -> Problem:
    return Problem("400.131", text=text)


def dashboard_age_band_unknown(text: str) -> Problem:
    return Problem("400.132", text=text)


def dashboard_commune_outside_province(code: str) -> Problem:
    return Problem("400.133", code=code)


# --- issue 13: the mobile web app (/m/) and its waiting-forms file ---------------------------

def app_for_collaborators() -> Problem:
    """403.150: a staff user signed in to the collaborators' app with the right password."""
    return Problem("403.150")


def waiting_file_missing() -> Problem:
    return Problem("400.150")


def waiting_file_unreadable() -> Problem:
    return Problem("400.151")


def waiting_file_wrong_format() -> Problem:
    return Problem("400.152")


def waiting_file_empty() -> Problem:
    return Problem("400.153")


def waiting_item_incomplete(number: int, field: str) -> Problem:
    return Problem("400.154", number=number, field=field)


def waiting_file_too_large(limit: int) -> Problem:
    return Problem("413.150", limit=limit)
