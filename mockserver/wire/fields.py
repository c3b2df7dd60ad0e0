"""Choosing the catalogue entry for a render call and preparing its values.

Fields are keyed by Skycore element names, or by the Sinch spelling of the entry's nodes
(``tracking-id``, ``operator-id``, ``message-subject``): a Sinch key is translated per entry,
so ``timestamp`` is RECEIVED in an SMS MO and TIMESTAMP elsewhere, ``tracking-id`` is
TRANSACTIONID in an SMS MO. A name no layout of the code knows, in either spelling, is an error
(with the closest match); a name the code has only in other flavours is left out silently, so
one scenario renders in every flavour.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import datetime

from mockserver.wire.catalog import TIME_NODES, Layout, PostbackType, lookup, types_for
from mockserver.wire.errors import FieldError, UnknownCodeError
from mockserver.wire.model import FieldValue
from mockserver.wire.timefmt import STYLES, format_time

#: Characters XML 1.0 cannot carry, even as references (a regex character class's contents).
XML_INVALID_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff"
_XML_INVALID = re.compile(f"[{XML_INVALID_CHARS}]")

#: Skycore status -> JSON short status (Sinch JSON / Skycore v2 tables).
JSON_STATUS = {
    "Message Sent": "Sent",
    "Message Sent/Delivered": "Delivered",
    "Message Failed": "Failed",
    "Message Sent/Failed": "Failed",
    "Message Sent/Rejected": "Rejected",
    "Message Sent/Expired": "Expired",
    "Message Sent/NotSupported": "Unrecognised",
}
#: Skycore v2 JSON reports an undelivered SMS (E202) as "Rejected".
_JSON_STATUS_SMS = {**JSON_STATUS, "Message Sent/Failed": "Rejected"}
#: Sinch XML spellings that differ from Skycore's (PLATFORM.md section 12, decision 24).
SINCH_STATUS = {"Message Sent/NotSupported": "Message Sent/Not Supported"}


def json_status(entry: PostbackType, status: str) -> str:
    table = _JSON_STATUS_SMS if entry.origin == "SMS_MT" else JSON_STATUS
    return table.get(status, status)


def json_status_back(entry: PostbackType, short: str) -> str:
    for status in entry.statuses:
        if json_status(entry, status) == short:
            return status
    return short


#: Keys that are not nodes of a layout (the entry's own origin and code), in both spellings.
_META = {"ORIGIN": "ORIGIN", "CODE": "CODE", "origin": "ORIGIN", "code": "CODE"}


def resolve(code: str, fields: Mapping[str, object], flavor: str) -> PostbackType:
    """The entry for ``code``; ORIGIN in the fields (or ``ORIGIN/CODE``) picks among homonyms,
    else the first entry whose nodes hold every given field in this flavour."""
    origin = fields.get("ORIGIN", fields.get("origin"))
    if origin is not None or "/" in code:
        return lookup(code, str(origin) if origin is not None else None)
    candidates = types_for(code)
    if not candidates:
        return lookup(code)
    for entry in candidates:
        if flavor in entry.layouts:
            names = {_spellings(entry).get(k, k) for k in fields if k not in _META}
            if names <= set(entry.layouts[flavor].names):
                return entry
    return candidates[0]


#: id(entry) -> (entry, its spellings): entries are frozen; the entry is kept so an id is
#: never reused while cached. Bounded, in case entries are made on the fly.
_SPELLINGS: dict[int, tuple[PostbackType, dict[str, str]]] = {}


def _spellings(entry: PostbackType) -> dict[str, str]:
    """Every key that names one of the entry's nodes -> its Skycore name. Where two nodes of
    one entry share a Sinch spelling, the first in catalogue order wins (none does today)."""
    cached = _SPELLINGS.get(id(entry))
    if cached is not None and cached[0] is entry:
        return cached[1]
    if len(_SPELLINGS) > 1024:
        _SPELLINGS.clear()
    table = _spelling_table(entry)
    _SPELLINGS[id(entry)] = (entry, table)
    return table


def _spelling_table(entry: PostbackType) -> dict[str, str]:
    table: dict[str, str] = {}
    for layout in entry.forms.values():  # every revision's and flavour's nodes
        for name in layout.names:
            table.setdefault(entry.wire_name(name, "sinch-json"), name)
            table.setdefault(entry.wire_name(name, "sinch-xml"), name)
    table.update({name: name for name in entry.all_names()})
    return table


def canonical(entry: PostbackType, fields: Mapping[str, object]) -> Mapping[str, object]:
    """``fields`` keyed by Skycore names (the same mapping when it already is, the usual case).

    Raises :class:`FieldError` for a key that names no node of the entry in either spelling,
    and for one node given twice (``TRACKINGID`` and ``tracking-id``)."""
    known = entry.all_names()
    for name in fields:
        if name not in known and name != "ORIGIN" and name != "CODE":
            return _translate(entry, fields)
    return fields


def _translate(entry: PostbackType, fields: Mapping[str, object]) -> dict[str, object]:
    table = _spellings(entry)
    out: dict[str, object] = {}
    given_as: dict[str, str] = {}
    for key, value in fields.items():
        name = _META.get(key) or table.get(key)
        if name is None:
            raise FieldError(f"{entry.key} has no field {key!r}; {_hint(key, table)}")
        if name in given_as:
            raise FieldError(
                f"{entry.key}: field {name} is given twice, as {given_as[name]!r} and {key!r}; "
                "keep one"
            )
        given_as[name] = key
        out[name] = value
    return out


def _hint(key: str, table: Mapping[str, str]) -> str:
    close = difflib.get_close_matches(key, sorted(table), n=1)
    if not close:
        close = difflib.get_close_matches(key.upper(), sorted(set(table.values())), n=1)
    if close:
        return f"did you mean {close[0]}?"
    return f"it has: {', '.join(sorted(set(table.values())))}"


def clean_text(value: str, invalid_chars: str) -> str:
    """Replace (or refuse) characters that XML 1.0 cannot represent."""
    if not _XML_INVALID.search(value):
        return value
    if invalid_chars == "error":
        bad = _XML_INVALID.search(value)
        assert bad is not None
        raise FieldError(
            f"character U+{ord(bad.group()):04X} cannot be carried in XML 1.0; "
            "remove it or render with invalid_chars='replace'"
        )
    return _XML_INVALID.sub("\ufffd", value)


def _text(name: str, value: object, style: str) -> str:
    if isinstance(value, datetime):
        return format_time(value, style)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FieldError(f"field {name} must be text, not {type(value).__name__}: {value!r}")
    return str(value)


def _files(value: object) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise FieldError(f"field CONTENT must be a list of file URLs, not {value!r}")
    return [_text("CONTENT", item, "iso") for item in value]


def prepare(
    entry: PostbackType,
    layout: Layout,
    fields: Mapping[str, object],
    flavor: str,
    *,
    now: datetime | None,
    strict: bool,
    style: str | None = None,
) -> dict[str, FieldValue]:
    """Values in layout order: validated, as text, required ones defaulted where documented.
    Keys may be Skycore or Sinch spellings (see :func:`canonical`)."""
    fields = canonical(entry, fields)
    if "ORIGIN" in fields and str(fields["ORIGIN"]) != entry.origin:
        raise FieldError(f"ORIGIN {fields['ORIGIN']!r} does not match {entry.key}")
    style = style or STYLES[flavor]
    values: dict[str, FieldValue] = {}
    for node in layout.nodes:
        if node.name in fields:
            raw = fields[node.name]
            values[node.name] = (
                _files(raw) if node.name == "CONTENT" else _text(node.name, raw, style)
            )
        elif node.required:
            default = _default(entry, node.name, now, style)
            if default is not None:
                values[node.name] = default
            elif strict:
                raise FieldError(f"{entry.key} ({flavor}) needs field {node.name}")
    return values


def _default(entry: PostbackType, name: str, now: datetime | None, style: str) -> FieldValue | None:
    if name in entry.defaults:
        return entry.defaults[name]
    if name in TIME_NODES:
        return format_time(now or datetime.now().astimezone(), style)
    if name == "CONTENT":
        return []
    return None


__all__ = ["UnknownCodeError", "canonical", "clean_text", "json_status", "prepare", "resolve"]
