"""The OpenRosa blueprint for ODK Collect: formList, forms, manifests, media, submissions.

Every route lives under ``/key/<token>`` (an app user's URL, as ODK Central's app users): the
token is authenticated before any view runs. Views are thin: read the request -> one service
call -> an XML response. Every error on these routes is an ``OpenRosaResponse`` XML document,
never HTML (``responses.py``); every request is one unit of work (``server/boundary.py``).
A device has no cookie session: under ``/key/`` the session cookie is neither read (verified,
decoded) nor written (``_DeviceSessionless``), which Collect's every request would pay for.
Each app gets its own cache of tokens recently verified for ``HEAD /submission``
(``RECENT_TOKENS``; see ``server/services/access/recent_tokens.py``).
"""

from flask import Blueprint
from flask.sessions import SecureCookieSessionInterface

from server.boundary import unit_of_work_per_request
from server.services.access.recent_tokens import RecentTokens

bp = Blueprint("openrosa", __name__, url_prefix="/key/<token>")


class _DeviceSessionless(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except on device routes, which get the null session."""

    def open_session(self, app, request):
        if request.path.startswith("/key/"):
            return None  # Flask then uses make_null_session: no cookie read or set
        return super().open_session(app, request)


RECENT_TOKENS = "sangloc_recent_tokens"  # app.extensions key of the app's RecentTokens


def _setup(state) -> None:
    state.app.session_interface = _DeviceSessionless()
    state.app.extensions[RECENT_TOKENS] = RecentTokens()


bp.record_once(_setup)

from server.openrosa import views  # noqa: E402,F401  (registers the routes)

unit_of_work_per_request(bp)
