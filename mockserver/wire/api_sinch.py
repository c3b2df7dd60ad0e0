"""The Sinch services' request shapes -> :class:`Draft`.

Sinch XML (``/ep/v1/``, PLATFORM.md 10.7): an XML POST, ``<request>`` with lower-case,
hyphenated names (``api-key``, ``mms-id``, ``message-subject``, ``<slide>`` holding
``<image><url/></image>`` and ``<message-text>``). Sinch JSON (``/ep/v2/``, 10.8): a JSON
object POSTed with the key in the ``x-api-key`` header. The JSON schema is only partly documented
(a [GAP]); the simulator reads the same names as the XML service, slides as a list of objects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mockserver.wire.api_codes import ApiFailure
from mockserver.wire.api_model import PART_KINDS, canonical_param
from mockserver.wire.api_requests import (
    BOM_AND_SPACE,
    Draft,
    RawSlide,
    form_from_body,
    xml_draft,
    xml_key,
)

_POST_ONLY = "the Sinch services take a POST; send the request as the body of a POST"


def sinch_xml_draft(
    method: str, form: Mapping[str, str], body: bytes, content_type: str | None
) -> Draft:
    """The ``<request>`` document of a POST: the raw body, or a form field ``xml``."""
    if method.upper() != "POST":
        raise ApiFailure("E100", _POST_ONLY)
    if body.lstrip(BOM_AND_SPACE).startswith(b"<"):
        return xml_draft(body, "sinch-xml", root="request")
    fields = dict(form) or form_from_body(body, content_type)
    key = xml_key(fields)
    if key is not None:
        return xml_draft(fields[key], "sinch-xml", root="request")
    raise ApiFailure("E100", "no <request> document: POST the XML document as the body")


def sinch_json_draft(method: str, headers: Mapping[str, str], body: bytes) -> Draft:
    """A JSON object POSTed; the API key comes from ``x-api-key`` (or an ``api-key`` key)."""
    if method.upper() != "POST":
        raise ApiFailure("E100", _POST_ONLY)
    data = _load_json(body)
    draft = Draft("sinch-json")
    for key, value in data.items():
        _read_json_item(draft, str(key), value)
    header_key = next((v for k, v in headers.items() if k.lower() == "x-api-key"), None)
    if header_key is not None and header_key.strip():
        draft.params["API_KEY"] = header_key
    return draft


def _load_json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiFailure("E100", f"the body is not JSON: {exc}") from None
    except RecursionError:
        raise ApiFailure("E100", "the JSON body is nested too deeply") from None
    if not isinstance(data, dict):
        raise ApiFailure("E100", f"the body is a JSON {type(data).__name__}; send one JSON object")
    return data


def _read_json_item(draft: Draft, key: str, value: Any) -> None:
    name = canonical_param(key)
    if name in ("SLIDE", "SLIDES"):
        items = value if isinstance(value, list) else [value]
        draft.slides = (draft.slides or []) + [_json_slide(item) for item in items]
    elif name == "CUSTOMTEXT":
        for item in value if isinstance(value, list) else [value]:
            entry = _json_object(item, key)
            draft.custom_texts.append(
                (_scalar(entry.get("value", ""), "value"), _scalar(entry.get("slide", ""), "slide"))
            )
    elif name == "DATA":
        for field, item in _json_object(value, key).items():
            draft.data[str(field).upper()] = _scalar(item, f"data.{field}")
    elif name == "TO" and isinstance(value, list):
        draft.params["TO"] = ",".join(_scalar(v, "to") for v in value)
    elif name:
        draft.params[name] = _scalar(value, key)


def _json_object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ApiFailure("E100", f"{where!r} must be a JSON object, not {type(value).__name__}")
    return value


def _scalar(value: Any, where: str) -> str:
    """Strings as they are, numbers as text, booleans as ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if value is None:
        return ""
    raise ApiFailure("E100", f"{where!r} must be a string or a number, not {type(value).__name__}")


def _json_slide(item: Any) -> RawSlide:
    slide = RawSlide()
    for key, value in _json_object(item, "slide").items():
        name = canonical_param(str(key))
        if name in PART_KINDS:
            url = _json_object(value, key).get("url") if isinstance(value, dict) else value
            text = _scalar(url, f"slide.{key}.url").strip()
            slide.parts.append((name, text or None))
        elif name == "TEXT":
            slide.text = _scalar(value, "slide.message-text")
        elif name == "DURATION":
            slide.duration = _scalar(value, "slide.duration")
        else:
            slide.unknown.append(str(key))
    return slide
