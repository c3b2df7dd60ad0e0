"""The send API's backend: one call in (raw request data), one reply out, logged.

``SendService.call(raw)`` parses with the wire layer, checks the API key and the rate limit,
picks the outcome (magic number, routing rule, default), applies a fault or runs the action,
renders the reply and logs the call. It never raises for a request: an unexpected error
becomes a Failure reply (E503) and is logged.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockserver.api_rules import Fault, Outcome, Rule, magic_outcome, parse_rules
from mockserver.runs import Run, forget_run
from mockserver.sends.actions import ACTION_HANDLERS
from mockserver.sends.calls import CallLog, CallRecord, request_record
from mockserver.sends.group import GroupWriter
from mockserver.sends.limits import RateLimiter
from mockserver.sends.saved import SavedContent
from mockserver.wire.api import (
    ApiFailure,
    ApiRequest,
    check_size,
    parse_request,
    render_reply,
)

if TYPE_CHECKING:
    from mockserver.platform import MockPlatform

log = logging.getLogger("mockserver.api")

#: The first ids handed out on a fresh data folder (the documents' example values).
FIRST_IDS = {"sms": 767867, "mms": 597879, "mmsid": 35674, "scheduled": 12346}
_HTTP_FAULT_STATUS = {"http-500": 500, "http-503": 503, "http-429": 429}
_HTTP_TEXT = {500: "Internal Server Error", 503: "Service Unavailable", 429: "Too Many Requests"}


@dataclass(frozen=True)
class RawCall:
    """A request as received: what the blueprint (or a fast lane) hands in."""

    dialect: str
    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    query_string: str = ""
    content_length: int | None = None


@dataclass(frozen=True)
class ApiReply:
    """What to answer: ``status``/``body``/``content_type``/``headers``; ``delay`` real
    seconds to wait first (slow reply); ``drop``: close the connection without a reply, after
    ``delay`` (a timeout is a long delay, then a drop)."""

    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    drop: bool = False
    call_id: int = 0


class SendService:
    """The platform API's backend, held by ``MockPlatform.api``."""

    def __init__(self, platform: MockPlatform) -> None:
        self.platform = platform
        self.calls = CallLog(platform.store)
        self.saved = SavedContent(platform.store)
        self._lock = threading.Lock()
        self._counters = {**FIRST_IDS, **self.calls.counters()}
        self.rng = random.Random(platform.settings.seed)
        clock = platform.clock
        self.limiter = RateLimiter(clock.now if clock.virtual else time.monotonic)
        self._closing = threading.Event()
        self._rules: tuple[object, tuple[Rule, ...]] = ((), ())
        self._group: GroupWriter[tuple[int, CallRecord]] = GroupWriter(
            platform.store, self._announce
        )

    # -- one call --

    def call(self, raw: RawCall) -> ApiReply:
        """Answer one request (never raises for a request's content)."""
        record = CallRecord(self.platform.now(), raw.dialect, request_record(
            raw.method, raw.path, raw.query_string, raw.content_type, raw.body))  # fmt: skip
        used: dict[str, int] = {}
        try:
            reply = self._handle(raw, record, used)
        except Exception as exc:  # a bug: still a Failure reply, and in the log
            log.exception("platform API: unexpected error on %s %s", raw.method, raw.path)
            failure = ApiFailure("E503", f"the simulator failed on this request: {exc!r}")
            reply = self._failure(record, failure, raw.dialect)
        call_id, _ = self._group.submit(lambda: self._store(record, used))
        return ApiReply(reply.status, reply.body, reply.content_type, reply.headers,
                        reply.delay, reply.drop, call_id)  # fmt: skip

    def _store(self, record: CallRecord, used: dict[str, int]) -> tuple[int, CallRecord]:
        """Inside the group's transaction: the call's runs, then its log entry. A run that
        cannot be stored is noted in the entry (as one that cannot start)."""
        with self.platform.store.transaction() as db:  # nested in the group's
            for run in list(record.runs):
                db.execute("SAVEPOINT run")
                try:
                    self.platform.store_run(run)
                except Exception as exc:
                    db.execute("ROLLBACK TO run")
                    self._not_stored(record, run, exc)
                db.execute("RELEASE run")
        return self.calls.add(record, used), record

    def _not_stored(self, record: CallRecord, run: Run, exc: Exception) -> None:
        log.warning("platform API: could not store run %s: %s", run.id, exc)
        record.runs.remove(run)
        record.run_ids.remove(run.id)
        forget_run(self.platform, run)
        note = f"run {run.id} could not be stored: {exc}"
        record.detail = f"{record.detail}; {note}" if record.detail else note

    def _announce(self, stored: list[tuple[int, CallRecord]]) -> None:
        """After a group commit: the scheduler learns of the postbacks (once for the batch),
        then the subscribers of each run and each call."""
        pending = [pair for _, record in stored for run in record.runs for pair in run.pending]
        if pending:
            self.platform.announce([i for i, _ in pending], [p for _, p in pending])
        for call_id, record in stored:
            for run in record.runs:
                self.platform.run_started(run)
            self.platform.publish({"type": "api.call", "id": call_id, "time": record.created,
                                   "action": record.action, "outcome": record.outcome,
                                   "code": record.code, "http_status": record.http_status,
                                   "tracking_id": record.tracking_id, "mmsid": record.mmsid,
                                   "run_ids": record.run_ids})  # fmt: skip

    def _handle(self, raw: RawCall, record: CallRecord, used: dict[str, int]) -> ApiReply:
        s = self.platform.settings
        try:
            check_size(raw.content_length, s.api_max_bytes)
            request = parse_request(raw.method, raw.query, raw.form, raw.body, raw.content_type,
                                    raw.dialect, headers=raw.headers, revision=s.revision,
                                    max_bytes=s.api_max_bytes)  # fmt: skip
        except ApiFailure as failure:
            return self._failure(record, failure, raw.dialect)
        record.action, record.api_key = request.action, request.api_key
        refused = self._refuse(request, record)
        if refused is not None:
            return refused
        outcome = self.route(request)
        record.source = outcome.source
        fault = outcome.fault
        if fault is not None and fault.kind != "slow":
            return self._fault(record, request, fault, outcome.source)
        try:
            success = ACTION_HANDLERS[request.action](self, request, outcome, record, used)
        except ApiFailure as failure:
            return self._failure(record, failure.with_context(request.action, request.to),
                                 raw.dialect)  # fmt: skip
        record.outcome = "success"
        record.tracking_id = success.values.get("TRACKINGID")
        record.mmsid = success.values.get("MMSID")
        body, content_type = render_reply(success, raw.dialect, s.revision)
        record.reply = body
        delay = fault.delay * self.platform.clock.time_scale if fault is not None else 0.0
        return ApiReply(200, body, content_type, delay=min(delay, 30.0))

    def _refuse(self, request: ApiRequest, record: CallRecord) -> ApiReply | None:
        """The API key check and the rate limit."""
        s = self.platform.settings
        if s.api_keys and request.api_key not in s.api_keys:
            detail = "this API key is not in the api_keys setting; use one of the configured keys"
            failure = ApiFailure("E104", detail, action=request.action, to=request.to)
            return self._failure(record, failure, request.dialect)
        if self.limiter.allow(request.api_key, s.api_rate_limit):
            return None
        record.source = "rate limit"
        detail = f"more than {s.api_rate_limit:g} requests/s with this API key (api_rate_limit)"
        if s.api_rate_limit_reply == "429":
            after = self.limiter.retry_after(request.api_key, s.api_rate_limit)
            record.detail = detail
            return self._http(record, 429, (("Retry-After", str(after)),))
        code = s.api_rate_limit_reply
        x = f"{1 / s.api_rate_limit:g}" if code == "E106" else None
        failure = ApiFailure(code, detail, x=x, action=request.action, to=request.to)
        return self._failure(record, failure, request.dialect)

    # -- routing --

    def rules(self) -> tuple[Rule, ...]:
        raw = self.platform.settings.api_routes
        if self._rules[0] is not raw:
            self._rules = (raw, parse_rules(raw))
        return self._rules[1]

    def route(self, request: ApiRequest) -> Outcome:
        """The outcome of a request: a magic TO number, else the first matching routing rule
        (one with a ``probability`` applies to that share of requests, seeded), else the
        action's default."""
        s = self.platform.settings
        if s.api_magic_numbers:
            magic = magic_outcome(request.action, request.to)
            if magic is not None:
                return magic
        values = {
            "to": request.recipients or ((request.to,) if request.to else ()),
            "from": tuple(v for v in (request.get("FROM"),) if v),
            "carrier": tuple(v for v in (request.get("OPERATORID"),) if v),
            "content": tuple(p.url for slide in request.slides for p in slide.parts),
        }
        for rule in self.rules():
            if not rule.matches(request.action, values):
                continue
            if rule.outcome.probability >= 1.0 or self.roll() < rule.outcome.probability:
                return rule.outcome
        return Outcome(source="default")

    def roll(self) -> float:
        with self._lock:
            return self.rng.random()

    def next_id(self, name: str, used: dict[str, int]) -> int:
        with self._lock:
            value = self._counters[name]
            self._counters[name] = value + 1
        used[name] = value + 1
        return value

    # -- replies --

    def _fault(
        self, record: CallRecord, request: ApiRequest, fault: Fault, source: str
    ) -> ApiReply:
        record.detail = f"{source} asks for the fault {fault.kind}"
        if fault.is_error_code:
            failure = ApiFailure(fault.kind, record.detail, action=request.action, to=request.to)
            return self._failure(record, failure, request.dialect)
        if fault.kind in _HTTP_FAULT_STATUS:
            status = _HTTP_FAULT_STATUS[fault.kind]
            headers = (("Retry-After", str(fault.retry_after)),) if status == 429 else ()
            return self._http(record, status, headers)
        record.outcome, record.http_status = "fault", 0
        wait = self.platform.settings.api_timeout if fault.kind == "timeout" else 0.0
        return ApiReply(0, b"", "", delay=wait, drop=True)

    def _http(
        self, record: CallRecord, status: int, headers: tuple[tuple[str, str], ...]
    ) -> ApiReply:
        body = f"{status} {_HTTP_TEXT[status]}\n".encode()
        record.outcome, record.http_status, record.reply = "fault", status, body
        return ApiReply(status, body, "text/plain; charset=utf-8", headers)

    def _failure(self, record: CallRecord, failure: ApiFailure, dialect: str) -> ApiReply:
        body, content_type = render_reply(failure, dialect, self.platform.settings.revision)
        record.outcome, record.code, record.reply = "failure", failure.code, body
        record.detail = failure.detail
        record.action = record.action or failure.action
        return ApiReply(200, body, content_type)

    # -- waiting, life cycle --

    def wait(self, seconds: float) -> None:
        """Sleep for a slow reply or a timeout; ends early when the platform closes."""
        if seconds > 0:
            self._closing.wait(seconds)

    def close(self) -> None:
        self._closing.set()

    def reset(self) -> None:
        self.calls.reset()
        self.limiter.reset()
        with self._lock:
            self._counters = dict(FIRST_IDS)

    # -- reading back --

    def call_log(self, limit: int = 100, offset: int = 0, **filters: Any) -> list[dict[str, Any]]:
        return self.calls.list(limit, offset, **filters)

    def call_entry(self, call_id: int) -> dict[str, Any] | None:
        return self.calls.get(call_id)
