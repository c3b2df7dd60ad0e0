"""Replies byte for byte as PLATFORM.md section 10 shows them, per dialect and revision.

The multi-line examples are copied verbatim from ../shared/spec/PLATFORM.md into
tests/wire/golden/api/; the one-line examples are written out below.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mockserver.wire.api import (
    REVISIONS,
    SKYCORE_CONTENT_TYPE,
    ApiFailure,
    ApiSuccess,
    parse_request,
    render_reply,
    reply_content_type,
    success_for,
)
from mockserver.wire.errors import FlavorError

GOLDEN = Path(__file__).parent / "golden" / "api"


def golden(name: str) -> str:
    return (GOLDEN / f"{name}.xml").read_text().rstrip("\n")


def body(result: ApiSuccess | ApiFailure, dialect: str = "skycore", revision: str = "sky-a") -> str:
    data, _ = render_reply(result, dialect, revision)
    return data.decode("utf-8")


def compact(xml: str) -> str:
    """The document without the indentation between elements."""
    return "".join(line.strip() for line in xml.splitlines())


SEND_MMS = ApiSuccess("sendMMS", {"TO": "15551234888", "MMSID": "35674", "TRACKINGID": "MMS_12345"})
SEND_SAVED = ApiSuccess(
    "sendSavedMMS",
    {"MMSID": "35674", "TRACKINGID": "TU1TXzU5Nzg3OQ==", "TO": "16501234123", "FROM": "60586"},
)


def test_send_sms_success_sky_a() -> None:
    result = ApiSuccess("sendSMS", {"TRACKINGID": "U01TXzc2Nzg2Nw==", "TO": "15551234888"})
    # The example closes with " </RESPONSE>" (a stray space in the page); all else is exact.
    assert body(result) == golden("sendSMS-success").replace(" </RESPONSE>", "</RESPONSE>")


def test_send_sms_failure_e713_sky_a_exact() -> None:
    failure = ApiFailure("E713", action="sendSMS", to="15551234888")
    assert body(failure) == golden("sendSMS-failure-E713")


def test_send_mms_success_sky_b_exact() -> None:
    assert body(SEND_MMS, revision="sky-b") == golden("sendMMS-success-sky-b")


def test_send_saved_mms_success_sky_b_exact() -> None:
    assert body(SEND_SAVED, revision="sky-b") == golden("sendSavedMMS-success-sky-b")


@pytest.mark.parametrize("revision", ["sky-a", "sky-legacy"])
def test_sky_a_sends_have_no_status_details(revision: str) -> None:
    expected = golden("sendSavedMMS-success-sky-b").splitlines()
    assert body(SEND_SAVED, revision=revision).splitlines() == expected[:-2] + expected[-1:]
    assert "STATUSDETAILS" not in body(SEND_MMS, revision=revision)


def test_given_status_details_are_used_in_sky_b_dropped_in_sky_a() -> None:
    values = {**SEND_MMS.values, "STATUSDETAILS": "queued & waiting"}
    result = ApiSuccess("sendMMS", values)
    assert "<STATUSDETAILS>queued &amp; waiting</STATUSDETAILS>" in body(result, revision="sky-b")
    assert "STATUSDETAILS" not in body(result, revision="sky-a")


def test_sinch_xml_send_mms_exact() -> None:
    result = ApiSuccess(
        "sendMMS", {"TO": "12399471613", "MMSID": "35674", "TRACKINGID": "MMS_12345"}
    )
    assert body(result, "sinch-xml") == golden("sinch-sendMMS-success")


ONE_LINE = [
    (
        ApiSuccess("saveMMS", {"MMSID": "35674"}),
        "sky-a",
        "<RESPONSE><STATUS>Success</STATUS><MMSID>35674</MMSID></RESPONSE>",
    ),
    (
        ApiFailure("E111", action="saveMMS"),
        "sky-a",
        "<RESPONSE><STATUS>Failure</STATUS><ERRORCODE>E111</ERRORCODE>"
        "<ERRORINFO>Invalid shortcode</ERRORINFO></RESPONSE>",
    ),
    (
        ApiFailure("E111", action="sendMMS", to="15551234888"),
        "sky-a",
        "<RESPONSE><STATUS>Failure</STATUS><ERRORCODE>E111</ERRORCODE><TO>15551234888</TO>"
        "<ERRORINFO>Invalid shortcode</ERRORINFO></RESPONSE>",
    ),
    (
        ApiFailure("E713", action="sendSavedMMS", to="16501234123"),
        "sky-a",
        "<RESPONSE><STATUS>Failure</STATUS><ERRORCODE>E713</ERRORCODE><TO>16501234123</TO>"
        "<ERRORINFO>There is billing problem on your account</ERRORINFO></RESPONSE>",
    ),
    (
        ApiFailure("E713", action="sendMMSBarcode", to="16501234123"),
        "sky-b",
        "<RESPONSE><STATUS>Failure</STATUS><ERRORCODE>E713</ERRORCODE><TO>16501234123</TO>"
        "<ERRORINFO>There is billing problem on your account.</ERRORINFO></RESPONSE>",
    ),
    (
        ApiSuccess("sendSavedMMSCampaign", {"MMSID": "35674", "SCHEDULEDID": "12346"}),
        "sky-a",
        "<RESPONSE><STATUS>Success</STATUS><MMSID>35674</MMSID>"
        "<SCHEDULEDID>12346</SCHEDULEDID></RESPONSE>",
    ),
    (
        ApiFailure("E714", action="sendSavedMMSCampaign"),
        "sky-a",
        "<RESPONSE><STATUS>Failure</STATUS><ERRORCODE>E714</ERRORCODE>"
        "<ERRORINFO>Missing/Invalid CampaignID</ERRORINFO></RESPONSE>",
    ),
    (
        ApiSuccess(
            "sendMMSBarcode",
            {"MMSID": "35674", "TRACKINGID": "TU1TXzEyMzQ2", "TO": "16501234123", "FROM": "60856"},
        ),
        "sky-b",
        "<RESPONSE><STATUS>Success</STATUS><MMSID>35674</MMSID>"
        "<TRACKINGID>TU1TXzEyMzQ2</TRACKINGID><TO>16501234123</TO></RESPONSE>",
    ),
    (
        ApiSuccess("getMmsIds", {"MMSIDS": "10011,10234,10634"}),
        "sky-a",
        "<RESPONSE><STATUS>Success</STATUS><MMSIDS>10011,10234,10634</MMSIDS></RESPONSE>",
    ),
    (
        ApiFailure("E200", action="getMmsIds"),
        "sky-b",
        "<RESPONSE><STATUS>Failure</STATUS><ERRORCODE>E200</ERRORCODE>"
        "<ERRORINFO>No MMS Templates were created in this account.</ERRORINFO></RESPONSE>",
    ),
    (
        ApiSuccess("removeMMSInboxMessage", {"MMSINBOXID": "MMS_MO_iG7Ksa31"}),
        "sky-a",
        "<RESPONSE><STATUS>Success</STATUS><MMSINBOXID>MMS_MO_iG7Ksa31</MMSINBOXID></RESPONSE>",
    ),
    (
        ApiFailure("E641", action="removeMMSInboxMessage"),
        "sky-a",
        "<RESPONSE><STATUS>Failure</STATUS><ERRORCODE>E641</ERRORCODE>"
        "<ERRORINFO>Invalid MMS Inbox ID</ERRORINFO></RESPONSE>",
    ),
]


@pytest.mark.parametrize(("result", "revision", "expected"), ONE_LINE)
def test_documented_one_line_replies(
    result: ApiSuccess | ApiFailure, revision: str, expected: str
) -> None:
    assert compact(body(result, revision=revision)) == expected


def test_missing_action_reply_is_the_documented_one() -> None:
    with pytest.raises(ApiFailure) as caught:
        parse_request("GET", {"api_key": "k"}, {}, b"")
    for revision in REVISIONS:
        assert compact(body(caught.value, revision=revision)) == (
            "<RESPONSE><STATUS>Failure</STATUS><ERRORCODE>E101</ERRORCODE>"
            "<ERRORINFO> 'action' required</ERRORINFO></RESPONSE>"
        )


def test_sinch_replies() -> None:
    saved = ApiSuccess("saveMMS", {"MMSID": "35674"})
    assert compact(body(saved, "sinch-xml")) == (
        "<response><status>Success</status><mms-id>35674</mms-id></response>"
    )
    failure = ApiFailure("E111", action="sendMMS", to="12399471613")
    assert compact(body(failure, "sinch-xml")) == (
        "<response><status>Failure</status><error-code>E111</error-code><to>12399471613</to>"
        "<error-info>Invalid shortcode.</error-info></response>"
    )
    assert compact(body(SEND_SAVED, "sinch-xml", "sky-a")) == (
        "<response><status>Success</status><mms-id>35674</mms-id>"
        "<tracking-id>TU1TXzU5Nzg3OQ==</tracking-id><to>16501234123</to><from>60586</from>"
        "<status-details>MMS request accepted and queued for delivery</status-details></response>"
    )


def test_sinch_json_replies() -> None:
    assert json.loads(body(SEND_SAVED, "sinch-json")) == {
        "status": "Success",
        "mms-id": "35674",
        "tracking-id": "TU1TXzU5Nzg3OQ==",
        "to": "16501234123",
        "from": "60586",
        "status-details": "MMS request accepted and queued for delivery",
    }
    assert list(json.loads(body(SEND_SAVED, "sinch-json"))) == [
        "status",
        "mms-id",
        "tracking-id",
        "to",
        "from",
        "status-details",
    ]
    failure = ApiFailure("E100")
    assert json.loads(body(failure, "sinch-json")) == {
        "status": "Failure",
        "error-code": "E100",
        "error-info": "Invalid request. Please make a valid JSON POST request with all the "
        "required variables.",
    }


def test_content_types() -> None:
    assert render_reply(SEND_MMS)[1] == SKYCORE_CONTENT_TYPE == "text/html; charset=UTF-8"
    assert reply_content_type("sinch-xml") == render_reply(SEND_MMS, "sinch-xml")[1]
    assert render_reply(SEND_MMS, "sinch-json")[1].startswith("application/json")
    assert not render_reply(SEND_MMS)[0].startswith(b"<?xml")


@pytest.mark.parametrize("dialect", ["skycore", "sinch-xml", "sinch-json"])
def test_values_are_escaped(dialect: str) -> None:
    nasty = "</TO><STATUS>Success</STATUS>&\x00\"'😀"
    failure = ApiFailure("E110", action="sendSMS", to=nasty, info="bad <b>&amp;")
    data, _ = render_reply(failure, dialect)
    if dialect == "sinch-json":
        parsed = json.loads(data)
        assert (parsed["to"], parsed["error-info"]) == (nasty, "bad <b>&amp;")
        return
    root = ET.fromstring(data)
    texts = {child.tag.upper().replace("-", ""): child.text for child in root}
    assert texts["TO"] == nasty.replace("\x00", "\ufffd")
    assert texts["ERRORINFO"] == "bad <b>&amp;"
    assert len(root) == 4


def test_success_for_echoes_the_request() -> None:
    request = parse_request(
        "GET",
        {
            "action": "sendsavedmms",
            "api_key": "k",
            "mmsid": "35674",
            "to": "16501234123",
            "from": "60856",
        },
        {},
        b"",
    )
    result = success_for(request, MMSID="35674", TRACKINGID="TU1TXzU5Nzg3OQ==")
    assert dict(result.values) == {
        "TO": "16501234123",
        "FROM": "60856",
        "MMSID": "35674",
        "TRACKINGID": "TU1TXzU5Nzg3OQ==",
    }
    assert "<FROM>60856</FROM>" in body(result)


def test_caller_mistakes_are_flavor_errors() -> None:
    with pytest.raises(FlavorError, match="dialect"):
        render_reply(SEND_MMS, "soap")
    with pytest.raises(FlavorError, match="revision"):
        render_reply(SEND_MMS, "skycore", "sky-c")
    with pytest.raises(FlavorError, match="MMS_ID"):
        render_reply(ApiSuccess("sendMMS", {"MMS_ID": "1"}))
    with pytest.raises(FlavorError, match="sendFax"):
        render_reply(ApiSuccess("sendFax", {}))
    with pytest.raises(FlavorError):
        parse_request("GET", {}, {}, b"", None, "soap")
    with pytest.raises(KeyError):
        ApiFailure("E000")
