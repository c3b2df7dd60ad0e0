"""HTTP delivery: one attempt of a postback, and a pool of worker threads making attempts.

An attempt succeeds on HTTP 200 (``success="2xx"``, a simulator option, accepts any 2xx);
anything else (another status, a timeout, a refused or reset connection, no URL) is a failure
that the timeline retries per the policy in ``Settings``.
"""

from __future__ import annotations

import http.client
import logging
import time
from collections.abc import Callable

from mockserver.config import Settings
from mockserver.engine.clock import Clock
from mockserver.engine.health import Health
from mockserver.engine.jobs import Attempt, Job
from mockserver.engine.journal import StartedJournal
from mockserver.engine.pool import WorkerPool
from mockserver.engine.transport import HttpTransport, Response, Transport

__all__ = ["Dispatcher", "HttpTransport", "Response", "Transport"]

log = logging.getLogger("mockserver.engine")
#: Sent with every attempt of a postback that may have reached the receiver before (re-sent
#: after a crash or kill -9): receivers may use it to de-duplicate, or ignore it.
DUPLICATE_HEADER = "X-Mockserver-Possible-Duplicate"
NO_URL = "no postback URL configured: set postback_url (or mo_postback_url for MO postbacks)"
STOPPING = "not sent: the delivery engine was stopping"


class Dispatcher:
    """Makes attempts, synchronously (``attempt``) or on worker threads (``submit``).

    With a ``journal``, every attempt is noted there just before it goes on the wire, and the
    runner calls ``finished`` once the outcomes are committed (see ``engine/journal.py``)."""

    def __init__(
        self,
        settings: Callable[[], Settings],
        clock: Clock,
        transport: Transport | None = None,
        health: Health | None = None,
        journal: StartedJournal | None = None,
    ) -> None:
        self._settings = settings
        self.journal = journal
        self._clock = clock
        self.transport: Transport = transport or HttpTransport()
        self.health = health or Health()
        self._on_done: Callable[[Attempt], None] | None = None
        self._pool: WorkerPool[Job] = WorkerPool(self._deliver, on_error=self._worker_failed)

    # -- one attempt --

    def attempt(self, job: Job) -> Attempt:
        settings = self._settings()
        url = job.url or settings.url_for(job.origin.endswith("_MO"))
        headers = {"Content-Type": job.content_type, "Content-Length": str(len(job.body))}
        if job.possible_duplicate:
            headers[DUPLICATE_HEADER] = "1"
        result = Attempt(
            postback_id=job.id,
            number=job.number,
            due=job.due,
            started=self._clock.now(),
            url=url,
            request_headers=headers,
            ok=False,
            possible_duplicate=job.possible_duplicate,
            message_key=job.message_key,
            generation=job.generation,
        )
        if url is None:
            result.error = NO_URL
            return result
        if self.journal is not None and not self.journal.started((job.id, job.number, job.due)):
            result.error = STOPPING
            return result
        started = time.perf_counter()
        try:
            self._send(result, url, job, settings)
        except Exception as exc:  # a fault of the engine, not of the receiver: logged, reported
            log.exception("delivery of postback %s failed inside the engine", job.id)
            self.health.fault("delivery worker", exc)
            result.ok = False
            result.error = f"engine error: {type(exc).__name__}: {exc}"
        else:
            self.health.clear("delivery worker")
        result.latency = time.perf_counter() - started
        return result

    def _send(self, result: Attempt, url: str, job: Job, settings: Settings) -> None:
        try:
            response = self.transport.send(url, job.body, result.request_headers, settings.timeout)
        except TimeoutError as exc:
            result.error = f"timeout after {settings.timeout:g} s ({exc or 'no answer'})"
        except (OSError, http.client.HTTPException, ValueError) as exc:
            result.error = f"{type(exc).__name__}: {exc}"
        else:
            _fill(result, response, settings.success)

    def finished(self, attempts: list[Attempt]) -> None:
        """The outcomes of ``attempts`` are committed to the store."""
        if self.journal is not None and attempts:
            self.journal.finished((a.postback_id, a.number, a.due) for a in attempts)

    # -- worker pool --

    def start(self, workers: int, on_done: Callable[[Attempt], None]) -> None:
        """Deliver submitted jobs on up to ``workers`` threads (see ``engine/pool.py``)."""
        self._on_done = on_done
        self._pool.start(workers)

    def submit(self, job: Job) -> None:
        self._pool.submit(job)

    def backlog(self) -> int:
        """Jobs submitted and not yet taken by a worker (approximate)."""
        return self._pool.backlog()

    @property
    def in_flight(self) -> int:
        return self._pool.busy

    @property
    def workers(self) -> int:
        return self._pool.workers

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no attempt is queued or running; False if ``timeout`` ran out."""
        return self._pool.wait_idle(timeout)

    def stop(self, timeout: float) -> bool:
        """Finish queued and running attempts (at most ``timeout`` s), then end the workers."""
        return self._pool.stop(timeout)

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()
        self.transport.close()

    def _worker_failed(self, job: Job, exc: Exception) -> None:
        """Last resort (the pool logged it): the job's attempt ends with the error."""
        self.health.fault("delivery worker", exc)
        if self._on_done is not None:
            self._on_done(_engine_failure(job, exc, self._clock.now()))

    def _deliver(self, job: Job) -> None:
        result = self.attempt(job)
        if self._on_done is not None:
            self._on_done(result)


def _fill(result: Attempt, response: Response, success: str) -> None:
    result.status = response.status
    result.response_headers = response.headers
    result.response_body = response.body
    result.truncated = response.truncated
    if success == "2xx":
        result.ok = 200 <= response.status < 300
    else:
        result.ok = response.status == 200
    if not result.ok:
        result.error = f"HTTP {response.status} (success is {success})"


def _engine_failure(job: Job, exc: Exception, now: float) -> Attempt:
    return Attempt(
        postback_id=job.id, number=job.number, due=job.due, started=now, url=job.url,
        request_headers={}, ok=False, error=f"engine error: {type(exc).__name__}: {exc}",
        possible_duplicate=job.possible_duplicate, message_key=job.message_key,
        generation=job.generation,
    )  # fmt: skip
