"""A small app that receives mockserver's postbacks: the other half of ``docker-compose.yml``.

``POST /postbacks`` parses the body with :func:`mockserver.wire.parse_many` (every flavour, raw
or form-encoded XML, and the legacy SMS MO bundle), keeps the last ``keep`` notifications in
memory and answers 200 (the platform's only success status); a body it cannot parse gets 400,
which the simulator counts as a failed attempt and retries.

``GET /`` shows what arrived (an HTML page, every value escaped), ``GET /postbacks.json`` the
same as JSON (newest first), ``GET /health`` answers ``{"status": "ok"}`` for healthchecks.

Run it: ``python examples/receiver/receiver.py --port 5000`` (needs mockserver installed).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections import deque
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, jsonify, render_template_string, request

from mockserver import wire
from mockserver.wire.parse import MAX_BODY

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="refresh" content="5">
  <title>Postbacks received</title>
  <style>
    body { font-family: system-ui, sans-serif; margin: 2em; }
    table { border-collapse: collapse; width: 100%; }
    th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left;
             vertical-align: top; }
    .error { color: #a00; }
    dl { margin: 0; display: grid; grid-template-columns: max-content auto; gap: 0 1em; }
    dt { font-weight: bold; }
    dd { margin: 0; word-break: break-all; }
  </style>
</head>
<body>
  <h1>Postbacks received</h1>
  <p>{{ count }} kept (the last {{ keep }}), newest first; this page reloads every 5 seconds.
     JSON: <a href="postbacks.json">postbacks.json</a>.</p>
  {% if items %}
  <table>
    <tr><th>received</th><th>code</th><th>origin</th><th>flavour</th><th>fields</th></tr>
    {% for item in items %}
    <tr>
      <td>{{ item.received_at }}</td>
      {% if item.error %}
      <td colspan="3" class="error">unparseable</td>
      <td class="error">{{ item.error }}<br><code>{{ item.body }}</code></td>
      {% else %}
      <td>{{ item.code }}</td><td>{{ item.origin }}</td><td>{{ item.flavor }}</td>
      <td><dl>{% for name, value in item.fields.items() %}
        <dt>{{ name }}</dt><dd>{{ value if value is string else value | join(", ") }}</dd>
      {% endfor %}</dl></td>
      {% endif %}
    </tr>
    {% endfor %}
  </table>
  {% else %}
  <p>Nothing yet. Try
     <code>docker compose exec mockserver mockserver send-mo sms --from 16315551234
     --to 60856 --text HELLO</code>.</p>
  {% endif %}
</body>
</html>
"""


class Inbox:
    """The last ``keep`` notifications received, thread-safe (waitress serves from threads)."""

    def __init__(self, keep: int = 100) -> None:
        self.keep = keep
        self._items: deque[dict[str, Any]] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def add(self, item: dict[str, Any]) -> None:
        with self._lock:
            self._items.append(item)

    def newest_first(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(reversed(self._items))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def create_app(keep: int = 100) -> Flask:
    """The receiver's WSGI app; ``app.extensions["receiver.inbox"]`` is its :class:`Inbox`."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    inbox = Inbox(keep)
    app.extensions["receiver.inbox"] = inbox

    @app.post("/postbacks")
    def receive() -> tuple[Response, int]:
        body = request.get_data(cache=False)
        try:
            entries = wire.parse_many(body, request.content_type)
        except wire.WireError as exc:
            text = body[:2000].decode("utf-8", "replace")
            inbox.add({"received_at": _now(), "error": str(exc), "body": text})
            return jsonify(error=str(exc)), 400
        for entry in entries:
            postback = entry.postback
            inbox.add(
                {
                    "received_at": _now(),
                    "code": postback.code,
                    "origin": postback.origin,
                    "flavor": postback.flavor,
                    "fields": postback.fields,
                    "bundle_id": entry.id or None,
                }
            )
        return jsonify(received=len(entries)), 200

    @app.get("/postbacks.json")
    def as_json() -> Response:
        return jsonify(postbacks=inbox.newest_first())

    @app.get("/")
    def page() -> str:
        items = inbox.newest_first()
        return render_template_string(PAGE, items=items, count=len(items), keep=inbox.keep)

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok")

    return app


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Receive mockserver postbacks and show them.")
    parser.add_argument("--host", default="127.0.0.1", help="interface [127.0.0.1]")
    parser.add_argument("--port", type=int, default=5000, help="port [5000]; 0 picks one")
    parser.add_argument("--keep", type=int, default=100, help="notifications kept [100]")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Serve on waitress until SIGINT/SIGTERM."""
    import waitress

    args = build_parser().parse_args(argv)
    server = waitress.create_server(
        create_app(args.keep), host=args.host, port=args.port, threads=4, ident="receiver"
    )

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    print(f"receiver listening on http://{args.host}:{server.effective_port}", flush=True)
    try:
        server.run()
    except SystemExit:
        pass
    finally:
        server.close()
    print("receiver stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
