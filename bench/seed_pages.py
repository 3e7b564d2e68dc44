"""Seed one province for the supervisor pages' benchmark (issue 11); PostgreSQL only (COPY).

Persons are spread over the province's communes (uneven sizes, a few big towns), each with a
case, a consent and 1-5 screenings (mean 3) of instruments fitting their age group: M-CHAT-R
and R/F for toddlers, SDQ for children, PHQ-A for teenagers, PHQ-9, GAD-7 and SRQ-20 for adults,
EPDS for mothers. Results are real scores (``screening_tools``) of random answers, and the work
each opens is the care pathway's own (``sync.pathway.plan``): ``open_persons`` keep the work of
their latest screening open (a mix of referrals, assessments, rescreens, Follow-Up interviews,
reviews, a few urgent safety contacts, some referrals not heard back from); every other action
is closed (done or cancelled) with its events, so ``closed_persons`` sets how much closed work
the database holds. A few persons have 40 screenings (``heavy``), for the case page.

Rows are written with ``COPY`` in batches, ids given explicitly (sequences moved past them), so
100,000 persons and 300,000 screenings take one to two minutes. Call ``seed`` again to add more
closed work to the same database. Used by ``bench/run_pages.py``; not run alone.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from psycopg.types.json import Json
from sqlalchemy import insert, select, text, update

import screening_tools
from screening_tools import epds, sdq
from server.extensions import db
from server.models import AdminUnit, Form, FormVersion
from sync import normalise_name, pathway
from sync.scoring import ScreeningOutcome

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thanh", "Gia", "Bảo"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Lan", "Linh", "Mai", "Nam", "Vy"]
FORM_ID = "bench_pages"
BATCH = 5000  # persons per COPY transaction
HEAVY_SCREENINGS = 40


@dataclass(frozen=True)
class Group:
    name: str
    share: float
    instruments: tuple[str, ...]
    months: tuple[int, int]  # age range at the latest screening
    gap_days: tuple[int, int]  # between two screenings


GROUPS = (
    Group("toddler", 0.22, ("mchat_r", "mchat_r", "mchat_rf"), (16, 30), (20, 60)),
    Group("young_child", 0.08, ("sdq_p2_4",), (24, 59), (60, 180)),
    Group("child", 0.15, ("sdq_p4_17",), (48, 131), (90, 240)),
    Group("teen", 0.10, ("phqa", "sdq_p4_17"), (132, 215), (60, 180)),
    Group("adult", 0.35, ("phq9", "gad7", "srq20"), (216, 780), (60, 240)),
    Group("mother", 0.10, ("epds", "phq9"), (216, 480), (30, 120)),
)
#: the open work of an open person's latest screening, by kind (then drawn from the results
#: of their group that open it; review = the device's total disagreed)
OPEN_KINDS = {"safety_contact": 0.03, "referral": 0.27, "assessment": 0.25,
              "followup_interview": 0.08, "rescreen": 0.27, "review": 0.10}
DONE_OUTCOME = {"safety_contact": "safety_plan_made", "referral": "referred",
                "assessment": "assessed_no_concern", "followup_interview": "interview_done",
                "rescreen": "rescreened", "review": "reviewed", "referral_followup": "attended"}
COLUMNS = {
    "submissions": ("id", "form_id", "form_version_id", "instance_id", "xml", "xml_sha256",
                    "commune_code", "received_at", "merge_state", "merge_attempts"),
    "persons": ("id", "full_name", "name_key", "dob", "sex", "caregiver_name", "phone",
                "commune_code", "village", "created_at", "version", "updated_at"),
    "screenings": ("id", "person_id", "submission_id", "instrument", "form_id", "form_version",
                   "instance_id", "screened_on", "date_source", "age_months", "age_years",
                   "outside_age_range", "answers", "followup", "result", "total", "band",
                   "flags", "risk", "thresholds", "rules_version", "device_total",
                   "device_disagrees", "created_at"),
    "cases": ("id", "person_id", "state", "step", "last_instrument", "last_screened_on",
              "created_at", "updated_at"),
    "actions": ("id", "case_id", "person_id", "screening_id", "rule", "kind", "reason",
                "instrument", "risk", "opened_at", "due", "urgent", "state", "closed_at",
                "closed_by_type", "closed_by_id", "outcome", "note", "updated_at"),
    "referrals": ("id", "case_id", "person_id", "action_id", "followup_id", "facility",
                  "made_on", "appointment_on", "attended", "result", "created_at", "updated_at"),
    "case_events": ("id", "case_id", "at", "actor_type", "actor_id", "kind", "reason", "detail"),
    "consents": ("id", "person_id", "submission_id", "given", "given_by", "relation", "method",
                 "form_id", "form_version", "recorded_at"),
}
SERIAL = ("submissions", "screenings", "cases", "actions", "referrals", "case_events",
          "consents")


@dataclass(frozen=True)
class Entry:
    """One scored answer set of an instrument, and the kinds of work it opens."""

    instrument: str
    answers: dict
    result: dict
    kinds: frozenset[str]


def _healthy(instrument: str, item: str, codes: tuple[str, ...]) -> str:
    """The answer of someone without the difficulty (reverse-scored items the other way)."""
    if instrument.startswith("mchat"):
        return "no" if item in ("q02", "q05", "q12") else "yes"
    if (instrument == "epds" and item in epds.REVERSED) or \
            (instrument.startswith("sdq") and item in sdq.REVERSED):
        return codes[-1]
    return "no" if codes == ("yes", "no") else codes[0]


def build_pool(rng: random.Random, per_instrument: int = 400) -> dict[str, list[Entry]]:
    """Random answer sets (mostly healthy, some severe) of every instrument used, scored."""
    pool: dict[str, list[Entry]] = {}
    for instrument in sorted({i for g in GROUPS for i in g.instruments}):
        spec = screening_tools.get_instrument(instrument)
        entries = pool.setdefault(instrument, [])
        while len(entries) < per_instrument:
            severity = rng.betavariate(1, 3)
            answers = {k: rng.choice(spec.answer_codes[k]) if rng.random() < severity
                       else _healthy(instrument, k, spec.answer_codes[k]) for k in spec.items}
            result = screening_tools.score(instrument, answers).as_dict()
            kinds = {p.kind for p in pathway.plan(_outcome(instrument, answers, result),
                                                  on=date(2026, 1, 1), dob=None)}
            entries.append(Entry(instrument, answers, result, frozenset(kinds)))
    return pool


def _outcome(instrument: str, answers: dict, result: dict,
             disagrees: bool = False) -> ScreeningOutcome:
    return ScreeningOutcome(instrument, answers, {}, result, None, tuple(result["flags"]), None,
                            None, False, None, disagrees)


@dataclass
class Ids:
    next: dict[str, int]

    def take(self, table: str) -> int:
        self.next[table] += 1
        return self.next[table] - 1


@dataclass
class Seeder:
    """Builds persons with their records into ``rows`` and writes them with COPY."""

    rng: random.Random
    pool: dict[str, list[Entry]]
    ids: Ids
    today: date
    form: tuple[int, int]  # form id, current version id
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))
    made: int = 0  # persons built
    _last: tuple[str, date | None] = ("", None)  # the latest screening built: instrument, day
    _choices: dict[str, dict[str, list[Entry]]] = field(default_factory=dict)  # per group

    def add(self, table: str, **values) -> int:
        row_id = values["id"] if "id" in values else self.ids.take(table)
        values["id"] = row_id
        self.rows[table].append(tuple(values.get(c) for c in COLUMNS[table]))
        return row_id

    def person(self, commune: str, *, open_work: bool, heavy: bool = False) -> None:
        rng = self.rng
        group = GROUPS[-2] if heavy else rng.choices(GROUPS, [g.share for g in GROUPS])[0]
        latest = self.today - timedelta(days=min(365, int(rng.expovariate(1 / 12)))
                                        if open_work else rng.randint(7, 720))
        dob = latest - timedelta(days=int(30.44 * rng.randint(*group.months)))
        count = HEAVY_SCREENINGS if heavy else 1 + self.made % 5
        days = [latest]
        for _ in range(count - 1):
            days.append(days[-1] - timedelta(days=rng.randint(*group.gap_days)))
        person_id, name = str(uuid.uuid4()), \
            f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        sex = "female" if group.name == "mother" else rng.choice(("male", "female"))
        created = _at(days[-1])
        self.add("persons", id=person_id, full_name=name, name_key=normalise_name(name),
                 dob=dob, sex=sex, caregiver_name=None if group.months[0] >= 216 else
                 f"{rng.choice(FAMILY)} Thị {rng.choice(GIVEN)}",
                 phone=f"09{rng.randint(10_000_000, 99_999_999)}", commune_code=commune,
                 village=f"Thôn {rng.randint(1, 12)}", created_at=created, version=1,
                 updated_at=created)
        self.made += 1
        case_id = self.ids.take("cases")
        self.add("case_events", case_id=case_id, at=created, actor_type="system", kind="created",
                 detail=Json({}))
        opened = self._screenings(person_id, case_id, commune, group, dob,
                                  list(reversed(days)), open_work)
        state = rng.choice(("new", "new", "in_review", "referred")) if open_work else \
            rng.choice(("closed", "closed", "monitoring")) if opened else "new"
        self.add("cases", id=case_id, person_id=person_id, state=state,
                 step="closure" if state == "closed" else "assessment",
                 last_instrument=self._last[0], last_screened_on=latest, created_at=created,
                 updated_at=_at(latest))
        if open_work and rng.random() < 0.1:
            self._referral(case_id, person_id, open_followup=True)

    def _screenings(self, person_id, case_id, commune, group, dob, days, open_work) -> int:
        """Each screening with its submission and the work it opened; returns the actions."""
        actions = 0
        for k, on in enumerate(days):
            last = k == len(days) - 1
            entry, disagrees = self._entry(group, open_work and last)
            submission = self.add("submissions", form_id=self.form[0],
                                  form_version_id=self.form[1],
                                  instance_id=f"uuid:{uuid.uuid4()}", xml=b"<seeded/>",
                                  xml_sha256="0" * 64, commune_code=commune, received_at=_at(on),
                                  merge_state="merged", merge_attempts=0)
            if k == 0:
                self.add("consents", person_id=person_id, submission_id=submission, given=True,
                         given_by="Người chăm sóc" if group.months[0] < 216 else "Bản thân",
                         relation="mẹ" if group.months[0] < 216 else "bản thân",
                         method="verbal", form_id=FORM_ID, form_version="1",
                         recorded_at=_at(on))
            outcome = _outcome(entry.instrument, entry.answers, entry.result, disagrees)
            screening = self._screening(person_id, submission, entry, on, dob, outcome)
            for planned in pathway.plan(outcome, on=on, dob=dob):
                self._action(case_id, person_id, screening, planned, on,
                             open_=open_work and last)
                actions += 1
            self._last = (entry.instrument, on)
        return actions

    def _entry(self, group: Group, opening: bool) -> tuple[Entry, bool]:
        """A result for a screening; for the latest screening of an open person, one that
        opens work of a kind drawn from OPEN_KINDS and no safety contact unless that is the
        kind drawn (review: a result that opens nothing, but the device disagreed)."""
        rng = self.rng
        if not opening:
            return rng.choice(self.pool[rng.choice(group.instruments)]), rng.random() < 0.01
        if group.name not in self._choices:
            entries = [e for i in group.instruments for e in self.pool[i]]
            self._choices[group.name] = {k: [
                e for e in entries if (k in e.kinds if k != "review" else not e.kinds)
                and (k == "safety_contact" or "safety_contact" not in e.kinds)]
                for k in OPEN_KINDS}
        choices = self._choices[group.name]
        kinds = [k for k in OPEN_KINDS if choices[k]]
        kind = rng.choices(kinds, [OPEN_KINDS[k] for k in kinds])[0]
        return rng.choice(choices[kind]), kind == "review"

    def _screening(self, person_id, submission, entry, on, dob, outcome) -> int:
        result, months = entry.result, (on - dob).days * 12 // 365
        risk = pathway.risk_of(outcome, on=on, dob=dob)
        return self.add(
            "screenings", person_id=person_id, submission_id=submission,
            instrument=entry.instrument, form_id=FORM_ID, form_version="1",
            instance_id=f"uuid:{uuid.uuid4()}", screened_on=on, date_source="screened_on",
            age_months=months if months < 72 else None,
            age_years=months // 12 if months >= 72 else None, outside_age_range=False,
            answers=Json(entry.answers), followup=Json({}), result=Json(result),
            total=result["total"], band=result["band"], flags=Json(result["flags"]), risk=risk,
            thresholds=result["thresholds"], rules_version=result["rules_version"],
            device_total=(result["total"] or 0) + 1 if outcome.device_disagrees else None,
            device_disagrees=outcome.device_disagrees, created_at=_at(on))

    def _action(self, case_id, person_id, screening, planned, on, *, open_: bool) -> int:
        rng, opened = self.rng, _at(on)
        closed_at = state = outcome = note = by = None
        if not open_:
            state = "done" if rng.random() < 0.85 else "cancelled"
            outcome = DONE_OUTCOME.get(planned.kind, "other") if state == "done" else None
            note = None if state == "done" else "Gia đình đã chuyển đi nơi khác"
            closed_at = min(opened + timedelta(days=rng.randint(0, 30), hours=3), _at(self.today))
            by = "system" if outcome in ("rescreened", "interview_done") else "user"
        action_id = self.add(
            "actions", case_id=case_id, person_id=person_id, screening_id=screening,
            rule=planned.rule, kind=planned.kind, reason=planned.reason,
            instrument=planned.instrument_id, risk=planned.risk, opened_at=opened,
            due=planned.due, urgent=planned.urgent, state=state or "open", closed_at=closed_at,
            closed_by_type=by, closed_by_id=1 if by == "user" else None, outcome=outcome,
            note=note, updated_at=closed_at or opened)
        self._events(case_id, action_id, planned.kind, opened, state, closed_at, note)
        if outcome == "referred" and rng.random() < 0.7:
            self._referral(case_id, person_id, open_followup=False, answered=action_id,
                           made_on=closed_at.date())
        return action_id

    def _events(self, case_id, action_id, kind, opened, state, closed_at, note) -> None:
        self.add("case_events", case_id=case_id, at=opened, actor_type="system",
                 kind="action_opened", detail=Json({"action": action_id, "kind": kind}))
        if state:
            self.add("case_events", case_id=case_id, at=closed_at, actor_type="user",
                     actor_id=1, kind=f"action_{state}", reason=note,
                     detail=Json({"action": action_id, "kind": kind}))

    def _referral(self, case_id, person_id, *, open_followup: bool, answered: int | None = None,
                  made_on: date | None = None) -> None:
        """A referral recorded, and its follow-up (open: nobody has heard back yet)."""
        made_on = made_on or self.today - timedelta(days=self.rng.randint(5, 60))
        planned = pathway.Planned("referral.followup", "referral_followup", "referral_made",
                                  self._last[0], made_on + timedelta(days=30), False, "high")
        followup = self._action(case_id, person_id, None, planned, made_on, open_=open_followup)
        self.add("referrals", case_id=case_id, person_id=person_id, action_id=answered,
                 followup_id=followup, facility="Bệnh viện Nhi Trung ương", made_on=made_on,
                 appointment_on=made_on + timedelta(days=10),
                 attended=None if open_followup else True, result=None if open_followup else
                 "screen_negative", created_at=_at(made_on), updated_at=_at(made_on))

    def flush(self) -> None:
        """COPY the rows built so far, parents first (COLUMNS' order), in one transaction."""
        with db.engine.begin() as connection:
            cursor = connection.connection.driver_connection.cursor()
            for table, columns in COLUMNS.items():
                _copy(cursor, table, columns, self.rows[table])
        for table, rows in self.rows.items():
            self.counts[table] += len(rows)
            rows.clear()


def _copy(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if rows:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _at(day: date) -> datetime:
    """A naive UTC time on ``day`` (as UTCDateTime stores it)."""
    return datetime.combine(day, time(3, 0))


def seed(province: str, *, open_persons: int, closed_persons: int, heavy: int = 0,
         seed_value: int = 11) -> dict[str, int]:
    """Add ``open_persons`` with open work and ``closed_persons`` whose work is all closed (or
    who had none) in the communes of ``province``, plus ``heavy`` of each kind with 40
    screenings; returns the rows written per table."""
    from server.programme import today

    rng = random.Random(seed_value)
    communes = list(db.session.scalars(select(AdminUnit.code).where(
        AdminUnit.province_code == province).order_by(AdminUnit.code)))
    sizes = random.Random(province)
    weights = [sizes.paretovariate(1.2) for _ in communes]  # a few big towns, many villages
    seeder = Seeder(rng, build_pool(random.Random(5)), Ids(_next_ids()), today(), _bench_form())
    plan = [True] * open_persons + [False] * closed_persons
    rng.shuffle(plan)
    plan = [(True, True)] * heavy + [(False, True)] * heavy + [(o, False) for o in plan]
    for open_work, is_heavy in plan:
        commune = rng.choices(communes, weights)[0]
        seeder.person(commune, open_work=open_work, heavy=is_heavy)
        if len(seeder.rows["persons"]) >= BATCH:
            seeder.flush()
    seeder.flush()
    _advance_sequences()
    return seeder.counts


def _next_ids() -> dict[str, int]:
    return {t: (db.session.scalar(text(f"SELECT max(id) FROM {t}")) or 0) + 1
            for t in SERIAL}


def _bench_form() -> tuple[int, int]:
    """The form every seeded submission names (created once, never served)."""
    form = db.session.scalar(select(Form).where(Form.xml_form_id == FORM_ID))
    if form is None:
        now = datetime.now(UTC)
        form_id = db.session.execute(insert(Form).values(
            xml_form_id=FORM_ID, state="closed", created_at=now).returning(Form.id)).scalar()
        version = db.session.execute(insert(FormVersion).values(
            form_id=form_id, version="1", title="Benchmark", xml=b"<seeded/>", md5="0" * 32,
            sha256="0" * 64, fields={}, binary_fields=[], media=[],
            published_at=now).returning(FormVersion.id)).scalar()
        db.session.execute(update(Form).where(Form.id == form_id)
                           .values(current_version_id=version))
        db.session.commit()
        return form_id, version
    return form.id, form.current_version_id


def _advance_sequences() -> None:
    """Ids were given explicitly: move the sequences past them."""
    for table in SERIAL:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    db.session.commit()


def counts_in_database() -> dict[str, int]:
    """Rows per seeded table, open actions, and cases with open work (urgent, overdue)."""
    from server.programme import today

    found = {t: db.session.scalar(text(f"SELECT count(*) FROM {t}"))
             for t in ("persons", "screenings", "cases", "actions", "case_events")}
    found["open_actions"] = db.session.scalar(text(
        "SELECT count(*) FROM actions WHERE state = 'open'"))
    found["open_cases"], found["urgent_cases"], found["overdue_cases"] = db.session.execute(text(
        "SELECT count(*), count(*) FILTER (WHERE urgent), count(*) FILTER (WHERE due < :today) "
        "FROM (SELECT case_id, bool_or(urgent) AS urgent, min(due) AS due FROM actions "
        "WHERE state = 'open' GROUP BY case_id) AS work"), {"today": today()}).one()
    return found
