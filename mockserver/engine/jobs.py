"""Plain records passed between the store, the timeline and the dispatcher."""

from __future__ import annotations

from dataclasses import dataclass, field

FINAL_STATES = ("delivered", "failed", "cancelled")
STATES = ("scheduled", "queued", "sending", *FINAL_STATES)


@dataclass(slots=True)
class NewPostback:
    """A postback to put on the timeline (its body already rendered)."""

    due: float
    origin: str
    code: str
    fields: dict[str, str | list[str]]
    flavor: str
    content_type: str
    body: bytes
    url: str | None = None
    message_key: str | None = None
    tracking_id: str | None = None
    run_id: str | None = None
    replay_of: int | None = None


@dataclass(slots=True)
class Job:
    """One attempt to make: a due postback handed to the dispatcher."""

    id: int
    due: float
    message_key: str | None
    origin: str
    url: str | None
    content_type: str
    body: bytes
    attempts: int
    possible_duplicate: bool
    generation: int = 0

    @property
    def number(self) -> int:
        """The 1-based number of the attempt this job makes."""
        return self.attempts + 1


@dataclass(slots=True)
class Attempt:
    """What happened on one attempt; ``ok`` is the success rule applied to ``status``."""

    postback_id: int
    number: int
    due: float
    started: float
    url: str | None
    request_headers: dict[str, str]
    ok: bool
    status: int | None = None
    latency: float | None = None
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes = b""
    truncated: bool = False
    error: str | None = None
    possible_duplicate: bool = False
    message_key: str | None = None
    generation: int = 0
