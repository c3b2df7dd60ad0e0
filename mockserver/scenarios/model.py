"""The validated form of a scenario file: immutable, every value carrying its location."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.scenarios.errors import Loc

FAULT_KINDS = ("duplicate", "drop", "reorder", "delay")


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
    code: str
    origin: str
    fields: tuple[tuple[str, Value], ...]
    after: Delay
    faults: tuple[Fault, ...]
    loc: Loc


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
    """``count`` iterations, one every ``interval`` seconds; ``vars`` re-rendered each time."""

    count: int
    interval: float
    vars: tuple[tuple[str, Value], ...]
    steps: tuple[Step, ...]
    after: Delay
    loc: Loc


@dataclass(frozen=True)
class BundleStep:
    """Several notifications in one legacy ``<POSTBACK>`` request (SKY-LEGACY, skycore-xml)."""

    entries: tuple[PostbackStep, ...]
    after: Delay
    loc: Loc


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

    @property
    def var_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.vars)

    def codes(self) -> tuple[str, ...]:
        """Every code the scenario can emit, in first-appearance order (for listings)."""
        return tuple(dict.fromkeys(s.code for s in walk(self.steps)))


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


def supported_flavors(scenario: Scenario) -> tuple[str, ...]:
    """The flavours every postback of the scenario exists in (a bundle: skycore-xml only)."""
    from mockserver.wire.catalog import lookup
    from mockserver.wire.model import FLAVORS

    flavors = set(FLAVORS)
    for step in walk(scenario.steps):
        flavors &= set(lookup(step.code, step.origin).layouts)
    if any(isinstance(s, BundleStep) for s in _all_steps(scenario.steps)):
        flavors &= {"skycore-xml"}
    return tuple(f for f in FLAVORS if f in flavors)


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
