"""Idle connections and event streams must not make the server unreachable.

Starts ``mockserver serve`` on 127.0.0.1 (virtual clock, in memory), then measures
``GET /mock/api/v1/health`` (each on a new connection, as a healthcheck makes it) three times:
with no other client (the baseline), beside N idle TCP connections, and beside N idle
connections plus every event stream the server allows plus clients refused a stream that keep
their connections open. Prints median, p95 and max latency per phase; exits 1 when a health
request of a loaded phase fails or takes longer than the target (100 ms).

    python3 bench/connections.py [--idle 500] [--requests 50] [--target-ms 100]
    python3 bench/connections.py --connection-limit 100   # waitress's default: fails
"""

from __future__ import annotations

import argparse
import http.client
import socket
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.live import LiveServer

THREADS = 16  # the serve default: 8 event streams at most


def health_latencies(host: str, port: int, count: int) -> list[float]:
    """Seconds per request; inf for a request that failed or timed out (5 s)."""
    found = []
    for _ in range(count):
        start = time.perf_counter()
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/mock/api/v1/health")
            ok = conn.getresponse().status == 200
            conn.close()
        except OSError:
            ok = False
        found.append(time.perf_counter() - start if ok else float("inf"))
    return found


def open_stream(host: str, port: int) -> tuple[socket.socket, int]:
    """A raw ``GET /events``; the socket (left open) and the status the server gave (0 for
    none within 5 s)."""
    sock = socket.create_connection((host, port), timeout=5)
    sock.sendall(f"GET /mock/api/v1/events HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    try:
        return sock, int(sock.recv(4096).split(b" ", 2)[1])
    except OSError:
        return sock, 0


def report(name: str, values: list[float], target: float) -> bool:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[int(len(ms) * 0.95) - 1]
    failed = sum(1 for v in ms if v == float("inf"))
    ok = failed == 0 and ms[-1] <= target
    print(f"{name:<44} median {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  "
          f"max {ms[-1]:7.1f} ms  failed {failed}")  # fmt: skip
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle", type=int, default=500)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--target-ms", type=float, default=100.0)
    parser.add_argument("--connection-limit", help="the server's (100 shows the old fault)")
    args = parser.parse_args()
    extra = ["--connection-limit", args.connection_limit] if args.connection_limit else []
    server = LiveServer("--clock", "virtual", "--data-dir", ":memory:",
                        "--threads", str(THREADS), *extra)  # fmt: skip
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    address = (host, int(port))
    ok = True
    try:
        health_latencies(*address, 5)  # warm up
        report("baseline (no other client)", health_latencies(*address, args.requests), 1e9)
        with ExitStack() as held:
            for _ in range(args.idle):
                held.enter_context(socket.create_connection(address, timeout=5))
            health_latencies(*address, 1)  # once the server has accepted them all
            label = f"beside {args.idle} idle connections"
            ok &= report(label, health_latencies(*address, args.requests), args.target_ms)
            statuses = []
            for _ in range(THREADS // 2 + 20):
                sock, status = open_stream(*address)
                held.enter_context(sock)
                statuses.append(status)
            opened, refused = statuses.count(200), statuses.count(503)
            other = len(statuses) - opened - refused
            print(f"event streams: {opened} open, {refused} refused with 503, {other} other")
            label = "+ streams at the cap + 20 refused, kept"
            ok &= report(label, health_latencies(*address, args.requests), args.target_ms)
            ok &= opened == THREADS // 2 and refused == 20
    finally:
        server.stop()
    print("PASS" if ok else f"FAIL: a health request failed or took over {args.target_ms} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
