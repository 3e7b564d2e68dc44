"""Regression guard (issue 8): generated input never makes a 500, on SQLite and PostgreSQL.

- ``/submission``: generated instance XML (bundled-form-shaped and arbitrary: odd ids, versions,
  dates, names, control characters, over-long values) and generated multipart bodies (file
  names, parts, split uploads, garbage framing). Every answer is an OpenRosaResponse with a
  message and a status below 500.
- ``/api/v1/sync``: generated JSON (arbitrary values, and batches of generated items). Every
  answer is below 500; a 200 has one result per item, a 4xx the API's one error shape.
- Schemathesis against ``/api/v1/openapi.json`` with a valid token: no 500, every response
  conforming to the documented status codes, content types and schemas.

Runs are bounded (``max_examples``) and derandomized, so CI time is fixed and a failure is
reproducible; the property tests in ``tests/unit`` cover the pure packages.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.boundary import transaction
from server.services.access import api_tokens, users
from server.services.audit import SYSTEM
from tests.integration.test_openrosa_forms import RESPONSE_NS
from tests.support.collect import headers as collect_headers
from tests.support.collect import multipart
from tests.support.instances import VERSION

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

# Text is mostly well-formed (so that most instances reach storing and merging), sometimes
# over-long; one example in eight may hold anything at all (control characters that the parser
# must refuse).
CLEAN_TEXT = st.text(alphabet=st.characters(categories=("L", "N", "P", "Zs")), max_size=40)
LONG_TEXT = st.text(alphabet="aÂđ -", min_size=190, max_size=420)
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
FORMS = {"mchat_r": VERSION, "anchor_screen": "1"}
PLAUSIBLE = {"person_id": "new", "full_name": "Nguyễn Văn An", "dob": "2025-02-10",
             "sex": "male", "caregiver_name": "Trần Thị Hoa", "phone": "0912345678",
             "commune": "00004", "village": "Thôn Đông"}
ODD_DATES = st.sampled_from(["2025-02-30", "1900-01-01", "2999-12-31", "2025-13-01",
                             "10/02/2025", "2025-02-10T10:20:00.000+07:00", ""])


def odd(draw, usual, strategy, one_in: int = 4):
    """``usual``, or one time in ``one_in`` a value drawn from ``strategy``."""
    return draw(strategy) if draw(st.integers(1, one_in)) == 1 else usual


@pytest.fixture
def ready(publish_bundled, publish, anchor_xform, app):
    publish_bundled("mchat_r")
    publish(anchor_xform, "anchor_screen.xml")
    with transaction():
        users.create_user(SYSTEM, "gs-fuzz", "supervisor", ["00004"])
        token = api_tokens.create_token(SYSTEM, "gs-fuzz")
    return {"Authorization": f"Bearer {token}"}


@st.composite
def instance_xml(draw) -> str:
    """A submission of the bundled M-CHAT-R or the anchor form, or of no known form."""
    text = ANY_TEXT if draw(st.integers(1, 8)) == 1 else st.one_of(CLEAN_TEXT, LONG_TEXT)
    form_id = odd(draw, draw(st.sampled_from(sorted(FORMS))), text, 6)
    version = odd(draw, FORMS.get(form_id, "1"), text, 6)
    instance_id = odd(draw, f"uuid:{uuid.uuid4()}", text)
    deprecated = odd(draw, None, st.one_of(st.just("uuid:not-sent"), text), 6)
    person = {role: odd(draw, usual, st.one_of(text, ODD_DATES) if role == "dob" else text, 3)
              for role, usual in PLAUSIBLE.items()}
    consent = odd(draw, "yes", text, 6)
    items = "".join(f"<q{i:02d}>{escape(odd(draw, draw(st.sampled_from(['yes', 'no'])), text, 10))}"
                    f"</q{i:02d}>" for i in range(1, 21))
    person_xml = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in person.items())
    meta = f"<instanceID>{escape(instance_id)}</instanceID>"
    if deprecated is not None:
        meta += f"<deprecatedID>{escape(deprecated)}</deprecatedID>"
    return (f"<data id={quoteattr(form_id)} version={quoteattr(version)}>"
            f"<consent_group><consent>{escape(consent)}</consent></consent_group>"
            f"<person>{person_xml}</person><mchat_r>{items}</mchat_r>{items}"
            f"<meta>{meta}</meta></data>")


XML_BODIES = instance_xml().map(str.encode) | st.binary(max_size=300)
FILE_NAMES = st.one_of(st.sampled_from(["photo.jpg", "ảnh 1.jpg"]), CLEAN_TEXT, LONG_TEXT,
                       ANY_TEXT)


@st.composite
def submission_body(draw) -> tuple[bytes, str]:
    """A multipart body as Collect builds it, or a mangled one."""
    if draw(st.integers(0, 9)) == 0:  # garbage framing
        return draw(st.binary(max_size=400)), draw(
            st.sampled_from(["multipart/form-data; boundary=x", "multipart/form-data",
                             "text/xml", "application/json"]))
    files = draw(st.dictionaries(FILE_NAMES, st.binary(max_size=50), max_size=3))
    body, content_type = multipart(draw(XML_BODIES), files, incomplete=draw(st.booleans()),
                                   xml_filename=draw(FILE_NAMES))
    return body, content_type


def assert_openrosa_answer(response) -> None:
    assert response.status_code < 500, response.data
    assert response.content_type.startswith("text/xml"), response.content_type
    root = ET.fromstring(response.data)
    assert root.find("r:message", RESPONSE_NS) is not None


def test_generated_submissions_never_make_a_500(ready, device, client):
    @FUZZ
    @given(submission_body(), st.one_of(st.just("collect:AbCdEf0123456789"), ANY_TEXT))
    def post(body_and_type, device_id):
        body, content_type = body_and_type
        response = client.post(f"{device.collect.base}/submission", data=body,
                               content_type=content_type, headers=collect_headers(),
                               query_string={"deviceID": device_id})
        assert_openrosa_answer(response)

    post()


# JSON can carry lone surrogates, which UTF-8 cannot: the server must refuse them cleanly
JSON_TEXT = st.text(max_size=20)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | CLEAN_TEXT | JSON_TEXT, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(JSON_TEXT, inner, max_size=4), max_leaves=12)
ITEMS = st.fixed_dictionaries(
    {"client_id": st.one_of(st.sampled_from(["a", "b"]), ANY_TEXT, LONG_TEXT),
     "xml": st.one_of(instance_xml(), instance_xml(), JSON_TEXT)},
    optional={"attachments": st.dictionaries(
        FILE_NAMES, st.one_of(st.sampled_from(["AAAA", "%%"]), ANY_TEXT), max_size=2)})
BATCHES = st.fixed_dictionaries({"submissions": st.lists(ITEMS, max_size=4)})


def test_generated_sync_bodies_never_make_a_500(ready, client):
    @FUZZ
    @given(BATCHES | JSON)
    def post(body):
        response = client.post("/api/v1/sync", json=body, headers=ready)
        assert response.status_code < 500, response.data
        if response.status_code == 200:
            results = response.json["results"]
            assert len(results) == len(body["submissions"])
            assert {r["status"] for r in results} <= {"accepted", "duplicate", "rejected"}
        else:
            error = response.json["error"]
            assert error["status"] == response.status_code and error["message"]

    post()


API_FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


def test_the_api_conforms_to_its_openapi_document(ready, app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6  # sync, changes, persons, a person, cases, reviews

    for operation in operations:
        @API_FUZZ
        @given(operation.as_strategy())
        def call(case):
            response = case.call(headers=ready)
            case.validate_response(response, headers=ready)

        call()
