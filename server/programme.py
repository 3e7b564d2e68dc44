"""The programme's settings as merging, the jobs and the CLI use them, and the date in Vietnam.

``Programme`` holds the threshold table in force and the pathway's due periods
(``sync.pathway.Periods``: referral, assessment, Follow-Up interview, rescreen, review days)
and how old an interview date may be, built from the ``SANGLOC_*`` settings; ``current()``
reads them from the running app: the server's defaults. A province may override the table and
any period (``services/programme/settings.py`` reads its row); ``with_overrides`` gives the
settings in force there. Screening dates are local dates: Vietnam has one time zone
(UTC+7) and no daylight saving.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

from flask import current_app

import screening_tools
from sync.pathway import Periods

VIETNAM = timezone(timedelta(hours=7), "ICT")


@dataclass(frozen=True)
class Programme:
    thresholds: str = "international"
    periods: Periods = field(default_factory=Periods)
    interview_max_age_days: int = 90

    @classmethod
    def from_settings(cls, config: Any) -> Programme:
        return cls(config["SANGLOC_THRESHOLDS"], Periods(**{
            item.name: config[f"SANGLOC_{item.name.upper()}"] for item in fields(Periods)}),
            config["SANGLOC_INTERVIEW_MAX_AGE_DAYS"])

    def with_overrides(self, thresholds: str | None,
                       periods: Mapping[str, int] | None) -> Programme:
        """These settings with a province's table (None: keep) and periods (by name; a name
        that is not a period is ignored, so a row written by a later version cannot break
        merging)."""
        known = {item.name for item in fields(Periods)}
        days = {name: value for name, value in (periods or {}).items() if name in known}
        if (thresholds is None or thresholds == self.thresholds) and not days:
            return self
        table = thresholds if thresholds in screening_tools.THRESHOLD_TABLES else \
            self.thresholds
        return replace(self, thresholds=table, periods=replace(self.periods, **days))


def current() -> Programme:
    """The settings of the running app."""
    return Programme.from_settings(current_app.config)


def today() -> date:
    """Today's date in Vietnam."""
    return datetime.now(VIETNAM).date()


def local_date(moment: datetime) -> date:
    """The date in Vietnam of an aware moment."""
    return moment.astimezone(VIETNAM).date()


def table_label(name: str) -> str:
    """``international@2``: the threshold table in force, as results name it."""
    table = screening_tools.THRESHOLD_TABLES[name]
    return f"{table.name}@{table.version}"
