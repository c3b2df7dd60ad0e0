"""MockPlatform: the one backend. It holds the settings, the store, the clock and the
dispatcher; every entry point (platform API, control API, UI, CLI, pytest plugin) calls it.
No Flask here.
"""

from __future__ import annotations

import math
import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockserver.config import Settings, check_url
from mockserver.engine.browse import Browse
from mockserver.engine.clock import Clock, RealClock, VirtualClock
from mockserver.engine.dispatcher import Dispatcher
from mockserver.engine.health import Health, Snapshot
from mockserver.engine.jobs import NewPostback
from mockserver.engine.journal import StartedJournal, remove_journals, started_before
from mockserver.engine.lease import Lease
from mockserver.engine.listeners import Listeners
from mockserver.engine.prepare import Options, new_postback
from mockserver.engine.remote import DeliveryProcess, check_delivery
from mockserver.engine.retention import Keep
from mockserver.engine.runner import RealRunner, VirtualRunner
from mockserver.engine.store import Store
from mockserver.engine.timeline import Event, Timeline
from mockserver.engine.transport import Transport
from mockserver.inbox import Inbox
from mockserver.run_service import SCENARIO_SETTINGS, ScenarioService, check_scenario_settings
from mockserver.runs import Run
from mockserver.scenarios.model import Scenario
from mockserver.sends.service import SendService
from mockserver.wire.model import Postback

if TYPE_CHECKING:
    from typing_extensions import Unpack

Subscriber = Callable[[Event], None]


class MockPlatform:
    """The simulated platform: schedule postbacks, deliver them on its clock, keep the log.

    ``clock="virtual"`` (or a ``VirtualClock`` passed in): time moves only through
    ``advance``/``run_until_idle``, which deliver synchronously before returning. Otherwise a
    scheduler thread and ``settings.workers`` worker threads deliver in the background: in
    this process (``delivery="thread"``), or in a child process on the same SQLite file
    (``delivery="process"``, what ``mockserver serve`` uses; see ``engine/remote.py``).
    ``recover=False`` leaves postbacks that were in flight alone (the delivery process when
    its parent has recovered them); ``on_events`` receives every batch of events and
    ``on_health`` every change of the engine's faults (see ``health``).

    A platform on a data dir on disk owns it while it runs (``engine/lease.py``): a second
    one on the same folder raises ``DataDirInUseError`` (a ConfigError); ``own_data_dir=False``
    is for the delivery process, which shares its parent's.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        clock: Clock | None = None,
        transport: Transport | None = None,
        delivery: str = "thread",
        recover: bool = True,
        on_events: Callable[[list[Event]], None] | None = None,
        on_health: Callable[[Snapshot], None] | None = None,
        own_data_dir: bool = True,
    ) -> None:
        self._settings = settings or Settings()
        s = self._settings
        check_scenario_settings(s)  # before anything is opened
        if clock is None:
            clock = VirtualClock(time_scale=s.time_scale) if s.clock == "virtual" else None
            clock = clock or RealClock(s.time_scale)
        check_delivery(delivery, clock.virtual, s)
        self.clock: Clock = clock
        on_disk = s.data_dir != ":memory:"
        self._lease = Lease(s.data_dir)
        if on_disk and own_data_dir:
            Path(s.data_dir).mkdir(parents=True, exist_ok=True)
            self._lease.acquire()
        try:
            self.store = Store(s.data_dir, checkpoints=delivery != "process")
        except BaseException:
            self._lease.release()
            raise
        self.browse = Browse(self.store)  # the UI's read-only queries
        self._health = Health(on_health)
        self._on_events = on_events
        self.timeline = Timeline(self.store, clock, lambda: self._settings)
        self._listeners = Listeners(self.set_events)
        self.recovered = self._recover(clock.now()) if recover else (0, 0)
        journal = StartedJournal(s.data_dir) if on_disk and delivery != "process" else None
        self.dispatcher = Dispatcher(
            lambda: self._settings, clock, transport, self._health, journal
        )
        if delivery != "process":  # the process that delivers prunes (the child, there)
            self.store.set_retention(self._retention)
        self.inbox = Inbox(self, self.publish)
        self._scenarios = ScenarioService(self)
        #: the platform's send API (``/API/wxml/1.3/``, ``/ep/v1/``, ``/ep/v2/``)
        self.api = SendService(self)
        self._closed = False
        self._real: RealRunner | None = None
        self._virtual: VirtualRunner | None = None
        self._remote: DeliveryProcess | None = None
        if isinstance(clock, VirtualClock):
            self._virtual = VirtualRunner(self.timeline, self.dispatcher, clock, self._publish)
        elif delivery == "process":
            inherit = () if self._lease.fd is None else (self._lease.fd,)
            self._remote = DeliveryProcess(s, self._publish, self._health, inherit)
            self._remote.start()
        else:
            self._real = RealRunner(self.timeline, self.dispatcher, self._publish, self._health)
            self._real.start(s.workers)

    # -- health --

    def health(self) -> dict[str, Any]:
        """The delivery engine's state: ``{"status": "ok"}``, or ``{"status": "degraded",
        "reason": ..., "since": epoch s, "faults": {part: reason}}`` while a part of it (the
        scheduler, a delivery worker, the delivery process) has failed and not yet recovered."""
        return self._health.report()

    def _recover(self, now: float) -> tuple[int, int]:
        """Postbacks in flight when the last process stopped become due again; those whose
        attempt had started (its journal says) are marked possible duplicates."""
        if self._settings.data_dir == ":memory:":
            return self.store.recover(now)
        recovered = self.store.recover(now, started_before(self._settings.data_dir))
        remove_journals(self._settings.data_dir)
        return recovered

    def _retention(self) -> Keep:
        s = self._settings
        return Keep(s.keep_postbacks, s.keep_days * 86400.0, self.clock.now(), s.keep_calls,
                    s.keep_runs, s.keep_saved_mms)  # fmt: skip

    # -- settings --

    @property
    def settings(self) -> Settings:
        return self._settings

    def configure(self, **changes: Any) -> Settings:
        """Change live settings (validated). ``clock``, ``data_dir`` and ``workers`` take
        effect only for a new platform; retry, URL and success settings apply at once."""
        settings = self._settings.replace(**changes)
        if SCENARIO_SETTINGS & changes.keys():
            check_scenario_settings(settings)
        self._settings = settings
        self.clock.time_scale = self._settings.time_scale
        if self._remote is not None:
            self._remote.configure(changes)
        return self._settings

    # -- scheduling --

    def schedule(
        self,
        postback: Postback,
        at: float | None = None,
        url: str | None = None,
        *,
        delay: float | None = None,
        **options: Unpack[Options],
    ) -> int:
        """Put one postback on the timeline; returns its id.

        ``at``: absolute platform time (epoch s, not scaled); ``delay``: platform seconds from
        now (``time_scale`` applied); neither: due now. ``url`` overrides the configured
        postback URL(s), which are otherwise looked up at each attempt. ``body`` (with
        ``content_type``) sends pre-rendered bytes as they are; otherwise the postback is
        rendered with ``mockserver.wire.render`` in ``flavor`` (default: the setting).
        ``message_key`` (default TRACKINGID, else MMSID) orders the postbacks of one message.
        """
        return self.schedule_many([self.prepare(postback, at, url, delay=delay, **options)])[0]

    def prepare(
        self,
        postback: Postback,
        at: float | None = None,
        url: str | None = None,
        *,
        delay: float | None = None,
        **options: Unpack[Options],
    ) -> NewPostback:
        """What ``schedule`` stores, without storing it (for ``schedule_many``)."""
        if at is not None and delay is not None:
            raise ValueError("give either at (absolute time) or delay (seconds from now)")
        if delay is not None and (delay < 0 or not math.isfinite(delay)):
            raise ValueError(f"delay must be zero or more seconds (got {delay})")
        check_url("url", url)
        due = at if at is not None else self.clock.after(delay or 0.0)
        return new_postback(postback, due, self._settings, url, **options)

    def schedule_many(self, items: Sequence[NewPostback], *, announce: bool = True) -> list[int]:
        """Store many prepared postbacks in one transaction; returns their ids. Once committed
        they are announced; ``announce=False`` leaves that to the caller (``announce``)."""
        ids = self.store.insert_postbacks(items, self.clock.now())
        if announce:
            self.store.after_commit(lambda: self.announce(ids, items))
        return ids

    def announce(self, ids: Sequence[int], items: Sequence[NewPostback]) -> None:
        """Tell the subscribers and the scheduler about stored postbacks."""
        if not items:
            return
        self.timeline.scheduled(ids, [p.due for p in items])
        self._publish(self.timeline.take_events())
        self.wake_for(min(p.due for p in items))

    @property
    def delivery_pid(self) -> int | None:
        """The process id of the delivery process (``delivery="process"``), else None."""
        return None if self._remote is None else self._remote.pid

    def wake_for(self, due: float) -> None:
        """A postback due at ``due`` was stored (and committed): the scheduler looks again."""
        if self._real is not None:
            self._real.scheduled(due)
        elif self._remote is not None:
            self._remote.scheduled(due)

    # -- the log --

    def postbacks(self, limit: int = 100, offset: int = 0, **filters: Any) -> list[dict[str, Any]]:
        """The delivery log, newest first. Filters: code, origin, tracking_id, message_key,
        state, run_id, since (created at or after, epoch s), replay_of."""
        return self.store.postbacks(limit, offset, **filters)

    def postback(self, postback_id: int) -> dict[str, Any] | None:
        """One postback with its body, fields and ``attempts_log`` (every attempt; the request
        body of an attempt is the postback's ``body``)."""
        return self.store.postback(postback_id)

    def replay(self, postback_id: int, url: str | None = None) -> int:
        """Send a logged postback again, now, as a new postback with its own attempt chain."""
        check_url("url", url)
        row = self.store.postback(postback_id)
        if row is None:
            raise KeyError(f"no postback with id {postback_id}")
        item = NewPostback(
            due=self.clock.now(), origin=row["origin"], code=row["code"], fields=row["fields"],
            flavor=row["flavor"], content_type=row["content_type"], body=row["body"],
            url=url or row["url"], message_key=row["message_key"],
            tracking_id=row["tracking_id"], run_id=row["run_id"], replay_of=postback_id,
        )  # fmt: skip
        return self.schedule_many([item])[0]

    def cancel(self, postback_id: int) -> bool:
        """Cancel a postback that is waiting (not one being sent); True if it was."""
        if self._remote is not None:
            return bool(self._remote.call("cancel", postback_id))
        done = self.timeline.cancel(postback_id)
        if done and self._real is not None:
            self._real.wake()
        self._publish(self.timeline.take_events())
        return done

    def reset(self) -> None:
        """Drop all state: postbacks, attempts, messages, moderation, runs."""
        self._scenarios.clear()
        self.api.reset()
        if self._remote is not None:
            self._remote.call("reset")
            return
        self.timeline.reset()
        if self._real is not None:
            self._real.wake()
        self._publish(self.timeline.take_events())

    # -- scenarios --

    def scenarios(self) -> list[dict[str, Any]]:
        """The built-in and user scenarios (``settings.scenarios`` folders), with their steps."""
        return self._scenarios.describe_all()

    def run_scenario(
        self,
        name: str,
        vars: dict[str, Any] | None = None,
        seed: int | None = None,
        postback_url: str | None = None,
        flavor: str | None = None,
        *,
        revision: str | None = None,
        pins: list[str] | tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """Plan and schedule one run; returns its id, ids and planned postbacks. ``flavor`` and
        ``revision`` default to the settings; ``pins`` are labels of ``choose`` branches to
        take (e.g. ``["rejected"]``)."""
        check_url("postback_url", postback_url)
        options = {"vars": vars, "seed": seed, "postback_url": postback_url, "flavor": flavor,
                   "revision": revision, "pins": tuple(pins)}  # fmt: skip
        return self._scenarios.start(name, **options)

    def plan_run(
        self, name: str, vars: dict[str, Any] | None = None, *, pins: tuple[str, ...] = ()
    ) -> Run:
        """``run_scenario`` in three steps, for callers that store runs together with rows of
        their own (the send API): plan (no store access), ``store_run`` inside the caller's
        transaction, ``run_started`` once committed (``announce(...)`` with ``run.pending``
        first: ``store_run`` leaves it to the caller)."""
        return self._scenarios.plan(name, vars=vars, pins=pins)

    def store_run(self, run: Run) -> dict[str, Any]:
        return self._scenarios.store(run, announce=False)

    def run_started(self, run: Run) -> None:
        self._scenarios.started(run)

    def scenario(self, name: str) -> Scenario:
        """A scenario by name (UnknownScenarioError names the close ones)."""
        return self._scenarios.library.get(name)

    def scenario_supports(self, name: str, flavor: str, revision: str) -> bool:
        """Whether scenario ``name`` exists and can be written in ``flavor`` and ``revision``."""
        return self._scenarios.supports(name, flavor, revision)

    def runs(self, limit: int = 50) -> list[dict[str, Any]]:
        return self._scenarios.runs(limit)

    def run(self, run_id: str) -> dict[str, Any] | None:
        """A run with the state of each planned postback (from the delivery log)."""
        return self._scenarios.run(run_id)

    # -- time --

    def now(self) -> float:
        return self.clock.now()

    def advance(self, seconds: float) -> float:
        """Virtual clock: move time on, delivering all that falls due; returns the new time."""
        return self._need_virtual("advance").advance(seconds)

    def run_until_idle(self, timeout: float = 60.0) -> float:
        """Virtual clock: run the timeline to its end. Real clock: wait (at most ``timeout``
        real seconds) until nothing is scheduled or in flight; TimeoutError if it is not."""
        if self._virtual is not None:
            return self._virtual.run_until_idle()
        if self._remote is not None:
            return float(self._remote.call("run_until_idle", timeout, timeout=timeout + 10.0))
        assert self._real is not None
        if not self._real.wait_idle(timeout):
            raise TimeoutError(f"the timeline was not idle after {timeout} s")
        return self.clock.now()

    def _need_virtual(self, what: str) -> VirtualRunner:
        if self._virtual is None:
            raise RuntimeError(f"{what}() needs the virtual clock: use Settings(clock='virtual')")
        return self._virtual

    # -- events --

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(event)`` on every state change (types: see ``timeline.Event``:
        postback.scheduled/attempt/delivered/failed/cancelled, platform.reset); returns an
        unsubscribe function. Callbacks run on engine threads: keep them short."""
        return self._listeners.add(callback)

    def set_events(self, on: bool) -> None:
        """Whether the engine makes events (they cost time when nobody listens)."""
        self.timeline.events_on = on
        if self._remote is not None:
            self._remote.set_events(on)

    def publish(self, event: Event) -> None:
        """Send an event of another part (e.g. ``moderation.held``) to the subscribers."""
        self._publish([event])

    def _publish(self, events: list[Event]) -> None:
        if self._on_events is not None and events:
            self._on_events(events)
        self._listeners.publish(events)

    # -- life cycle --

    def close(self, drain_timeout: float | None = None) -> bool:
        """Stop: attempts in flight may finish for ``drain_timeout`` s (default: the setting);
        what is still in flight then is re-sent on the next start. True if all drained."""
        if self._closed:
            return True
        self._closed = True
        self.api.close()
        drained = True
        timeout = self._settings.drain_timeout if drain_timeout is None else drain_timeout
        if self._real is not None:
            drained = self._real.stop(timeout)
        elif self._remote is not None:
            drained = self._remote.stop(timeout)
        self.dispatcher.close()
        self.store.close()
        self._lease.release()
        return drained

    def __enter__(self) -> MockPlatform:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def drain_on_sigterm(platform: MockPlatform) -> None:
    """Make SIGTERM close ``platform`` (in-flight attempts drain for ``drain_timeout``) and
    exit. Call from the main thread of a server process; not installed by default."""

    def handler(signum: int, frame: object) -> None:
        platform.close()
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
