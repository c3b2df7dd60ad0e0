"""Soak test: kill -9 at random moments, nothing lost (127.0.0.1 only, bounded).

    python bench/soak.py [--cycles 10] [--seed 1] [--delay 0.02] [--deadline 120]
    python bench/soak.py --wal [--count 50000]

Default mode: `mockserver serve` runs as a subprocess on a temp data dir; a client injects
SMS MO (POST /mock/api/v1/mo/sms) while a receiver (in this process, answering after
--delay s) counts postbacks by their unique TEXT ("soak N"; the default revision's MO
postback carries no TRANSACTIONID). Each cycle kill -9s, at a random moment, either
the server or its delivery process (then, a moment later, the server too), and starts the
server again on the same data dir. At the end a last server delivers what is left. Printed:
injections acknowledged (201), lost (acknowledged, never received), duplicated (received more
than once), marked (every extra copy carried X-Mockserver-Possible-Duplicate: 1), and how many
postbacks carried the mark in all (those received once were marked needlessly). Exit status
1 on any loss or unmarked duplicate.

--wal mode: --count postbacks to a receiver that refuses connections (every attempt fails
and is retried), with the WAL's size sampled every 50 ms; exit status 1 if it ever exceeds
4 x the database file once the database is past 1 MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARK = "X-Mockserver-Possible-Duplicate"
_ID = re.compile(rb"<TEXT>([^<]+)</TEXT>")
_LISTEN = re.compile(r"listening on http://[^:]+:(\d+)")
_DELIVERY = re.compile(r"delivery: \d+ workers in process (\d+)")


class Quiet(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a killed sender resets its connections: expected here


class Receiver:
    """Counts postbacks by their text, and the copies that carried the duplicate mark."""

    def __init__(self, delay: float) -> None:
        self.seen: Counter[str] = Counter()
        self.marked: Counter[str] = Counter()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                match = _ID.search(body)
                key = match.group(1).decode() if match else "?"
                with receiver.lock:
                    receiver.seen[key] += 1
                    receiver.marked[key] += self.headers.get(MARK) == "1"
                time.sleep(delay)  # a slow receiver keeps attempts on the wire
                self.send_response_only(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = Quiet(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/postback"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Server:
    """`mockserver serve` on a data dir; ``port`` and ``delivery_pid`` from its banner."""

    def __init__(self, data_dir: str, url: str, *extra: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")}
        env["PYTHONPATH"] = str(ROOT)
        command = [sys.executable, "-m", "mockserver", "serve", "--port", "0",
                   "--data-dir", data_dir, "--postback-url", url, *extra]  # fmt: skip
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        self.port = self.delivery_pid = 0
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if match := _LISTEN.search(line):
                self.port = int(match.group(1))
            if match := _DELIVERY.search(line):
                self.delivery_pid = int(match.group(1))
            if "Press Ctrl+C" in line:
                break
        if not self.port:
            raise RuntimeError("the server did not start")
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for _ in self.proc.stdout:
            pass

    def inject(self, n: int) -> str | None:
        """One SMS MO; its text (unique) when acknowledged (201), else None."""
        body = json.dumps({"from": f"1555{n:07d}", "to": "60856", "text": f"soak {n}"})
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/mock/api/v1/mo/sms", body.encode(),
            {"Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=5) as reply:
                return str(json.load(reply)["fields"]["TEXT"])
        except (OSError, urllib.error.URLError, ValueError, KeyError):
            return None

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.kill()


def soak(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    receiver = Receiver(args.delay)
    acknowledged: set[str] = set()
    n = 0
    with tempfile.TemporaryDirectory(prefix="mockserver-soak-") as data_dir:
        for cycle in range(args.cycles):
            server = Server(data_dir, receiver.url)
            target = rng.choice(("server", "delivery process"))
            stop_at = time.monotonic() + rng.uniform(0.3, 1.5)
            while time.monotonic() < stop_at:
                if (tid := server.inject(n)) is not None:
                    acknowledged.add(tid)
                n += 1
            if target == "delivery process":
                os.kill(server.delivery_pid, signal.SIGKILL)
                for _ in range(rng.randint(5, 50)):  # the server restarts its delivery
                    if (tid := server.inject(n)) is not None:
                        acknowledged.add(tid)
                    n += 1
            server.kill()
            print(f"cycle {cycle + 1}: kill -9 of the {target}; {len(acknowledged)} acknowledged, "
                  f"{len(receiver.seen)} received so far", flush=True)  # fmt: skip
        server = Server(data_dir, receiver.url)
        deadline = time.monotonic() + args.deadline
        while time.monotonic() < deadline and not acknowledged <= set(receiver.seen):
            time.sleep(0.1)
        server.stop()
    receiver.close()
    return report(acknowledged, receiver)


def report(acknowledged: set[str], receiver: Receiver) -> int:
    lost = acknowledged - set(receiver.seen)
    duplicated = {k for k, times in receiver.seen.items() if times > 1}
    unmarked = {k for k in duplicated if receiver.marked[k] < receiver.seen[k] - 1}
    unacknowledged = set(receiver.seen) - acknowledged - {"?"}
    print(
        f"acknowledged {len(acknowledged)}, received {len(receiver.seen)} distinct "
        f"({len(unacknowledged)} stored but not acknowledged: the kill cut the reply)"
    )
    print(f"lost {len(lost)}, duplicated {len(duplicated)}, "
          f"marked {len(duplicated) - len(unmarked)}, unmarked {len(unmarked)}")  # fmt: skip
    flagged = {k for k, times in receiver.marked.items() if times}
    print(
        f"postbacks that carried the mark: {len(flagged)} ({len(flagged - duplicated)} of "
        "them received only once: re-sent marked although the receiver had not got them)"
    )
    return 1 if lost or unmarked else 0


def wal(args: argparse.Namespace) -> int:
    with socket.socket() as probe:  # a port nobody listens on: every attempt is refused
        probe.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{probe.getsockname()[1]}/postback"
    with tempfile.TemporaryDirectory(prefix="mockserver-wal-") as data_dir:
        db = Path(data_dir) / "mockserver.sqlite3"
        server = Server(data_dir, refused, "--retry-interval", "1")
        worst = 0.0
        peak_wal = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal worst, peak_wal
            while not stop.wait(0.05):
                try:
                    size, log = db.stat().st_size, Path(str(db) + "-wal").stat().st_size
                except OSError:
                    continue
                peak_wal = max(peak_wal, log)
                if size > 1 << 20:
                    worst = max(worst, log / size)

        threading.Thread(target=sample, daemon=True).start()
        started = time.monotonic()
        sent = sum(server.inject(n) is not None for n in range(args.count))
        elapsed = time.monotonic() - started
        time.sleep(5)  # retries go on failing meanwhile
        stop.set()
        size = db.stat().st_size
        server.stop()
    print(
        f"{sent} postbacks to a refused receiver in {elapsed:.1f} s; database "
        f"{size / 1e6:.1f} MB, WAL peak {peak_wal / 1e6:.1f} MB, worst WAL/database "
        f"{worst:.2f} (limit 4)"
    )
    return 0 if worst <= 4 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--delay", type=float, default=0.02, help="receiver's answer delay (s)")
    parser.add_argument("--deadline", type=float, default=120.0)
    parser.add_argument("--wal", action="store_true", help="the WAL benchmark instead")
    parser.add_argument("--count", type=int, default=50_000)
    args = parser.parse_args()
    return wal(args) if args.wal else soak(args)


if __name__ == "__main__":
    sys.exit(main())
