"""Postback -> bytes, per flavour: ``skycore-xml`` (the seeds' layout), ``sinch-xml``
(lowercase, hyphenated) and ``sinch-json``; XML as a raw body or a form field ``xml``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote_plus

from mockserver.wire.catalog import PostbackType
from mockserver.wire.errors import FlavorError
from mockserver.wire.fields import (
    SINCH_STATUS,
    XML_INVALID_CHARS,
    clean_text,
    json_status,
    prepare,
    resolve,
)
from mockserver.wire.legacy import status_element
from mockserver.wire.model import BODY_MODES, FLAVORS, FieldValue, Postback
from mockserver.wire.quirks import check_quirks

XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_URL = "http://www.skycore.com/schema/postback.xsd"
DECLARATION = "<?xml version='1.0'?>"
#: A character :func:`escape_text` changes: markup, CR, or one XML 1.0 cannot carry.
_NEEDS_ESCAPE = re.compile(f"[&<>\r{XML_INVALID_CHARS}]")


def content_type(flavor: str = "skycore-xml", body_mode: str = "raw") -> str:
    """The Content-Type header that goes with a body rendered this way."""
    _check_mode(flavor, body_mode)
    if flavor == "sinch-json":
        return "application/json"
    if body_mode == "form":
        return "application/x-www-form-urlencoded"
    return "text/xml; charset=utf-8"


def _check_mode(flavor: str, body_mode: str) -> None:
    if flavor not in FLAVORS:
        raise FlavorError(f"unknown flavour {flavor!r}; choose one of {', '.join(FLAVORS)}")
    if body_mode not in BODY_MODES:
        raise FlavorError(f"unknown body mode {body_mode!r}; choose raw or form")
    if flavor == "sinch-json" and body_mode == "form":
        raise FlavorError("sinch-json is always a raw JSON body; use body_mode='raw'")


def render(
    code: str,
    fields: Mapping[str, object],
    flavor: str = "skycore-xml",
    *,
    revision: str | None = None,
    body_mode: str = "raw",
    quirks: Iterable[str] = (),
    now: datetime | None = None,
    strict: bool = False,
    wrap: bool | None = None,
    declaration: bool | None = None,
    schema: bool | None = None,
    indent: str | None = None,
    invalid_chars: str = "replace",
) -> bytes:
    """Render one postback. See docs/wire.md for every option and default.

    ``revision`` (skycore-xml only; default ``sky-a``, the seed documents) picks the
    documents the postback is written after. A code those documents never show is written
    wholly in the nearest revision that has it (E102 under sky-a: the sky-b form)."""
    _check_mode(flavor, body_mode)
    chosen = check_quirks(quirks)
    entry = resolve(code, fields, flavor)
    form = entry.form_for(flavor, revision)
    if flavor == "sinch-xml" and "sinch-uppercase-save" in chosen and entry.schema is None:
        form = "sky-b"
    if form == "sky-legacy":
        from mockserver.wire.legacy import render_single

        return render_single(entry, fields, chosen, now, body_mode, invalid_chars)
    values = prepare(entry, entry.forms[form], fields, flavor, now=now, strict=strict)
    if flavor == "sinch-json":
        text = _json(entry, entry.code, values, chosen)
    else:
        doc = XmlDoc(entry, entry.code, values, chosen, invalid_chars)
        if form.startswith("sky-"):
            envelope = Envelope.of(entry, form).override(wrap, declaration, schema)
            text = doc.skycore(envelope, indent)
        else:
            text = doc.sinch(indent)
        if body_mode == "form":
            return ("xml=" + quote_plus(text)).encode("ascii")
    return text.encode("utf-8")


@dataclass(frozen=True)
class Envelope:
    """What surrounds the elements of a skycore-xml postback in one revision."""

    declaration: bool
    schema: str | None  # "mt", "mo" or None (see PostbackType.schema)
    wrap: bool  # inside <NOTIFICATION> (the MMS MO of the seeds)

    @staticmethod
    def of(entry: PostbackType, form: str) -> Envelope:
        if form == "sky-a":
            return Envelope(entry.declaration, entry.schema, entry.origin == "MMS_MO")
        # sky-b: plain root; no declaration on the MO examples (seed 001, PLATFORM.md 4.13)
        return Envelope(entry.declaration and entry.origin != "SMS_MO", None, False)

    def override(
        self, wrap: bool | None, declaration: bool | None, schema: bool | None
    ) -> Envelope:
        return Envelope(
            self.declaration if declaration is None else declaration,
            self.schema if schema is None or schema else None,
            self.wrap if wrap is None else wrap,
        )


def render_postback(postback: Postback, flavor: str | None = None, **options: object) -> bytes:
    """Render a :class:`Postback` (its own flavour unless another is given)."""
    fields: dict[str, object] = {"ORIGIN": postback.origin, **postback.fields}
    return render(postback.code, fields, flavor or postback.flavor or "skycore-xml", **options)  # type: ignore[arg-type]


def escape_text(value: str, invalid_chars: str = "replace") -> str:
    if not _NEEDS_ESCAPE.search(value):  # most values: one scan instead of five
        return value
    value = clean_text(value, invalid_chars)
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


class XmlDoc:
    """The element lines of one notification, printed in either XML flavour."""

    def __init__(
        self,
        entry: PostbackType,
        code: str,
        values: Mapping[str, FieldValue],
        quirks: frozenset[str],
        invalid_chars: str,
        rename: Mapping[str, str] | None = None,
        *,
        legacy: bool = False,
    ) -> None:
        self.entry, self.code, self.values = entry, code, values
        self.quirks, self.invalid_chars = quirks, invalid_chars
        self.rename = rename or {}
        self.legacy = legacy  # sky-legacy BODY: STATUS is an element with attributes

    def elements(self, indent: str, depth: int, lowercase: bool) -> list[str]:
        pad = indent * depth
        name = self._name_for(lowercase)
        lines = [
            f"{pad}<{name('ORIGIN')}>{self.entry.origin}</{name('ORIGIN')}>",
            f"{pad}<{name('CODE')}>{self.code}</{name('CODE')}>",
        ]
        for key, value in self.values.items():
            tag = name(key)
            if isinstance(value, list):
                lines.append(f"{pad}<{tag}>")
                lines += [
                    f"{pad}{indent}<{name('FILE')}>{self._esc(v)}</{name('FILE')}>" for v in value
                ]
                lines.append(f"{pad}</{tag}>")
            elif key == "STATUS" and self.legacy:
                lines.append(pad + status_element(self.entry.origin, value))
            else:
                text = self._esc(self._status(key, value, lowercase))
                lines.append(f"{pad}<{tag}>{text}{self._close(key, tag)}")
        return lines

    def _name_for(self, lowercase: bool) -> Callable[[str], str]:
        if not lowercase:
            return lambda key: self.rename.get(key, key)
        return lambda key: "file" if key == "FILE" else self.entry.wire_name(key, "sinch-xml")

    def _esc(self, value: str) -> str:
        return escape_text(value, self.invalid_chars)

    def _status(self, key: str, value: str, lowercase: bool) -> str:
        if key != "STATUS":
            return value
        if lowercase:
            value = SINCH_STATUS.get(value, value)
        if "sinch-expired-comma" in self.quirks and value == "Message Sent/Expired":
            value = "Message,Sent/Expired"
        return value

    def _close(self, key: str, tag: str) -> str:
        if key == "STATUSDETAILS" and "unclosed-statusdetails" in self.quirks:
            return ""
        if key == "STATUSDETAILS" and "reopened-statusdetails" in self.quirks:
            return f"<{tag}>"
        if key == "FROM_MASK" and "from-mask-double-open" in self.quirks:
            return f"<{tag}>"
        return f"</{tag}>"

    def skycore(self, envelope: Envelope, indent: str | None) -> str:
        indent = "  " if indent is None else indent
        lines = [DECLARATION] if envelope.declaration else []
        lines.append(self._root(envelope.schema))
        if envelope.wrap:
            lines += [
                f"{indent}<NOTIFICATION>",
                *self.elements(indent, 2, False),
                f"{indent}</NOTIFICATION>",
            ]
        else:
            lines += self.elements(indent, 1, False)
        lines.append("</POSTBACK>")
        return "\n".join(lines) + "\n"

    def _root(self, style: str | None) -> str:
        if style is None:
            return "<POSTBACK>"
        if style == "mo":
            return f'<POSTBACK xmlns:xsi="{XSI}" xsi:noNamespaceSchemaLocation="{SCHEMA_URL}">'
        space = " " if "xsi-trailing-space" in self.quirks else ""
        return f'<POSTBACK xmlns:xsi="{XSI}"{space}\nxsi:noNamespaceSchemaLocation ="{SCHEMA_URL}">'

    def sinch(self, indent: str | None) -> str:
        indent = "    " if indent is None else indent
        return "\n".join(["<postback>", *self.elements(indent, 1, True), "</postback>"]) + "\n"


def _json(
    entry: PostbackType, code: str, values: Mapping[str, FieldValue], quirks: frozenset[str]
) -> str:
    body: dict[str, object] = {"origin": entry.origin, "code": code}
    short_status = None
    for key, value in values.items():
        name = entry.wire_name(key, "sinch-json")
        if key == "CONTENT":
            body[name] = [{"file": url} for url in value]
        elif key == "STATUS":
            short_status = json_status(entry, str(value))
            body[name] = short_status
            if entry.json_status_details and "STATUSDETAILS" not in values:
                body["status-details"] = f"Message {short_status}"
        else:
            body[name] = value
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    if "json-missing-comma" in quirks and "message-subject" in body:
        member = '"message-subject":' + json.dumps(body["message-subject"], ensure_ascii=False)
        if not text.endswith(member + "}"):
            text = text.replace(member + ",", member, 1)
    return text
