"""The SKY-LEGACY bundle: one ``<POSTBACK>`` holding up to 300 ``<NOTIFICATION id created>``.

Documented for SMS MO (seed 000) and MMS MO (PLATFORM.md 4.12/4.13); other codes use their
skycore-xml nodes inside BODY, which the legacy documents do not show (an inference).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from urllib.parse import quote_plus

from mockserver.wire.catalog import lookup
from mockserver.wire.errors import FieldError
from mockserver.wire.fields import prepare
from mockserver.wire.model import BundleEntry
from mockserver.wire.quirks import check_quirks
from mockserver.wire.render import XmlDoc, escape_text
from mockserver.wire.timefmt import format_time

MAX_BUNDLE = 300


def render_bundle(
    entries: Iterable[BundleEntry],
    *,
    text_element: str = "KEYWORD",
    quirks: Iterable[str] = (),
    now: datetime | None = None,
    body_mode: str = "raw",
    invalid_chars: str = "replace",
) -> bytes:
    """Render a legacy bundle. ``text_element`` is ``KEYWORD`` (as seed 000) or ``TEXT``."""
    items = list(entries)
    if not 1 <= len(items) <= MAX_BUNDLE:
        raise FieldError(f"a bundle holds 1 to {MAX_BUNDLE} notifications, not {len(items)}")
    if text_element not in ("KEYWORD", "TEXT"):
        raise FieldError(f"text_element must be KEYWORD or TEXT, not {text_element!r}")
    chosen = check_quirks(quirks)
    lines = ["<POSTBACK>"]
    for item in items:
        lines += _notification(item, text_element, chosen, now, invalid_chars)
    lines.append("</POSTBACK>")
    text = "\n".join(lines) + "\n"
    if body_mode == "form":
        return ("xml=" + quote_plus(text)).encode("ascii")
    return text.encode("utf-8")


def _attrs(item: BundleEntry, quirks: frozenset[str], invalid_chars: str) -> str:
    def attr(value: str) -> str:
        value = escape_text(value, invalid_chars).replace('"', "&quot;")
        return value.replace("\n", "&#10;").replace("\t", "&#9;")

    open_q, close_q = ("\u201d", "\u2033") if "typographic-quotes" in quirks else ('"', '"')
    sep = "" if "attrs-no-space" in quirks else " "
    created = f"created={open_q}{attr(_created(item.created))}{close_q}"
    if not isinstance(item.id, str):
        raise FieldError(f"a bundle entry's id must be text, not {item.id!r}")
    return f"id={open_q}{attr(item.id)}{close_q}{sep}{created}"


def _created(value: object) -> str:
    if isinstance(value, datetime):
        return format_time(value, "legacy")
    if not isinstance(value, str):
        raise FieldError(
            f"created must be text or a datetime, not {type(value).__name__}: {value!r}"
        )
    return value


def _notification(
    item: BundleEntry,
    text_element: str,
    quirks: frozenset[str],
    now: datetime | None,
    invalid_chars: str,
) -> Sequence[str]:
    postback = item.postback
    entry = lookup(postback.code, postback.origin)
    layout = entry.forms.get("sky-legacy") or entry.forms[entry.form_for("skycore-xml", "sky-a")]
    values = prepare(
        entry, layout, postback.fields, "skycore-xml", now=now, strict=False, style="legacy"
    )
    rename = {"TEXT": text_element} if entry.key == "SMS_MO/N211" else {}
    doc = XmlDoc(entry, entry.code, values, quirks, invalid_chars, rename, legacy=True)
    lines = doc.elements("", 0, False)
    head, fields = lines[:2], lines[2:]
    return [
        f"<NOTIFICATION {_attrs(item, quirks, invalid_chars)}>",
        *head,
        "<BODY>",
        *fields,
        "</BODY>",
        "</NOTIFICATION>",
    ]
