"""Every action in every request shape and dialect parses into the same model."""

from __future__ import annotations

import json

import pytest

from mockserver.wire.api import (
    ACTIONS,
    ApiFailure,
    CustomText,
    Slide,
    SlidePart,
    parse_request,
)
from tests.wire.api_cases import (
    PARAM_SHAPES,
    SLIDE_ACTIONS,
    SLIDES_13,
    VALID,
    XML_SHAPES,
    xml_request,
)

EXPECTED_SHAPE = {
    "form-xml": "form-xml",
    "multipart-XML": "form-xml",
    "raw-labelled-form": "raw-xml",
    "raw-no-type": "raw-xml",
    "form-xml-unparsed": "form-xml",
}


@pytest.mark.parametrize("action", sorted(VALID))
@pytest.mark.parametrize("shape", sorted(PARAM_SHAPES))
def test_each_action_as_parameters(action: str, shape: str) -> None:
    request = PARAM_SHAPES[shape](action, VALID[action])
    assert request.action == action
    assert request.api_key == "k1"
    assert request.shape == shape
    assert request.dialect == "skycore"
    assert dict(request.params) == {"API_KEY": "k1", **dict(VALID[action])}


@pytest.mark.parametrize("action", sorted(VALID))
@pytest.mark.parametrize("shape", sorted(XML_SHAPES))
def test_each_action_as_xml(action: str, shape: str) -> None:
    request = XML_SHAPES[shape](action, VALID[action], "")
    assert request.action == action
    assert request.shape == EXPECTED_SHAPE[shape]
    assert dict(request.params) == {"API_KEY": "k1", **dict(VALID[action])}


@pytest.mark.parametrize("action", sorted(SLIDE_ACTIONS))
@pytest.mark.parametrize("shape", sorted(XML_SHAPES))
def test_slide_actions_in_every_xml_shape(action: str, shape: str) -> None:
    request = XML_SHAPES[shape](action, SLIDE_ACTIONS[action], SLIDES_13)
    assert request.action == action
    assert request.layout == "1.3"
    assert request.slides == (
        Slide(
            (
                SlidePart("IMAGE", "http://www.yoursite.com/images/1.jpg"),
                SlidePart("AUDIO", "http://www.yoursite.com/audio/1.mp3"),
            ),
            "Here is some text",
            5,
        ),
        Slide(
            (SlidePart("VCARD", "http://www.yoursite.com/vcard/2.vcf"),), "This is my contact", 5
        ),
    )
    assert request.params["NAME"] == "fishtank"


def test_save_mms_legacy_layout() -> None:
    document = (
        "<REQUEST><ACTION>saveMMS</ACTION><API_KEY>k</API_KEY><SUBJECT>The subject </SUBJECT>"
        "<CONTENT><NAME>fishtank</NAME><SEQUENCE>"
        '<SLIDE duration="7"><IMAGE><URL>http://x.test/1.jpg</URL></IMAGE>'
        "<AUDIO><URL>http://x.test/1.mp3</URL></AUDIO><TEXT>\n  Here is some text\n</TEXT></SLIDE>"
        "<SLIDE><VIDEO><URL>https://x.test/v.mp4</URL></VIDEO></SLIDE>"
        "</SEQUENCE></CONTENT></REQUEST>"
    )
    request = parse_request("POST", {}, {"xml": document}, b"", None, revision="sky-b")
    assert request.layout == "legacy"
    assert request.params["NAME"] == "fishtank"
    assert request.params["SUBJECT"] == "The subject "
    assert [s.duration for s in request.slides] == [7, 10]
    assert request.slides[0].url("AUDIO") == "http://x.test/1.mp3"
    assert request.slides[0].text == "\n  Here is some text\n"
    assert request.slides[1].url("VIDEO") == "https://x.test/v.mp4"
    assert request.slides[1].url("IMAGE") is None


def test_send_mms_legacy_prototype_with_user_pass_and_spid() -> None:
    document = (
        "<REQUEST><ACTION>sendMMS</ACTION><USER>rakowaty</USER>"
        "<PASS>ea7966f90de2bf520e3f0042053e6ec3</PASS><TO>15551234888</TO><FROM>60856</FROM>"
        "<SPID>000189</SPID><SUBJECT>The subject</SUBJECT><CAMPAIGNREF>323</CAMPAIGNREF>"
        '<CONTENT><NAME>fishtank</NAME><SEQUENCE><SLIDE duration="5"><TEXT>t</TEXT></SLIDE>'
        "</SEQUENCE></CONTENT></REQUEST>"
    )
    request = parse_request("POST", {}, {}, document.encode(), "text/xml")
    assert request.api_key == ""
    assert request.params["USER"] == "rakowaty"
    assert request.params["OPERATORID"] == "000189"
    assert request.recipients == ("15551234888",)


def test_element_order_case_and_spaces_do_not_matter() -> None:
    document = (
        "<REQUEST><TO>15551234888</TO><API_KEY> key </API_KEY><text>hi there </text>"
        "<From>60856</From><ACTION> SENDSMS </ACTION></REQUEST>"
    )
    request = parse_request("POST", {}, {}, document.encode(), None)
    assert (request.action, request.api_key) == ("sendSMS", "key")
    assert request.params["TEXT"] == "hi there "
    assert request.params["FROM"] == "60856"


@pytest.mark.parametrize("spelling", ["sendSMS", "sendsms", "SENDSMS", "SendSms"])
def test_action_names_are_case_insensitive(spelling: str) -> None:
    query = {"action": spelling, "api_key": "k", "to": "15551234888", "from": "60856", "text": "x"}
    assert parse_request("GET", query, {}, b"").action == "sendSMS"


def test_older_action_name_remove_mms_inbox_content() -> None:
    query = {"action": "removeMMSInboxContent", "api_key": "k", "mmsinboxid": "MMS_MO_815"}
    assert parse_request("GET", query, {}, b"").action == "removeMMSInboxMessage"


def test_get_custom_texts_data_and_aliases() -> None:
    query = {
        "action": "sendsavedmms",
        "api_key": "k",
        "to": "16501234123",
        "from": "60856",
        "mmsid": "35674",
        "customtext_1": "My Custom text in first slide",
        "customsubject": "My Custom Subject",
        "data_first_name": "John",
        "data_age": "30",
        "spid": "0001470",
        "from_mask": "ACME-Brand-Name-Long",
        "ddmtimeout": "5",
    }
    request = parse_request("GET", query, {}, b"")
    assert request.custom_texts == (CustomText("My Custom text in first slide", 1),)
    assert dict(request.data) == {"FIRST_NAME": "John", "AGE": "30"}
    assert request.params["OPERATORID"] == "0001470"
    assert request.params["FROM_MASK"] == "ACME-Brand-"  # 11 characters, cut beyond
    assert request.params["CUSTOMSUBJECT"] == "My Custom Subject"
    assert request.get("ddmtimeout") == "5"


def test_xml_custom_text_and_data_of_send_saved_mms() -> None:
    extra = (
        "<CUSTOMTEXT><VALUE>first</VALUE><SLIDE>1</SLIDE></CUSTOMTEXT>"
        "<CUSTOMTEXT><VALUE>third</VALUE><SLIDE>3</SLIDE></CUSTOMTEXT>"
        "<DATA><FIRSTNAME>Bill</FIRSTNAME><GENDER>Male</GENDER></DATA>"
    )
    document = xml_request("sendsavedMMS", VALID["sendSavedMMS"], extra)
    request = parse_request("POST", {}, {"xml": document}, b"")
    assert request.custom_texts == (CustomText("first", 1), CustomText("third", 3))
    assert dict(request.data) == {"FIRSTNAME": "Bill", "GENDER": "Male"}


def test_campaign_get_uses_campaignid_as_documented() -> None:
    query = {"action": "sendsavedmmscampaign", "api_key": "k", "campaignid": "332", "mmsid": "1"}
    assert parse_request("GET", query, {}, b"").params["TOCAMPAIGN"] == "332"


def test_several_recipients() -> None:
    pairs = [("MMSID", "35674"), ("TO", "16501234123, 16501234124"), ("FROM", "60856")]
    request = parse_request(
        "GET",
        {"action": "sendsavedmms", "api_key": "k"} | {n.lower(): v for n, v in pairs},
        {},
        b"",
    )
    assert request.recipients == ("16501234123", "16501234124")
    assert request.to == "16501234123, 16501234124"


def test_post_with_action_in_query_and_rest_in_form() -> None:
    form = {"api_key": "k", "to": "15551234888", "from": "60856", "text": "hi"}
    request = parse_request("POST", {"action": "sendsms"}, form, b"", None)
    assert request.action == "sendSMS"
    assert request.shape == "form"


def test_get_with_xml_in_the_query() -> None:
    document = xml_request("getMmsIds", [])
    request = parse_request("GET", {"XML": document}, {}, b"")
    assert (request.action, request.shape) == ("getMmsIds", "get-xml")


def test_xml_encoding_declaration_is_honoured() -> None:
    document = xml_request("sendSMS", [("TO", "15551234888"), ("FROM", "60856"), ("TEXT", "Grüße")])
    body = ("<?xml version='1.0' encoding='ISO-8859-1'?>" + document).encode("latin-1")
    assert parse_request("POST", {}, {}, body, None).params["TEXT"] == "Grüße"


def test_escaped_values_are_unescaped_and_cdata_read() -> None:
    pairs = [("TO", "15551234888"), ("FROM", "60856"), ("TEXT", "<![CDATA[a < b]]> &amp; c")]
    request = parse_request("POST", {}, {"xml": xml_request("sendSMS", pairs)}, b"")
    assert request.params["TEXT"] == "a < b & c"


def test_unknown_simple_elements_are_kept_nested_unknowns_ignored() -> None:
    extra = "<FALLBACKSMSTEXT>see it here</FALLBACKSMSTEXT><WHATEVER><X>1</X></WHATEVER>"
    document = xml_request("sendSavedMMS", VALID["sendSavedMMS"], extra)
    request = parse_request("POST", {}, {"xml": document}, b"")
    assert request.params["FALLBACKSMSTEXT"] == "see it here"
    assert "WHATEVER" not in request.params


def test_every_action_is_covered() -> None:
    assert set(VALID) | set(SLIDE_ACTIONS) == set(ACTIONS)


# --- Sinch XML (/ep/v1/) ------------------------------------------------------------------

SINCH_SEND_MMS = (
    "<request><action>sendMMS</action><api-key>sk</api-key><to>12399471613</to>"
    "<from>60856</from><operator-id>0001470</operator-id>"
    "<message-subject>Subject</message-subject><service-id>42</service-id><name>n</name>"
    "<fallback-sms-text>See the MMS here</fallback-sms-text>"
    "<slide><duration>3</duration><image><url>http://x.test/a.png</url></image>"
    "<audio><url>http://x.test/a.mp3</url></audio><message-text>Hi</message-text></slide>"
    "</request>"
)


def test_sinch_xml_send_mms() -> None:
    request = parse_request("POST", {}, {}, SINCH_SEND_MMS.encode(), "text/xml", "sinch-xml")
    assert (request.action, request.api_key, request.dialect) == ("sendMMS", "sk", "sinch-xml")
    assert request.params["OPERATORID"] == "0001470"
    assert request.params["SUBJECT"] == "Subject"
    assert request.params["SERVICEID"] == "42"
    assert request.params["FALLBACKSMSTEXT"] == "See the MMS here"
    assert request.slides == (
        Slide(
            (SlidePart("IMAGE", "http://x.test/a.png"), SlidePart("AUDIO", "http://x.test/a.mp3")),
            "Hi",
            3,
        ),
    )


def test_sinch_xml_save_and_send_saved() -> None:
    save = (
        "<request><action>saveMMS</action><api-key>sk</api-key>"
        "<message-subject>s</message-subject><name>n</name>"
        "<slide><message-text>only text</message-text></slide></request>"
    )
    request = parse_request("POST", {}, {}, save.encode(), None, "sinch-xml")
    assert request.action == "saveMMS"
    assert request.slides[0].duration == 10
    send = (
        "<request><action>sendSavedMMS</action><api-key>sk</api-key><mms-id>35674</mms-id>"
        "<to>12399471613</to><from>60856</from><service-id>1</service-id>"
        "<fallback-sms-text>f</fallback-sms-text><ddm-message-subject>t</ddm-message-subject>"
        "<custom-text><value>v</value><slide>2</slide></custom-text>"
        "<data><first-name>Ann</first-name></data></request>"
    )
    request = parse_request("POST", {}, {"xml": send}, b"", None, "sinch-xml")
    assert request.params["MMSID"] == "35674"
    assert request.params["DDMTITLE"] == "t"
    assert request.custom_texts == (CustomText("v", 2),)
    assert dict(request.data) == {"FIRST-NAME": "Ann"}


# --- Sinch JSON (/ep/v2/) -----------------------------------------------------------------


def _json(data: object) -> bytes:
    return json.dumps(data).encode()


def test_sinch_json_send_mms_with_header_key() -> None:
    data = {
        "action": "sendmms",
        "service-id": 42,
        "to": ["12399471613", "12399471614"],
        "from": "60856",
        "message-subject": "s",
        "name": "n",
        "fallback-sms-text": "f",
        "slide": [
            {"image": {"url": "https://x.test/a.jpg"}, "message-text": "Hi", "duration": 4},
            {"video": "https://x.test/v.mp4"},
        ],
    }
    request = parse_request(
        "POST", {}, {}, _json(data), "application/json", "sinch-json", headers={"X-Api-Key": "jk"}
    )
    assert (request.action, request.api_key, request.shape) == ("sendMMS", "jk", "sinch-json")
    assert request.recipients == ("12399471613", "12399471614")
    assert request.params["SERVICEID"] == "42"
    assert [s.duration for s in request.slides] == [4, 10]
    assert request.slides[1].url("VIDEO") == "https://x.test/v.mp4"


def test_sinch_json_save_and_send_saved() -> None:
    save = {
        "action": "savemms",
        "api-key": "body-key",
        "message-subject": "s",
        "name": "n",
        "slides": [{"message-text": "t"}],
    }
    request = parse_request("POST", {}, {}, _json(save), None, "sinch-json")
    assert (request.action, request.api_key) == ("saveMMS", "body-key")
    send = {
        "action": "sendsavedmms",
        "mms-id": 35674,
        "to": "12399471613",
        "from": 60856,
        "service-id": "1",
        "fallback-sms-text": "f",
        "ddm-force": True,
        "custom-text": [{"value": "v", "slide": 1}],
        "data": {"name": "Ann"},
    }
    request = parse_request(
        "POST", {}, {}, _json(send), None, "sinch-json", headers={"x-api-key": "jk"}
    )
    assert request.params["MMSID"] == "35674"
    assert request.params["DDMFORCE"] == "true"
    assert request.custom_texts == (CustomText("v", 1),)
    assert dict(request.data) == {"NAME": "Ann"}


@pytest.mark.parametrize("action", ["sendSMS", "getMmsIds", "sendSavedMMSCampaign"])
@pytest.mark.parametrize("dialect", ["sinch-xml", "sinch-json"])
def test_sinch_answers_only_its_three_actions(action: str, dialect: str) -> None:
    body = (
        _json({"action": action, "api-key": "k"})
        if dialect == "sinch-json"
        else f"<request><action>{action}</action><api-key>k</api-key></request>".encode()
    )
    with pytest.raises(ApiFailure) as caught:
        parse_request("POST", {}, {}, body, None, dialect)
    assert caught.value.code == "E101"
