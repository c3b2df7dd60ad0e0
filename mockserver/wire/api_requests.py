"""Request shapes -> :class:`Draft` (unvalidated parameters, slides, merge data).

Skycore 1.3 clients send four shapes (PLATFORM.md 10.1, docs/api.md): GET query
parameters; a POST form field ``xml`` (any case, urlencoded or multipart); the raw XML document
as the body, whatever the Content-Type says. Sinch XML is the same walk over lower-case,
hyphenated names. XML goes through defusedxml with DTDs forbidden: no entity is expanded,
nothing external fetched; every problem is an :class:`ApiFailure`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import defusedxml
from defusedxml import ElementTree as SafeET

from mockserver.wire.api_codes import ApiFailure
from mockserver.wire.api_model import PART_KINDS, canonical_param

_CUSTOM_TEXT_PARAM = re.compile(r"^customtext_(\d{1,3})$", re.IGNORECASE)
BOM_AND_SPACE = b"\xef\xbb\xbf \t\r\n"
_MAX_FORM_FIELDS = 1000


@dataclass
class RawSlide:
    """A slide as given: files (URL None when the element had none), text, duration text,
    and the names of elements a slide cannot hold."""

    parts: list[tuple[str, str | None]] = field(default_factory=list)
    text: str | None = None
    duration: str | None = None
    unknown: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """A request before validation. ``slides`` is None when the request had no slide at all."""

    shape: str
    params: dict[str, str] = field(default_factory=dict)
    slides: list[RawSlide] | None = None
    custom_texts: list[tuple[str, str]] = field(default_factory=list)
    data: dict[str, str] = field(default_factory=dict)
    layout: str = "1.3"


def skycore_draft(
    query: Mapping[str, str], form: Mapping[str, str], body: bytes, content_type: str | None
) -> Draft:
    """Find the request in whichever of the four Skycore shapes it came.

    A body that starts with ``<`` is the XML document, even when labelled
    ``application/x-www-form-urlencoded`` (a form parse of it gives garbage keys, so ``form``
    is ignored then). Otherwise a form field ``xml`` (any case), then form parameters (with the
    query's underneath), then the query (a GET; ``xml=`` in the query is accepted too).
    """
    if body.lstrip(BOM_AND_SPACE).startswith(b"<"):
        return xml_draft(body, "raw-xml", root="REQUEST")
    fields = dict(form) or form_from_body(body, content_type)
    key = xml_key(fields)
    if key is not None:
        return xml_draft(fields[key], "form-xml", root="REQUEST")
    if fields:
        return params_draft({**query, **fields}, "form")
    query_xml = xml_key(query)
    if query_xml is not None:
        return xml_draft(query[query_xml], "get-xml", root="REQUEST")
    if query:
        return params_draft(query, "get")
    raise ApiFailure(
        "E100",
        "no request found: send GET parameters (action=sendsms&api_key=...), a POST form field "
        "'xml' holding the <REQUEST> document, or the document itself as the body",
    )


def xml_key(fields: Mapping[str, str]) -> str | None:
    return next((k for k in fields if k.strip().lower() == "xml"), None)


def form_from_body(body: bytes, content_type: str | None) -> dict[str, str]:
    """Parameters of a urlencoded body the caller did not parse (no or another Content-Type)."""
    kind = (content_type or "").lower()
    if not body.strip() or "multipart/" in kind or "json" in kind:
        return {}
    try:
        pairs = parse_qsl(
            body.decode("utf-8", "replace"),
            keep_blank_values=True,
            max_num_fields=_MAX_FORM_FIELDS,
        )
    except ValueError:
        raise ApiFailure("E100", f"the body has more than {_MAX_FORM_FIELDS} form fields") from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        fields.setdefault(key, value)
    return fields


def params_draft(fields: Mapping[str, str], shape: str) -> Draft:
    """GET/form parameters: lower-case names, ``customtext_<n>``, ``data_<name>``."""
    draft = Draft(shape)
    for key, value in fields.items():
        name = key.strip()
        custom = _CUSTOM_TEXT_PARAM.match(name)
        if custom is not None:
            draft.custom_texts.append((value, custom.group(1)))
        elif name.lower().startswith("data_") and len(name) > 5:
            draft.data[name[5:].upper()] = value
        elif name:
            draft.params.setdefault(canonical_param(name), value)
    return draft


def read_xml(document: bytes | str) -> ET.Element:
    """Parse with defusedxml (no DTD, no entity, nothing external); failures are E108."""
    try:
        root: ET.Element = SafeET.fromstring(document, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise ApiFailure(
            "E108",
            f"refused {type(exc).__name__}: DTDs, entities and external references are not "
            "allowed in API requests; remove the <!DOCTYPE> and write the values out",
            x="DTDs, entities and external references are not allowed",
        ) from None
    except ET.ParseError as exc:
        raise ApiFailure(
            "E108", f"the request is not well-formed XML: {exc}", x=_short(str(exc))
        ) from None
    except (ValueError, LookupError, RecursionError) as exc:
        raise ApiFailure(
            "E108", f"the request cannot be read as XML: {exc}", x=_short(str(exc))
        ) from None
    return root


def _short(text: str) -> str:
    return text if len(text) <= 200 else text[:200] + "..."


def xml_draft(document: bytes | str, shape: str, *, root: str) -> Draft:
    """A ``<REQUEST>`` (Skycore, ``root="REQUEST"``) or ``<request>`` (Sinch XML) document."""
    if not document.strip():
        raise ApiFailure("E100", "the 'xml' field is empty; put the <REQUEST> document in it")
    element = read_xml(document)
    tag = _local(element.tag)
    if tag.upper() != root.upper():
        raise ApiFailure(
            "E100", f"the root element is <{tag}>; an API request is a <{root}> document"
        )
    draft = Draft(shape)
    for child in element:
        _read_request_child(draft, child)
    return draft


def _local(tag: object) -> str:
    """An element's name without a namespace (comments/PIs have no string tag)."""
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1]


def _name(node: ET.Element) -> str:
    return canonical_param(_local(node.tag))


def _text(node: ET.Element) -> str:
    return "".join(node.itertext())


def _read_request_child(draft: Draft, child: ET.Element) -> None:
    name = _name(child)
    if name == "SLIDE":
        _add_slide(draft, _read_slide(child))
    elif name == "CONTENT":
        draft.layout = "legacy"
        _read_legacy_content(draft, child)
    elif name == "CUSTOMTEXT":
        values = {_name(c): _text(c).strip() for c in child}
        draft.custom_texts.append((values.get("VALUE", ""), values.get("SLIDE", "")))
    elif name == "DATA":
        for item in child:
            if _local(item.tag):
                draft.data.setdefault(_local(item.tag).upper(), _text(item))
    elif name and len(child) == 0:
        _set_param(draft, name, child.text or "")


def _set_param(draft: Draft, name: str, value: str) -> None:
    if name in draft.params:
        raise ApiFailure("E100", f"<{name}> appears twice in the request; give each parameter once")
    draft.params[name] = value


def _add_slide(draft: Draft, slide: RawSlide) -> None:
    if draft.slides is None:
        draft.slides = []
    draft.slides.append(slide)


def _read_legacy_content(draft: Draft, content: ET.Element) -> None:
    """Legacy saveMMS/sendMMS: ``<CONTENT><NAME/><SEQUENCE><SLIDE duration="5">``."""
    for child in content:
        name = _name(child)
        if name == "SEQUENCE":
            if draft.slides is None:
                draft.slides = []
            for slide in child:
                if _name(slide) == "SLIDE":
                    _add_slide(draft, _read_slide(slide))
        elif name and len(child) == 0:
            _set_param(draft, name, child.text or "")


def _read_slide(node: ET.Element) -> RawSlide:
    slide = RawSlide()
    attributes = {k.lower(): v for k, v in node.attrib.items()}
    slide.duration = attributes.get("duration")
    for child in node:
        name = _name(child)
        if name in PART_KINDS:
            slide.parts.append((name, _part_url(child)))
        elif name == "TEXT":
            slide.text = _text(child)
        elif name == "DURATION":
            slide.duration = _text(child)
        elif name:
            slide.unknown.append(_local(child.tag))
    return slide


def _part_url(node: ET.Element) -> str | None:
    """``<IMAGE><URL>u</URL></IMAGE>`` (documented) or ``<IMAGE>u</IMAGE>`` (tolerated)."""
    for child in node:
        if _name(child) == "URL":
            return _text(child).strip() or None
    return (node.text or "").strip() or None
