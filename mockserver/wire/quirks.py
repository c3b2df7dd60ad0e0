"""Verbatim quirks: opt-in reproductions of the documents' own mistakes, for robustness tests.

By default every renderer emits what PLATFORM.md section 12 recommends (well-formed XML, valid
JSON, straight quotes, documented spellings). Each quirk below, named in ``render(...,
quirks=[...])`` or a scenario step's ``faults``, reproduces one printed mistake exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from mockserver.wire.errors import QuirkError


@dataclass(frozen=True)
class Quirk:
    name: str
    decision: int  # the row of PLATFORM.md section 12
    flavors: tuple[str, ...]
    description: str


_QUIRKS = (
    Quirk(
        "unclosed-statusdetails",
        1,
        ("skycore-xml", "sinch-xml"),
        "STATUSDETAILS is opened and never closed, the text followed by a line break "
        "(seed 002, E101 example). The body is not well-formed XML.",
    ),
    Quirk(
        "reopened-statusdetails",
        1,
        ("skycore-xml", "sinch-xml"),
        "STATUSDETAILS is 'closed' with a second opening tag (the 2013-11 E101 revision).",
    ),
    Quirk(
        "from-mask-double-open",
        6,
        ("skycore-xml",),
        "FROM_MASK printed as <FROM_MASK><FROM_MASK> (SKY-B N201/E201 examples).",
    ),
    Quirk(
        "xsi-trailing-space",
        30,
        ("skycore-xml",),
        'A space after xmlns:xsi="..." at the end of the root\'s first line (seed N101/N202).',
    ),
    Quirk(
        "typographic-quotes",
        3,
        ("skycore-xml",),
        "Legacy bundle NOTIFICATION attributes quoted with U+201D and U+2033 (seed 000).",
    ),
    Quirk(
        "attrs-no-space",
        18,
        ("skycore-xml",),
        "Legacy bundle NOTIFICATION attributes written with no space between them.",
    ),
    Quirk(
        "sinch-expired-comma",
        24,
        ("sinch-xml",),
        "Status 'Message Sent/Expired' printed 'Message,Sent/Expired' (Sinch E102 table).",
    ),
    Quirk(
        "json-missing-comma",
        5,
        ("sinch-json",),
        "No comma after the message-subject member (Sinch JSON MO template): invalid JSON.",
    ),
    Quirk(
        "sinch-uppercase-save",
        32,
        ("sinch-xml",),
        "Save/encoding notifications (N003, E002, ...) in uppercase Skycore form, as Sinch's "
        "saveMMS pages print them inside the lowercase XML service.",
    ),
)

QUIRKS: Mapping[str, Quirk] = MappingProxyType({q.name: q for q in _QUIRKS})


def check_quirks(names: Iterable[str]) -> frozenset[str]:
    """Validate quirk names; unknown ones raise :class:`QuirkError` with the closest match."""
    import difflib

    chosen = frozenset(names)
    for name in chosen:
        if name not in QUIRKS:
            close = difflib.get_close_matches(name, list(QUIRKS), n=1) or [
                q for q in QUIRKS if name and name in q
            ]
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(QUIRKS)}"
            raise QuirkError(f"unknown verbatim quirk {name!r}{hint}")
    return chosen
