"""server/openrosa/multipart.py: the in-memory parser for small Collect bodies, and when it
declines (the caller then uses Werkzeug's parser)."""

from __future__ import annotations

from server.openrosa.multipart import LIMIT, parse_small
from tests.support.collect import multipart

XML = "<data id='f'><name>Lê Thị Bình</name></data>".encode()


def test_collect_body_with_attachments_and_the_split_flag():
    body, content_type = multipart(XML, {"ảnh phiếu 1.jpg": b"\xff\xd8jpeg\r\n--x",
                                         "b.jpg": b""}, incomplete=True)
    parts = parse_small(body, content_type)
    assert [(p.name, p.filename, p.content_type, p.data) for p in parts] == [
        ("xml_submission_file", "Sàng lọc trẻ_2026-11-25_15-04-05.xml", "text/xml", XML),
        ("ảnh phiếu 1.jpg", "ảnh phiếu 1.jpg", "application/octet-stream", b"\xff\xd8jpeg\r\n--x"),
        ("b.jpg", "b.jpg", "application/octet-stream", b""),
        ("*isIncomplete*", None, None, b"yes"),
    ]


def test_quoted_boundary_and_a_part_without_filename():
    body = (b'--a b\r\nContent-Disposition: form-data; name="xml_submission_file"\r\n\r\n'
            + XML + b"\r\n--a b--\r\n")
    [part] = parse_small(body, 'multipart/form-data; boundary="a b"')
    assert (part.name, part.filename, part.data) == ("xml_submission_file", None, XML)


def test_rfc_2231_file_names_are_read_as_werkzeug_reads_them():
    body, content_type = multipart(XML)
    starred = body.replace(b'filename="', b"filename*=UTF-8''%E1%BA%A3nh.xml; x=\"")
    assert parse_small(starred, content_type)[0].filename == "ảnh.xml"


def test_declines_what_it_does_not_handle():
    body, content_type = multipart(XML)
    assert parse_small(b"preamble\r\n" + body, content_type) is None
    assert parse_small(body.replace(b"--\r\n", b"\r\n"), content_type) is None  # no close
    assert parse_small(body, "application/x-www-form-urlencoded") is None
    assert parse_small(body.replace(b"Content-Disposition: form-data; ",
                                    b"Content-Disposition: attachment; "), content_type) is None
    assert parse_small(body + b"x" * LIMIT, content_type) is None
    broken = body.replace(b"\r\n\r\n", b"\r\n", 1)  # headers never end
    assert parse_small(broken, content_type) is None
