"""Per-action checks: :class:`Draft` -> :class:`ApiRequest`, or the Appendix B failure.

Only what can be decided from the request itself is checked here (required parameters, number
and id shapes, slide rules). Whether an MMSID exists, is still encoding, whether a key is
allowed, are the backend's questions (E241, E626, E104: see ``API_ERRORS``).
"""

from __future__ import annotations

import re
from collections import Counter
from types import MappingProxyType

from mockserver.wire.api_codes import NO_ACTION_INFO, ApiFailure
from mockserver.wire.api_model import (
    ACTIONS,
    FREE_TEXT,
    MAX_RECIPIENTS,
    MAX_SLIDES,
    MEDIA_KINDS,
    OBJECT_KINDS,
    SINCH_ACTIONS,
    ApiRequest,
    CustomText,
    Slide,
    SlidePart,
    canonical_action,
)
from mockserver.wire.api_requests import Draft, RawSlide

#: International number without ``+`` or ``00`` (``17743199144``).
PHONE = re.compile(r"^[1-9][0-9]{6,14}$")
SHORTCODE = re.compile(r"^[0-9]{3,15}$")
MMSID = re.compile(r"^[1-9][0-9]{0,9}$")
SPID = re.compile(r"^[0-9]{6,7}$")
NUMBER = re.compile(r"^[0-9]{1,12}$")
SMALL_NUMBER = re.compile(r"^[0-9]{1,3}$")
INBOX_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
MAX_FROM_MASK = 11
MAX_DURATION = 30
_COPY_CODES = {
    "IMAGE": "E351",
    "AUDIO": "E352",
    "VIDEO": "E353",
    "VCARD": "E355",
    "ICAL": "E356",
    "PDF": "E357",
    "PASSBOOK": "E358",
}

#: Required parameters per action, in the order they are checked, with the code for each.
REQUIRED: dict[str, tuple[tuple[str, str], ...]] = {
    "sendSMS": (("TO", "E201"), ("FROM", "E111"), ("TEXT", "E712")),
    "saveMMS": (("SUBJECT", "E314"), ("NAME", "E311")),
    "sendMMS": (("TO", "E201"), ("FROM", "E111"), ("NAME", "E311")),
    "sendSavedMMS": (("MMSID", "E620"), ("TO", "E621"), ("FROM", "E111")),
    "sendSavedMMSCampaign": (("MMSID", "E620"), ("TOCAMPAIGN", "E624")),
    "sendMMSBarcode": (("MMSID", "E620"), ("TO", "E621"), ("FROM", "E111"), ("BARCODEID", "E631")),
    "getMmsIds": (),
    "removeMMSInboxMessage": (("MMSINBOXID", "E640"),),
}
#: Sinch also requires these for its sends (PLATFORM.md 10.7).
SINCH_REQUIRED = (("FALLBACKSMSTEXT", "E622"), ("SERVICEID", "E627"))
SLIDE_ACTIONS = ("saveMMS", "sendMMS")
#: (pattern, code, what it must look like) for parameters whose shape is checked when given.
SHAPES: dict[str, tuple[re.Pattern[str], str, str]] = {
    "FROM": (SHORTCODE, "E111", "a short or long code of 3-15 digits"),
    "MMSID": (MMSID, "E625", "the positive whole number saveMMS answered"),
    "OPERATORID": (SPID, "E651", "a 7-digit SPID from Appendix E, e.g. 0001470"),
    "TOCAMPAIGN": (NUMBER, "E714", "a campaign id (digits)"),
    "CAMPAIGNREF": (NUMBER, "E714", "a campaign id (digits)"),
    "MMSINBOXID": (INBOX_ID, "E641", "the TRACKINGID of an MMS MO postback, e.g. MMS_MO_iG7Ksa31"),
}


def text_limit(dialect: str, revision: str) -> int:
    """Characters of slide text allowed: 5000 (sky-b, Sinch), 500 (sky-a, sky-legacy)."""
    return 5000 if dialect != "skycore" or revision == "sky-b" else 500


def default_duration(dialect: str, revision: str) -> int:
    """Slide duration when none is given: 10 s (sky-b, Sinch), 5 s (sky-a, sky-legacy)."""
    return 10 if dialect != "skycore" or revision == "sky-b" else 5


def validate(draft: Draft, dialect: str, revision: str) -> ApiRequest:
    """The checked request; failures carry the action and TO once they are known."""
    action = _action(draft, dialect)
    params = {k: (v if k in FREE_TEXT else v.strip()) for k, v in draft.params.items()}
    try:
        return _checked(action, params, draft, dialect, revision)
    except ApiFailure as failure:
        raise failure.with_context(action, params.get("TO") or None) from None


def _action(draft: Draft, dialect: str) -> str:
    given = draft.params.pop("ACTION", "").strip()
    if not given:
        raise ApiFailure(
            "E101", "the request has no action; add ACTION (e.g. sendSMS)", info=NO_ACTION_INFO
        )
    action = canonical_action(given)
    allowed = SINCH_ACTIONS if dialect != "skycore" else ACTIONS
    if action is None or action not in allowed:
        raise ApiFailure(
            "E101", f"unknown action {given[:60]!r}; this endpoint answers {', '.join(allowed)}"
        )
    return action


def _checked(
    action: str, params: dict[str, str], draft: Draft, dialect: str, revision: str
) -> ApiRequest:
    api_key = _api_key(params)
    required = REQUIRED[action]
    if dialect != "skycore" and action != "saveMMS":
        required += SINCH_REQUIRED
    for name, code in required:
        if not params.get(name, "").strip():
            raise ApiFailure(code, f"{action} needs {name}")
    recipients = _recipients(params.get("TO", ""))
    for name, (pattern, code, shape) in SHAPES.items():
        value = params.get(name)
        if value and not pattern.match(value):
            raise ApiFailure(code, f"{name} {value[:40]!r} is not {shape}")
    if "FROM_MASK" in params:
        params["FROM_MASK"] = params["FROM_MASK"][:MAX_FROM_MASK]
    slides: tuple[Slide, ...] = ()
    if action in SLIDE_ACTIONS:
        slides = _slides(draft.slides, dialect, revision)
    return ApiRequest(
        action=action,
        api_key=api_key,
        dialect=dialect,
        shape=draft.shape,
        params=MappingProxyType(params),
        recipients=recipients,
        slides=slides,
        custom_texts=_custom_texts(draft.custom_texts),
        data=MappingProxyType(dict(draft.data)),
        layout=draft.layout if action in SLIDE_ACTIONS else "",
    )


def _api_key(params: dict[str, str]) -> str:
    key = params.get("API_KEY", "")
    if key:
        return key
    if not params.get("USER"):
        raise ApiFailure("E102", "add API_KEY (api_key in a GET, x-api-key for Sinch JSON)")
    if not params.get("PASS"):
        raise ApiFailure("E103", "USER needs PASS (the md5 of the password), or use API_KEY")
    return ""


def _recipients(to: str) -> tuple[str, ...]:
    numbers = tuple(n.strip() for n in to.split(",") if n.strip())
    if len(numbers) > MAX_RECIPIENTS:
        raise ApiFailure("E623", f"TO lists {len(numbers)} numbers")
    for number in numbers:
        if not PHONE.match(number):
            raise ApiFailure(
                "E110",
                f"TO {number[:40]!r} is not an international number: 7-15 digits with the "
                "country code, without '+' or '00' (e.g. 17743199144)",
            )
    return numbers


def _custom_texts(given: list[tuple[str, str]]) -> tuple[CustomText, ...]:
    texts = []
    for value, slide in given:
        number = slide.strip()
        if not SMALL_NUMBER.match(number) or not 1 <= int(number) <= MAX_SLIDES:
            raise ApiFailure(
                "E100", f"CUSTOMTEXT SLIDE {slide[:20]!r} is not a slide number 1-{MAX_SLIDES}"
            )
        texts.append(CustomText(value, int(number)))
    return tuple(texts)


def _slides(given: list[RawSlide] | None, dialect: str, revision: str) -> tuple[Slide, ...]:
    if not given:
        raise ApiFailure("E312", "add at least one SLIDE")
    if len(given) > MAX_SLIDES:
        raise ApiFailure("E225", f"{len(given)} slides; at most {MAX_SLIDES}")
    limit = text_limit(dialect, revision)
    default = default_duration(dialect, revision)
    return tuple(_slide(raw, n, limit, default) for n, raw in enumerate(given, start=1))


def _slide(raw: RawSlide, number: int, limit: int, default: int) -> Slide:
    where = f"slide {number}"
    if raw.unknown:
        raise ApiFailure("E229", f"{where} holds <{raw.unknown[0]}>; a slide holds media, TEXT")
    parts = []
    for kind, url in raw.parts:
        if url is None:
            raise ApiFailure("E229", f"{where}: <{kind}> has no <URL>")
        if not URL.match(url):
            raise ApiFailure(
                _COPY_CODES[kind], f"{where}: {kind} URL {url[:80]!r} is not http(s)", x=number
            )
        parts.append(SlidePart(kind, url))
    _check_mix([p.kind for p in parts], where)
    text = raw.text
    if not parts and not (text or "").strip():
        raise ApiFailure("E313", f"{where} has no text, media or object", x=number)
    if text is not None and len(text) > limit:
        raise ApiFailure("E228", f"{where} text has {len(text)} characters", x=limit)
    return Slide(tuple(parts), text, _duration(raw.duration, number, default))


def _check_mix(kinds: list[str], where: str) -> None:
    present = set(kinds)
    objects = present.intersection(OBJECT_KINDS)
    repeated = [k for k, n in Counter(kinds).items() if n > 1]
    if repeated or len(objects) > 1:
        raise ApiFailure("E223", f"{where}: one file per kind and one object per slide")
    if objects and present.intersection(MEDIA_KINDS):
        raise ApiFailure("E224", f"{where}: an object cannot go with image, audio or video")
    if {"AUDIO", "VIDEO"} <= present:
        raise ApiFailure("E226", f"{where}: audio and video in one slide")
    if {"VIDEO", "IMAGE"} <= present:
        raise ApiFailure("E227", f"{where}: video and image in one slide")


def _duration(given: str | None, number: int, default: int) -> int:
    if given is None or not given.strip():
        return default
    value = given.strip()
    if not SMALL_NUMBER.match(value) or not 1 <= int(value) <= MAX_DURATION:
        raise ApiFailure(
            "E230",
            f"slide {number} DURATION {value[:20]!r}: give whole seconds, 1-{MAX_DURATION}",
            x=number,
        )
    return int(value)
