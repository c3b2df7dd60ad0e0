"""The platform's wire formats: pure functions, no I/O.

``render(code, fields, flavor="skycore-xml", **options) -> bytes`` and
``parse(body, content_type=None) -> Postback``; see docs/wire.md.
"""

from mockserver.wire.adapt import adapt
from mockserver.wire.bundle import MAX_BUNDLE, render_bundle
from mockserver.wire.catalog import CATALOG, CODES, PostbackType, lookup
from mockserver.wire.errors import (
    FieldError,
    FlavorError,
    ParseError,
    QuirkError,
    UnknownCodeError,
    UnsafeXMLError,
    WireError,
)
from mockserver.wire.model import BODY_MODES, FLAVORS, BundleEntry, Postback
from mockserver.wire.parse import parse, parse_bundle, parse_many
from mockserver.wire.quirks import QUIRKS
from mockserver.wire.render import content_type, render, render_postback

__all__ = [
    "BODY_MODES",
    "CATALOG",
    "CODES",
    "FLAVORS",
    "MAX_BUNDLE",
    "QUIRKS",
    "BundleEntry",
    "FieldError",
    "FlavorError",
    "ParseError",
    "Postback",
    "PostbackType",
    "QuirkError",
    "UnknownCodeError",
    "UnsafeXMLError",
    "WireError",
    "adapt",
    "content_type",
    "lookup",
    "parse",
    "parse_bundle",
    "parse_many",
    "render",
    "render_bundle",
    "render_postback",
]
