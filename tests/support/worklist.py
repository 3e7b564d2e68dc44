"""Reading a person's case through the API, as a supervisor's screen would."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import Person


def person_id(name: str = "Nguyễn Văn An") -> str:
    return db.session.scalar(select(Person.id).where(Person.full_name == name))


def record(client, headers, pid: str | None = None) -> dict:
    answer = client.get(f"/api/v1/persons/{pid or person_id()}", headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json["case"]


def open_work(case: dict) -> list[tuple[str, str, str, bool]]:
    return sorted((a["kind"], a["rule"], a["due"], a["urgent"]) for a in case["actions"]
                  if a["state"] == "open")
