"""Benchmark: CPU of the fast lane's request path, in process, without the store's commit.

    python bench/lane.py [--count 5000] [--rounds 5]

Calls the WSGI app of `create_app` directly (no sockets, no waitress) with
`POST /mock/api/v1/mo/sms` bodies, one at a time, on a platform whose store does not write
(`insert_postbacks` replaced by a stub): what is left is the lane's own work (guard and token
checks, JSON parsing and checks, TRANSACTIONID, render, reply). Prints the best round's
process CPU per request. Compare trees by running the same script against each (PYTHONPATH).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.platform import MockPlatform


def environ(n: int) -> dict[str, Any]:
    body = json.dumps({"from": f"1555{n:07d}", "to": "60856", "text": f"lane {n}"}).encode()
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/mock/api/v1/mo/sms", "SCRIPT_NAME": "",
        "QUERY_STRING": "", "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)), "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8055",
        "HTTP_HOST": "127.0.0.1:8055", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
        "wsgi.version": (1, 0), "REMOTE_ADDR": "127.0.0.1",
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    statuses: set[str] = set()

    def start_response(status: str, headers: Sequence[tuple[str, str]], exc: Any = None) -> None:
        statuses.add(status)

    with tempfile.TemporaryDirectory(prefix="bench-lane-") as data_dir:
        platform = MockPlatform(Settings(data_dir=data_dir, clock="virtual"))
        platform.store.insert_postbacks = lambda items, now: list(range(len(items)))  # type: ignore[method-assign]
        app = create_app(platform=platform)
        work = [environ(n) for n in range(1000 + args.count * args.rounds)]
        for env in work[:1000]:  # warm-up
            b"".join(app(env, start_response))
        best = float("inf")
        for r in range(args.rounds):
            chunk = work[1000 + r * args.count : 1000 + (r + 1) * args.count]
            started = time.process_time()
            for env in chunk:
                b"".join(app(env, start_response))
            best = min(best, (time.process_time() - started) / len(chunk))
        platform.close()
    print(f"fast lane: {best * 1e6:.1f} us CPU a request (best of {args.rounds} rounds of "
          f"{args.count}; statuses {sorted(statuses)})")  # fmt: skip
    assert statuses == {"201 CREATED"}, statuses


if __name__ == "__main__":
    main()
