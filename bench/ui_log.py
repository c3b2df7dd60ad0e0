"""The browser UI's delivery log and dashboard with 100,000 postbacks: time to render a page.

Fills a store (on disk, in a temporary folder) with N postbacks (SMS MO, 1 in 50 failed), then
renders through Flask's test client, several times each: the dashboard, the log's first page,
a page deep in the log (keyset cursor), filters by state (rare), code and tracking id, and a
text search. The same is done on a store of ``--baseline`` rows in the same run: with keyset
pages and indexed filters, the large store's times stay close to the small one's. Prints the
median milliseconds per page for both; exits 1 if a page of the large store takes over
``--limit`` ms (median).

    python3 bench/ui_log.py [--rows 100000] [--baseline 1000] [--limit 250]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.engine.jobs import NewPostback
from mockserver.platform import MockPlatform

BATCH = 5000


def fill(platform: MockPlatform, rows: int) -> None:
    now = platform.now()
    for start in range(0, rows, BATCH):
        items = []
        for i in range(start, min(rows, start + BATCH)):
            tracking = f"T{i:08d}"
            body = f"<POSTBACK><CODE>N211</CODE><TEXT>message number {i}</TEXT></POSTBACK>"
            items.append(NewPostback(
                due=now, origin="SMS_MO", code="N211" if i % 7 else "N201",
                fields={"FROM": "15550001111", "TO": "60856", "TEXT": f"message number {i}"},
                flavor="skycore-xml", content_type="text/xml", body=body.encode(), url=None,
                message_key=tracking, tracking_id=tracking, run_id=None, replay_of=None,
            ))  # fmt: skip
        platform.store.insert_postbacks(items, now)
    platform.store.execute("UPDATE postbacks SET state = 'delivered'")
    platform.store.execute("UPDATE postbacks SET state = 'failed' WHERE id % 50 = 0")


def measure(rows: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(clock="virtual", data_dir=folder, keep_postbacks=0, seed=1)
        with MockPlatform(settings) as platform:
            fill(platform, rows)
            client = create_app(platform=platform).test_client()
            middle = rows // 2
            pages = {
                "dashboard": "/",
                "log, first page": "/log",
                "log, deep page": f"/log?before={middle}",
                "log, state=failed": "/log?state=failed",
                "log, code=N201": "/log?code=N201",
                "log, tracking id": f"/log?tracking_id=T{middle:08d}",
                "log, text search": f"/log?q=number+{middle}",
                "message timeline": f"/messages/T{middle:08d}",
            }
            found = {}
            for name, path in pages.items():
                times = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    answer = client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                    assert answer.status_code == 200, (path, answer.status_code)
                found[name] = statistics.median(times)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--limit", type=float, default=250.0)
    args = parser.parse_args()
    small = measure(args.baseline, args.repeat)
    large = measure(args.rows, args.repeat)
    print(f"{'page':<22} {args.baseline:>10,} rows {args.rows:>10,} rows   (median ms)")
    for name in large:
        print(f"{name:<22} {small[name]:>15.1f} {large[name]:>15.1f}")
    slow = [name for name, ms in large.items() if ms > args.limit]
    print("OK" if not slow else f"over {args.limit} ms: {', '.join(slow)}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
