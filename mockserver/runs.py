"""Running a scenario on a platform: the scenarios layer plans, this runs the plan (puts its
postbacks on the engine's timeline, holds moderated phases in the inbox).

Every entry point (platform API, control API, CLI, pytest plugin) starts runs through
``MockPlatform.run_scenario``, which calls :func:`start_run`.

``start_run`` needs only the platform's ``schedule``-family API (``prepare``,
``schedule_many``, ``now``, ``clock``, ``settings``). Moderation holds are kept in the run
(the platform has no moderation queue yet): ``approve``/``reject`` release a hold.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from mockserver.engine.jobs import NewPostback
from mockserver.inbox import Held
from mockserver.scenarios.errors import ScenarioError
from mockserver.scenarios.library import Library, default_library
from mockserver.scenarios.model import Scenario
from mockserver.scenarios.plan import Plan, PlannedPostback
from mockserver.scenarios.planner import plan
from mockserver.wire.ids import fresh_bits
from mockserver.wire.model import FieldValue

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from mockserver.platform import MockPlatform as Platform


@dataclass
class HoldState:
    phase: int
    state: str = "pending"  # pending, approved, rejected
    item: Mapping[str, FieldValue] = field(default_factory=dict)
    moderation_id: int | None = None  # the platform's moderation item, when it holds it


@dataclass
class Run:
    """One run: its plan, where its postbacks went on the timeline, its moderation holds."""

    id: str
    plan: Plan
    url: str | None
    scheduled: dict[int, int] = field(default_factory=dict)  # plan index -> engine id
    holds: list[HoldState] = field(default_factory=list)
    rejected: dict[int, int] = field(default_factory=dict)  # (hold's) index -> engine id
    #: what ``store_run`` stored last: (engine id, the stored postback), for announcing
    pending: list[tuple[int, NewPostback]] = field(default_factory=list, repr=False)

    @property
    def ids(self) -> Mapping[str, str]:
        return self.plan.ids

    def pending_hold(self) -> HoldState | None:
        """The next hold waiting for a moderator (holds are released in order)."""
        for hold in self.holds:
            if hold.state == "pending":
                return hold
            if hold.state == "rejected":
                return None
        return None

    def to_dict(self) -> dict[str, Any]:
        """The control API's view of the run (``POST /scenarios/{name}/runs`` reply)."""
        return {
            "run_id": self.id,
            "scenario": self.plan.scenario,
            "seed": self.plan.seed,
            "flavor": self.plan.flavor,
            "revision": self.plan.revision,
            "vars": {k: v if isinstance(v, str) else list(v) for k, v in self.plan.vars.items()},
            "ids": dict(self.plan.ids),
            "choices": list(self.plan.choices),
            "pins": list(self.plan.pins),
            "postbacks": [
                _planned_dict(p, self.scheduled.get(p.index)) for p in self.plan.postbacks
            ],
            "holds": [
                {
                    "phase": h.phase,
                    "state": h.state,
                    "moderation_id": h.moderation_id,
                    "item": dict(h.item),
                }
                for h in self.holds
            ],
        }


def _planned_dict(p: PlannedPostback, engine_id: int | None) -> dict[str, Any]:
    return {
        "index": p.index,
        "postback_id": engine_id,
        "origin": p.postback.origin,
        "code": p.code,
        "phase": p.phase,
        "offset": p.offset,
        "step": p.step,
        "faults": list(p.faults),
        "dropped": p.dropped,
        "duplicate_of": p.duplicate_of,
    }


#: finished runs kept in memory per platform; older ones are read back from the store
MAX_LIVE_RUNS = 1000


class RunRegistry:
    """The runs a platform keeps in memory: every run still waiting for a moderator, and the
    newest :data:`MAX_LIVE_RUNS` others (an older run is read back from the store's ``runs``
    table). ``started`` counts the runs since the last reset: a seeded server derives each
    run's seed from it."""

    def __init__(self) -> None:
        self._runs: OrderedDict[str, Run] = OrderedDict()  # oldest first
        #: runs that aged out of ``_runs`` while waiting for a moderator
        self._held: dict[str, Run] = {}
        self._held_after_sweep = 0
        self._lock = threading.Lock()
        self.started = 0

    def add(self, run: Run) -> None:
        with self._lock:
            self._runs[run.id] = run
            self.started += 1
            self._evict()

    def get(self, run_id: str) -> Run | None:
        return self._runs.get(run_id) or self._held.get(run_id)

    def forget(self, run_id: str) -> None:
        """Drop a run that could not be stored (it does not count as started)."""
        with self._lock:
            if (self._runs.pop(run_id, None) or self._held.pop(run_id, None)) is not None:
                self.started -= 1

    def clear(self) -> None:
        with self._lock:
            self._runs.clear()
            self._held.clear()
            self.started = 0

    def __len__(self) -> int:
        return len(self._runs) + len(self._held)

    def _evict(self) -> None:
        """Age out the oldest runs, keeping those waiting for a moderator aside; now and then
        drop the set-aside ones a moderator has since decided (amortised O(1) per run)."""
        while len(self._runs) > MAX_LIVE_RUNS:
            run_id, run = self._runs.popitem(last=False)
            if run.pending_hold() is not None:
                self._held[run_id] = run
        if len(self._held) > 2 * self._held_after_sweep + 16:
            self._held = {k: r for k, r in self._held.items() if r.pending_hold() is not None}
            self._held_after_sweep = len(self._held)


_RUNS: weakref.WeakKeyDictionary[Any, RunRegistry] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def runs_of(platform: Platform) -> RunRegistry:
    """The runs started on ``platform`` (kept beside it until it has its own registry)."""
    with _LOCK:
        return _RUNS.setdefault(platform, RunRegistry())


class RunOptions(TypedDict, total=False):
    """How a run is planned (see :func:`start_run`)."""

    vars: Mapping[str, FieldValue] | None
    seed: int | None
    postback_url: str | None
    flavor: str | None
    revision: str | None
    pins: Sequence[str]
    library: Library | None
    locale: str


def start_run(platform: Platform, scenario: Scenario | str, **options: Unpack[RunOptions]) -> Run:
    """Plan ``scenario`` and schedule its phase-0 postbacks; later phases wait for approval.
    ``vars`` override the scenario's; ``flavor``/``revision`` default to the settings;
    ``pins`` are branch labels to take; ``postback_url`` overrides the configured URL."""
    run = new_run(platform, scenario, **options)
    try:
        return store_run(platform, run)
    except BaseException:
        forget_run(platform, run)
        raise


def forget_run(platform: Platform, run: Run) -> None:
    """Drop a run ``new_run`` kept that could not be stored."""
    runs_of(platform).forget(run.id)


def new_run(platform: Platform, scenario: Scenario | str, **options: Unpack[RunOptions]) -> Run:
    """Plan a run (no store access) and keep it with the platform's runs; ``store_run``
    schedules it. Arguments as for :func:`start_run`."""
    settings = platform.settings
    library, seed = options.get("library"), options.get("seed")
    revision, flavor = options.get("revision"), options.get("flavor")
    if isinstance(scenario, str):
        scenario = (library or default_library(tuple(settings.scenarios))).get(scenario)
    run_id = f"{fresh_bits(48):012x}"
    if seed is None and settings.seed is not None:
        seed = (settings.seed * 1_000_003 + runs_of(platform).started) % 2**32
    the_plan = plan(
        scenario,
        options.get("vars"),
        seed,
        flavor or settings.flavor,
        platform.now(),
        run_id=run_id,
        body_mode=settings.body_mode,
        time_scale=platform.clock.time_scale,
        locale=options.get("locale", "en_US"),
        media_base_url=settings.base_url,
        revision=revision or settings.revision,
        pins=options.get("pins", ()),
    )
    run = Run(run_id, the_plan, options.get("postback_url"))
    run.holds = [HoldState(h.phase, item=h.item) for h in the_plan.holds]
    runs_of(platform).add(run)  # now: the next run's seed counts this one
    return run


def store_run(platform: Platform, run: Run, *, announce: bool = True) -> Run:
    """Schedule a planned run's phase-0 postbacks and hold its first moderated phase. Inside
    a caller's transaction (``store.transaction()``) everything commits with it;
    ``announce=False`` leaves telling the scheduler to the caller (``MockPlatform.announce``
    with ``run.pending``)."""
    items = run.plan.in_phase(0)
    prepared = _prepare(platform, run, items)
    ids = platform.schedule_many(prepared, announce=announce) if prepared else []
    run.scheduled.update(zip((p.index for p in items), ids, strict=True))
    run.pending = list(zip(ids, prepared, strict=True))
    _hold_in_inbox(platform, run)
    return run


_SUMMARY = ("FROM", "TO", "KEYWORD", "SUBJECT", "TRACKINGID", "CONTENT")


def _hold_in_inbox(platform: Platform, run: Run) -> None:
    """Put a single, plain ``wait: moderation`` into the platform's moderation queue (when it
    has one), so the control API and UI list it. Several holds, or ``on_reject`` steps, stay
    in the run: the queue knows only approve-sends / reject-drops."""
    inbox = getattr(platform, "inbox", None)
    if inbox is None or len(run.holds) != 1 or run.plan.holds[0].on_reject:
        return
    hold = run.holds[0]
    scale = platform.clock.time_scale or 1.0
    held = [
        Held(p.postback, p.offset / scale, p.body, p.content_type)
        for p in run.plan.in_phase(hold.phase)
    ]
    summary = {k: v for k, v in hold.item.items() if k in _SUMMARY}
    hold.moderation_id = inbox.hold(held, summary, url=run.url, run_id=run.id)


def _schedule(platform: Platform, run: Run, items: list[PlannedPostback]) -> list[int]:
    prepared = _prepare(platform, run, items)
    return platform.schedule_many(prepared) if prepared else []


def _prepare(platform: Platform, run: Run, items: list[PlannedPostback]) -> list[NewPostback]:
    base = platform.now()
    return [
        platform.prepare(
            p.postback,
            at=base + p.offset,
            url=run.url,
            body=p.body,
            content_type=p.content_type,
            flavor=run.plan.flavor,
            run_id=run.id,
        )
        for p in items
    ]


def approve(platform: Platform, run: Run) -> list[int]:
    """Release the run's pending moderation hold: its postbacks are due from now on."""
    hold = _pending(run, "approve")
    hold.state = "approved"
    items = run.plan.in_phase(hold.phase)
    inbox = getattr(platform, "inbox", None)
    if hold.moderation_id is not None and inbox is not None:
        ids: list[int] = list(inbox.approve(hold.moderation_id))
    else:
        ids = _schedule(platform, run, items)
    run.scheduled.update(zip((p.index for p in items), ids, strict=True))
    return ids


def reject(platform: Platform, run: Run) -> list[int]:
    """Drop the pending hold's postbacks; the hold's ``on_reject`` steps are sent instead."""
    hold = _pending(run, "reject")
    hold.state = "rejected"
    inbox = getattr(platform, "inbox", None)
    if hold.moderation_id is not None and inbox is not None:
        inbox.reject(hold.moderation_id)
        return []
    planned = next(h for h in run.plan.holds if h.phase == hold.phase)
    items = sorted(
        (p for p in planned.on_reject if not p.dropped), key=lambda p: (p.offset, p.index)
    )
    ids = _schedule(platform, run, items)
    run.rejected.update(zip((p.index for p in items), ids, strict=True))
    return ids


def _pending(run: Run, action: str) -> HoldState:
    hold = run.pending_hold()
    if hold is None:
        raise ScenarioError(
            f"run {run.id} has nothing waiting for moderation",
            fix=f"only a run at a `wait: moderation` step can be told to {action}",
        )
    return hold
