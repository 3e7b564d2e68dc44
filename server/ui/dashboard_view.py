"""What the dashboard page shows of each indicator: its table as shown, its chart's data.

The table is the export's (``shown_table``), so the page and a file never differ and every
count from 1 to 4 reads "<5". The chart is made from those shown cells only (a suppressed or
empty cell is a gap in the chart, never its hidden number) and passed to ``static/dashboard.js``
as JSON in a ``<script type="application/json">`` block (no inline script: the page's CSP).
Each recipe names the columns a chart draws and along what: the communes (their rows, then the
total), or the instruments (the total's rows). Nothing here reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from server.services.exports.tables import Table, shown_table
from server.services.programme.indicators import Indicator

#: indicator key -> (along what, the columns drawn, stacked, in percent)
RECIPES: dict[str, tuple[str, tuple[str, ...], bool, bool]] = {
    "children": ("commune", ("children",), False, False),
    "coverage": ("commune", ("coverage",), False, True),
    "mchat_coverage": ("commune", ("coverage",), False, True),
    "positive_rate": ("commune_by_instrument", ("rate",), False, True),
    "followup": ("commune", ("rate",), False, True),
    "referral_rate": ("commune", ("rate",), False, True),
    "referral_completion": ("commune", ("rate",), False, True),
    "delays": ("commune", ("to_referral", "to_assessment"), False, False),
    "yield": ("commune", ("rate",), False, True),
    "intervention": ("commune", ("rate",), False, True),
    "age_at_diagnosis": ("commune", ("median",), False, False),
    "adult_cascade": ("instrument", ("screened", "positive", "referred", "assessed"), False,
                      False),
    "safety": ("commune", ("rate",), False, True),
    "overdue": ("commune", ("referrals", "other"), True, False),
    "reporting": ("commune", ("completeness", "timeliness"), False, True),
}


@dataclass(frozen=True)
class ShownIndicator:
    indicator: Indicator
    header: list[str]
    rows: list[list[Any]]
    totals: list[bool]  # per row: the area's total
    outliers: list[bool]  # per row: a commune far from the rest (indicator 4)
    chart: dict[str, Any]
    headline: tuple[str, Any] | None  # the total's main number, with its column's name
    trimmed: bool  # only the total and the highlighted communes (the rest: in the export)

    @property
    def spec(self):
        return self.indicator.spec

    @property
    def body(self) -> Markup:
        """The table's rows as HTML, the total first, each commune's name as the row header
        (made here, not cell by cell in the template: a province has thousands of cells)."""
        flagged = list(zip(self.rows, self.totals, self.outliers, strict=True))
        lines = []
        for row, total, outlier in [f for f in flagged if f[1]] + [f for f in flagged
                                                                   if not f[1]]:
            css = " ".join(name for name, on in (("total", total), ("outlier", outlier)) if on)
            cells = "".join(f"<td>{escape(vn_cell(cell))}</td>" for cell in row[2:])
            lines.append(f'<tr{f" class={chr(34)}{css}{chr(34)}" if css else ""}>'
                         f'<th scope="row">{escape(row[1])}</th>{cells}</tr>')
        # every value above went through escape(); Markup.format would escape it again, and
        # costs ten times as much over a province's thousands of cells
        return Markup("\n".join(lines))  # noqa: S704


def vn_cell(value: Any) -> str:
    """A table cell as Vietnamese write numbers: 1.234 and 45,2; text as it is."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return str(value)


def _number(cell: Any) -> float | int | None:
    return cell if isinstance(cell, int | float) and not isinstance(cell, bool) else None


def shown(indicator: Indicator, language: str, *, whole_area: bool = False) -> ShownIndicator:
    """The indicator as the page shows it, in ``language``. For the ``whole_area`` (no
    commune asked for), a table per commune and instrument keeps the area's total per
    instrument and the highlighted communes only: a province's thousand rows of them are in
    the export, not on a page."""
    along, drawn, stacked, percent = RECIPES[indicator.spec.key]
    table = indicator.table
    trimmed = whole_area and along != "commune"
    if trimmed:
        table = Table(table.columns, [row for row in table.rows
                                      if row.get("_total") or row.get("_outlier")])
    header, rows = shown_table(table, language)
    keys = [column.key for column in table.columns]
    raw = table.rows
    index = {key: keys.index(key) for key in drawn}
    chart = _chart(along, drawn, index, header, rows, raw)
    chart.update(stacked=stacked, percent=percent, target=indicator.spec.target,
                 targetLabel=_target_label(indicator))
    headline = None
    if along == "commune":
        total = next(row for row, flags in zip(rows, raw, strict=True) if flags.get("_total"))
        headline = (header[index[drawn[0]]], total[index[drawn[0]]])
    return ShownIndicator(indicator, header, rows, [bool(r.get("_total")) for r in raw],
                          [bool(r.get("_outlier")) for r in raw], chart, headline, trimmed)


def _target_label(indicator: Indicator) -> str | None:
    if indicator.spec.target is None:
        return None
    return _("Target %(target)s%%", target=_decimal(indicator.spec.target))


def _decimal(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _chart(along: str, drawn: tuple[str, ...], index: dict[str, int], header: list[str],
           rows: list[list[Any]], raw: list[dict[str, Any]]) -> dict[str, Any]:
    if along == "commune":
        return {"labels": [row[1] for row in rows],
                "datasets": [{"label": header[index[key]],
                              "data": [_number(row[index[key]]) for row in rows]}
                             for key in drawn]}
    if along == "instrument":
        totals = [(row, r) for row, r in zip(rows, raw, strict=True) if r.get("_total")]
        return {"labels": [row[2] for row, _ in totals],
                "datasets": [{"label": header[index[key]],
                              "data": [_number(row[index[key]]) for row, _ in totals]}
                             for key in drawn]}
    return _by_instrument(index[drawn[0]], rows, raw)


def _by_instrument(at: int, rows: list[list[Any]], raw: list[dict[str, Any]]) -> dict:
    """Communes along, one dataset per instrument; a commune far from the rest highlighted."""
    labels: list[str] = []
    for row in rows:
        if row[1] not in labels:
            labels.append(row[1])
    datasets: dict[str, dict[str, Any]] = {}
    for row, r in zip(rows, raw, strict=True):
        found = datasets.setdefault(row[2], {"label": row[2], "data": [None] * len(labels),
                                             "highlight": [False] * len(labels)})
        at_label = labels.index(row[1])
        found["data"][at_label] = _number(row[at])
        found["highlight"][at_label] = bool(r.get("_outlier"))
    return {"labels": labels, "datasets": list(datasets.values())}
