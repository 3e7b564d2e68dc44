"""The one exception of the ``forms`` package and its code catalogue.

Every failure the package reports is a :class:`FormError` carrying a stable ``code`` from
:data:`CODES`, an English message for people and, when known, the XLSForm sheet, row and the
field it concerns. Only ``server/`` turns codes into HTTP statuses and wire formats; this module
must not know about either. Warnings are never raised: functions return them as data.
"""

from __future__ import annotations

CODES: dict[str, str] = {
    # XLSForm -> XForm (forms.xlsform)
    "xlsform_invalid": "pyxform could not convert the XLSForm",
    # XForm reading (forms.xform)
    "xform_invalid": "the XForm is not well-formed XML or not an XForm",
    "no_form_id": "the XForm's main instance root has no id attribute",
    # XForm validation (forms.validate)
    "javarosa_invalid": "JavaRosa (ODK Validate) rejected the XForm",
    "javarosa_failed": "ODK Validate could not be run (jar missing, timeout, crash)",
    "java_missing": "Java is needed to validate the XForm but was not found",
    # New labels in one language (forms.relabel)
    "relabel_unknown_slot": "the form has no such question, choice, translation or version",
    "relabel_conflict": "two texts were given for one label that several questions share",
    "relabel_unsupported": "the label cannot be replaced where it lies (not UTF-8, an expression)",
    # Submitted instances (forms.instance)
    "instance_malformed": "the instance is empty, not UTF-8 or not well-formed XML",
    "instance_dtd_forbidden": "the instance contains a DOCTYPE or entity declaration",
    "instance_no_form_id": "the instance root has no id attribute",
    "instance_no_instance_id": "the instance has no meta/instanceID",
    "instance_too_deep": "the instance nests elements deeper than allowed",
}


class FormError(Exception):
    """A coded failure of the ``forms`` package.

    ``code`` is a key of :data:`CODES`; ``message`` is a human-readable English sentence;
    ``sheet``/``row`` locate an XLSForm problem and ``field`` names the form field, when known.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        if code not in CODES:
            raise ValueError(f"unknown FormError code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.sheet = sheet
        self.row = row
        self.field = field

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __repr__(self) -> str:
        where = {"sheet": self.sheet, "row": self.row, "field": self.field}
        extra = "".join(f", {key}={value!r}" for key, value in where.items() if value is not None)
        return f"FormError({self.code!r}, {self.message!r}{extra})"
