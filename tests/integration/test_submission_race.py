"""Copies of one submission racing each other store exactly one submission.

Each thread sends through its own test client, so each request has its own database session
and connection, as two gunicorn workers would.
"""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select

from server.extensions import db
from server.models import Submission
from tests.integration.conftest import anchor_instance
from tests.support.collect import CollectClient

ROUNDS = 8
COPIES = 3


def race(app, server_url: str, bodies: list[bytes]) -> list[int]:
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = [0] * len(bodies)

    def send(index: int) -> None:
        collect = CollectClient(app.test_client(), server_url)
        barrier.wait()
        statuses[index] = collect.post_submission(bodies[index]).status_code

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_identical_posts_racing_store_one_submission(app, publish, anchor_xform, device):
    publish(anchor_xform, "anchor_screen.xml")
    for _ in range(ROUNDS):
        xml = anchor_instance(f"uuid:{uuid.uuid4()}")
        assert race(app, device.server_url, [xml] * COPIES) == [201] * COPIES
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Submission)) == ROUNDS


def test_different_bodies_racing_one_wins_the_others_conflict(app, publish, anchor_xform,
                                                               device):
    publish(anchor_xform, "anchor_screen.xml")
    instance_id = f"uuid:{uuid.uuid4()}"
    bodies = [anchor_instance(instance_id, name=f"Trẻ {i}") for i in range(COPIES)]
    statuses = race(app, device.server_url, bodies)
    assert sorted(statuses) == [201] + [409] * (COPIES - 1)
    db.session.expire_all()
    winner = db.session.scalar(select(Submission).where(Submission.instance_id == instance_id))
    assert winner.xml == bodies[statuses.index(201)]
