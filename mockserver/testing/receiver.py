"""``Receiver``: every postback request the simulator made, with waits and assertions whose
failures list what did arrive and the closest misses.

It records at the transport, so it sees every attempt to every URL: to its own capture endpoint
(``url``, answered from ``respond(...)``), to an app in-process, or to an app's live server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from mockserver.testing.durations import Duration, format_seconds, seconds
from mockserver.testing.received import Match, Received, listing, near_misses
from mockserver.wire.errors import WireError
from mockserver.wire.parse import parse_many

if TYPE_CHECKING:
    from mockserver.platform import MockPlatform

#: How long ``wait_for`` waits on the real clock when no timeout is given (real seconds).
REAL_TIMEOUT = 10.0
Reply = tuple[int, bytes]


class ReceiverError(AssertionError):
    """A wait or an assertion of the receiver failed; the message lists what arrived."""


class Receiver:
    def __init__(self, url: str = "") -> None:
        self.url = url
        self._items: list[Received] = []
        self._cond = threading.Condition()
        self._plan: list[Reply] = []
        self._platform: MockPlatform | None = None
        self.start = 0.0
        self.after_step: Callable[[], None] = lambda: None

    def attach(self, platform: MockPlatform) -> None:
        self._platform = platform
        self.start = platform.now()

    @property
    def platform(self) -> MockPlatform:
        if self._platform is None:
            raise RuntimeError("this receiver is not attached to a platform")
        return self._platform

    # -- recording (called by the transport, on any thread) --

    def record(
        self,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        status: int | None,
        error: str | None,
        ok: bool,
        latency: float = 0.0,
    ) -> Received:
        entries: tuple[Any, ...] = ()
        problem = None
        try:
            entries = tuple(e.postback for e in parse_many(body, headers.get("Content-Type")))
        except (WireError, ValueError) as exc:
            problem = str(exc)
        at = self._platform.now() if self._platform is not None else time.time()
        with self._cond:
            item = Received(len(self._items) + 1, url, body, dict(headers), at, status, error,
                            entries, problem, ok, latency)  # fmt: skip
            self._items.append(item)
            self._cond.notify_all()
        return item

    # -- the capture endpoint's answers --

    def respond(self, *replies: int | tuple[int, bytes | str]) -> None:
        """Program the capture endpoint's answers: one per request, the last repeating
        (``respond(500, 200)``: a failure, then success). Default: 200 "OK"."""
        plan = [(r, b"OK") if isinstance(r, int) else (r[0], _bytes(r[1])) for r in replies]
        with self._cond:
            self._plan = plan

    def next_reply(self) -> Reply:
        with self._cond:
            if not self._plan:
                return 200, b"OK"
            return self._plan.pop(0) if len(self._plan) > 1 else self._plan[0]

    def clear(self) -> None:
        """Forget what was received and the programmed answers (done before every test)."""
        with self._cond:
            self._items = []
            self._plan = []
        if self._platform is not None:
            self.start = self._platform.now()

    # -- looking --

    @property
    def postbacks(self) -> list[Received]:
        """Every request received, in order of arrival (retries included)."""
        with self._cond:
            return list(self._items)

    def received(
        self,
        code: str | Iterable[str] | None = None,
        *,
        tracking_id: str | None = None,
        url: str | None = None,
        ok: bool | None = None,
        **fields: Any,
    ) -> list[Received]:
        """The requests that match (``url``: a full URL or a path)."""
        wanted = Match.of(code, tracking_id, url, ok, fields)
        return [item for item in self.postbacks if wanted.matches(item)]

    def codes(self, *, tracking_id: str | None = None, accepted: bool = True) -> list[str]:
        """Codes in order of arrival; ``accepted=False`` counts every attempt, not only those
        the receiver answered with success."""
        wanted = Match.of(tracking_id=tracking_id, ok=True if accepted else None)
        return [c for item in self.postbacks if wanted.matches(item) for c in item.codes]

    def wait_for(
        self,
        code: str | Iterable[str] | None = None,
        *,
        tracking_id: str | None = None,
        count: int = 1,
        timeout: Duration | None = None,
        url: str | None = None,
        ok: bool | None = None,
        **fields: Any,
    ) -> list[Received]:
        """Wait until ``count`` matching requests have arrived; returns them all.

        Virtual clock: moves platform time on, due postback by due postback, until they have
        arrived, at most ``timeout`` of platform time (default: until nothing is scheduled).
        Real clock: waits ``timeout`` real seconds (default 10). A :class:`ReceiverError` lists
        what arrived and the closest misses."""
        wanted = Match.of(code, tracking_id, url, ok, fields)
        if self._platform is not None and self._platform.clock.virtual:
            found = self._drive(wanted, count, timeout)
            waited = f"{format_seconds(seconds(timeout))} of platform time" if timeout else (
                "until nothing more was scheduled")  # fmt: skip
        else:
            limit = REAL_TIMEOUT if timeout is None else seconds(timeout, "timeout")
            found = self._wait_real(wanted, count, limit)
            waited = f"{format_seconds(limit)} (real clock)"
        if len(found) >= count:
            return found
        raise self._failure(f"waited {waited} for {count} postback(s) matching "
                            f"{wanted.describe()}; {len(found)} arrived", wanted)  # fmt: skip

    def _drive(self, wanted: Match, count: int, timeout: Duration | None) -> list[Received]:
        platform = self.platform
        deadline = None if timeout is None else platform.now() + seconds(timeout, "timeout")
        while True:
            found = [item for item in self.postbacks if wanted.matches(item)]
            if len(found) >= count:
                return found
            due = platform.store.next_due()
            if due is None or (deadline is not None and due > deadline):
                if deadline is not None and deadline > platform.now():
                    platform.advance(deadline - platform.now())
                    self.after_step()
                return [item for item in self.postbacks if wanted.matches(item)]
            platform.advance(max(0.0, due - platform.now()))
            self.after_step()

    def _wait_real(self, wanted: Match, count: int, limit: float) -> list[Received]:
        end = time.monotonic() + limit
        with self._cond:
            while True:
                found = [item for item in self._items if wanted.matches(item)]
                left = end - time.monotonic()
                if len(found) >= count or left <= 0:
                    return found
                self._cond.wait(min(left, 0.5))

    # -- assertions --

    def assert_codes(
        self, expected: Iterable[str], *, tracking_id: str | None = None, accepted: bool = True
    ) -> None:
        """The codes received (and accepted, unless ``accepted=False``), in order, are exactly
        ``expected``."""
        expected = list(expected)
        got = self.codes(tracking_id=tracking_id, accepted=accepted)
        if got != expected:
            scope = f" for tracking_id={tracking_id!r}" if tracking_id else ""
            raise self._failure(f"expected codes {expected}{scope}, received {got}",
                                Match.of(tracking_id=tracking_id))  # fmt: skip

    def assert_received(
        self,
        code: str | Iterable[str] | None = None,
        *,
        count: int | None = None,
        tracking_id: str | None = None,
        **fields: Any,
    ) -> list[Received]:
        """At least one (or exactly ``count``) matching request arrived; returns them."""
        wanted = Match.of(code, tracking_id, fields=fields)
        found = [item for item in self.postbacks if wanted.matches(item)]
        if (count is None and not found) or (count is not None and len(found) != count):
            want = "at least 1" if count is None else f"exactly {count}"
            raise self._failure(f"expected {want} postback(s) matching {wanted.describe()}, "
                                f"found {len(found)}", wanted)  # fmt: skip
        return found

    def assert_not_received(self, code: str | Iterable[str] | None = None, **fields: Any) -> None:
        wanted = Match.of(code, fields=fields)
        found = [item for item in self.postbacks if wanted.matches(item)]
        if found:
            numbers = ", ".join(f"#{i.number}" for i in found)
            raise self._failure(f"expected no postback matching {wanted.describe()}, "
                                f"found {numbers}", None)  # fmt: skip

    def assert_within(
        self, bound: Duration, code: str | Iterable[str] | None = None, *,
        tracking_id: str | None = None, since: float | None = None,
    ) -> None:  # fmt: skip
        """Every matching request (at least one) arrived at most ``bound`` of platform time
        after ``since`` (default: the start of the test)."""
        limit = seconds(bound, "bound")
        origin = self.start if since is None else since
        wanted = Match.of(code, tracking_id)
        found = [item for item in self.postbacks if wanted.matches(item)]
        late = [item for item in found if item.at - origin > limit]
        if not found or late:
            what = "none arrived" if not found else "late: " + ", ".join(
                f"#{i.number} after {format_seconds(i.at - origin)}" for i in late)  # fmt: skip
            raise self._failure(f"expected postbacks matching {wanted.describe()} within "
                                f"{format_seconds(limit)}; {what}", wanted)  # fmt: skip

    def assert_no_duplicates(self, *, tracking_id: str | None = None) -> None:
        """No postback was accepted twice (same body accepted more than once; retries of a
        refused attempt are not duplicates)."""
        seen: dict[bytes, Received] = {}
        dupes: list[str] = []
        for item in self.received(tracking_id=tracking_id, ok=True):
            first = seen.setdefault(item.body, item)
            if first is not item:
                dupes.append(f"#{item.number} repeats #{first.number} ({item.code})")
        if dupes:
            raise self._failure("duplicate postbacks accepted: " + "; ".join(dupes), None)

    def assert_answered_within(self, limit: Duration = 10.0) -> None:
        """Every request was answered (any status) within ``limit`` real seconds: the platform
        gives up on a receiver after its ``timeout`` (10 s) and retries."""
        bound = seconds(limit, "limit")
        slow = [i for i in self.postbacks if i.status is None or i.latency > bound]
        if slow:
            what = "; ".join(f"#{i.number} " + (f"took {i.latency:.3f} s" if i.status is not None
                             else f"unanswered ({i.error})") for i in slow)  # fmt: skip
            raise self._failure(f"expected every answer within {bound:g} s: {what}", None)

    def _failure(self, headline: str, wanted: Match | None) -> ReceiverError:
        items = self.postbacks
        parts = [headline, listing(items, self.start)]
        if wanted is not None:
            misses = near_misses(items, wanted, self.start)
            if misses:
                parts.append(misses)
        return ReceiverError("\n".join(parts))


def _bytes(body: bytes | str) -> bytes:
    return body.encode() if isinstance(body, str) else body
