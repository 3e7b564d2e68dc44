"""One screening of a case in full: its result, every answer in the form's own words, the raw
submission and its attachments (issue 11).

``GET /cases/<case_id>/screenings/<screening_id>`` shows the total, subscales, band, flags, the
device's score and whether it disagreed, the interview date, the answers labelled by the form
version the submission was made with (Vietnamese, or English when the page is in English and
the form has it) and the raw XML; ``.../submission.xml`` and ``.../attachments/<id>`` download
the submission and its files as they were received. A case outside the user's area, or a
screening of another person, is the same 404 as an unknown id; every view and download is
audited (``services/cases/screening_details.py``). Downloads are attachments, never cached.
"""

from __future__ import annotations

import io
import math
import mimetypes
import re

from flask import Response, current_app, g, render_template, send_file
from flask_babel import get_locale

from server.services.cases import screening_details
from server.ui import bp
from server.ui.labels import (
    DATE_SOURCES,
    FLAG_LABELS,
    SUBSCALE_BANDS,
    SUBSCALE_LABELS,
    age_words,
    result_words,
)
from server.ui.web import actor, signed_in_required

#: a downloaded file is given its own type only in these families, else a neutral one
#: (not SVG: a picture that can hold a script)
SAFE_TYPES = re.compile(r"(image/(?!svg)|audio/|video/)[a-z0-9.+-]+|application/pdf")
#: what a file name a device sent may keep in a download's name
UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"\\/]')


@bp.get("/cases/<int:case_id>/screenings/<int:screening_id>")
@signed_in_required
def screening_page(case_id: int, screening_id: int):
    details = screening_details.get_screening(actor(), g.scope, case_id, screening_id,
                                              get_locale().language)
    screening = details.screening
    result = screening.result or {}
    return render_template(
        "screening.html", details=details, screening=screening, case=details.case,
        person=screening.person, submission=details.submission, version=details.version,
        xml_text=details.submission.xml.decode("utf-8", "replace"),
        subscales=result.get("subscales") or {}, bands=result.get("subscale_bands") or {},
        subscale_labels=SUBSCALE_LABELS, subscale_bands=SUBSCALE_BANDS,
        date_sources=DATE_SOURCES, flag_labels=FLAG_LABELS, result_words=result_words,
        age=age_words(screening.age_months, screening.age_years), size=_size)


@bp.get("/cases/<int:case_id>/screenings/<int:screening_id>/submission.xml")
@signed_in_required
def screening_xml(case_id: int, screening_id: int):
    submission, xml = screening_details.submission_xml(actor(), g.scope, case_id, screening_id)
    return _download(xml, "application/xml", f"submission-{submission.id}.xml")


@bp.get("/cases/<int:case_id>/screenings/<int:screening_id>/attachments/<int:attachment_id>")
@signed_in_required
def screening_attachment(case_id: int, screening_id: int, attachment_id: int):
    attachment, data = screening_details.attachment_file(
        actor(), g.scope, case_id, screening_id, attachment_id,
        current_app.extensions["sangloc_blobs"])
    return _download(data, _content_type(attachment.content_type, attachment.filename),
                     attachment.filename)


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    """A file to save, never shown in the page nor kept in a cache (it holds personal data);
    ``send_file`` writes a non-ASCII name as RFC 6266 ``filename*``."""
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=UNSAFE_NAME.sub("_", filename)[:200] or "file",
                         conditional=False, etag=False)
    response.headers["Cache-Control"] = "no-store"
    return response


def _content_type(stored: str | None, filename: str) -> str:
    """The type the device sent, else the one the file name says, when it is a picture, a
    sound, a video or a PDF; anything else is served as plain bytes."""
    for candidate in (stored, mimetypes.guess_type(filename)[0]):
        kind = (candidate or "").split(";")[0].strip().lower()
        if SAFE_TYPES.fullmatch(kind):
            return kind
    return "application/octet-stream"


def _size(size: int | None) -> str:
    """A file's size in whole kilobytes or megabytes, rounded up."""
    if size is None:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, math.ceil(size / 1024))} KB"
    return f"{math.ceil(size / (1024 * 1024))} MB"
