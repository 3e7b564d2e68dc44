"""The commit points. Services flush; only these wrappers commit or roll back.

``commits`` wraps a view: one commit per request when the view returns, a rollback when it
raises (except a ``Problem`` raised with ``keep=True``, whose writes are committed before the
error is answered). A unique-constraint race (two copies of one submission arriving together)
rolls back and runs the view once more, so the loser gets the sequential answer.
``transaction()`` does the same for the CLI and jobs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.problems import Problem

RACE_RETRIES = 2


def _run_once(view: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    try:
        result = view(*args, **kwargs)
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

    return wrapper


@contextmanager
def transaction() -> Iterator[None]:
    """One unit of work outside a request (CLI command, job)."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
