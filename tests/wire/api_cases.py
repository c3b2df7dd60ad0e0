"""Building API requests in every shape clients send, for the tests of mockserver.wire.api."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote_plus

from mockserver.wire.api import ApiRequest, parse_request

Pairs = list[tuple[str, str]]

#: Minimal valid parameters per action (Skycore upper-case names), as the method pages show.
VALID: dict[str, Pairs] = {
    "sendSMS": [("TO", "15551234888"), ("FROM", "60856"), ("TEXT", "Hello Jerry")],
    "sendSavedMMS": [("MMSID", "35674"), ("TO", "16501234123"), ("FROM", "60856")],
    "sendSavedMMSCampaign": [("MMSID", "35674"), ("TOCAMPAIGN", "332")],
    "sendMMSBarcode": [
        ("MMSID", "35674"),
        ("TO", "16501234123"),
        ("FROM", "60856"),
        ("BARCODEID", "Ticket_12345"),
    ],
    "getMmsIds": [],
    "removeMMSInboxMessage": [("MMSINBOXID", "MMS_MO_iG7Ksa31")],
}
SLIDES_13 = (
    "<SLIDE><IMAGE><URL>http://www.yoursite.com/images/1.jpg</URL></IMAGE>"
    "<AUDIO><URL>http://www.yoursite.com/audio/1.mp3</URL></AUDIO>"
    "<TEXT>Here is some text</TEXT><DURATION>5</DURATION></SLIDE>"
    "<SLIDE><TEXT>This is my contact</TEXT>"
    "<VCARD><URL>http://www.yoursite.com/vcard/2.vcf</URL></VCARD></SLIDE>"
)
SLIDE_ACTIONS: dict[str, Pairs] = {
    "saveMMS": [("SUBJECT", "The subject "), ("NAME", "fishtank")],
    "sendMMS": [("TO", "15551234888"), ("FROM", "60856"), ("NAME", "fishtank")],
}


def xml_request(action: str, pairs: Pairs, extra: str = "", *, api_key: str = "k1") -> str:
    """A Skycore ``<REQUEST>`` with the parameters as elements (values not escaped)."""
    body = "".join(f"<{name}>{value}</{name}>" for name, value in pairs)
    return f"<REQUEST><ACTION>{action}</ACTION><API_KEY>{api_key}</API_KEY>{body}{extra}</REQUEST>"


def get_query(action: str, pairs: Pairs, *, api_key: str = "k1") -> dict[str, str]:
    return {"action": action.lower(), "api_key": api_key} | {n.lower(): v for n, v in pairs}


def shape_get(action: str, pairs: Pairs) -> ApiRequest:
    return parse_request("GET", get_query(action, pairs), {}, b"")


def shape_form_params(action: str, pairs: Pairs) -> ApiRequest:
    query = get_query(action, pairs)
    body = "&".join(f"{k}={quote_plus(v)}" for k, v in query.items()).encode()
    return parse_request("POST", {}, query, body, "application/x-www-form-urlencoded")


def shape_form_xml(action: str, pairs: Pairs, extra: str = "") -> ApiRequest:
    document = xml_request(action, pairs, extra)
    body = f"xml={quote_plus(document)}".encode()
    return parse_request("POST", {}, {"xml": document}, body, "application/x-www-form-urlencoded")


def shape_multipart_xml(action: str, pairs: Pairs, extra: str = "") -> ApiRequest:
    document = xml_request(action, pairs, extra)
    return parse_request("POST", {}, {"XML": document}, b"", "multipart/form-data; boundary=x")


def shape_raw_labelled_form(action: str, pairs: Pairs, extra: str = "") -> ApiRequest:
    """The raw document labelled urlencoded: the form parse of it is garbage (as Flask's)."""
    document = "<?xml version='1.0'?>\n" + xml_request(action, pairs, extra)
    garbage = {"<?xml version": "'1.0'?>\n<REQUEST><ACTION>"}
    return parse_request(
        "POST", {}, garbage, document.encode(), "application/x-www-form-urlencoded"
    )


def shape_raw_no_type(action: str, pairs: Pairs, extra: str = "") -> ApiRequest:
    document = "\ufeff  " + xml_request(action, pairs, extra)
    return parse_request("POST", {}, {}, document.encode(), None)


def shape_form_xml_unparsed(action: str, pairs: Pairs, extra: str = "") -> ApiRequest:
    """``xml=...`` as the body with no Content-Type: the layer parses the form itself."""
    body = f"xml={quote_plus(xml_request(action, pairs, extra))}".encode()
    return parse_request("POST", {}, {}, body, None)


ParamShape = Callable[[str, Pairs], ApiRequest]
XmlShape = Callable[[str, Pairs, str], ApiRequest]
PARAM_SHAPES: dict[str, ParamShape] = {
    "get": shape_get,
    "form": shape_form_params,
}
XML_SHAPES: dict[str, XmlShape] = {
    "form-xml": shape_form_xml,
    "multipart-XML": shape_multipart_xml,
    "raw-labelled-form": shape_raw_labelled_form,
    "raw-no-type": shape_raw_no_type,
    "form-xml-unparsed": shape_form_xml_unparsed,
}
