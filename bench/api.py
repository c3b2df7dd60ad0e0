"""Benchmark: the platform's send API (sendSMS) against `mockserver serve` (127.0.0.1 only).

    /work/venv/bin/python bench/api.py [--count 5000] [--connections 16] [--threads 16]
                                       [--workers 8] [--deadline 180]

Figures measured in the same run, with the same client:
  baseline   a trivial waitress WSGI app (same --threads) that reads each request and answers
             200 with a fixed Skycore sendSMS reply: the ceiling of waitress + client here
  simulator  `mockserver serve` (real SQLite in a temp --data-dir, --time-scale 0.01,
             --postback-url to bench/_receiver.py): POST /API/wxml/1.3/index.php with a form
             field `xml` holding a sendSMS request; each call is parsed, logged, and starts a
             run of sms-delivered whose two postbacks (N201, N202) go to the receiver
The client keeps --connections keep-alive connections with one request in flight on each.
"sends/s" counts HTTP 200 replies over the time the client ran; every
postback (2 per send) must be delivered (read from the server's SQLite file).
Target: the simulator's rate >= 0.5 x the baseline's, and every postback delivered.
--http-only runs the same with the server's send path replaced by a fixed reply
(bench/_fixed_reply.py): the cost of the server's HTTP path alone, a diagnostic.
"end to end" is the sends over the time from the first request to the last postback
delivered: the sustained rate, with delivery keeping up. bench/api_floor.py measures how close
a waitress app that only commits each request to SQLite before replying comes to the target.
"budget" is the CPU a send may use, all processes together, for the machine's cores to reach
the target; "used" is what it took (server, delivery process, receiver and client).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _receiver import ReceiverProcess
from serve import (
    _BANNER,
    Child,
    ClientRun,
    cpu_split,
    cpu_used,
    tree_cpu,
    trivial_app,
    wait_delivered,
)
from serve import run_client as serve_client
from serve import serve_baseline as serve_the_baseline

TARGET_RATIO = 0.5
PATH = "/API/wxml/1.3/index.php"
REPLY = b"<RESPONSE>\n    <STATUS>Success</STATUS>\n    <TRACKINGID>U01TXzc2Nzg2Nw==</TRACKINGID>\n    <TO>15551234888</TO>\n</RESPONSE>"  # noqa: E501


def requests_for(count: int, first: int = 0) -> list[bytes]:
    """Ready-made HTTP/1.1 requests: sendSMS in a form field ``xml``, distinct recipients
    (ending in 99: no magic number)."""
    out = []
    for n in range(first, first + count):
        xml = (
            "<REQUEST><ACTION>sendSMS</ACTION><API_KEY>bench-key</API_KEY>"
            f"<TO>155{n % 10**7:07d}99</TO><FROM>60856</FROM><TEXT>bench message {n}</TEXT>"
            "</REQUEST>"
        )
        body = ("xml=" + quote_plus(xml)).encode()
        head = (
            f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        out.append(head + body)
    return out


Run = ClientRun


def run_client(port: int, work: list[bytes], connections: int) -> Run:
    """bench/serve.py's client; the send API answers 200."""
    return serve_client(port, work, connections, ok_status=200)


def serve_baseline(threads: int) -> None:
    """The trivial app answering a fixed sendSMS reply, as the platform labels it."""
    serve_the_baseline(threads, trivial_app("200 OK", "text/html; charset=UTF-8", REPLY))


def baseline(args: argparse.Namespace) -> tuple[Run, float]:
    child = Child([sys.executable, __file__, "--baseline-server", str(args.threads)], _BANNER)
    try:
        run_client(child.port, requests_for(args.warmup), args.connections)
        cpu0 = sum(cpu_split(child.proc.pid))
        run = run_client(child.port, requests_for(args.count), args.connections)
        return run, sum(cpu_split(child.proc.pid)) - cpu0
    finally:
        child.stop()


@dataclass
class Cpu:
    """CPU seconds used while the client ran (user + system)."""

    server: float
    delivery: float
    receiver: float
    client: float


def simulator(args: argparse.Namespace, receiver: ReceiverProcess) -> tuple[Run, int, float, Cpu]:
    with tempfile.TemporaryDirectory(prefix="bench-api-") as data_dir:
        entry = [str(Path(__file__).with_name("_fixed_reply.py"))] if args.http_only else [
            "-m", "mockserver"]  # fmt: skip
        command = [
            sys.executable, *entry, "serve", "--port", "0",
            "--data-dir", data_dir, "--postback-url", receiver.url, "--time-scale", "0.01",
            "--threads", str(args.threads), "--workers", str(args.workers),
        ]  # fmt: skip
        child = Child(command, _BANNER)
        db = str(Path(data_dir) / "mockserver.sqlite3")
        try:
            run_client(child.port, requests_for(args.warmup, 10**6), args.connections)
            start = time.monotonic()
            before = tree_cpu(child.proc.pid), sum(cpu_split(receiver.proc.pid))
            client0 = time.process_time()
            run = run_client(child.port, requests_for(args.count), args.connections)
            client = time.process_time() - client0
            used = cpu_used(before[0], tree_cpu(child.proc.pid))
            server = sum(used.pop(child.proc.pid))
            cpu = Cpu(server, sum(u + k for u, k in used.values()),
                      sum(cpu_split(receiver.proc.pid)) - before[1], client)  # fmt: skip
            want = 0 if args.http_only else 2 * (args.warmup + args.count)
            got, done = wait_delivered(db, want, time.monotonic() + args.deadline)
            return run, max(got - 2 * args.warmup, 0), done - start, cpu
        finally:
            child.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--deadline", type=float, default=180.0)
    parser.add_argument("--http-only", action="store_true",
                        help="diagnostic: the server's send path replaced by a fixed reply "
                        "(bench/_fixed_reply.py): what HTTP alone costs; no postbacks")  # fmt: skip
    parser.add_argument("--baseline-server", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_server:
        serve_baseline(args.baseline_server)
        return 0
    base, base_cpu = baseline(args)
    with ReceiverProcess() as receiver:
        sim, delivered, seconds, cpu = simulator(args, receiver)
    ratio = sim.rate / base.rate
    print(f"baseline   {base.rate:8.0f} replies/s  ({base.accepted} in {base.seconds:.2f} s, "
          f"server CPU {base_cpu:.2f} s)")  # fmt: skip
    print(f"simulator  {sim.rate:8.0f} sends/s    ({sim.accepted} in {sim.seconds:.2f} s, "
          f"{sim.rejected} other statuses{f', first {sim.first_bad_status}' if sim.rejected else ''})")  # noqa: E501  # fmt: skip
    print(f"postbacks  {delivered} of {2 * args.count} delivered, last after {seconds:.1f} s "
          f"(end to end: {args.count / max(seconds, 1e-9):.0f} sends/s with both postbacks "
          "delivered)")  # fmt: skip
    per = 1e6 / max(sim.accepted, 1)
    print(f"CPU while the client ran, per send: server {cpu.server * per:.0f} us, delivery "
          f"process {cpu.delivery * per:.0f} us, receiver {cpu.receiver * per:.0f} us, client "
          f"{cpu.client * per:.0f} us (baseline server {base_cpu * 1e6 / base.accepted:.0f} us "
          "a reply)")  # fmt: skip
    budget = (os.cpu_count() or 1) * 1e6 / (TARGET_RATIO * base.rate)
    used = (cpu.server + cpu.delivery + cpu.receiver + cpu.client) * per
    print(f"budget     {budget:.0f} us of CPU a send at the target ({os.cpu_count()} cores at "
          f"{TARGET_RATIO} x baseline); used {used:.0f} us, of which the receiver and the client "
          f"{(cpu.receiver + cpu.client) * per:.0f} us")  # fmt: skip
    if args.http_only:
        print("(--http-only: a fixed reply, no run and no postback: not a measure of the target)")
        return 0
    ok = ratio >= TARGET_RATIO and delivered >= 2 * args.count and not sim.rejected
    print(
        f"ratio      {ratio:.2f} x baseline (target >= {TARGET_RATIO}): {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
