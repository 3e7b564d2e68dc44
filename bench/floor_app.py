"""The floor for the side-by-side benchmark: the least an OpenRosa submission endpoint can do.

A bare Flask app (run by hand under gunicorn by ``bench/side_by_side.py``, never imported by
``server``): ``HEAD /submission`` answers 204; ``POST /submission`` reads the multipart body with
Werkzeug, parses the XML part with the standard library, and does one
``INSERT ... ON CONFLICT DO NOTHING`` and one commit on PostgreSQL (psycopg, one connection per
thread), then answers 201 with a short OpenRosa response. No authentication, no audit, no
scoring: it is what sangloc's own figures are divided by, and must not grow features.

    gunicorn -c server/gunicorn_conf.py -w 2 "bench.floor_app:create_app('postgresql://...')"
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET

import psycopg
from flask import Flask, Response, request

TABLE = """CREATE TABLE IF NOT EXISTS floor_submissions (
    instance_id text PRIMARY KEY, form_id text NOT NULL, xml bytea NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now())"""
INSERT = ("INSERT INTO floor_submissions (instance_id, form_id, xml) VALUES (%s, %s, %s) "
          "ON CONFLICT DO NOTHING")
REPLY = (b'<OpenRosaResponse xmlns="http://openrosa.org/http/response">'
         b'<message nature="submit_success">OK</message></OpenRosaResponse>')


def create_app(dsn: str) -> Flask:
    """The floor app on the libpq connection string ``dsn``."""
    app = Flask(__name__)
    local = threading.local()

    def connection() -> psycopg.Connection:
        conn = getattr(local, "conn", None)
        if conn is None or conn.closed:
            conn = local.conn = psycopg.connect(dsn)
        return conn

    # each gunicorn worker runs this: two CREATE TABLE IF NOT EXISTS at once can both try
    # to create the table's type, so the workers take turns (the lock ends with the session)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(72011)")
        conn.execute(TABLE)

    @app.route("/submission", methods=["HEAD"])
    def head():
        return Response(status=204, headers={"X-OpenRosa-Version": "1.0"})

    @app.post("/submission")
    def submit():
        part = request.files.get("xml_submission_file")
        if part is None:
            return Response("no xml_submission_file", 400)
        xml = part.read()
        root = ET.fromstring(xml)
        instance_id = root.findtext("meta/instanceID") or ""
        conn = connection()
        with conn.cursor() as cur:
            cur.execute(INSERT, (instance_id, root.get("id") or "", xml))
        conn.commit()
        return Response(REPLY, 201, content_type="text/xml; charset=utf-8",
                        headers={"X-OpenRosa-Version": "1.0"})

    return app
