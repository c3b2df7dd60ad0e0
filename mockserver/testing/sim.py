"""``Simulator``: the platform a test talks to, live or in-process, with its helpers: the
clock, scenario runs, MO injection, the moderation queue and the delivery log."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mockserver.config import Settings
from mockserver.platform import MockPlatform
from mockserver.testing.durations import Duration, seconds
from mockserver.testing.received import Received
from mockserver.testing.receiver import Receiver

#: Settings a test may not change on a shared server (they shape the server itself).
FIXED = ("host", "port", "data_dir", "clock", "workers", "token", "public_url")
KEYS = ("TRACKINGID", "MMSID", "TRANSACTIONID", "MESSAGEID")


class SimClock:
    """The platform's clock as a test moves it. ``advance`` and ``flush`` need the virtual
    clock; ``run_until_idle`` works on both (on the real clock it waits)."""

    def __init__(self, sim: Simulator) -> None:
        self._sim = sim

    @property
    def virtual(self) -> bool:
        return self._sim.platform.clock.virtual

    @property
    def now(self) -> float:
        """Platform time, epoch seconds."""
        return self._sim.platform.now()

    def advance(self, by: Duration) -> float:
        """Move time on by ``by`` (``"5m"``, ``"1h30m"``, 90, a timedelta), delivering in order
        everything that falls due meanwhile (retries included); returns the new time."""
        amount = seconds(by, "advance")
        if not self.virtual:
            raise RuntimeError("advance() needs the virtual clock: the server runs on the real "
                               "clock (ini mockserver_clock = virtual, or --mockserver-clock "
                               "virtual)")  # fmt: skip
        now = self._sim.platform.advance(amount)
        self._sim.after_step()
        return now

    def flush(self) -> float:
        """Send everything due now without moving time (virtual clock; a no-op on the real
        clock, which sends by itself)."""
        return self.advance(0) if self.virtual else self.now

    def run_until_idle(self, timeout: Duration = 30.0) -> float:
        """Virtual clock: run the whole timeline (every run, retry and delay) to its end.
        Real clock: wait until nothing is scheduled or in flight, at most ``timeout`` real
        seconds. A held moderation item is not scheduled: it waits for approve()."""
        now = self._sim.platform.run_until_idle(seconds(timeout, "timeout"))
        self._sim.after_step()
        return now


class Moderation:
    """The MMS MO moderation queue (``moderation`` setting on, or a scenario's
    ``wait: moderation``)."""

    def __init__(self, sim: Simulator) -> None:
        self._sim = sim

    def items(self, state: str | None = None) -> list[dict[str, Any]]:
        """Items in ``state`` (pending, approved, rejected; None: all), oldest first."""
        return self._sim.platform.inbox.items(state)

    def pending(self) -> list[dict[str, Any]]:
        return self.items("pending")

    def approve(self, item_id: int | None = None, *, deliver: bool = True) -> list[int]:
        """Release an item's postbacks (default: the one pending item); returns their ids.
        ``deliver`` sends what is due at once (virtual clock)."""
        ids = self._sim.platform.inbox.approve(self._pick(item_id))
        if deliver:
            self._sim.clock.flush()
        return ids

    def reject(self, item_id: int | None = None) -> None:
        """Drop an item (default: the one pending item): the platform sends nothing."""
        self._sim.platform.inbox.reject(self._pick(item_id))

    def approve_all(self, *, deliver: bool = True) -> list[int]:
        ids = [i for item in self.pending() for i in self.approve(item["id"], deliver=False)]
        if deliver:
            self._sim.clock.flush()
        return ids

    def _pick(self, item_id: int | None) -> int:
        if item_id is not None:
            return item_id
        pending = self.pending()
        if len(pending) != 1:
            ids = [item["id"] for item in pending]
            raise LookupError(f"{len(pending)} moderation items are pending ({ids}); "
                              "name the one to decide")  # fmt: skip
        return int(pending[0]["id"])


@dataclass
class ScenarioRun:
    """A scenario run: its ids, its planned postbacks and, through the log, their states."""

    sim: Simulator = field(repr=False)
    run_id: str
    scenario: str
    seed: int | None
    flavor: str
    revision: str
    ids: dict[str, str]
    planned: list[dict[str, Any]]
    choices: list[Any]

    @property
    def tracking_id(self) -> str | None:
        """The run's message id: TRACKINGID, else MMSID, TRANSACTIONID or MESSAGEID."""
        return next((str(self.ids[k]) for k in KEYS if self.ids.get(k)), None)

    @property
    def codes(self) -> list[str]:
        """The codes the run plans to send, in order (dropped ones left out)."""
        return [p["code"] for p in self.planned if not p.get("dropped")]

    def postbacks(self) -> list[dict[str, Any]]:
        """The planned postbacks with their current state and attempt count."""
        found = self.sim.platform.run(self.run_id)
        return list(found["postbacks"]) if found else []

    def states(self) -> dict[str, str]:
        """``{code: state}`` (the last postback of each code)."""
        return {p["code"]: p.get("state", "?") for p in self.postbacks() if not p.get("dropped")}

    @property
    def received(self) -> list[Received]:
        """What the receiver got about this run's message(s)."""
        keys = {str(v) for k, v in self.ids.items() if k in KEYS and v}
        return [r for r in self.sim.receiver.postbacks if r.tracking_id in keys]

    def complete(self, timeout: Duration = 30.0) -> ScenarioRun:
        """Run the timeline to its end (virtual clock) or wait for it (real clock)."""
        self.sim.clock.run_until_idle(timeout)
        return self


class Simulator:
    """The platform of one test: ``platform`` (the :class:`MockPlatform`), ``receiver``,
    ``clock``, ``moderation``, and helpers to run scenarios and inject MO."""

    def __init__(
        self,
        platform: MockPlatform,
        receiver: Receiver,
        *,
        url: str | None = None,
        shared: bool = True,
        after_step: Callable[[], None] | None = None,
    ) -> None:
        self.platform = platform
        self.receiver = receiver
        self.url = url
        self.shared = shared
        #: in-process mode: the ``responses.RequestsMock`` in force (add your own mocks to it)
        self.responses: Any = None
        self.baseline: Settings = platform.settings
        self.clock = SimClock(self)
        self.moderation = Moderation(self)
        self._after_step = after_step or (lambda: None)
        receiver.after_step = self.after_step

    @property
    def api_url(self) -> str | None:
        """The control API's base URL (in-process: intercepted, ``http://mockserver.test``)."""
        return None if self.url is None else self.url + "/mock/api/v1"

    @property
    def settings(self) -> Settings:
        return self.platform.settings

    @property
    def seed(self) -> int | None:
        return self.platform.settings.seed

    def after_step(self) -> None:
        self._after_step()

    def reset(self, seed: int | None = None, **settings: Any) -> None:
        """Drop all state, restore the baseline settings with ``settings`` on top, re-seed."""
        self.platform.reset()
        target = dataclasses.replace(self.baseline, seed=seed, **settings)
        current = self.platform.settings
        changes = {
            f.name: getattr(target, f.name)
            for f in dataclasses.fields(target)
            if getattr(target, f.name) != getattr(current, f.name)
        }
        if changes:
            self.configure(**changes)
        self.platform.inbox.reseed(seed)
        self.receiver.clear()

    def configure(self, **settings: Any) -> Settings:
        """Change settings for this test (undone by the next reset)."""
        fixed = sorted(set(settings) & set(FIXED))
        if fixed and self.shared:
            raise ValueError(f"{', '.join(fixed)} cannot change on the shared live server; "
                             "set them in the ini options (mockserver_settings)")  # fmt: skip
        return self.platform.configure(**settings)

    def postbacks(self, limit: int = 1000, **filters: Any) -> list[dict[str, Any]]:
        """The delivery log, oldest first (filters: code, origin, tracking_id, state, run_id)."""
        return list(reversed(self.platform.postbacks(limit, **filters)))

    def scenario_names(
        self, kind: str | None = None, *, revision: str | None = None, flavor: str | None = None
    ) -> list[str]:
        """The scenarios (``kind`` mt or mo) that can be written in ``revision`` and ``flavor``
        (default: the settings'), built-in and from ``settings.scenarios`` folders."""
        revision = revision or self.settings.revision
        flavor = flavor or self.settings.flavor
        return [s["name"] for s in self.platform.scenarios()
                if (kind is None or s["kind"] == kind) and revision in s["revisions"]
                and flavor in s["flavors"]]  # fmt: skip

    def scenario(
        self,
        name: str,
        *,
        to: str | None = None,
        vars: dict[str, Any] | None = None,
        seed: int | None = None,
        revision: str | None = None,
        flavor: str | None = None,
        pin: str | list[str] | tuple[str, ...] = (),
        complete: bool = True,
    ) -> ScenarioRun:
        """Run scenario ``name`` against ``to`` (default: the postback URL setting). ``pin``
        names the ``choose`` branch(es) to take; ``complete`` runs it to its end."""
        pins = (pin,) if isinstance(pin, str) else tuple(pin)
        data = self.platform.run_scenario(name, vars, seed, to, flavor, revision=revision,
                                          pins=pins)  # fmt: skip
        run = ScenarioRun(self, data["run_id"], data["scenario"], data["seed"], data["flavor"],
                          data["revision"], dict(data["ids"]), list(data["postbacks"]),
                          list(data.get("choices", [])))  # fmt: skip
        return run.complete() if complete else run

    def send_sms_mo(
        self,
        text: str = "HELLO",
        *,
        sender: str = "16315551234",
        to: str = "60856",
        url: str | None = None,
        deliver: bool = True,
    ) -> dict[str, Any]:
        """A handset texts ``text`` to ``to``: an N211 postback (sent at once with
        ``deliver``); returns its postback id and fields."""
        result = self.platform.inbox.sms_mo(sender, to, text, url=url)
        if deliver:
            self.clock.flush()
        return result

    def send_mms_mo(
        self,
        files: list[str] | tuple[str, ...] = ("https://example.com/mo/photo.jpg",),
        *,
        sender: str = "16315551234",
        to: str = "60856",
        keyword: str | None = None,
        subject: str | None = None,
        url: str | None = None,
        moderation: bool | None = None,
        deliver: bool = True,
    ) -> dict[str, Any]:
        """A handset sends an MMS: an N401 postback, or a moderation item when moderation is
        on (``held``, ``moderation_id``); returns the result with its fields."""
        inbox = self.platform.inbox
        result = inbox.mms_mo(sender, to, list(files), keyword=keyword, subject=subject,
                              url=url, moderation=moderation)  # fmt: skip
        if deliver:
            self.clock.flush()
        return result
