"""Benchmark: dispatch throughput against a fast local receiver (127.0.0.1 only).

    /work/venv/bin/python bench/dispatch.py [--count 20000] [--naive-count 5000] [--workers 8]

Three figures measured in the same run against the same receiver process:
  raw     one http.client keep-alive connection, POSTs in a loop (the ceiling for one client)
  naive   requests.post per message (a new connection each time)
  engine  MockPlatform on the real clock: schedule_many + deliver, store and attempt log included
Targets: engine >= 0.8 x raw and >= 3 x naive.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _receiver import ReceiverProcess

from mockserver.config import Settings
from mockserver.platform import MockPlatform
from mockserver.wire.model import Postback

HEADERS = {"Content-Type": "text/xml; charset=utf-8"}


def body(n: int) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<POSTBACK><ORIGIN>SMS_MT</ORIGIN>'
        f"<CODE>N201</CODE><TRACKINGID>SMS{n:012d}</TRACKINGID><TO>15555550100</TO>"
        "<STATUS>Message Sent</STATUS><TIMESTAMP>2026-01-01 00:00:00</TIMESTAMP></POSTBACK>"
    ).encode()


def raw_loop(url: str, count: int) -> float:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    start = time.perf_counter()
    for n in range(count):
        data = body(n)
        conn.request("POST", parts.path, data, {**HEADERS, "Content-Length": str(len(data))})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200
    elapsed = time.perf_counter() - start
    conn.close()
    return count / elapsed


def naive_loop(url: str, count: int) -> float:
    start = time.perf_counter()
    for n in range(count):
        resp = requests.post(url, data=body(n), headers=HEADERS, timeout=10)
        assert resp.status_code == 200
    return count / (time.perf_counter() - start)


def engine(url: str, count: int, workers: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=data_dir, postback_url=url, workers=workers)
        with MockPlatform(settings) as platform:
            start = time.perf_counter()
            items = [
                platform.prepare(
                    Postback("SMS_MT", "N201", {"TRACKINGID": f"SMS{n:012d}"}), body=body(n)
                )
                for n in range(count)
            ]
            platform.schedule_many(items)
            scheduled = time.perf_counter()
            platform.run_until_idle(timeout=600)
            elapsed = time.perf_counter() - start
            delivered = platform.postbacks(limit=count + 1, state="delivered")
            assert len(delivered) == count, f"{len(delivered)} of {count} delivered"
    return count / elapsed, scheduled - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--naive-count", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=Settings().workers)
    args = parser.parse_args()
    with ReceiverProcess() as receiver:
        raw = raw_loop(receiver.url, args.count)
        naive = naive_loop(receiver.url, args.naive_count)
        rate, schedule_s = engine(receiver.url, args.count, args.workers)
    print(f"raw http.client keep-alive loop: {raw:8.0f} postbacks/s ({args.count})")
    print(f"naive requests.post per message: {naive:8.0f} postbacks/s ({args.naive_count})")
    print(
        f"engine ({args.workers} workers):           {rate:8.0f} postbacks/s ({args.count},"
        f" of which scheduling {schedule_s:.2f} s)"
    )
    print(f"engine / raw   = {rate / raw:.2f}  (target >= 0.8)")
    print(f"engine / naive = {rate / naive:.2f}  (target >= 3)")


if __name__ == "__main__":
    main()
