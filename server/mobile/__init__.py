"""The collaborator's offline web app under ``/m/`` (issue 13): shell, service worker, manifest.

The server's part is small and holds no personal data: ``views`` answers the app shell (one
Jinja page, Vietnamese by default), the service worker (``/m/sw.js``, so its scope is ``/m/``)
with the list of files to precache and a content hash of them, the web app manifest and its
two icons (drawn by ``icons``), and the static files under ``/m/static/``. Everything else the
app does (sign-in, forms, people, drafts, outbox, sync) runs in the browser and talks only to
``/api/v1/`` with a bearer token (``server/api``); its data lives in the phone's IndexedDB.

The browser side (``static/``): ``app.js`` starts the app and switches screens; ``ui/*.js`` one
module per screen plus ``ui/engine.js``, the ODK Web Forms embedding and its workarounds;
``i18n.js`` the app's strings in Vietnamese and English; ``db.js``, ``outbox.js``, ``sync.js``,
``api.js``, ``transfer.js``, ``xml.js``, ``people.js`` the data layer (IndexedDB, the outbox,
sync, export/import of waiting forms, the one-person ``cases.csv``).
"""

from flask import Blueprint

bp = Blueprint("mobile", __name__, url_prefix="/m", template_folder="templates",
               static_folder="static", static_url_path="/static")

from server.mobile import views  # noqa: E402,F401  (registers the routes)
