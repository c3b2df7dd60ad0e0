"""Every error code the pure layer answers, from the request that causes it."""

from __future__ import annotations

import json

import pytest

from mockserver.wire.api import (
    API_ERRORS,
    MAX_REQUEST_BYTES,
    ApiFailure,
    check_size,
    error_info,
    parse_request,
)
from mockserver.wire.api_codes import NO_ACTION_INFO, SKY_A_INFO
from tests.wire.api_cases import SLIDE_ACTIONS, VALID, xml_request


def failure_of(document: str, *, revision: str = "sky-a", dialect: str = "skycore") -> ApiFailure:
    with pytest.raises(ApiFailure) as caught:
        parse_request("POST", {}, {"xml": document}, b"", None, dialect, revision=revision)
    return caught.value


def failure_of_query(query: dict[str, str]) -> ApiFailure:
    with pytest.raises(ApiFailure) as caught:
        parse_request("GET", query, {}, b"")
    return caught.value


def without(pairs: list[tuple[str, str]], name: str) -> list[tuple[str, str]]:
    return [(n, v) for n, v in pairs if n != name]


def replaced(pairs: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(n, value if n == name else v) for n, v in pairs]


MISSING = [
    ("sendSMS", "TO", "E201"),
    ("sendSMS", "FROM", "E111"),
    ("sendSMS", "TEXT", "E712"),
    ("sendSavedMMS", "MMSID", "E620"),
    ("sendSavedMMS", "TO", "E621"),
    ("sendSavedMMS", "FROM", "E111"),
    ("sendSavedMMSCampaign", "MMSID", "E620"),
    ("sendSavedMMSCampaign", "TOCAMPAIGN", "E624"),
    ("sendMMSBarcode", "MMSID", "E620"),
    ("sendMMSBarcode", "TO", "E621"),
    ("sendMMSBarcode", "FROM", "E111"),
    ("sendMMSBarcode", "BARCODEID", "E631"),
    ("removeMMSInboxMessage", "MMSINBOXID", "E640"),
]


@pytest.mark.parametrize(("action", "name", "code"), MISSING)
def test_missing_parameter(action: str, name: str, code: str) -> None:
    failure = failure_of(xml_request(action, without(VALID[action], name)))
    assert failure.code == code
    assert failure.action == action
    assert name in failure.detail


@pytest.mark.parametrize(("action", "name", "code"), MISSING)
def test_empty_parameter_is_missing(action: str, name: str, code: str) -> None:
    assert failure_of(xml_request(action, replaced(VALID[action], name, "  "))).code == code


@pytest.mark.parametrize(
    ("action", "name", "code"),
    [
        ("saveMMS", "SUBJECT", "E314"),
        ("saveMMS", "NAME", "E311"),
        ("sendMMS", "TO", "E201"),
        ("sendMMS", "FROM", "E111"),
        ("sendMMS", "NAME", "E311"),
    ],
)
def test_missing_parameter_of_slide_actions(action: str, name: str, code: str) -> None:
    slide = "<SLIDE><TEXT>t</TEXT></SLIDE>"
    document = xml_request(action, without(SLIDE_ACTIONS[action], name), slide)
    assert failure_of(document).code == code


BAD_VALUES = [
    ("sendSMS", "TO", "+15551234888", "E110"),
    ("sendSMS", "TO", "0015551234888", "E110"),
    ("sendSMS", "TO", "12345", "E110"),
    ("sendSMS", "TO", "1555123488812345", "E110"),
    ("sendSMS", "TO", "1555abc4888", "E110"),
    ("sendSMS", "TO", "15551234888,abc", "E110"),
    ("sendSMS", "FROM", "ACME", "E111"),
    ("sendSMS", "FROM", "12", "E111"),
    ("sendSavedMMS", "MMSID", "abc", "E625"),
    ("sendSavedMMS", "MMSID", "0", "E625"),
    ("sendSavedMMS", "MMSID", "-4", "E625"),
    ("sendMMSBarcode", "MMSID", "12345678901", "E625"),
    ("sendSavedMMSCampaign", "TOCAMPAIGN", "camp", "E714"),
    ("removeMMSInboxMessage", "MMSINBOXID", "MMS MO <x>", "E641"),
]


@pytest.mark.parametrize(("action", "name", "value", "code"), BAD_VALUES)
def test_invalid_value(action: str, name: str, value: str, code: str) -> None:
    pairs = replaced(VALID[action], name, value.replace("<", "&lt;").replace(">", "&gt;"))
    failure = failure_of(xml_request(action, pairs))
    assert failure.code == code
    assert failure.info == error_info(code)


def test_invalid_operator_id_and_campaign_ref() -> None:
    for name, value, code in [
        ("OPERATORID", "12", "E651"),
        ("SPID", "abcdefg", "E651"),
        ("CAMPAIGNREF", "x1", "E714"),
    ]:
        document = xml_request("sendSMS", [*VALID["sendSMS"], (name, value)])
        assert failure_of(document).code == code


def test_too_many_recipients() -> None:
    numbers = ",".join(str(15550000000 + n) for n in range(101))
    failure = failure_of(
        xml_request("sendSavedMMS", replaced(VALID["sendSavedMMS"], "TO", numbers))
    )
    assert failure.code == "E623"
    hundred = ",".join(str(15550000000 + n) for n in range(100))
    document = xml_request("sendSavedMMS", replaced(VALID["sendSavedMMS"], "TO", hundred))
    assert len(parse_request("POST", {}, {"xml": document}, b"").recipients) == 100


def test_failure_carries_to_and_action_for_the_reply() -> None:
    failure = failure_of(xml_request("sendSMS", without(VALID["sendSMS"], "TEXT")))
    assert (failure.action, failure.to) == ("sendSMS", "15551234888")


def test_action_missing_and_unknown() -> None:
    missing = failure_of("<REQUEST><API_KEY>k</API_KEY></REQUEST>")
    assert (missing.code, missing.info, missing.action) == ("E101", NO_ACTION_INFO, None)
    unknown = failure_of_query({"action": "sendFax", "api_key": "k"})
    assert (unknown.code, unknown.info) == ("E101", "'action' required/Invalid Action")
    assert "sendFax" in unknown.detail


def test_api_key_missing_and_user_without_pass() -> None:
    assert failure_of_query({"action": "getmmsids"}).code == "E102"
    assert failure_of_query({"action": "getmmsids", "api_key": " "}).code == "E102"
    assert failure_of_query({"action": "getmmsids", "user": "u"}).code == "E103"
    request = parse_request("GET", {"action": "getmmsids", "user": "u", "pass": "p"}, {}, b"")
    assert request.api_key == ""


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ("<REQUEST><ACTION>getMmsIds</ACTION>", "E108"),
        ("<REQUEST><ACTION>a</ACTION></request>", "E108"),
        ("<REQUEST>&unknown;</REQUEST>", "E108"),
        ("<REQUEST>\x01</REQUEST>", "E108"),
        ("<POSTBACK><ACTION>getMmsIds</ACTION></POSTBACK>", "E100"),
        (
            "<REQUEST><ACTION>getMmsIds</ACTION><API_KEY>a</API_KEY><API_KEY>b</API_KEY></REQUEST>",
            "E100",
        ),
        ("   ", "E100"),
    ],
)
def test_malformed_documents(document: str, code: str) -> None:
    assert failure_of(document).code == code


def test_xml_parse_error_names_the_problem() -> None:
    failure = failure_of("<REQUEST><ACTION>getMmsIds</ACTION>")
    assert failure.info.startswith("XML Parse error: ")
    assert "no element found" in failure.info
    assert failure.info_for("skycore", "sky-a").startswith("XML Parse error: no element found")
    assert not failure.info_for("skycore", "sky-a").endswith(".")


def test_nothing_to_parse() -> None:
    with pytest.raises(ApiFailure) as caught:
        parse_request("GET", {}, {}, b"")
    assert caught.value.code == "E100"
    with pytest.raises(ApiFailure) as caught:
        parse_request("POST", {}, {}, b"", "application/x-www-form-urlencoded")
    assert caught.value.code == "E100"


def test_form_without_action_is_e101() -> None:
    with pytest.raises(ApiFailure) as caught:
        parse_request("POST", {}, {}, b'{"action": "sendsms"}', None)
    assert caught.value.code == "E101"


def test_too_many_form_fields() -> None:
    body = "&".join(f"f{n}=1" for n in range(1001)).encode()
    with pytest.raises(ApiFailure) as caught:
        parse_request("POST", {}, {}, body, None)
    assert caught.value.code == "E100"


def test_size_limit() -> None:
    check_size(MAX_REQUEST_BYTES)
    check_size(None)
    with pytest.raises(ApiFailure) as caught:
        check_size(MAX_REQUEST_BYTES + 1)
    assert caught.value.code == "E100"
    assert str(MAX_REQUEST_BYTES) in caught.value.detail
    document = xml_request("getMmsIds", [], "<X>" + "a" * 200 + "</X>").encode()
    with pytest.raises(ApiFailure) as caught:
        parse_request("POST", {}, {}, document, None, max_bytes=100)
    assert caught.value.code == "E100"


# --- slides ------------------------------------------------------------------------------

SAVE = SLIDE_ACTIONS["saveMMS"]
IMG = "<IMAGE><URL>http://x.test/i.jpg</URL></IMAGE>"
AUD = "<AUDIO><URL>http://x.test/a.mp3</URL></AUDIO>"
VID = "<VIDEO><URL>http://x.test/v.mp4</URL></VIDEO>"
VCF = "<VCARD><URL>http://x.test/c.vcf</URL></VCARD>"
PDF = "<PDF><URL>http://x.test/d.pdf</URL></PDF>"


@pytest.mark.parametrize(
    ("slides", "code", "info"),
    [
        ("", "E312", "No slides."),
        ("<SLIDE><TEXT>t</TEXT></SLIDE>" * 9, "E225", "Too many Slides."),
        (f"<SLIDE>{IMG}</SLIDE><SLIDE><TEXT> </TEXT></SLIDE>", "E313", "Slide 2 is empty."),
        ("<SLIDE></SLIDE>", "E313", "Slide 1 is empty."),
        (f"<SLIDE>{VCF}{PDF}</SLIDE>", "E223", None),
        (f"<SLIDE>{IMG}{IMG}</SLIDE>", "E223", None),
        (f"<SLIDE>{IMG}{VCF}</SLIDE>", "E224", None),
        (f"<SLIDE>{AUD}{VID}</SLIDE>", "E226", None),
        (f"<SLIDE>{VID}{IMG}</SLIDE>", "E227", None),
        (f"<SLIDE><TEXT>{'x' * 5001}</TEXT></SLIDE>", "E228", "Text more than 5000 characters."),
        ("<SLIDE><TEXT>t</TEXT><BLINK>1</BLINK></SLIDE>", "E229", None),
        ("<SLIDE><IMAGE></IMAGE></SLIDE>", "E229", None),
        ("<SLIDE><TEXT>t</TEXT><DURATION>five</DURATION></SLIDE>", "E230", "Bad 1 slide duration."),
        ("<SLIDE><TEXT>t</TEXT><DURATION>0</DURATION></SLIDE>", "E230", None),
        ("<SLIDE><TEXT>t</TEXT><DURATION>31</DURATION></SLIDE>", "E230", None),
        ("<SLIDE><TEXT>t</TEXT><DURATION>²</DURATION></SLIDE>", "E230", None),
        (
            "<SLIDE><IMAGE><URL>file:///etc/passwd</URL></IMAGE></SLIDE>",
            "E351",
            "Could not copy Image in slide 1.",
        ),
        (
            "<SLIDE><TEXT>t</TEXT></SLIDE><SLIDE><AUDIO><URL>a.mp3</URL></AUDIO></SLIDE>",
            "E352",
            "Could not copy Audio in slide 2.",
        ),
        ("<SLIDE><VIDEO><URL>ftp://x/v.mp4</URL></VIDEO></SLIDE>", "E353", None),
        ("<SLIDE><VCARD><URL>c.vcf</URL></VCARD></SLIDE>", "E355", None),
        ("<SLIDE><ICAL><URL>c.ics</URL></ICAL></SLIDE>", "E356", None),
        ("<SLIDE><PDF><URL>http://</URL></PDF></SLIDE>", "E357", None),
        ("<SLIDE><PASSBOOK><URL>p.pkpass</URL></PASSBOOK></SLIDE>", "E358", None),
    ],
)
def test_slide_rules(slides: str, code: str, info: str | None) -> None:
    failure = failure_of(xml_request("saveMMS", SAVE, slides), revision="sky-b")
    assert failure.code == code
    assert failure.action == "saveMMS"
    if info is not None:
        assert failure.info_for("skycore", "sky-b") == info


def test_slide_text_limit_follows_the_revision() -> None:
    text = "<SLIDE><TEXT>" + "x" * 501 + "</TEXT></SLIDE>"
    failure = failure_of(xml_request("saveMMS", SAVE, text), revision="sky-a")
    assert failure.info_for("skycore", "sky-a") == "Text more than 500 characters"
    request = parse_request(
        "POST", {}, {"xml": xml_request("saveMMS", SAVE, text)}, b"", revision="sky-b"
    )
    assert request.slides[0].duration == 10


def test_custom_text_slide_must_be_a_slide_number() -> None:
    extra = "<CUSTOMTEXT><VALUE>v</VALUE><SLIDE>first</SLIDE></CUSTOMTEXT>"
    assert failure_of(xml_request("sendSavedMMS", VALID["sendSavedMMS"], extra)).code == "E100"
    assert (
        failure_of_query(
            {
                "action": "sendsavedmms",
                "api_key": "k",
                "mmsid": "1",
                "to": "15551234888",
                "from": "60856",
                "customtext_9": "v",
            }
        ).code
        == "E100"
    )


# --- Sinch --------------------------------------------------------------------------------


def test_sinch_requires_fallback_text_and_service_id() -> None:
    base = (
        "<request><action>sendSavedMMS</action><api-key>k</api-key><mms-id>1</mms-id>"
        "<to>12399471613</to><from>60856</from>{}</request>"
    )
    assert failure_of(base.format("<service-id>1</service-id>"), dialect="sinch-xml").code == (
        "E622"
    )
    assert (
        failure_of(
            base.format("<fallback-sms-text>f</fallback-sms-text>"), dialect="sinch-xml"
        ).code
        == "E627"
    )


@pytest.mark.parametrize("dialect", ["sinch-xml", "sinch-json"])
def test_sinch_takes_only_posts(dialect: str) -> None:
    with pytest.raises(ApiFailure) as caught:
        parse_request("GET", {"action": "sendmms"}, {}, b"", None, dialect)
    assert caught.value.code == "E100"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'"text"',
        b"\xff\xfe",
        b"[" * 100_000,
        b'{"action": "savemms", "data": [1]}',
        b'{"action": "savemms", "name": {"a": 1}}',
        b'{"action": "savemms", "slide": [1]}',
    ],
)
def test_sinch_json_bad_bodies(body: bytes) -> None:
    with pytest.raises(ApiFailure) as caught:
        parse_request("POST", {}, {}, body, "application/json", "sinch-json")
    assert caught.value.code == "E100"
    assert caught.value.info_for("sinch-json") == (
        "Invalid request. Please make a valid JSON POST request with all the required variables."
    )


def test_sinch_json_without_key() -> None:
    body = json.dumps({"action": "savemms"}).encode()
    with pytest.raises(ApiFailure) as caught:
        parse_request("POST", {}, {}, body, None, "sinch-json", headers={"x-api-key": ""})
    assert caught.value.code == "E102"


def test_sinch_xml_root_and_emptiness() -> None:
    failure = failure_of("<postback><action>saveMMS</action></postback>", dialect="sinch-xml")
    assert failure.code == "E100"
    assert "<request>" in failure.detail
    with pytest.raises(ApiFailure) as caught:
        parse_request("POST", {}, {}, b"a=b", None, "sinch-xml")
    assert caught.value.code == "E100"


# --- the table ----------------------------------------------------------------------------


def test_table_texts_are_appendix_b(spec_appendix_b: dict[str, str]) -> None:
    for code, row in API_ERRORS.items():
        if code in spec_appendix_b:
            assert row.info == spec_appendix_b[code], code
    assert set(SKY_A_INFO) <= set(API_ERRORS)


@pytest.fixture
def spec_appendix_b() -> dict[str, str]:
    """Appendix B (2015), as kept in tests/wire/golden/api/appendix_b.md."""
    from pathlib import Path

    rows: dict[str, str] = {}
    text = (Path(__file__).parent / "golden" / "api" / "appendix_b.md").read_text()
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("E"):
            rows[cells[0]] = cells[1]
    return rows
