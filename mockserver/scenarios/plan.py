"""The result of planning a run: every postback with its body, phase and due offset.

A plan is pure data: no engine, no clock. Offsets are platform seconds (``time_scale``
already applied) after the start of the postback's *phase*: phase 0 starts with the run,
phase k when the k-th ``wait: moderation`` is approved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from mockserver.scenarios.errors import Loc
from mockserver.wire.model import FieldValue, Postback


@dataclass(frozen=True)
class PlannedPostback:
    """One HTTP request the run will make (a bundle carries several notifications)."""

    index: int  # creation order in the plan
    step: str  # where it comes from, e.g. "steps[2].choose[0].steps[1]"
    postback: Postback  # as the flavour reports it (adapt applied), values as text
    offset: float  # due, seconds after its phase starts (faults applied)
    phase: int
    body: bytes
    content_type: str
    faults: tuple[str, ...] = ()
    dropped: bool = False  # fault "drop": planned, never sent
    duplicate_of: int | None = None  # fault "duplicate": the index of the original
    entries: tuple[Postback, ...] = ()  # a legacy bundle's notifications

    @property
    def code(self) -> str:
        return self.postback.code

    @property
    def is_mo(self) -> bool:
        return self.postback.is_mo


@dataclass(frozen=True)
class Hold:
    """A ``wait: moderation``: ``phase`` starts on approval; ``on_reject`` runs on rejection."""

    phase: int
    on_reject: tuple[PlannedPostback, ...]
    loc: Loc
    item: Mapping[str, FieldValue] = field(default_factory=dict)  # what the moderator sees


@dataclass(frozen=True)
class Plan:
    scenario: str
    run_id: str
    seed: int
    flavor: str
    start: datetime
    vars: Mapping[str, FieldValue]
    ids: Mapping[str, str]
    postbacks: tuple[PlannedPostback, ...]
    holds: tuple[Hold, ...] = ()
    choices: tuple[str, ...] = ()  # the labels of the branches taken, in order
    revision: str = "sky-a"  # the Skycore documents written after (skycore-xml only)
    pins: tuple[str, ...] = ()  # branch labels the run asked for

    def in_phase(self, phase: int) -> list[PlannedPostback]:
        """The postbacks of one phase that will be sent, in due order."""
        items = [p for p in self.postbacks if p.phase == phase and not p.dropped]
        return sorted(items, key=lambda p: (p.offset, p.index))

    def sent(self) -> list[PlannedPostback]:
        """Everything that is sent if every hold is approved, in delivery order."""
        phases = sorted({p.phase for p in self.postbacks})
        return [p for phase in phases for p in self.in_phase(phase)]

    def codes(self) -> list[str]:
        return [p.code for p in self.sent()]
