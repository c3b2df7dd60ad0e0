"""bytes -> :class:`Postback`, whatever the flavour (auto-detected).

XML goes through defusedxml with DTDs forbidden: no entity is ever expanded and nothing external
is fetched. Every problem is a :class:`ParseError` (or :class:`UnsafeXMLError`) saying what and
where.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qs

import defusedxml
from defusedxml import ElementTree as SafeET

from mockserver.wire.catalog import PostbackType, lookup
from mockserver.wire.errors import ParseError, UnknownCodeError, UnsafeXMLError
from mockserver.wire.fields import SINCH_STATUS, json_status_back
from mockserver.wire.legacy import status_back
from mockserver.wire.model import BundleEntry, FieldValue, Postback

MAX_BODY = 4 * 1024 * 1024
_SINCH_STATUS_BACK = {v: k for k, v in SINCH_STATUS.items()}


def parse(body: bytes | str, content_type: str | None = None) -> Postback:
    """Parse one postback. A legacy bundle is accepted when it holds exactly one notification."""
    entries = parse_many(body, content_type)
    if len(entries) != 1:
        raise ParseError(
            f"the body is a legacy bundle of {len(entries)} notifications; use parse_bundle()"
        )
    return entries[0].postback


def parse_bundle(body: bytes | str, content_type: str | None = None) -> list[BundleEntry]:
    """Parse a legacy bundle (``<POSTBACK><NOTIFICATION id created>...``) into its entries."""
    root = _xml_root(_document(body, content_type))
    if not _is_bundle(root):
        raise ParseError("not a legacy bundle: no <NOTIFICATION id=.. created=..> with a <BODY>")
    return [_bundle_entry(n) for n in root]


def parse_many(body: bytes | str, content_type: str | None = None) -> list[BundleEntry]:
    """Every notification of a body: one for the current flavours, 1..300 for a bundle.

    Entries that did not come from a bundle have an empty ``id`` and ``created``."""
    text = _document(body, content_type)
    if text.startswith("{") or text.startswith("["):
        return [BundleEntry(_from_json(text), "", "")]
    root = _xml_root(text)
    if _is_bundle(root):
        return [_bundle_entry(n) for n in root]
    return [BundleEntry(_from_xml(root), "", "")]


def _document(body: bytes | str, content_type: str | None) -> str:
    if len(body) > MAX_BODY:
        raise ParseError(f"body of {len(body)} bytes is over the {MAX_BODY}-byte limit")
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError(f"body is not UTF-8: {exc}") from None
    else:
        text = body
    text = text.strip()
    is_form = content_type is not None and "x-www-form-urlencoded" in content_type.lower()
    if is_form or text.startswith("xml="):
        values = parse_qs(text, keep_blank_values=True).get("xml")
        if not values:
            raise ParseError("form body has no 'xml' field")
        text = values[0].strip()
    if not text:
        raise ParseError("empty body")
    if text[0] not in "<{[":
        raise ParseError(f"body is neither XML nor JSON: it starts with {text[:20]!r}")
    return text


def _xml_root(text: str) -> ET.Element:
    try:
        root: ET.Element = SafeET.fromstring(text, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise UnsafeXMLError(f"refused unsafe XML ({type(exc).__name__}): {exc}") from None
    except ET.ParseError as exc:
        raise ParseError(f"not well-formed XML: {exc}") from None
    if root.tag not in ("POSTBACK", "postback"):
        raise ParseError(f"root element is <{root.tag}>, expected <POSTBACK> or <postback>")
    return root


def _is_bundle(root: ET.Element) -> bool:
    first = root.find("NOTIFICATION")
    return first is not None and (bool(first.attrib) or first.find("BODY") is not None)


def _bundle_entry(node: ET.Element) -> BundleEntry:
    if node.tag != "NOTIFICATION":
        raise ParseError(f"a bundle holds only <NOTIFICATION> elements, found <{node.tag}>")
    head = {c.tag: (c.text or "") for c in node if c.tag in ("ORIGIN", "CODE")}
    body = node.find("BODY")
    if body is None or "ORIGIN" not in head or "CODE" not in head:
        raise ParseError("a bundle NOTIFICATION needs ORIGIN, CODE and BODY")
    entry = _entry(head["ORIGIN"], head["CODE"])
    aliases = {"KEYWORD": "TEXT"} if entry.key == "SMS_MO/N211" else {}
    fields = _xml_fields(entry, list(body), "skycore-xml", aliases)
    postback = Postback(entry.origin, entry.code, fields, "skycore-legacy")
    return BundleEntry(postback, node.get("id", ""), node.get("created", ""))


def _from_xml(root: ET.Element) -> Postback:
    flavor = "skycore-xml" if root.tag == "POSTBACK" else "sinch-xml"
    children = list(root)
    if len(children) == 1 and children[0].tag == "NOTIFICATION":
        children = list(children[0])
    origin_tag, code_tag = ("ORIGIN", "CODE") if flavor == "skycore-xml" else ("origin", "code")
    head = {c.tag: (c.text or "").strip() for c in children if c.tag in (origin_tag, code_tag)}
    if origin_tag not in head or code_tag not in head:
        raise ParseError(f"<{root.tag}> has no <{origin_tag}> and <{code_tag}>")
    entry = _entry(head[origin_tag], head[code_tag])
    rest = [c for c in children if c.tag not in (origin_tag, code_tag)]
    if flavor == "sinch-xml" and entry.schema is None and rest and rest[0].tag.isupper():
        flavor = "skycore-xml"
    fields = _xml_fields(entry, rest, flavor)
    return Postback(entry.origin, entry.code, fields, flavor)


def _entry(origin: str, code: str) -> PostbackType:
    try:
        return lookup(code, origin)
    except UnknownCodeError as exc:
        raise UnknownCodeError(f"{exc} (origin {origin!r})") from None


def _names_back(entry: PostbackType, flavor: str) -> dict[str, str]:
    if flavor == "skycore-xml" or flavor not in entry.layouts:  # any Skycore revision
        return {n: n for n in entry.all_names()}
    return {entry.wire_name(n, flavor): n for n in entry.layouts[flavor].names}


def _xml_fields(
    entry: PostbackType,
    children: list[ET.Element],
    flavor: str,
    aliases: dict[str, str] | None = None,
) -> dict[str, FieldValue]:
    back = {**_names_back(entry, flavor), **(aliases or {})}
    fields: dict[str, FieldValue] = {}
    for child in children:
        name = back.get(child.tag)
        if name is None:
            expected = ", ".join(sorted(back))
            raise ParseError(
                f"{entry.key} has no element <{child.tag}> ({flavor}); expected: {expected}"
            )
        if name in fields:
            raise ParseError(f"element <{child.tag}> appears twice in {entry.key}")
        if name == "CONTENT":
            fields[name] = [_file_text(f) for f in child]
        elif name == "STATUS" and not len(child) and child.attrib:  # sky-legacy
            fields[name] = status_back(entry.origin, child.attrib) or (child.text or "")
        elif len(child):
            raise ParseError(f"element <{child.tag}> of {entry.key} must hold text, not elements")
        else:
            text = child.text or ""
            fields[name] = _SINCH_STATUS_BACK.get(text, text) if name == "STATUS" else text
    return fields


def _file_text(node: ET.Element) -> str:
    if node.tag not in ("FILE", "file") or len(node):
        raise ParseError(f"CONTENT holds only FILE elements with a URL, found <{node.tag}>")
    return node.text or ""


def _from_json(text: str) -> Postback:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ParseError(f"a JSON postback is an object, not {type(data).__name__}")
    origin, code = data.get("origin"), data.get("code")
    if not isinstance(origin, str) or not isinstance(code, str):
        raise ParseError('a JSON postback needs "origin" and "code" strings')
    entry = _entry(origin, code)
    back = _names_back(entry, "sinch-json")
    fields: dict[str, FieldValue] = {}
    for key, value in data.items():
        if key in ("origin", "code"):
            continue
        name = back.get(key)
        if name is None:
            raise ParseError(
                f"{entry.key} has no key {key!r} (sinch-json); expected: {', '.join(sorted(back))}"
            )
        fields[name] = _json_value(entry, name, value)
    _drop_default_details(entry, data, fields)
    return Postback(entry.origin, entry.code, fields, "sinch-json")


def _json_value(entry: PostbackType, name: str, value: Any) -> FieldValue:
    if name == "CONTENT":
        if not isinstance(value, list) or not all(
            isinstance(v, dict) and set(v) == {"file"} and isinstance(v["file"], str) for v in value
        ):
            raise ParseError('"content" must be a list of {"file": "<url>"} objects')
        return [v["file"] for v in value]
    if not isinstance(value, str):
        raise ParseError(f"{entry.wire_name(name, 'sinch-json')!r} must be a string, not {value!r}")
    return json_status_back(entry, value) if name == "STATUS" else value


def _drop_default_details(
    entry: PostbackType, data: dict[str, Any], fields: dict[str, FieldValue]
) -> None:
    """The renderer fills status-details with "Message <status>" when none was given."""
    if entry.json_status_details and data.get("status-details") == f"Message {data.get('status')}":
        fields.pop("STATUSDETAILS", None)
