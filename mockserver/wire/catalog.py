"""The catalogue: every postback type of PLATFORM.md section 4 (data in ``layouts.py``, the
entry type in ``entry.py``), looked up by code and origin."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from mockserver.wire.entry import SINCH_NAMES, TIME_NODES, Layout, Node, PostbackType
from mockserver.wire.entry import layout_of as _layout
from mockserver.wire.errors import UnknownCodeError
from mockserver.wire.layouts import TYPES as _TYPES

CATALOG: Mapping[str, PostbackType] = MappingProxyType({t.key: t for t in _TYPES})
CODES: tuple[str, ...] = tuple(dict.fromkeys(t.code for t in _TYPES))
_BY_CODE = {code: tuple(t for t in _TYPES if t.code == code) for code in CODES}


def types_for(code: str) -> tuple[PostbackType, ...]:
    """Every entry with this code (N202 and E202 exist under SMS_MT and MMS_MT)."""
    return _BY_CODE.get(code.upper(), ())


def lookup(code: str, origin: str | None = None) -> PostbackType:
    """The entry for ``code`` (``"N101"`` or ``"MMS_MT/N101"``), optionally under ``origin``."""
    if "/" in code:
        origin, code = code.split("/", 1)
    found = types_for(code)
    if origin is not None:
        found = tuple(t for t in found if t.origin == origin.upper())
    if not found:
        raise UnknownCodeError(_unknown_message(code, origin))
    return found[0]


def _unknown_message(code: str, origin: str | None) -> str:
    import difflib

    where = f" under origin {origin}" if origin else ""
    message = f"unknown postback code {code!r}{where}"
    if origin and types_for(code):
        origins = ", ".join(t.origin for t in types_for(code))
        return f"{message}; {code.upper()} exists under {origins}"
    close = difflib.get_close_matches(code.upper(), CODES, n=1, cutoff=0.5)
    if close:
        return f"{message}; did you mean {close[0]}?"
    return f"{message}; known codes: {', '.join(CODES)}"


__all__ = ["CATALOG", "CODES", "SINCH_NAMES", "TIME_NODES", "Layout", "Node", "PostbackType",
           "_layout", "lookup", "types_for"]  # fmt: skip
