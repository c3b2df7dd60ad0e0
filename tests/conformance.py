"""Checks that a postback body is written wholly in one form (a revision of skycore-xml, or a
Sinch flavour): its envelope is that form's, and its elements are that form's layout for the
code, in order, with every required node. Used by the scenario, server and seed tests.

The envelope rules are restated here from PLATFORM.md (not taken from the renderer):
sky-a MT postbacks carry the xsi attributes, the sky-a MMS MO is wrapped in NOTIFICATION;
sky-b has a plain root and no wrapper; sky-legacy is a POSTBACK of NOTIFICATION id/created
with ORIGIN, CODE and BODY.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs

from mockserver.wire.catalog import lookup

XSI = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"
_CONTENT_CODES = {"N003", "E002", "E003", "E004", "N013", "E011", "E012", "E013"}


def _text(body: bytes) -> str:
    text = body.decode("utf-8")
    if text.startswith("xml="):
        text = parse_qs(text, keep_blank_values=True)["xml"][0]
    return text


def check(body: bytes, form: str) -> list[tuple[str, str]]:
    """Assert ``body`` conforms to ``form``; returns its (origin, code) notifications."""
    if form == "sinch-json":
        return [_check_json(json.loads(body))]
    text = _text(body)
    root = ET.fromstring(text)
    if form == "sky-legacy":
        return _check_legacy(root)
    if form == "sinch-xml":
        assert root.tag == "postback", root.tag
        return [_check_elements(list(root), form, lowercase=True)]
    assert root.tag == "POSTBACK"
    children = list(root)
    wrapped = len(children) == 1 and children[0].tag == "NOTIFICATION"
    elements = list(children[0]) if wrapped else children
    origin, code = _check_elements(elements, form, lowercase=False)
    has_xsi = XSI in root.attrib
    if form == "sky-a":
        assert wrapped == (origin == "MMS_MO"), f"sky-a wraps the MMS MO only ({code})"
        expects_xsi = origin != "MMS_MO" and code not in _CONTENT_CODES
        assert has_xsi == expects_xsi, f"sky-a xsi attributes on {origin}/{code}: {has_xsi}"
    else:
        assert not wrapped, f"{form} never wraps in NOTIFICATION"
        assert not has_xsi, f"{form} has a plain root"
    return [(origin, code)]


def _check_legacy(root: ET.Element) -> list[tuple[str, str]]:
    assert root.tag == "POSTBACK"
    found = []
    for note in root:
        assert note.tag == "NOTIFICATION"
        assert set(note.attrib) == {"id", "created"}
        head, body = list(note)[:2], note.find("BODY")
        assert [e.tag for e in head] == ["ORIGIN", "CODE"]
        assert body is not None
        origin, code = head[0].text or "", head[1].text or ""
        layout = lookup(code, origin).forms["sky-legacy"]
        names = ["TEXT" if e.tag == "KEYWORD" and code == "N211" else e.tag for e in body]
        _in_order(names, list(layout.names), f"sky-legacy {code}")
        _required(names, layout.required, f"sky-legacy {code}")
        found.append((origin, code))
    assert found, "an empty bundle"
    return found


def _check_elements(elements: list[ET.Element], form: str, *, lowercase: bool) -> tuple[str, str]:
    tags = [e.tag for e in elements]
    origin_tag, code_tag = ("origin", "code") if lowercase else ("ORIGIN", "CODE")
    assert tags[:2] == [origin_tag, code_tag], tags
    origin, code = elements[0].text or "", elements[1].text or ""
    entry = lookup(code, origin)
    assert form in entry.forms, f"{origin}/{code} does not exist in {form}"
    layout = entry.forms[form]
    flavor = "sinch-xml" if lowercase else "skycore-xml"
    back = {entry.wire_name(n, flavor): n for n in layout.names}
    unknown = [t for t in tags[2:] if t not in back]
    assert not unknown, f"{form} {code} has no elements {unknown} (another revision's?)"
    names = [back[t] for t in tags[2:]]
    _in_order(names, list(layout.names), f"{form} {code}")
    _required(names, layout.required, f"{form} {code}")
    return origin, code


def _check_json(data: dict[str, object]) -> tuple[str, str]:
    origin, code = str(data["origin"]), str(data["code"])
    entry = lookup(code, origin)
    layout = entry.forms["sinch-json"]
    back = {entry.wire_name(n, "sinch-json"): n for n in layout.names}
    back["status-details"] = "STATUSDETAILS"
    keys = [k for k in data if k not in ("origin", "code")]
    unknown = [k for k in keys if k not in back]
    assert not unknown, f"sinch-json {code} has no keys {unknown}"
    names = [back[k] for k in keys]
    _in_order(names, list(layout.names), f"sinch-json {code}")
    _required(names, layout.required, f"sinch-json {code}")
    return origin, code


def _in_order(names: list[str], layout: list[str], what: str) -> None:
    positions = [layout.index(n) for n in names]
    assert positions == sorted(positions), f"{what}: {names} out of the layout's order {layout}"


def _required(names: list[str], required: tuple[str, ...], what: str) -> None:
    missing = [n for n in required if n not in names]
    assert not missing, f"{what} lacks required {missing}"
