"""The survey-row model shared by scripts/build_forms.py and its sibling modules.

``Row`` is one line of an XLSForm ``survey`` sheet (its cells follow ``SURVEY_COLUMNS``);
``begin``/``end``/``note``/``calc`` are shorthands for the common row kinds. Every label, hint and
constraint message is a ``T`` pair (Vietnamese, English).
"""

from __future__ import annotations

from dataclasses import dataclass

VI = "Tiếng Việt (vi)"
EN = "English (en)"

T = tuple[str, str]  # (Vietnamese, English)

SURVEY_COLUMNS = (
    "type", "name", f"label::{VI}", f"label::{EN}", f"hint::{VI}", f"hint::{EN}",
    "required", "relevant", "constraint", f"constraint_message::{VI}",
    f"constraint_message::{EN}", "calculation", "appearance",
    "bind::sangloc:item", "bind::sangloc:person", "bind::sangloc:device_score",
    "trigger", "read_only", "choice_filter",
)  # fmt: skip


@dataclass(frozen=True)
class Row:
    """One survey row; ``item``/``person``/``score`` become the sangloc bind attributes."""

    type: str
    name: str = ""
    label: T | None = None
    hint: T | None = None
    required: bool = False
    relevant: str = ""
    constraint: str = ""
    message: T | None = None
    calculation: str = ""
    appearance: str = ""
    item: str = ""
    person: str = ""
    score: str = ""
    trigger: str = ""  # recompute ``calculation`` when this question changes (odk:setvalue)
    read_only: str = ""  # an XPath condition under which the question cannot be edited
    choice_filter: str = ""

    def cells(self) -> list[str]:
        """The row's cells in SURVEY_COLUMNS order."""
        blank = ("", "")
        label, hint, message = self.label or blank, self.hint or blank, self.message or blank
        return [
            self.type, self.name, *label, *hint, "yes" if self.required else "",
            self.relevant, self.constraint, *message, self.calculation, self.appearance,
            self.item, self.person, self.score, self.trigger, self.read_only,
            self.choice_filter,
        ]  # fmt: skip


def begin(name: str, label: T, relevant: str = "") -> Row:
    """A ``begin_group`` row."""
    return Row("begin_group", name, label, relevant=relevant)


def end(name: str) -> Row:
    """An ``end_group`` row."""
    return Row("end_group", name)


def note(name: str, label: T, relevant: str = "", hint: T | None = None) -> Row:
    """A read-only note."""
    return Row("note", name, label, hint=hint, relevant=relevant)


def calc(name: str, expression: str, score: str = "") -> Row:
    """A ``calculate`` row, optionally bound as the device-side score."""
    return Row("calculate", name, calculation=expression, score=score)
