"""The JSON API (``/api/v1``): sync for the mobile web app, and read endpoints.

flask-smorest declares the request and response schemas (marshmallow) and serves the OpenAPI
document at ``/api/v1/openapi.json``. Every request is authenticated with a bearer token and
every query is scoped to the caller's area (``auth.py``). Errors are one JSON shape
(``errors.py``), arguments are read by ``parsing.py``'s parser (a bad argument is a 400); every
request is one unit of work (``server/boundary.py``).
"""

from flask_smorest import Blueprint

from server.api.parsing import ApiParser
from server.boundary import unit_of_work_per_request


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = ApiParser()


bp = ApiBlueprint("api", __name__, url_prefix="/api/v1",
                  description="Sync and read API for sangloc")

from server.api import actions, auth, errors, mobile_views, persons, sync_views  # noqa: E402,F401  (registers routes)

unit_of_work_per_request(bp)
