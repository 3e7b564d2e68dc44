"""Issue 12 end to end: screenings sent from Collect, the population a coordinator enters, the
``refresh_aggregates`` job, and the coverage a coordinator reads on ``/admin/dashboard``, on
SQLite and PostgreSQL. Nothing here writes an aggregate by hand.

Worked by hand (QĐ 1929/QĐ-TTg target: 70 % of children 0-6 screened in the year; coverage =
children 0-6 screened at least once in the year / children 0-6 of the commune that year):

- Phường Ba Đình (00004), 2025: six different children born 10/06/2023 are screened with the
  M-CHAT-R on 10/03/2025 (21 months: 0-6 years, and 16-30 months); the first of them again on
  15/04/2025 (he counts once); a child born 10/06/2023 screened on 10/12/2024 (another year:
  not counted in 2025); an adult screened with the PHQ-9 on 20/03/2025 (not a child).
  Population entered for 2025: 10 children 0-6, 8 children 16-30 months.
  Step-1 coverage = 6 / 10 = 60.0 %; M-CHAT-R coverage of 16-30 months = 6 / 8 = 75.0 %.
- Phường Ngọc Hà (00008), 2025: one child screened, 5 children 0-6: the count 1 is shown "<5"
  and its rate is not shown.
- The area's total (all of Hà Nội's communes the coordinator holds): 7 children of 15.
  Coverage 7 / 15 = 46.7 %.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.jobs import bodies
from server.models import User
from server.services.access import users
from server.services.access.scope import scope_of
from server.services.audit import SYSTEM, Actor
from server.services.programme import population
from tests.integration.test_aggregates import person_named, submit
from tests.integration.test_ui import PASSWORD, signed_in
from tests.support.instances import levels, mchat_answers

BA_DINH, NGOC_HA = "00004", "00008"
TODDLER = date(2023, 6, 10)


@pytest.fixture
def province(app, all_forms, make_device):
    """Old interview dates trusted; a device in each commune; a Hà Nội coordinator who enters
    the 2025 population."""
    app.config["SANGLOC_INTERVIEW_MAX_AGE_DAYS"] = 3650
    with transaction():
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)
    with transaction():
        user = db.session.scalar(select(User).where(User.username == "dp-ha-noi"))
        population.set_values(Actor("user", user.id), scope_of(user), 2025, {
            (BA_DINH, "children_0_6"): 10, (BA_DINH, "children_16_30m"): 8,
            (NGOC_HA, "children_0_6"): 5})
    return make_device("ctv-bd", BA_DINH), make_device("ctv-nh", NGOC_HA)


def _row(html: str, section: str, name: str) -> list[str]:
    part = html.split(f'id="ind-{section}"', 1)[1].split("</section>", 1)[0]
    row = re.search(rf"<tr[^>]*>\s*<th scope=\"row\">{re.escape(name)}</th>(.*?)</tr>", part,
                    re.S)
    assert row, f"{name} not in {section}"
    return [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_coverage_read_on_the_dashboard_matches_the_hand_count(app, province):
    ba_dinh, ngoc_ha = province
    for n in range(1, 7):
        submit(ba_dinh, "mchat_r", mchat_answers(0), date(2025, 3, 10), name=f"Bé Số {n}",
               dob=TODDLER)
    submit(ba_dinh, "mchat_r", mchat_answers(0), date(2025, 4, 15), name="Bé Số 1",
           dob=TODDLER, person=person_named("Bé Số 1").id)
    submit(ba_dinh, "mchat_r", mchat_answers(0), date(2024, 12, 10), name="Bé Năm Trước",
           dob=TODDLER)
    submit(ba_dinh, "phq9", levels(9), date(2025, 3, 20), name="Chị Lan", sex="female",
           dob=date(1990, 5, 17))
    submit(ngoc_ha, "mchat_r", mchat_answers(0), date(2025, 3, 12), name="Bé Ngọc Hà",
           dob=TODDLER, commune=NGOC_HA)

    page = signed_in(app, "dp-ha-noi").get("/admin/dashboard?period=2025")
    assert page.status_code == 200
    # before the job runs, nothing is counted yet: the page reads only the aggregates
    assert _row(page.data.decode(), "coverage", "Phường Ba Đình") == ["0", "10", "0,0"]

    bodies.refresh_aggregates()
    html = signed_in(app, "dp-ha-noi").get("/admin/dashboard?period=2025").data.decode()
    assert _row(html, "coverage", "Phường Ba Đình") == ["6", "10", "60,0"]
    assert _row(html, "coverage", "Phường Ngọc Hà") == ["&lt;5", "5", ""]
    assert _row(html, "coverage", "Tổng địa bàn") == ["7", "15", "46,7"]
    assert _row(html, "mchat_coverage", "Phường Ba Đình") == ["6", "8", "75,0"]
    assert "mục tiêu 70%" in html
