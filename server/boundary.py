"""The commit points. Services flush; only these wrappers commit or roll back.

``unit_of_work_per_request(bp)`` is applied once per blueprint (each wire format's package:
``openrosa``, ``api``): every view of the blueprint is wrapped in ``commits``, so no view can
forget its commit and an audited read never loses its audit row. ``commits``: one commit per
request when the view returns, a rollback when it raises (except a ``Problem`` raised with
``keep=True``, whose writes are committed before the error is answered). A unique-constraint
race (two copies of one submission arriving together) rolls back and runs the view once more,
so the loser gets the sequential answer. ``transaction()`` does the same for the CLI and jobs.
Receiving a submission opens its own units of work inside the request
(``services/intake/receive.py``, the one service allowed to), which the view's own commit
then finds empty.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.problems import Problem
from server.services import audit
from server.services.cases import casework
from server.services.programme import aggregates

RACE_RETRIES = 2


def _has_work(session) -> bool:
    """Whether a commit of ``session`` would write anything: a transaction has begun (some SQL
    ran), objects wait to be flushed, or rows wait for the commit hooks (audit rows, case
    events, aggregate marks). A submission's view finds none of these: receiving it committed
    its own units of work (services/intake/receive.py), and an empty commit still runs every
    commit hook."""
    return (session.in_transaction() or bool(session.new or session.dirty or session.deleted)
            or audit.has_pending(session) or casework.has_events(session)
            or aggregates.has_marks(session))


def _run_once(view: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    try:
        result = view(*args, **kwargs)
        if _has_work(db.session()):
            db.session.commit()
    except Problem as problem:
        if problem.keep:
            db.session.commit()
        else:
            db.session.rollback()
        raise
    except BaseException:
        db.session.rollback()
        raise
    return result


def commits(view: Callable[..., Any]) -> Callable[..., Any]:
    """Commit the session after ``view`` returns; roll back if it raises."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(RACE_RETRIES + 1):
            try:
                return _run_once(view, args, kwargs)
            except IntegrityError:
                if attempt == RACE_RETRIES:
                    raise
        raise AssertionError("unreachable")

    wrapper.commits_per_request = True  # type: ignore[attr-defined]
    return wrapper


def unit_of_work_per_request(bp: Blueprint) -> None:
    """Wrap every view of ``bp`` in ``commits`` when it is registered on an app.

    Call it after the blueprint's routes are declared (end of its package's ``__init__``).
    """

    def wrap_views(state: BlueprintSetupState) -> None:
        views = state.app.view_functions
        for endpoint, view in list(views.items()):
            if endpoint.startswith(f"{bp.name}.") and \
                    not getattr(view, "commits_per_request", False):
                views[endpoint] = commits(view)

    bp.record(wrap_views)


@contextmanager
def transaction() -> Iterator[None]:
    """One unit of work outside a request (CLI command, job)."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
