"""End-to-end smoke: publish the anchor form, list it, download it, send an instance."""

import hashlib
import xml.etree.ElementTree as ET

from tests.integration.conftest import anchor_instance

NS = {"x": "http://openrosa.org/xforms/xformsList"}


def test_list_download_submit(publish, device, anchor_xform):
    publish(anchor_xform, "anchor_screen.xml")
    listing = device.collect.form_list()
    assert listing.status_code == 200
    assert listing.headers["Content-Type"] == "text/xml; charset=utf-8"
    entry = ET.fromstring(listing.data).find("x:xform", NS)
    assert entry.findtext("x:formID", namespaces=NS) == "anchor_screen"
    download = device.collect.get(entry.findtext("x:downloadUrl", namespaces=NS))
    assert download.status_code == 200
    expected = "md5:" + hashlib.md5(download.data).hexdigest()
    assert entry.findtext("x:hash", namespaces=NS) == expected
    response = device.collect.submit(anchor_instance())
    assert response.status_code == 201, response.data
