"""The web pages (supervisors now, coordinators next): server-rendered Flask + Jinja + htmx.

One module per feature: ``web`` is the foundation every page uses (sign-in state and scope,
language, CSRF, security headers, the HTML error page), ``auth`` signs in and out and changes a
password, ``worklist`` is the supervisor's list of open work, ``cases`` the case page and the work
closed from it, ``case_changes`` the other changes made there (assigning work, needs info,
comments, duplicates, registration differences), ``screenings`` one screening in full (answers
with the form's labels, the raw submission, attachments), ``intake`` a call or walk-in taken
without a screening, ``waiting_forms`` the import of a phone's waiting-forms file (the mobile
web app's export), ``facilities`` the referral facilities a coordinator keeps, ``admin`` the
staff a coordinator or admin manages, ``devices`` their collaborators' ODK Collect devices
(QR codes), ``population`` the population denominators a coordinator keeps (typed or
imported), ``form_pages`` the forms a coordinator uploads as drafts, publishes, opens or
closes, assigns to areas and compares version by version, ``form_trial`` a draft or version
tried in the browser with ODK Web Forms (scored, never stored), ``licensed_text`` loading the
licensed text of M-CHAT-R/F, SDQ and EPDS into their forms as a new version, ``settings``
a province's programme settings (threshold table with a preview, due periods), ``dashboard``
the indicators of an area (charts and tables; ``dashboard_view`` what each shows), ``exports``
the background exports (ask, watch the progress, download), ``audit`` the
audit view for admins. Templates are in ``templates/``; ``static/vendor/`` holds htmx, Pico
CSS, Chart.js, Vue and ODK Web Forms, installed from the npm registry by ``make`` (pinned in
package-lock.json, never committed); nothing is loaded from another site.
Every request is one unit of work (``server/boundary.py``), like the other blueprints.
"""

from flask import Blueprint

from server.boundary import unit_of_work_per_request

bp = Blueprint("ui", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static")

# registers the routes
from server.ui import (  # noqa: E402,F401
    admin,
    audit,
    auth,
    case_changes,
    cases,
    dashboard,
    devices,
    exports,
    facilities,
    form_pages,
    form_trial,
    intake,
    licensed_text,
    population,
    screenings,
    settings,
    waiting_forms,
    web,
    worklist,
)

web.attach(bp)
unit_of_work_per_request(bp)
