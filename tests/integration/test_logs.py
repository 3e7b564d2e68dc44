"""Nothing sensitive goes to the logs: device tokens are masked, answers never appear."""

from __future__ import annotations

import logging

from tests.integration.conftest import anchor_instance


def test_request_log_masks_the_token_and_omits_answers(publish, anchor_xform, device, caplog):
    publish(anchor_xform, "anchor_screen.xml")
    with caplog.at_level(logging.DEBUG):
        device.collect.form_list()
        device.collect.submit(anchor_instance(name="Phạm Thị Bí Mật"))
        device.collect.submit(b"<broken")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "/key/***/submission" in text
    assert device.token not in text
    assert "Bí Mật" not in text
