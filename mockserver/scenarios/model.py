"""The validated form of a scenario file: immutable, every value carrying its location."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mockserver.scenarios.errors import Loc

T = TypeVar("T")

FAULT_KINDS = ("duplicate", "drop", "reorder", "delay")
MAX_REPEAT = 100_000
REPEAT_FIX = f"use 1 to {MAX_REPEAT}"


@dataclass(frozen=True)
class Template:
    """A string value (a Jinja2 template) and where it was written."""

    source: str
    loc: Loc


#: a var or field value: one template, or a list of them (CONTENT, media lists)
Value = Template | tuple[Template, ...]


@dataclass(frozen=True)
class Delay:
    """``5s`` (low == high) or a range ``2s..30s`` sampled uniformly per run, in seconds."""

    low: float
    high: float

    @property
    def fixed(self) -> bool:
        return self.low == self.high


NO_DELAY = Delay(0.0, 0.0)


@dataclass(frozen=True)
class Fault:
    """One fault on a step: a kind of FAULT_KINDS, or a verbatim quirk of the wire catalogue."""

    kind: str
    delay: Delay = NO_DELAY  # delay: how late; duplicate: how long after the original
    quirk: bool = False


@dataclass(frozen=True)
class PostbackStep:
    """``postback: CODE`` (written as given) or ``event: NAME`` (written as the run's
    revision and flavour report it; ``code``/``origin`` are then its sky-a form, for
    listings)."""

    code: str
    origin: str
    fields: tuple[tuple[str, Value], ...]
    after: Delay
    faults: tuple[Fault, ...]
    loc: Loc
    event: str | None = None


@dataclass(frozen=True)
class Branch:
    weight: float
    steps: tuple[Step, ...]
    label: str


@dataclass(frozen=True)
class ChooseStep:
    branches: tuple[Branch, ...]
    after: Delay
    loc: Loc


@dataclass(frozen=True)
class WaitStep:
    """``wait: moderation``: hold the rest until approved; ``on_reject`` runs if rejected."""

    on_reject: tuple[Step, ...]
    after: Delay
    loc: Loc


@dataclass(frozen=True)
class RepeatStep:
    """``count`` iterations, one every ``interval`` seconds; ``vars`` re-rendered each time.
    ``count_template``/``interval_template`` (``("rate" | "every", template)``), when set, are
    rendered per run from the run's vars (``count: "{{ vars.count }}"``)."""

    count: int
    interval: float
    vars: tuple[tuple[str, Value], ...]
    steps: tuple[Step, ...]
    after: Delay
    loc: Loc
    count_template: Template | None = None
    interval_template: tuple[str, Template] | None = None


@dataclass(frozen=True)
class BundleStep:
    """Several notifications in one legacy ``<POSTBACK>`` request (SKY-LEGACY, skycore-xml);
    ``first_id`` (a template) numbers the NOTIFICATION ids, else they count from 1 per run."""

    entries: tuple[PostbackStep, ...]
    after: Delay
    loc: Loc
    first_id: Template | None = None


Step = PostbackStep | ChooseStep | WaitStep | RepeatStep | BundleStep


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    kind: str
    vars: tuple[tuple[str, Value], ...]
    steps: tuple[Step, ...]
    path: str
    loc: Loc = field(compare=False, default=Loc("<memory>", 1, 1))
    #: what is derived from the (immutable) scenario once, not on every run: see ``memo``
    derived: dict[object, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def memo(self, key: object, compute: Callable[[], T]) -> T:
        """``compute()`` once per scenario and ``key`` (a run plans with these every time)."""
        try:
            return self.derived[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self.derived[key] = compute()
            return value

    @property
    def var_names(self) -> tuple[str, ...]:
        return self.memo("var_names", lambda: tuple(name for name, _ in self.vars))

    def codes(self) -> tuple[str, ...]:
        """Every code the scenario can emit in its sky-a form (events resolved), in
        first-appearance order (for listings)."""
        return tuple(dict.fromkeys(s.code for s in walk(self.steps)))

    def events(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.event for s in walk(self.steps) if s.event))

    def labels(self) -> tuple[str, ...]:
        """The labels of every ``choose`` branch (what a run may pin)."""
        return self.memo("labels", lambda: tuple(
            dict.fromkeys(
                b.label
                for s in _all_steps(self.steps)
                if isinstance(s, ChooseStep)
                for b in s.branches
            )
        ))  # fmt: skip


def walk(steps: tuple[Step, ...]) -> list[PostbackStep]:
    """Every postback step, depth first, including those in branches, repeats and bundles."""
    found: list[PostbackStep] = []
    for step in steps:
        if isinstance(step, PostbackStep):
            found.append(step)
        elif isinstance(step, ChooseStep):
            for branch in step.branches:
                found.extend(walk(branch.steps))
        elif isinstance(step, WaitStep):
            found.extend(walk(step.on_reject))
        elif isinstance(step, RepeatStep):
            found.extend(walk(step.steps))
        else:
            found.extend(step.entries)
    return found


def supported_forms(scenario: Scenario) -> tuple[str, ...]:
    """The forms (revisions of skycore-xml, and the Sinch flavours) in which every step of
    the scenario can be written (a bundle: the Skycore revisions only)."""
    return scenario.memo("forms", lambda: _supported_forms(scenario))


def _supported_forms(scenario: Scenario) -> tuple[str, ...]:
    from mockserver.wire.catalog import lookup
    from mockserver.wire.events import EVENTS
    from mockserver.wire.revisions import FORMS

    forms = set(FORMS)
    for step in walk(scenario.steps):
        if step.event is not None:
            forms &= set(EVENTS[step.event].forms)
        else:
            entry = lookup(step.code, step.origin)
            forms &= {
                f for f in FORMS if f in entry.forms or (f.startswith("sky-") and entry.revisions)
            }
    if any(isinstance(s, BundleStep) for s in _all_steps(scenario.steps)):
        forms &= {"sky-legacy", "sky-a", "sky-b"}
    return tuple(f for f in FORMS if f in forms)


def supported_flavors(scenario: Scenario) -> tuple[str, ...]:
    """The flavours the scenario can run in (skycore-xml: in at least one revision)."""
    from mockserver.wire.model import FLAVORS

    forms = supported_forms(scenario)
    flavors = {"skycore-xml" if f.startswith("sky-") else f for f in forms}
    return tuple(f for f in FLAVORS if f in flavors)


def supported_revisions(scenario: Scenario) -> tuple[str, ...]:
    return tuple(f for f in supported_forms(scenario) if f.startswith("sky-"))


def _all_steps(steps: tuple[Step, ...]) -> list[Step]:
    found: list[Step] = []
    for step in steps:
        found.append(step)
        if isinstance(step, ChooseStep):
            for branch in step.branches:
                found += _all_steps(branch.steps)
        elif isinstance(step, WaitStep):
            found += _all_steps(step.on_reject)
        elif isinstance(step, RepeatStep):
            found += _all_steps(step.steps)
    return found
