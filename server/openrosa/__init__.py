"""The OpenRosa blueprint for ODK Collect: formList, forms, manifests, media, submissions.

Every route lives under ``/key/<token>`` (an app user's URL, as ODK Central's app users): the
token is authenticated before any view runs. Views are thin: read the request -> one service
call -> an XML response. Every error on these routes is an ``OpenRosaResponse`` XML document,
never HTML (``responses.py``); every request is one unit of work (``server/boundary.py``).
"""

from flask import Blueprint

from server.boundary import unit_of_work_per_request

bp = Blueprint("openrosa", __name__, url_prefix="/key/<token>")

from server.openrosa import views  # noqa: E402,F401  (registers the routes)

unit_of_work_per_request(bp)
