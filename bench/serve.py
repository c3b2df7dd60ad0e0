"""Benchmark: control API under load, `mockserver serve` as a real subprocess (127.0.0.1 only).

    /work/venv/bin/python bench/serve.py [--count 20000] [--connections 16] [--threads 16]
                                         [--workers 8] [--deadline 120]

Figures measured in the same run, with the same client and the same receiver process:
  baseline   the client against a trivial waitress WSGI app (same --threads) that answers
             every POST with 201 and a fixed JSON body: the ceiling of waitress + client here
  simulator  the client against `mockserver serve` (real SQLite in a temp --data-dir,
             --postback-url to bench/_receiver.py): POST /mock/api/v1/mo/sms, each injection
             scheduling an N211 postback that the engine delivers to the receiver
The client is asyncio on raw sockets: --connections keep-alive connections, one request in
flight on each (no pipelining). "accepted/s" counts 201s over the time the client ran;
"delivered/s" counts postbacks in state delivered (read from the server's SQLite file, and
checked once through GET /mock/api/v1/postbacks at the end) from the first request until the
last one was delivered. Target: >= 1,500 injections/s accepted and every postback delivered.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _receiver import ReceiverProcess

TARGET = 1_500
MO_PATH = "/mock/api/v1/mo/sms"
_BANNER = re.compile(r"listening on http://[^:]+:(\d+)")
_TICKS = os.sysconf("SC_CLK_TCK")


# -- the client --------------------------------------------------------------------------------


def requests_for(count: int, first: int = 0) -> list[bytes]:
    """Ready-made HTTP/1.1 requests: SMS MO injections from distinct senders."""
    out = []
    for n in range(first, first + count):
        body = json.dumps(
            {"from": f"1555{n:07d}", "to": "60856", "text": f"bench message {n}"}
        ).encode()
        head = (
            f"POST {MO_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        out.append(head + body)
    return out


class Conn(asyncio.Protocol):
    """One keep-alive connection: sends the next request when the reply is complete."""

    def __init__(self, work: list[bytes], done: asyncio.Future[None], tally: Tally) -> None:
        self.work, self.done, self.tally = work, done, tally
        self.buf = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._next()

    def _next(self) -> None:
        assert self.transport is not None
        if not self.work:
            self.transport.close()
            if not self.done.done():
                self.done.set_result(None)
            return
        self.transport.write(self.work.pop())

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buf[:end]
            at = head.lower().find(b"\r\ncontent-length:")
            stop = head.find(b"\r\n", at + 2)
            length = int(head[at + 17 : stop if stop >= 0 else None]) if at >= 0 else 0
            if len(self.buf) < end + 4 + length:
                return
            status = int(head[9:12])
            self.buf = self.buf[end + 4 + length :]
            self.tally.count(status)
            self._next()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            if self.work:
                self.done.set_exception(ConnectionError(f"connection lost: {exc}"))
            else:
                self.done.set_result(None)


@dataclass
class Tally:
    ok: int = 0
    other: int = 0
    first_other: int = 0
    ok_status: int = 201  # what counts as accepted (the send API answers 200)

    def count(self, status: int) -> None:
        if status == self.ok_status:
            self.ok += 1
        else:
            self.other += 1
            self.first_other = self.first_other or status


@dataclass
class ClientRun:
    accepted: int
    rejected: int
    first_bad_status: int
    seconds: float
    cpu: float  # client process CPU seconds while it ran

    @property
    def rate(self) -> float:
        return self.accepted / self.seconds


def run_client(port: int, work: list[bytes], connections: int, ok_status: int = 201) -> ClientRun:
    """Spread ``work`` over ``connections`` connections; wait until every reply is in."""

    async def main() -> ClientRun:
        loop = asyncio.get_running_loop()
        tally = Tally(ok_status=ok_status)
        shares = [work[i::connections] for i in range(connections)]
        futures = [loop.create_future() for _ in shares]
        cpu0, start = time.process_time(), time.perf_counter()
        for share, done in zip(shares, futures, strict=True):
            await loop.create_connection(
                functools.partial(Conn, share, done, tally), "127.0.0.1", port
            )
        await asyncio.wait_for(asyncio.gather(*futures), timeout=600)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu0
        return ClientRun(tally.ok, tally.other, tally.first_other, seconds, cpu)

    return asyncio.run(main())


# -- processes ---------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, all threads (Linux /proc)."""
    return sum(cpu_split(pid))


def cpu_split(pid: int) -> tuple[float, float]:
    """(utime, stime) of a process in seconds, all threads (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / _TICKS, int(fields[12]) / _TICKS


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (Linux /proc), e.g. serve's delivery process."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def tree_cpu(pid: int) -> dict[int, tuple[float, float]]:
    """(utime, stime) of ``pid`` and each of its children, by pid."""
    return {p: cpu_split(p) for p in (pid, *children(pid))}


def cpu_used(before: dict[int, tuple[float, float]], after: dict[int, tuple[float, float]]
             ) -> dict[int, tuple[float, float]]:  # fmt: skip
    """CPU (user, system) each process used between two ``tree_cpu`` readings."""
    zero = (0.0, 0.0)
    return {p: (u - before.get(p, zero)[0], k - before.get(p, zero)[1])
            for p, (u, k) in after.items()}  # fmt: skip


class Child:
    """A subprocess that prints a line naming its port, read on a thread."""

    def __init__(self, command: list[str], pattern: re.Pattern[str], timeout: float = 30) -> None:
        self.lines: list[str] = []
        self.port = 0
        self._ready = threading.Event()
        self._pattern = pattern
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")},
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._ready.wait(timeout) or not self.port:
            self.stop()
            raise RuntimeError("child did not start:\n" + "".join(self.lines))

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            match = self._pattern.search(line)
            if match and not self.port:
                self.port = int(match.group(1))
                self._ready.set()
        self._ready.set()

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self._reader.join(5)
            for pipe in (self.proc.stdin, self.proc.stdout):
                if pipe is not None:
                    pipe.close()


# -- the baseline server -------------------------------------------------------------------------

BASELINE_BODY = json.dumps(
    {
        "postback_id": 1,
        "fields": {
            "FROM": "15550000000",
            "TO": "60856",
            "TEXT": "bench",
            "RECEIVED": "2026-01-01 00:00:00",
            "TRANSACTIONID": "ABCDE-FGHIJ-KLMNO-PQRST",
        },
    }
).encode()


def trivial_app(status: str, content_type: str, body: bytes) -> Any:
    """A WSGI app that reads each request and answers ``body``: the baseline's server."""
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]

    def app(environ: dict[str, object], start_response: Any) -> list[bytes]:
        stream: Any = environ["wsgi.input"]
        stream.read(int(str(environ.get("CONTENT_LENGTH") or 0)))
        start_response(status, headers)
        return [body]

    return app


baseline_app = trivial_app("201 CREATED", "application/json", BASELINE_BODY)


def serve_baseline(threads: int, app: Any = None) -> None:
    """``--baseline-server N``: a trivial app (this bench's by default) on waitress until
    stdin closes."""
    import waitress

    app = app or baseline_app
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads)
    print(f"baseline listening on http://127.0.0.1:{server.effective_port}", flush=True)
    threading.Thread(target=server.run, daemon=True).start()
    sys.stdin.read()
    server.close()


# -- the measurements ------------------------------------------------------------------------------


@dataclass
class Result:
    client: ClientRun
    server_cpu: float
    server_sys: float  # of which in the kernel
    delivered: int = 0
    delivered_seconds: float = 0.0  # first request -> last postback delivered
    receiver_cpu: float = 0.0
    drain_seconds: float = 0.0  # after the client finished, until all were delivered
    delivery_cpu: float = 0.0  # of server_cpu, in serve's child (delivery) processes

    @property
    def delivered_rate(self) -> float:
        return self.delivered / self.delivered_seconds if self.delivered_seconds else 0.0


def baseline(args: argparse.Namespace) -> Result:
    command = [sys.executable, __file__, "--baseline-server", str(args.threads)]
    child = Child(command, _BANNER)
    try:
        run_client(child.port, requests_for(args.warmup), args.connections)
        user0, sys0 = cpu_split(child.proc.pid)
        run = run_client(child.port, requests_for(args.count), args.connections)
        user1, sys1 = cpu_split(child.proc.pid)
        return Result(run, user1 + sys1 - user0 - sys0, sys1 - sys0)
    finally:
        child.stop()


def delivered_count(db: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        row = conn.execute("SELECT COUNT(*) FROM postbacks WHERE state = 'delivered'").fetchone()
    conn.close()
    return int(row[0])


def wait_delivered(db: str, want: int, deadline: float) -> tuple[int, float]:
    """Poll until ``want`` postbacks are delivered; (count, monotonic time it was reached)."""
    got = delivered_count(db)
    while got < want and time.monotonic() < deadline:
        time.sleep(0.02)
        got = delivered_count(db)
    return got, time.monotonic()


def simulator(args: argparse.Namespace, receiver: ReceiverProcess) -> Result:
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as data_dir:
        command = [
            sys.executable, "-m", "mockserver", "serve", "--port", "0",
            "--data-dir", data_dir, "--postback-url", receiver.url,
            "--threads", str(args.threads), "--workers", str(args.workers), *args.serve_arg,
        ]  # fmt: skip
        child = Child(command, _BANNER)
        db = str(Path(data_dir) / "mockserver.sqlite3")
        try:
            warm = run_client(child.port, requests_for(args.warmup, 10**6), args.connections)
            got, _ = wait_delivered(db, warm.accepted, time.monotonic() + 30)
            assert got == warm.accepted, f"warm-up: {got} of {warm.accepted} delivered"
            if args.profile:
                spy = profile(child.proc.pid, args.profile)
            cpu0, rcpu0 = tree_cpu(child.proc.pid), cpu_seconds(receiver.proc.pid)
            start = time.monotonic()
            run = run_client(child.port, requests_for(args.count), args.connections)
            finished = time.monotonic()
            want = warm.accepted + run.accepted
            got, reached = wait_delivered(db, want, finished + args.deadline)
            used = cpu_used(cpu0, tree_cpu(child.proc.pid))
            result = Result(
                run,
                sum(u + k for u, k in used.values()),
                sum(k for _, k in used.values()),
                got - warm.accepted,
                reached - start,
                cpu_seconds(receiver.proc.pid) - rcpu0,
                reached - finished,
                sum(u + k for p, (u, k) in used.items() if p != child.proc.pid),
            )
            if args.profile:
                spy.wait()
            check_api(child.port, want)
            return result
        finally:
            child.stop()


def check_api(port: int, want: int) -> None:
    """Cross-check through the control API: the newest postback is delivered and numbered
    ``want`` (ids count from 1 in a fresh store)."""
    url = f"http://127.0.0.1:{port}/mock/api/v1/postbacks?limit=1"
    with urllib.request.urlopen(url, timeout=10) as reply:
        newest = json.load(reply)["postbacks"][0]
    assert newest["id"] == want, f"newest postback is {newest['id']}, expected {want}"
    assert newest["state"] == "delivered", newest


def profile(pid: int, out: str) -> subprocess.Popen[bytes]:
    """py-spy for the first 10 s of the measured run (``--profile FILE.svg|.txt``)."""
    spy = str(Path(sys.executable).with_name("py-spy"))
    fmt = "raw" if out.endswith(".txt") else "flamegraph"
    command = [spy, "record", "--pid", str(pid), "--duration", "10", "--rate", "200",
               "--format", fmt, "--output", out, "--nonblocking", "--gil"]  # fmt: skip
    spy_proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return spy_proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000, help="injections measured")
    parser.add_argument("--warmup", type=int, default=1_000, help="injections before measuring")
    parser.add_argument("--connections", type=int, default=16, help="client connections")
    parser.add_argument("--threads", type=int, default=16, help="serve --threads (waitress)")
    parser.add_argument("--workers", type=int, default=8, help="serve --workers (delivery)")
    parser.add_argument(
        "--deadline",
        type=float,
        default=120.0,
        help="seconds to wait for the postbacks after the client is done",
    )
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument(
        "--serve-arg", action="append", default=[], metavar="ARG",
        help="one more argument for serve (repeat: --serve-arg=--clock --serve-arg=virtual)",
    )  # fmt: skip
    parser.add_argument("--profile", metavar="FILE", help="py-spy record the server to FILE")
    args = parser.parse_args()

    base = None if args.skip_baseline else baseline(args)
    with ReceiverProcess() as receiver:
        sim = simulator(args, receiver)

    c = args.connections
    print(
        f"box: {os.cpu_count()} CPUs; client: asyncio raw sockets, {c} keep-alive connections;"
        f" server: --threads {args.threads} --workers {args.workers}; {args.count} requests"
    )
    if base is not None:
        b = base.client
        print(
            f"baseline (trivial waitress app, 201 + fixed JSON): {b.rate:8.0f} requests/s "
            f"(server CPU {base.server_cpu / b.seconds:.2f} cores = "
            f"{base.server_cpu / b.accepted * 1e6:.0f} us/request, "
            f"{base.server_sys / base.server_cpu:.0%} kernel; client {b.cpu / b.seconds:.2f} cores)"
        )
    s = sim.client
    print(
        f"simulator accepted (201):                         {s.rate:8.0f} injections/s "
        f"({s.accepted} in {s.seconds:.2f} s)"
    )
    print(
        f"  server CPU {sim.server_cpu / sim.delivered_seconds:.2f} cores = "
        f"{sim.server_cpu / s.accepted * 1e6:.0f} us/injection incl. its delivery, "
        f"{sim.server_sys / sim.server_cpu:.0%} kernel; client {s.cpu / s.seconds:.2f} cores"
    )
    print(
        f"    of which the delivery process {sim.delivery_cpu / sim.delivered_seconds:.2f} "
        f"cores = {sim.delivery_cpu / s.accepted * 1e6:.0f} us/postback"
    )
    if s.rejected:
        print(f"  {s.rejected} requests answered with another status (first: {s.first_bad_status})")
    print(
        f"simulator delivered, end to end:                  {sim.delivered_rate:8.0f} postbacks/s "
        f"({sim.delivered} of {s.accepted} in {sim.delivered_seconds:.2f} s; "
        f"{sim.drain_seconds:.2f} s after the client finished; receiver CPU "
        f"{sim.receiver_cpu / sim.delivered_seconds:.2f} cores)"
    )
    if base is not None:
        print(
            f"simulator / baseline = {s.rate / base.client.rate:.2f} (accepted), "
            f"{sim.delivered_rate / base.client.rate:.2f} (delivered)"
        )
    ok = s.rate >= TARGET and s.rejected == 0 and sim.delivered == s.accepted
    print(
        f"{'PASS' if ok else 'MISS'}: target >= {TARGET} injections/s accepted "
        "and all their postbacks delivered"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--baseline-server":
        serve_baseline(int(sys.argv[2]))
    else:
        main()
