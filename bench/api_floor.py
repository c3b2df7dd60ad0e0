"""Benchmark aid: the floor of "commit before reply" on waitress, for bench/api.py's target.

    /work/venv/bin/python bench/api_floor.py [--count 6000] [--rounds 3] [--threads 16]

bench/api.py's target is the simulator's sendSMS rate >= 0.5 x a trivial waitress app's. This
script measures, with the same client and the same requests, two waitress apps (same --threads):
  trivial  reads each request and answers the fixed sendSMS reply (bench/api.py's baseline)
  floor    also decodes the form and commits one row (the request's xml and the reply) to a
           SQLite file (WAL, synchronous=NORMAL, as the simulator's store) before answering,
           concurrent requests sharing a commit (a group commit, as the simulator's send path)
The floor does none of the simulator's work (no XML parse, no run planned, no postback stored
or delivered): what it reaches is an upper bound on any send path that keeps the standard
"every accepted call is durable before its reply", on this machine. Rounds alternate the two
apps; the median ratio is printed. A diagnostic: it passes or fails nothing.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api import REPLY, requests_for, run_client
from serve import _BANNER, Child, cpu_split, serve_baseline, trivial_app

Row = tuple[float, str, bytes]


class GroupWriter:
    """Rows committed in batches: a writer waits until the batch holding its row is committed;
    whoever finds no commit running commits everything waiting."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE calls (id INTEGER PRIMARY KEY, created REAL, request TEXT, "
                        "reply BLOB)")  # fmt: skip
        self.cond = threading.Condition()
        self.waiting: list[Row] = []
        self.collecting = 0  # the number of the batch new rows join
        self.committed = -1  # the last batch committed
        self.busy = False

    def write(self, row: Row) -> None:
        with self.cond:
            self.waiting.append(row)
            mine = self.collecting
            while self.committed < mine:
                if self.busy:
                    self.cond.wait()
                    continue
                batch, self.waiting = self.waiting, []
                number, self.collecting, self.busy = self.collecting, self.collecting + 1, True
                self.cond.release()
                try:
                    self._commit(batch)
                finally:
                    self.cond.acquire()
                    self.busy, self.committed = False, number
                    self.cond.notify_all()

    def _commit(self, batch: Sequence[Row]) -> None:
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO calls (created, request, reply) VALUES (?, ?, ?)", batch)
        self.db.execute("COMMIT")


def floor_app(path: str) -> Callable[[dict[str, Any], Any], Iterable[bytes]]:
    writer = GroupWriter(path)
    headers = [("Content-Type", "text/html; charset=UTF-8"), ("Content-Length", str(len(REPLY)))]

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        form = dict(parse_qsl(body.decode()))
        writer.write((time.time(), form.get("xml", ""), REPLY))
        start_response("200 OK", headers)
        return [REPLY]

    return app


def measure(kind: str, args: argparse.Namespace) -> tuple[float, float]:
    """(replies/s, server CPU us a reply) of one app in a child process."""
    command = [sys.executable, __file__, "--serve", kind, "--threads", str(args.threads)]
    child = Child(command, _BANNER)
    try:
        run_client(child.port, requests_for(args.warmup, 10**6), args.connections)
        cpu0 = sum(cpu_split(child.proc.pid))
        run = run_client(child.port, requests_for(args.count), args.connections)
        cpu = sum(cpu_split(child.proc.pid)) - cpu0
        assert run.accepted == args.count, f"{kind}: {run.rejected} replies were not 200"
        return run.rate, cpu * 1e6 / run.accepted
    finally:
        child.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=6000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--serve", choices=("trivial", "floor"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve == "trivial":
        serve_baseline(args.threads, trivial_app("200 OK", "text/html; charset=UTF-8", REPLY))
        return 0
    if args.serve == "floor":
        with tempfile.TemporaryDirectory(prefix="bench-floor-") as folder:
            serve_baseline(args.threads, floor_app(os.path.join(folder, "calls.sqlite3")))
        return 0
    ratios = []
    for n in range(1, args.rounds + 1):
        trivial, trivial_cpu = measure("trivial", args)
        floor, floor_cpu = measure("floor", args)
        ratios.append(floor / trivial)
        print(f"round {n}: trivial {trivial:6.0f} replies/s ({trivial_cpu:.0f} us server CPU a "
              f"reply); floor {floor:6.0f} replies/s ({floor_cpu:.0f} us); "
              f"ratio {floor / trivial:.2f}")  # fmt: skip
    print(
        f"median ratio floor / trivial: {statistics.median(ratios):.2f} "
        "(bench/api.py's target for the whole send path: 0.5)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
