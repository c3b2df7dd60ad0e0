"""The platform API's error codes (PLATFORM.md section 11.2, Appendix B) and :class:`ApiFailure`.

Every problem with an API request is an :class:`ApiFailure`: the code and the info text the
platform puts in ``<ERRORCODE>``/``<ERRORINFO>``, plus a ``detail`` for the simulator's log that
says what was wrong, where, and how to fix it (never sent in the reply body: the real platform
does not say more than the Appendix B text).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from mockserver.wire.errors import WireError


class ApiCode(NamedTuple):
    """One row of :data:`API_ERRORS`: the reply text and when the simulator uses the code."""

    info: str
    when: str


#: code -> (ERRORINFO text, when it is answered). The texts are Appendix B's (2015 revision,
#: ``sources/skycore-1.3-APPENDIX_B-api-error-codes.md``); E101, E102, E103, E201 are missing
#: there and come from the older Appendix B, E200 from the getMmsIds page. ``X`` and
#: ``$error`` are filled in per failure. "backend" rows are for the platform backend to raise.
API_ERRORS: dict[str, ApiCode] = {
    "E100": ApiCode(
        "Invalid request. Make a valid request via GET/POST/XML with all the required variables.",
        "no request found (empty body, no parameters), wrong root element, an element given "
        "twice, body over the size limit, a Sinch request that is not an XML/JSON POST",
    ),
    "E101": ApiCode("'action' required/Invalid Action", "ACTION missing or not an action"),
    "E102": ApiCode("'user' or 'api_key' required", "neither API_KEY nor USER given"),
    "E103": ApiCode("'pass' md5(password) required", "USER given without PASS"),
    "E104": ApiCode("User Authentication Failed.", "backend: API key not in the configured list"),
    "E106": ApiCode("You can call API every X seconds.", "backend: rate limit"),
    "E108": ApiCode("XML Parse error: $error.", "XML not well-formed, or DTD/entities refused"),
    "E110": ApiCode(
        "Invalid receiver number.",
        "TO not an international number (7-15 digits, no '+' or '00')",
    ),
    "E111": ApiCode("Invalid shortcode.", "FROM missing or not 3-15 digits"),
    "E113": ApiCode(
        "Set throughput exceeded for this API action. API call rejected.", "backend: throughput"
    ),
    "E114": ApiCode("Phone number is blacklisted. API call rejected.", "backend: blacklist"),
    "E120": ApiCode("Account has reached the API request limit.", "backend: request quota"),
    "E200": ApiCode(
        "No MMS Templates were created in this account.", "backend: getMmsIds, none saved"
    ),
    "E201": ApiCode("The receiver number is required", "sendSMS / sendMMS without TO"),
    "E223": ApiCode(
        "More than one object is not allowed in the same slide.",
        "two of VCARD/ICAL/PDF/PASSBOOK, or one media type twice, in a slide",
    ),
    "E224": ApiCode(
        "MMS audio/video/image are not allowed with object in the same slide.",
        "an object (vcard/ical/pdf/passbook) with image/audio/video in a slide",
    ),
    "E225": ApiCode("Too many Slides.", "more than 8 slides"),
    "E226": ApiCode("Audio and Video not allowed in same slide.", "audio and video in a slide"),
    "E227": ApiCode("Video and Image not allowed in same slide.", "video and image in a slide"),
    "E228": ApiCode(
        "Text more than X characters.",
        "slide text over 5000 characters (sky-b, Sinch) or 500 (sky-a, sky-legacy)",
    ),
    "E229": ApiCode(
        "Content not allowed.", "an unknown element in a slide, or a media element without URL"
    ),
    "E230": ApiCode("Bad X slide duration.", "DURATION not a whole number of seconds 1-30"),
    "E241": ApiCode("This content does not exist.", "backend: unknown MMSID"),
    "E311": ApiCode("The 'name' is required.", "saveMMS / sendMMS without NAME"),
    "E312": ApiCode("No slides.", "saveMMS / sendMMS without SLIDE"),
    "E313": ApiCode("Slide X is empty.", "a slide with no text, media or object"),
    "E314": ApiCode("The 'subject' is required.", "saveMMS without SUBJECT"),
    "E351": ApiCode("Could not copy Image in slide X.", "image URL not an http(s) URL"),
    "E352": ApiCode("Could not copy Audio in slide X.", "audio URL not an http(s) URL"),
    "E353": ApiCode("Could not copy Video in slide X.", "video URL not an http(s) URL"),
    "E355": ApiCode("Could not copy vCard in slide X.", "vCard URL not an http(s) URL"),
    "E356": ApiCode("Could not copy iCal in slide X.", "iCal URL not an http(s) URL"),
    "E357": ApiCode("Could not copy PDF in slide X.", "PDF URL not an http(s) URL"),
    "E358": ApiCode("Could not copy Passbook file in slide X.", "passbook URL not http(s)"),
    "E503": ApiCode("Internal error.", "backend: the simulator failed (a bug)"),
    "E620": ApiCode("The 'mmsid' is required.", "MMSID missing"),
    "E621": ApiCode("The 'to' is required.", "sendSavedMMS / sendMMSBarcode without TO"),
    "E622": ApiCode(
        "The 'fallback_sms_text' is required.", "Sinch sendMMS / sendSavedMMS without it"
    ),
    "E623": ApiCode("The 'to' field can contain up to 100 numbers.", "more than 100 TO numbers"),
    "E624": ApiCode("The 'tocampaign' is required.", "sendSavedMMSCampaign without TOCAMPAIGN"),
    "E625": ApiCode("The 'mmsid' provided was invalid.", "MMSID not a positive integer"),
    "E626": ApiCode(
        "Content unavailable. Encoding in progress, try again later.",
        "backend: MMSID still encoding",
    ),
    "E627": ApiCode(
        "Invalid serviceid / serviceid is required", "Sinch sendMMS / sendSavedMMS without it"
    ),
    "E628": ApiCode("Operator Not supported.", "backend: carrier not supported"),
    "E629": ApiCode("Unrecognized content type.", "backend: media of an unknown type"),
    "E631": ApiCode("The 'barcodeid' is required.", "sendMMSBarcode without BARCODEID"),
    "E640": ApiCode("The 'mmsinboxid' is required.", "removeMMSInboxMessage without it"),
    "E641": ApiCode(
        "Invalid MMS Inbox Message ID.", "MMSINBOXID not an MMS MO id (or backend: unknown)"
    ),
    "E642": ApiCode("MMS Inbox message has no content.", "backend"),
    "E643": ApiCode("Could not clean up MMS Inbox message content.", "backend"),
    "E651": ApiCode(
        "The 'operator id' passed was not found on our system.",
        "OPERATORID/SPID not 6-7 digits (or backend: not in Appendix E)",
    ),
    "E712": ApiCode("The 'text' is required.", "sendSMS without TEXT"),
    "E713": ApiCode("There is billing problem on your account.", "backend: billing fault"),
    "E714": ApiCode("Missing/Invalid 'campaignid'.", "TOCAMPAIGN / CAMPAIGNREF not a number"),
    "E715": ApiCode("Number is not subscribed to this campaign.", "backend"),
}

#: The older Appendix B's wording (the sky-a and sky-legacy documents, 2013-2014): mostly
#: without the final period, a few texts worded differently. Codes it lacks use API_ERRORS.
#: The method pages' reply examples of that time use these texts (e.g. sendSMS E713).
SKY_A_INFO: dict[str, str] = {
    "E100": "Invalid request. Make request via GET method or send valid XML inside 'xml' field "
    "via POST.",
    "E104": "User Authentication FAILED",
    "E106": "You can call API every X seconds",
    "E108": "XML Parse error: $error",
    "E110": "Invalid receiver number",
    "E111": "Invalid shortcode",
    "E225": "Too many Slides",
    "E226": "Audio and Video not allowed in same slide",
    "E227": "Video and Image not allowed in same slide",
    "E228": "Text more than X characters",
    "E229": "Content not allowed",
    "E230": "Bad X slide duration",
    "E241": "This content does not exist",
    "E311": "The 'name' is required",
    "E312": "No slides",
    "E313": "Slide X is empty",
    "E351": "Could not copy Image in slide X",
    "E503": "Internal error",
    "E620": "The 'mmsid' is required",
    "E621": "The 'to' is required",
    "E623": "The 'to' field can contain up to 100 numbers",
    "E624": "The 'tocampaign' is required",
    "E628": "Operator Not supported",
    "E629": "Unrecognized content type",
    "E631": "The 'barcodeid' is required",
    "E640": "The 'mmsinboxid' is required",
    "E641": "Invalid MMS Inbox ID",
    "E642": "MMS Inbox content is empty.",
    "E643": "Could not clean up MMS Inbox content.",
    "E712": "The 'text' is required",
    "E713": "There is billing problem on your account",
    "E714": "Missing/Invalid CampaignID",
    "E715": "Number is not subscribed to this campaign",
}
#: A request without an action: the text of the documented reply (PLATFORM.md 10.1, leading
#: space included) in every revision; an unknown action gets Appendix B's E101 text.
NO_ACTION_INFO = " 'action' required"
#: Sinch JSON's own E100 text (PLATFORM.md section 10.8).
JSON_E100 = (
    "Invalid request. Please make a valid JSON POST request with all the required variables."
)
OLD_REVISIONS = ("sky-a", "sky-legacy")
_X = re.compile(r"\bX\b")


class ApiFailure(WireError):  # noqa: N818 - a reply the platform gives, not a crash
    """A request the platform answers with ``<STATUS>Failure</STATUS>``.

    ``code`` and ``info`` go into the reply; ``detail`` is the simulator's explanation for the
    log. ``action`` (canonical name) and ``to`` are set once known: some actions' failure
    replies carry TO and each action orders the elements its own way.
    """

    def __init__(
        self,
        code: str,
        detail: str = "",
        *,
        x: object = None,
        info: str | None = None,
        action: str | None = None,
        to: str | None = None,
    ) -> None:
        self.code = code
        self.x = x
        self.explicit_info = info
        self.info = info if info is not None else error_info(code, x)
        self.detail = detail or self.info
        self.action = action
        self.to = to
        super().__init__(f"{code} {self.info} ({self.detail})")

    def info_for(self, dialect: str = "skycore", revision: str = "sky-b") -> str:
        """The ERRORINFO text as this dialect and revision word it: an explicit ``info`` as
        given; else the older Appendix B in sky-a/sky-legacy, Sinch JSON's own E100 text, and
        Appendix B (2015) otherwise."""
        if self.explicit_info is not None:
            return self.explicit_info
        if dialect == "sinch-json" and self.code == "E100":
            return JSON_E100
        if dialect == "skycore" and revision in OLD_REVISIONS:
            return error_info(self.code, self.x, old=True)
        return self.info

    def with_context(self, action: str | None, to: str | None) -> ApiFailure:
        """This failure, with the request's action and TO filled in where still unknown."""
        if self.action is None:
            self.action = action
        if self.to is None:
            self.to = to
        return self


def error_info(code: str, x: object = None, *, old: bool = False) -> str:
    """Appendix B's text for ``code`` (``old``: the sky-a wording where it differs), with
    ``X`` (or ``$error``) replaced by ``x``."""
    row = API_ERRORS.get(code)
    if row is None:
        raise KeyError(f"unknown API error code {code!r}; see API_ERRORS")
    text = SKY_A_INFO.get(code, row.info) if old else row.info
    if x is None:
        return text
    if "$error" in text:
        return text.replace("$error", str(x))
    return _X.sub(lambda _match: str(x), text)
