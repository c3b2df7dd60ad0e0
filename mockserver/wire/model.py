"""The flavour-neutral postback model shared by the renderers, the parser and the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Flavor = Literal["skycore-xml", "sinch-xml", "sinch-json"]
FLAVORS: tuple[Flavor, ...] = ("skycore-xml", "sinch-xml", "sinch-json")

BodyMode = Literal["raw", "form"]
BODY_MODES: tuple[BodyMode, ...] = ("raw", "form")

Origin = Literal["SMS_MT", "MMS_MT", "SMS_MO", "MMS_MO"]
ORIGINS: tuple[Origin, ...] = ("SMS_MT", "MMS_MT", "SMS_MO", "MMS_MO")

#: A field value: text, or the list of FILE URLs of ``CONTENT``.
FieldValue = str | list[str]


@dataclass(frozen=True)
class Postback:
    """One notification, keyed by Skycore element names whatever the flavour.

    ``fields`` never holds ORIGIN or CODE (they are attributes); ``CONTENT`` maps to the list
    of its FILE URLs. Values are strings exactly as they appear on the wire.
    """

    origin: str
    code: str
    fields: dict[str, FieldValue] = field(default_factory=dict)
    flavor: str | None = None

    @property
    def is_mo(self) -> bool:
        return self.origin.endswith("_MO")

    @property
    def key(self) -> str:
        """The catalogue key ``ORIGIN/CODE`` (codes such as N202 exist under two origins)."""
        return f"{self.origin}/{self.code}"

    def same_content(self, other: Postback) -> bool:
        """Equal origin, code and fields (the flavour it travelled in is ignored)."""
        return (self.origin, self.code, self.fields) == (other.origin, other.code, other.fields)


@dataclass(frozen=True)
class BundleEntry:
    """One ``<NOTIFICATION id=".." created="..">`` of a legacy (SKY-LEGACY) bundle.

    ``created`` may be a ``datetime`` when rendering (written in the legacy style,
    ``2011-09-28 17:31:02.835577-04``); ``parse_bundle`` gives it back as text."""

    postback: Postback
    id: str
    created: str | datetime
