"""What a catalogue entry is: a notification code under one origin, with its layout per form.

A layout lists a form's nodes after ORIGIN and CODE, in documented order: ``NAME!`` is
required, ``NAME?`` optional. Names are Skycore element names whatever the flavour; the Sinch
spelling comes from :data:`SINCH_NAMES` (or a per-type override). A form missing from a type's
layouts never carries that code (e.g. Sinch's XML service sends no SMS postbacks; SKY-A has no
E102). ``provenance`` says whether a layout is printed in a document (``DOC``) or inferred from
its siblings (``INF``), per PLATFORM.md. Forms are listed in :mod:`mockserver.wire.revisions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from mockserver.wire.errors import FlavorError
from mockserver.wire.model import FLAVORS
from mockserver.wire.revisions import DEFAULT_REVISION, REVISIONS, form_of

#: Skycore element name -> Sinch (lowercase, hyphenated) name.
SINCH_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "ORIGIN": "origin",
        "CODE": "code",
        "STATUS": "status",
        "SENTAS": "sent-as",
        "MMSID": "mms-id",
        "FROM": "from",
        "FROM_MASK": "from-mask",
        "TO": "to",
        "TRACKINGID": "tracking-id",
        "SPID": "operator-id",
        "OPERATORNAME": "operator-name",
        "TIMESTAMP": "timestamp",
        "STATUSDETAILS": "status-details",
        "HANDSET": "handset",
        "AUDIONAME": "audio-name",
        "VIDEONAME": "video-name",
        "IMAGENAME": "image-name",
        "KEYWORD": "keyword",
        "SUBJECT": "message-subject",
        "CONTENT": "content",
        "TEXT": "message-text",
        "RECEIVED": "timestamp",
        "TRANSACTIONID": "tracking-id",
        "CAMPAIGNREF": "campaign-ref",
        "CLIENTREFERENCE": "client-reference",
    }
)

#: Nodes whose value is a point in time (formatted per flavour when given a datetime).
TIME_NODES = frozenset({"TIMESTAMP", "RECEIVED"})
#: Required nodes that take a documented value when none is given (see ``PostbackType``).
_FALLBACK_ORDER = {
    "sky-a": ("sky-a", "sky-b"),
    "sky-b": ("sky-b", "sky-a"),
    "sky-legacy": ("sky-legacy", "sky-a", "sky-b"),
}


@dataclass(frozen=True)
class Node:
    name: str
    required: bool


@dataclass(frozen=True)
class Layout:
    nodes: tuple[Node, ...]
    provenance: str  # "DOC" or "INF"

    @cached_property  # every render asks; frozen, so it is computed once
    def names(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.nodes)

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.nodes if n.required)


def layout_of(spec: str, provenance: str = "DOC") -> Layout:
    nodes = tuple(Node(tok[:-1], tok.endswith("!")) for tok in spec.split())
    return Layout(nodes, provenance)


@dataclass(frozen=True)
class PostbackType:
    """One catalogue entry: a notification code under one origin."""

    origin: str
    code: str
    title: str
    forms: Mapping[str, Layout]
    statuses: tuple[str, ...] = ()
    defaults: Mapping[str, str] = field(default_factory=dict)
    #: sky-a: begins with ``<?xml version='1.0'?>`` (sky-b too, except the SMS MO)
    declaration: bool = True
    #: sky-a: xsi attributes on the root: "mt" (two lines, as the MT seeds), "mo" (one
    #: line, as the SMS MO seed) or None; sky-b never has them
    schema: str | None = "mt"
    #: sinch-json: carries ``status-details`` (MMS MT JSON does, SMS JSON does not)
    json_status_details: bool = False
    #: per-type Sinch name overrides
    sinch_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.origin}/{self.code}"

    @property
    def flavors(self) -> tuple[str, ...]:
        return tuple(f for f in FLAVORS if f in self.layouts)

    @property
    def revisions(self) -> tuple[str, ...]:
        """The Skycore revisions whose documents carry this code."""
        return tuple(r for r in REVISIONS if r in self.forms)

    @cached_property
    def layouts(self) -> Mapping[str, Layout]:
        """One layout per flavour (skycore-xml: the latest revision that has the code), for
        callers that do not care about revisions (the parser, listings)."""
        out: dict[str, Layout] = {}
        sky = self.forms.get("sky-b") or self.forms.get("sky-a") or self.forms.get("sky-legacy")
        if sky is not None:
            out["skycore-xml"] = sky
        for flavor in ("sinch-xml", "sinch-json"):
            if flavor in self.forms:
                out[flavor] = self.forms[flavor]
        return MappingProxyType(out)

    def has(self, flavor: str, revision: str | None = None) -> bool:
        return form_of(flavor, revision) in self.forms

    def form_for(self, flavor: str, revision: str | None = None) -> str:
        """The form this code is written in: the revision's own when its documents have the
        code, else (skycore-xml only) the nearest revision that has it, so that one postback
        is always written wholly in one revision."""
        wanted = form_of(flavor, revision)
        if flavor != "skycore-xml":
            self._need(flavor, wanted)
            return wanted
        for form in _FALLBACK_ORDER[wanted]:
            if form in self.forms:
                return form
        self._need(flavor, wanted)
        return wanted

    def layout(self, flavor: str, revision: str | None = None) -> Layout:
        """The layout in ``flavor`` (and, for skycore-xml, ``revision``; default sky-a);
        FlavorError when that form's documents never show this code."""
        form = form_of(flavor, revision)
        self._need(flavor, form)
        return self.forms[form]

    def _need(self, flavor: str, form: str) -> None:
        if flavor not in FLAVORS:
            raise FlavorError(f"unknown flavour {flavor!r}; choose one of {', '.join(FLAVORS)}")
        if form in self.forms:
            return
        where = ", ".join(self.forms)
        what = f"revision {form}" if flavor == "skycore-xml" else flavor
        raise FlavorError(
            f"{self.key} has no {what} form (no document shows it); it exists in: {where}"
        )

    def all_names(self) -> frozenset[str]:
        return self._all_names

    @cached_property  # every render asks; frozen, so it is computed once
    def _all_names(self) -> frozenset[str]:
        return frozenset(n for lay in self.forms.values() for n in lay.names)

    def wire_name(self, name: str, flavor: str) -> str:
        if flavor == "skycore-xml":
            return name
        return self.sinch_names.get(name) or SINCH_NAMES.get(name) or name.lower()


__all__ = ["DEFAULT_REVISION", "SINCH_NAMES", "TIME_NODES", "Layout", "Node", "PostbackType"]
