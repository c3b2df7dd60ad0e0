"""``plan(scenario, ...)``: a pure function from a scenario, vars and a seed to a :class:`Plan`.

The same scenario, vars, seed, flavour and start time give byte-identical bodies and the same
offsets. Linked postbacks share ids by convention: a field the step does not set is taken from
the var of the same meaning (``TRACKINGID`` from ``tracking_id``, ``TO`` from ``to``; see
:data:`FIELD_VARS`) when the flavour's layout has that field.

Known differences from the real platform, on purpose: timestamps after a ``wait: moderation``
are computed as if approval came when the wait began (the platform stamps N401 with the
receipt time anyway); a ``reorder`` fault swaps due times only, bodies keep their own
timestamps.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from mockserver.scenarios import templating
from mockserver.scenarios.check import missing_in
from mockserver.scenarios.errors import ScenarioError, ScenarioValidationError
from mockserver.scenarios.model import Scenario, supported_forms
from mockserver.scenarios.plan import Plan
from mockserver.scenarios.values import render_vars
from mockserver.scenarios.walker import Walker
from mockserver.wire.ids import fresh_bits
from mockserver.wire.model import FLAVORS, FieldValue
from mockserver.wire.revisions import DEFAULT_REVISION, REVISIONS, form_of
from mockserver.wire.timefmt import PLATFORM_TZ

#: Timestamps use a fixed North-American offset, as every documented example does.


def plan(
    scenario: Scenario,
    vars: Mapping[str, FieldValue] | None = None,
    seed: int | None = None,
    flavor: str = "skycore-xml",
    now: datetime | float | None = None,
    *,
    run_id: str = "preview",
    body_mode: str = "raw",
    time_scale: float = 1.0,
    locale: str = "en_US",
    media_base_url: str = "http://127.0.0.1:8055",
    revision: str | None = None,
    pins: Iterable[str] = (),
) -> Plan:
    """Plan one run of ``scenario``; raises ScenarioError (with a location) on any problem.

    ``revision`` (skycore-xml; default sky-a, the seed documents) says which documents the
    postbacks are written after; ``pins`` are labels of ``choose`` branches to take."""
    if flavor not in FLAVORS:
        raise ScenarioError(
            f"unknown flavour {flavor!r}", fix=f"choose one of {', '.join(FLAVORS)}"
        )
    revision = revision or DEFAULT_REVISION
    if revision not in REVISIONS:
        raise ScenarioError(
            f"unknown revision {revision!r}", fix=f"choose one of {', '.join(REVISIONS)}"
        )
    _check_form(scenario, flavor, revision)
    missing = missing_in(scenario, form_of(flavor, revision))
    if missing:
        raise ScenarioValidationError(list(missing))
    pinned = frozenset(pins)
    unknown = sorted(pinned - set(scenario.labels()))
    if unknown:
        labels = ", ".join(scenario.labels()) or "none (it has no choose step)"
        raise ScenarioError(
            f"scenario {scenario.name!r} has no branch labelled {unknown[0]!r}",
            fix=f"its branch labels: {labels}",
        )
    if seed is None:
        seed = fresh_bits(32)
    start = _start(now)
    fake = templating.make_fake(seed, locale, media_base_url, flavor)
    run = {"id": run_id, "name": scenario.name, "seed": seed, "flavor": flavor,
           "revision": revision}  # fmt: skip
    context: dict[str, Any] = {"vars": {}, "ids": {}, "run": run, "now": start, "fake": fake}
    context["vars"] = render_vars(scenario, vars or {}, context)
    walker = Walker(
        rng=random.Random(seed),
        context=context,
        flavor=flavor,
        body_mode=body_mode,
        start=start,
        time_scale=time_scale,
        revision=revision,
        pins=pinned,
    )
    walker.seed_ids()
    walker.steps(scenario.steps, "steps")
    postbacks, holds = walker.finish()
    return Plan(
        scenario=scenario.name,
        run_id=run_id,
        seed=seed,
        flavor=flavor,
        revision=revision,
        pins=tuple(sorted(pinned)),
        start=start,
        vars=dict(context["vars"]),
        ids=dict(context["ids"]),
        postbacks=postbacks,
        holds=holds,
        choices=tuple(walker.choices),
    )


def _check_form(scenario: Scenario, flavor: str, revision: str) -> None:
    """Refuse, before anything is planned, a flavour/revision some step cannot be written in
    (a branch not taken this time included)."""
    forms = supported_forms(scenario)
    form = form_of(flavor, revision)
    if form in forms:
        return
    what = f"revision {form}" if flavor == "skycore-xml" else f"flavour {flavor}"
    choices = ", ".join(f"skycore-xml --revision {f}" if f.startswith("sky-") else f for f in forms)
    raise ScenarioError(
        f"scenario {scenario.name!r} cannot be written in {what}: a step has no such form "
        "in that revision's documents",
        scenario.loc,
        f"run this scenario with one of: {choices}",
    )


def _start(now: datetime | float | None) -> datetime:
    if now is None:
        return datetime.now(PLATFORM_TZ).replace(microsecond=0)
    if isinstance(now, datetime):
        return now if now.tzinfo else now.replace(tzinfo=UTC)
    return datetime.fromtimestamp(now, PLATFORM_TZ)
