"""Each action, in each request shape and dialect, through the HTTP routes: golden replies and
the follow-up postbacks carrying the request's own ids."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mockserver.platform import MockPlatform
from tests.sends.conftest import (
    AUDIO_SLIDE,
    SHAPES,
    SINCH_XML,
    SLIDES,
    postbacks,
    saved_mmsid,
    sinch_json,
    sky,
    value,
)

SEND_SMS = {"TO": "15551234888", "FROM": "60856", "TEXT": "Hello Jerry"}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_send_sms_in_every_shape_golden(client: FlaskClient, shape: str) -> None:
    reply = SHAPES[shape](client, "sendSMS", SEND_SMS, "")
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert reply.get_data(as_text=True) == (
        "<RESPONSE>\n    <STATUS>Success</STATUS>\n"
        "    <TRACKINGID>U01TXzc2Nzg2Nw==</TRACKINGID>\n    <TO>15551234888</TO>\n</RESPONSE>"
    )


def test_send_sms_postbacks_carry_the_request_ids(
    client: FlaskClient, platform: MockPlatform
) -> None:
    reply = sky(client, "sendSMS", to="15551234888", **{"from": "60856"}, text="Hi",
                operatorid="0001470")  # fmt: skip
    tracking = value(reply, "TRACKINGID")
    platform.advance(60)
    found = postbacks(platform)
    assert [p["code"] for p in found] == ["N201", "N202"]
    for p in found:
        assert p["fields"]["TRACKINGID"] == tracking
        assert p["fields"]["TO"] == "15551234888"
        assert p["fields"].get("FROM", "60856") == "60856"  # sky-a SMS postbacks: no FROM
        assert p["fields"]["SPID"] == "0001470"


def test_tracking_ids_count_up_in_the_platform_style(client: FlaskClient) -> None:
    first = value(sky(client, "sendSMS", to="15551234888", **{"from": "60856"}, text="a"),
                  "TRACKINGID")  # fmt: skip
    second = value(sky(client, "sendSMS", to="15551234888", **{"from": "60856"}, text="b"),
                   "TRACKINGID")  # fmt: skip
    assert (first, second) == ("U01TXzc2Nzg2Nw==", "U01TXzc2Nzg2OA==")  # SMS_767867, SMS_767868


@pytest.mark.parametrize("shape", sorted(set(SHAPES) - {"get"}))  # slides: XML only
def test_save_mms_in_every_shape(client: FlaskClient, platform: MockPlatform, shape: str) -> None:
    reply = SHAPES[shape](client, "saveMMS", {"SUBJECT": "s", "NAME": "n"}, SLIDES)
    assert reply.get_data(as_text=True) == (
        "<RESPONSE>\n    <STATUS>Success</STATUS>\n    <MMSID>35674</MMSID>\n</RESPONSE>"
    )
    platform.advance(5)
    assert [(p["code"], p["fields"]["MMSID"]) for p in postbacks(platform)] == [("N003", "35674")]


def test_save_mms_legacy_layout(client: FlaskClient, platform: MockPlatform) -> None:
    legacy = ("<CONTENT><NAME>fishtank</NAME><SEQUENCE><SLIDE duration=\"5\"><TEXT>Hi</TEXT>"
              "</SLIDE></SEQUENCE></CONTENT>")  # fmt: skip
    reply = sky(client, "saveMMS", legacy, subject="s")
    assert value(reply, "MMSID") == "35674"


def test_send_saved_mms_golden_and_postbacks(client: FlaskClient, platform: MockPlatform) -> None:
    mmsid = saved_mmsid(client, platform)
    reply = sky(client, "sendSavedMMS", mmsid=mmsid, to="16501234123", **{"from": "60586"})
    assert reply.get_data(as_text=True) == (
        "<RESPONSE>\n    <STATUS>Success</STATUS>\n    <MMSID>35674</MMSID>\n"
        "    <TRACKINGID>TU1TXzU5Nzg3OQ==</TRACKINGID>\n    <TO>16501234123</TO>\n"
        "    <FROM>60586</FROM>\n</RESPONSE>"
    )
    platform.advance(60)
    sends = [p for p in postbacks(platform) if p["code"] != "N003"]
    assert [p["code"] for p in sends] == ["N101", "N102"]
    assert {(p["fields"]["TRACKINGID"], p["fields"]["MMSID"], p["fields"]["TO"])
            for p in sends} == {("TU1TXzU5Nzg3OQ==", mmsid, "16501234123")}  # fmt: skip


def test_send_saved_mms_sky_b_has_status_details(platform: MockPlatform,
                                                 client: FlaskClient) -> None:  # fmt: skip
    platform.configure(revision="sky-b")
    mmsid = saved_mmsid(client, platform)
    reply = sky(client, "sendSavedMMS", mmsid=mmsid, to="16501234123", **{"from": "60586"})
    assert value(reply, "STATUSDETAILS") == "MMS request accepted and queued for delivery"


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_mms_send_action_in_every_shape(
    client: FlaskClient, platform: MockPlatform, shape: str
) -> None:
    mmsid = saved_mmsid(client, platform)
    cases = {
        "sendSavedMMS": {"MMSID": mmsid, "TO": "16501234123", "FROM": "60856"},
        "sendMMSBarcode": {"MMSID": mmsid, "TO": "16501234123", "FROM": "60856",
                           "BARCODEID": "Ticket_1"},
        "sendSavedMMSCampaign": {"MMSID": mmsid, "TOCAMPAIGN": "332"},
        "getMmsIds": {},
    }  # fmt: skip
    expected = {"sendSavedMMS": "TRACKINGID", "sendMMSBarcode": "TRACKINGID",
                "sendSavedMMSCampaign": "SCHEDULEDID", "getMmsIds": "MMSIDS"}  # fmt: skip
    for action, params in cases.items():
        reply = SHAPES[shape](client, action, params, "")
        assert "<STATUS>Success</STATUS>" in reply.get_data(as_text=True), action
        assert value(reply, expected[action])
    assert value(SHAPES[shape](client, "getMmsIds", {}, ""), "MMSIDS") == mmsid


def test_send_mms_inline_saves_the_content(client: FlaskClient, platform: MockPlatform) -> None:
    reply = sky(client, "sendMMS", SLIDES, to="15551234888", **{"from": "60856"}, name="now")
    assert reply.get_data(as_text=True) == (
        "<RESPONSE>\n    <STATUS>Success</STATUS>\n    <TO>15551234888</TO>\n"
        "    <MMSID>35674</MMSID>\n    <TRACKINGID>TU1TXzU5Nzg3OQ==</TRACKINGID>\n</RESPONSE>"
    )
    platform.advance(60)
    codes = [p["code"] for p in postbacks(platform)]
    assert codes == ["N101", "N102"]  # sky-a has no N013: the binary sequence
    assert value(sky(client, "getMmsIds"), "MMSIDS") == "35674"


def test_send_mms_sky_b_starts_with_n013(client: FlaskClient, platform: MockPlatform) -> None:
    platform.configure(revision="sky-b")
    sky(client, "sendMMS", SLIDES, to="15551234888", **{"from": "60856"}, name="now")
    platform.advance(60)
    assert [p["code"] for p in postbacks(platform)] == ["N013", "N101", "N102"]


def test_several_recipients_each_get_a_run(client: FlaskClient, platform: MockPlatform) -> None:
    sky(client, "sendSMS", to="15551234888,15551234889", **{"from": "60856"}, text="x")
    platform.advance(60)
    assert sorted(p["fields"]["TO"] for p in postbacks(platform, code="N202")) == [
        "15551234888", "15551234889"]  # fmt: skip


def test_sinch_xml_dialect(client: FlaskClient, platform: MockPlatform) -> None:
    save = ("<request><action>saveMMS</action><api-key>KEY</api-key><message-subject>s"
            "</message-subject><name>n</name><slide><message-text>Hi</message-text></slide>"
            "</request>")  # fmt: skip
    reply = client.post(SINCH_XML, data=save, content_type="text/xml")
    assert reply.get_data(as_text=True) == (
        "<response>\n    <status>Success</status>\n    <mms-id>35674</mms-id>\n</response>"
    )
    platform.advance(5)
    send = ("<request><action>sendSavedMMS</action><api-key>KEY</api-key><mms-id>35674</mms-id>"
            "<to>12399471613</to><from>60856</from><service-id>1</service-id>"
            "<fallback-sms-text>See</fallback-sms-text></request>")  # fmt: skip
    reply = client.post(SINCH_XML, data=send, content_type="text/xml")
    assert reply.headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert reply.get_data(as_text=True) == (
        "<response>\n    <status>Success</status>\n    <mms-id>35674</mms-id>\n"
        "    <tracking-id>TU1TXzU5Nzg3OQ==</tracking-id>\n    <to>12399471613</to>\n"
        "    <from>60856</from>\n"
        "    <status-details>MMS request accepted and queued for delivery</status-details>\n"
        "</response>"
    )
    inline = send.replace("sendSavedMMS", "sendMMS").replace("<mms-id>35674</mms-id>", "")
    inline = inline.replace("</request>", "<name>n</name><slide><message-text>Hi"
                            "</message-text></slide></request>")  # fmt: skip
    assert "<status>Success</status>" in client.post(SINCH_XML, data=inline).get_data(as_text=True)


def test_sinch_json_dialect(client: FlaskClient, platform: MockPlatform) -> None:
    reply = sinch_json(client, {"action": "savemms", "message-subject": "s", "name": "n",
                                "slide": [{"message-text": "Hi"}]})  # fmt: skip
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    assert reply.get_json() == {"status": "Success", "mms-id": "35674"}
    platform.advance(5)
    common = {"service-id": "1", "to": "12399471613", "from": "60856",
              "fallback-sms-text": "See it"}  # fmt: skip
    reply = sinch_json(client, {"action": "sendsavedmms", "mms-id": "35674", **common})
    assert reply.get_json() == {
        "status": "Success", "mms-id": "35674", "tracking-id": "TU1TXzU5Nzg3OQ==",
        "to": "12399471613", "from": "60856",
        "status-details": "MMS request accepted and queued for delivery"}  # fmt: skip
    reply = sinch_json(client, {"action": "sendmms", "name": "n", "message-subject": "s",
                                "slide": [{"message-text": "Hi"}], **common})  # fmt: skip
    assert reply.get_json()["status"] == "Success"
    assert reply.get_json()["mms-id"] == "35675"


def test_remove_inbox_message(client: FlaskClient, platform: MockPlatform) -> None:
    mo = platform.inbox.mms_mo("15551234567", "60856", ["http://example.com/a.jpg"])
    inbox_id = mo["tracking_id"]
    reply = sky(client, "removeMMSInboxMessage", mmsinboxid=inbox_id)
    assert reply.get_data(as_text=True) == (
        f"<RESPONSE>\n    <STATUS>Success</STATUS>\n    <MMSINBOXID>{inbox_id}</MMSINBOXID>\n"
        "</RESPONSE>"
    )
    again = sky(client, "removeMMSInboxMessage", mmsinboxid=inbox_id)
    assert value(again, "ERRORCODE") == "E641"


def test_removing_a_held_mms_mo_rejects_it(client: FlaskClient, platform: MockPlatform) -> None:
    mo = platform.inbox.mms_mo("15551234567", "60856", ["http://example.com/a.jpg"],
                               moderation=True)  # fmt: skip
    sky(client, "removeMMSInboxMessage", mmsinboxid=mo["tracking_id"])
    assert platform.inbox.item(mo["moderation_id"])["state"] == "rejected"
    platform.advance(60)
    assert postbacks(platform) == []


def test_save_with_audio_encodes_then_sends(client: FlaskClient, platform: MockPlatform) -> None:
    mmsid = value(sky(client, "saveMMS", AUDIO_SLIDE, subject="s", name="n"), "MMSID")
    early = sky(client, "sendSavedMMS", mmsid=mmsid, to="16501234123", **{"from": "60856"})
    assert value(early, "ERRORCODE") == "E626"
    platform.advance(61)
    assert [p["code"] for p in postbacks(platform)] == ["N003"]
    later = sky(client, "sendSavedMMS", mmsid=mmsid, to="16501234123", **{"from": "60856"})
    assert "<STATUS>Success</STATUS>" in later.get_data(as_text=True)
