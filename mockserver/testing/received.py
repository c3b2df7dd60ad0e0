"""What a receiver got: one :class:`Received` per HTTP request, and how to match and list them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from mockserver.testing.durations import format_seconds
from mockserver.wire.model import FieldValue, Postback

#: The fields that name the message a postback is about, in the order they are looked for.
KEY_FIELDS = ("TRACKINGID", "MMSID", "TRANSACTIONID", "MESSAGEID")
DUPLICATE_HEADER = "X-Mockserver-Possible-Duplicate"


@dataclass(frozen=True)
class Received:
    """One postback request as the receiving end saw it, and how it was answered.

    ``at`` is platform time (epoch s, the virtual clock's under ``clock="virtual"``);
    ``latency`` is how long the answer took, in real seconds; ``status`` is the receiver's HTTP
    answer, None when there was none (connection refused,
    timeout, an in-process app that raised); ``postback`` is the parsed body (the first entry of
    a legacy bundle; all of them in ``entries``), None when the body does not parse (a verbatim
    quirk), with the reason in ``parse_error``.
    """

    number: int
    url: str
    body: bytes
    headers: Mapping[str, str]
    at: float
    status: int | None
    error: str | None = None
    entries: tuple[Postback, ...] = ()
    parse_error: str | None = None
    ok: bool = False
    latency: float = 0.0  # real seconds the receiver took to answer (or fail)

    @property
    def postback(self) -> Postback | None:
        return self.entries[0] if self.entries else None

    @property
    def code(self) -> str | None:
        return self.entries[0].code if self.entries else None

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.entries]

    @property
    def origin(self) -> str | None:
        return self.entries[0].origin if self.entries else None

    @property
    def fields(self) -> dict[str, FieldValue]:
        return dict(self.entries[0].fields) if self.entries else {}

    @property
    def tracking_id(self) -> str | None:
        """TRACKINGID, else MMSID, TRANSACTIONID or MESSAGEID: the message it is about."""
        fields = self.fields
        for name in KEY_FIELDS:
            value = fields.get(name)
            if value not in (None, ""):
                return str(value)
        return None

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def possible_duplicate(self) -> bool:
        return any(k.lower() == DUPLICATE_HEADER.lower() for k in self.headers)

    def summary(self, start: float) -> str:
        answer = str(self.status) if self.status is not None else f"no answer ({self.error})"
        what = " + ".join(self.codes) if self.entries else f"unparsed ({self.parse_error})"
        key = f" tracking_id={self.tracking_id}" if self.tracking_id else ""
        return (f"#{self.number} +{format_seconds(max(0.0, self.at - start))} {what}{key} "
                f"-> {answer}  {self.url}")  # fmt: skip


@dataclass(frozen=True)
class Match:
    """What a test looks for; every given criterion must hold."""

    code: str | tuple[str, ...] | None = None
    tracking_id: str | None = None
    url: str | None = None
    ok: bool | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        code: str | Iterable[str] | None = None,
        tracking_id: str | None = None,
        url: str | None = None,
        ok: bool | None = None,
        fields: Mapping[str, Any] | None = None,
    ) -> Match:
        codes = code if code is None or isinstance(code, str) else tuple(code)
        return cls(codes, tracking_id, url, ok, dict(fields or {}))

    def misses(self, item: Received) -> list[str]:
        """Why ``item`` does not match: one phrase per criterion that fails (empty: a match)."""
        out: list[str] = []
        if self.code is not None:
            wanted = (self.code,) if isinstance(self.code, str) else self.code
            if not set(wanted) & set(item.codes):
                out.append(f"code is {item.code}, not {' or '.join(wanted)}")
        if self.tracking_id is not None and self.tracking_id not in _keys(item):
            out.append(f"tracking_id is {item.tracking_id}, not {self.tracking_id}")
        if self.url is not None and item.url != self.url and item.path != self.url:
            out.append(f"url is {item.url}, not {self.url}")
        if self.ok is not None and item.ok != self.ok:
            out.append(f"it was {'accepted' if item.ok else 'not accepted'} (status {item.status})")
        fields = item.fields
        for name, value in self.fields.items():
            if name not in fields:
                out.append(f"has no {name}")
            elif str(fields[name]) != str(value):
                out.append(f"{name} is {fields[name]!r}, not {value!r}")
        return out

    def matches(self, item: Received) -> bool:
        return not self.misses(item)

    def describe(self) -> str:
        parts = []
        if self.code is not None:
            parts.append(f"code={self.code!r}")
        if self.tracking_id is not None:
            parts.append(f"tracking_id={self.tracking_id!r}")
        if self.url is not None:
            parts.append(f"url={self.url!r}")
        if self.ok is not None:
            parts.append(f"ok={self.ok}")
        parts += [f"{k}={v!r}" for k, v in self.fields.items()]
        return ", ".join(parts) or "any postback"


def _keys(item: Received) -> set[str]:
    fields = item.fields
    return {str(fields[k]) for k in KEY_FIELDS if fields.get(k) not in (None, "")}


def listing(items: Sequence[Received], start: float, limit: int = 25) -> str:
    """The received postbacks, one a line (at most ``limit``, then a count of the rest)."""
    if not items:
        return "Received nothing."
    lines = [f"Received {len(items)} postback request(s):"]
    shown = items if len(items) <= limit else [*items[: limit - 5], *items[-5:]]
    for i, item in enumerate(shown):
        if len(items) > limit and i == limit - 5:
            lines.append(f"  ... {len(items) - limit} more ...")
        lines.append("  " + item.summary(start))
    return "\n".join(lines)


def near_misses(items: Sequence[Received], wanted: Match, start: float, limit: int = 3) -> str:
    """The received postbacks closest to ``wanted`` (fewest failing criteria), with why."""
    scored = [(len(m), item, m) for item in items if (m := wanted.misses(item))]
    if not scored:
        return ""
    scored.sort(key=lambda s: (s[0], s[1].number))
    lines = ["Closest misses:"]
    for _, item, misses in scored[:limit]:
        lines.append(f"  #{item.number} {item.code or 'unparsed'}: " + "; ".join(misses))
    return "\n".join(lines)
