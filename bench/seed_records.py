"""Seed a sangloc database with many persons and screenings for the records benchmark.

Writes submissions, persons, screenings and cases directly with SQLAlchemy Core batches (the
point is a big database to measure against, not the merge path, which the load run measures).
``commune_sizes`` says how many persons each commune gets; each person gets
``screenings_per_person`` M-CHAT-R screenings with random answers scored by screening_tools.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select, text

import screening_tools
from server.extensions import db
from server.models import Case, CaseAction, Form, Person, Screening, Submission
from sync import normalise_name

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thanh", "Gia", "Bảo"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Lan", "Linh", "Mai", "Nam", "Vy"]
BATCH = 2000


def _answers(rng: random.Random) -> dict[str, str]:
    reverse = {"q02", "q05", "q12"}
    answers = {}
    for i in range(1, 21):
        key = f"q{i:02d}"
        risky = rng.random() < 0.12
        answers[key] = ("yes" if risky else "no") if key in reverse else \
            ("no" if risky else "yes")
    return answers


def _flush(rows: dict[str, list[dict]]) -> None:
    for model in (Submission, Person, Screening, Case, CaseAction):
        if rows[model.__tablename__]:
            db.session.execute(insert(model.__table__), rows[model.__tablename__])
            rows[model.__tablename__].clear()
    db.session.commit()


def seed(form_id: str, commune_sizes: dict[str, int], screenings_per_person: int = 3,
         seed_value: int = 7) -> int:
    rng = random.Random(seed_value)
    form = db.session.scalar(select(Form).where(Form.xml_form_id == form_id))
    rows: dict[str, list[dict]] = {"submissions": [], "persons": [], "screenings": [],
                                   "cases": [], "actions": []}
    next_submission = (db.session.scalar(select(db.func.max(Submission.id))) or 0) + 1
    next_case = (db.session.scalar(select(db.func.max(Case.id))) or 0) + 1
    now, count = datetime.now(UTC), 0
    for commune, size in commune_sizes.items():
        for _ in range(size):
            person_id = str(uuid.uuid4())
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            dob = date.today() - timedelta(days=rng.randint(480, 900))
            rows["persons"].append({
                "id": person_id, "full_name": name, "name_key": normalise_name(name), "dob": dob,
                "sex": rng.choice(("male", "female")), "commune_code": commune, "version": 1,
                "village": f"Thôn {rng.randint(1, 12)}", "created_at": now, "updated_at": now})
            band = None
            for k in range(screenings_per_person):
                result = screening_tools.score("mchat_r", _answers(rng)).as_dict()
                band = result["band"]
                rows["submissions"].append({
                    "id": next_submission, "form_id": form.id,
                    "form_version_id": form.current_version_id,
                    "instance_id": f"uuid:{uuid.uuid4()}", "xml": b"<seeded/>",
                    "xml_sha256": "0" * 64, "received_at": now, "merge_state": "merged"})
                rows["screenings"].append({
                    "person_id": person_id, "submission_id": next_submission,
                    "instrument": "mchat_r", "form_id": form_id,
                    "form_version": "1", "instance_id": rows["submissions"][-1]["instance_id"],
                    "screened_on": date.today() - timedelta(days=30 * (screenings_per_person - k)),
                    "answers": {}, "followup": {}, "result": result, "total": result["total"],
                    "band": band, "flags": result["flags"], "thresholds": result["thresholds"],
                    "risk": {"high": "high", "medium": "medium"}.get(band, "low"),
                    "rules_version": result["rules_version"], "created_at": now,
                    "outside_age_range": False, "device_disagrees": False})
                next_submission += 1
            rows["cases"].append({
                "id": next_case, "person_id": person_id, "state": "new", "step": "intake",
                "created_at": now, "updated_at": now,
                "last_instrument": "mchat_r", "last_screened_on": date.today()})
            if band == "high":
                rows["actions"].append({
                    "case_id": next_case, "person_id": person_id, "rule": "mchat.referral",
                    "kind": "referral", "reason": "refer_immediately", "instrument": "mchat_r",
                    "risk": "high", "opened_at": now, "updated_at": now, "urgent": False,
                    "state": "open",
                    "due": date.today() + timedelta(days=rng.randint(-5, 20))})
            count += 1
            next_case += 1
            if len(rows["persons"]) >= BATCH:
                _flush(rows)
    _flush(rows)
    _advance_sequences()
    return count


def _advance_sequences() -> None:
    """Ids were given explicitly: move PostgreSQL's sequences past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("submissions", "cases"):
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT max(id) FROM {table}))"))
    db.session.commit()
