"""Read endpoints: persons (list, one record with screenings and case), cases, reviews."""

from __future__ import annotations

from flask import g

from server.api import bp
from server.api.auth import actor
from server.api.schemas import (
    CaseListSchema,
    CaseQuerySchema,
    PersonDetailSchema,
    PersonListSchema,
    PersonPathSchema,
    PersonQuerySchema,
    ReviewListSchema,
    ReviewQuerySchema,
)
from server.services.cases import reads
from server.services.cases.worklist import Filters


@bp.get("/persons")
@bp.arguments(PersonQuerySchema, location="query")
@bp.response(200, PersonListSchema)
def list_persons(query):
    return {"items": reads.list_persons(actor(), g.scope, **query)}


@bp.get("/persons/<person_id>")
@bp.arguments(PersonPathSchema, location="path", as_kwargs=True)
@bp.response(200, PersonDetailSchema)
def get_person(person_id: str):
    person = reads.get_person(actor(), g.scope, person_id)
    fields = ("id", "full_name", "dob", "sex", "commune_code", "village", "version",
              "caregiver_name", "phone")
    return {**{name: getattr(person, name) for name in fields},
            "screenings": reads.screenings_of(person), "case": reads.case_of(person),
            "possible_duplicates": reads.possible_duplicates(person),
            "conflicts": reads.open_conflicts(person)}


@bp.get("/cases")
@bp.arguments(CaseQuerySchema, location="query")
@bp.response(200, CaseListSchema)
def list_cases(query):
    limit, offset = query.pop("limit"), query.pop("offset")
    return {"items": reads.list_cases(actor(), g.scope, Filters(**query), limit=limit,
                                      offset=offset)}


@bp.get("/reviews")
@bp.arguments(ReviewQuerySchema, location="query")
@bp.response(200, ReviewListSchema)
def list_reviews(query):
    """What a supervisor of the caller's communes has to look at: unmergeable and held
    submissions (with their reason) and refused bodies kept as conflicts."""
    return {"items": reads.list_reviews(actor(), g.scope, **query)}
