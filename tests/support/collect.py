"""A test client that talks to sangloc exactly as ODK Collect does (openrosa.md b.1-b.5).

Requests carry ``X-OpenRosa-Version: 1.0``, Collect's ``User-Agent``, a ``Date`` header in
Collect's 12-hour format and ``?deviceID=collect:...``. Submissions are a HEAD (204 required)
then a multipart POST whose first part is ``xml_submission_file`` with a file name like
``<Title>_<yyyy-MM-dd_HH-mm-ss>.xml`` (spaces, raw UTF-8), ``Content-Type: text/xml``, then one
part per attachment (name = filename), and ``*isIncomplete*`` = ``yes`` on split uploads.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

DEVICE_ID = "collect:AbCdEf0123456789"
USER_AGENT = "org.odk.collect.android/v2026.3.3 Dalvik/2.1.0 (Linux; U; Android 14; test)"


def collect_date(now: datetime | None = None) -> str:
    """Collect's Date header: ``E, dd MMM yyyy hh:mm:ss zz`` with a 12-hour ``hh``."""
    now = now or datetime.now(UTC)
    return now.strftime("%a, %d %b %Y %I:%M:%S GMT")


def headers() -> dict[str, str]:
    return {"X-OpenRosa-Version": "1.0", "User-Agent": USER_AGENT, "Date": collect_date(),
            "Accept-Encoding": "gzip"}


def multipart(xml: bytes, files: dict[str, bytes] | None = None, *, incomplete: bool = False,
              xml_filename: str = "Sàng lọc trẻ_2026-11-25_15-04-05.xml") -> tuple[bytes, str]:
    """A body shaped like OkHttp's MultipartBody as Collect builds it."""
    boundary = str(uuid.uuid4())
    parts = [_part("xml_submission_file", xml_filename, "text/xml", xml)]
    for name, data in (files or {}).items():
        parts.append(_part(name, name, "application/octet-stream", data))
    if incomplete:
        parts.append(b'Content-Disposition: form-data; name="*isIncomplete*"\r\n'
                     b"Content-Length: 3\r\n\r\nyes\r\n")
    delimiter = f"--{boundary}\r\n".encode()
    body = b"".join(delimiter + part for part in parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _part(name: str, filename: str, content_type: str, data: bytes) -> bytes:
    quoted = filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    head = (f'Content-Disposition: form-data; name="{name}"; filename="{quoted}"\r\n'
            f"Content-Type: {content_type}\r\nContent-Length: {len(data)}\r\n\r\n")
    return head.encode("utf-8") + data + b"\r\n"


class CollectClient:
    """Wraps a Flask test client with a Collect server URL (``http://host/key/<token>``)."""

    def __init__(self, client, server_url: str):
        self.client = client
        parts = urlsplit(server_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.base = parts.path.rstrip("/")

    def path(self, url_or_path: str) -> str:
        return urlsplit(url_or_path).path if "://" in url_or_path else url_or_path

    def get(self, url: str, **query):
        query.setdefault("deviceID", DEVICE_ID)
        return self.client.get(self.path(url), query_string=query, headers=headers(),
                               base_url=self.origin)

    def form_list(self, **query):
        return self.get(f"{self.base}/formList", **query)

    def head_submission(self):
        return self.client.head(f"{self.base}/submission", query_string={"deviceID": DEVICE_ID},
                                headers=headers(), base_url=self.origin)

    def post_submission(self, xml: bytes, files: dict[str, bytes] | None = None, *,
                        incomplete: bool = False, extra_headers: dict | None = None):
        body, content_type = multipart(xml, files, incomplete=incomplete)
        return self.client.post(f"{self.base}/submission", data=body, content_type=content_type,
                                query_string={"deviceID": DEVICE_ID}, base_url=self.origin,
                                headers={**headers(), **(extra_headers or {})})

    def submit(self, xml: bytes, files: dict[str, bytes] | None = None):
        """HEAD then POST, as Collect's "Send"; returns the POST response."""
        head = self.head_submission()
        assert head.status_code == 204, head.data
        return self.post_submission(xml, files)
