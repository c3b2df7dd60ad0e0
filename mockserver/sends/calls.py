"""The log of platform API calls: each with its request, reply and the runs it started."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mockserver.engine.store import Store, where_clause

#: Request bodies are kept up to this many bytes in the log.
MAX_LOGGED_BODY = 64 * 1024
_LIST = ("SELECT id, created, dialect, action, api_key, outcome, code, http_status, "
         "tracking_id, mmsid, run_ids, source, detail FROM api_calls")  # fmt: skip
_FILTERS = {"action": "action = ?", "outcome": "outcome = ?", "code": "code = ?",
            "tracking_id": "tracking_id = ?", "mmsid": "mmsid = ?", "api_key": "api_key = ?",
            "since": "created >= ?", "run_id": "run_ids LIKE ?"}  # fmt: skip


@dataclass
class CallRecord:
    """One call as logged; ``outcome`` is ``success``, ``failure`` (a Failure reply) or
    ``fault`` (an injected HTTP fault, timeout or dropped connection)."""

    created: float
    dialect: str
    request: dict[str, Any]
    reply: bytes = b""
    http_status: int = 200
    outcome: str = "failure"
    action: str | None = None
    api_key: str | None = None
    code: str | None = None
    tracking_id: str | None = None
    mmsid: str | None = None
    run_ids: list[str] = field(default_factory=list)
    source: str | None = None
    detail: str | None = None
    #: the runs the call planned, stored with its log entry (not logged themselves)
    runs: list[Any] = field(default_factory=list, repr=False)


class CallLog:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, call: CallRecord, counters: dict[str, int]) -> int:
        """Store a call (and the id counters, in the same transaction); returns its id."""
        row = (call.created, call.dialect, call.action, call.api_key, call.outcome, call.code,
               call.http_status, call.tracking_id, call.mmsid, json.dumps(call.run_ids),
               call.source, call.detail, json.dumps(call.request), call.reply)  # fmt: skip
        with self.store.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO api_calls (created, dialect, action, api_key, outcome, code, "
                "http_status, tracking_id, mmsid, run_ids, source, detail, request, reply) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            if counters:
                conn.executemany(
                    "INSERT INTO api_counters (name, value) VALUES (?, ?) ON CONFLICT(name) "
                    "DO UPDATE SET value = max(value, excluded.value)",
                    sorted(counters.items()),
                )
            return int(cur.lastrowid or 0)

    def list(self, limit: int = 100, offset: int = 0, **filters: Any) -> list[dict[str, Any]]:
        """Calls, newest first, without request and reply bodies."""
        where, args = where_clause(filters, _FILTERS, _argument)
        sql = f"{_LIST}{where} ORDER BY id DESC LIMIT ? OFFSET ?"  # values are arguments
        rows = self.store.execute(sql, (*args, limit, offset))
        for row in rows:
            row["run_ids"] = json.loads(row["run_ids"])
        return rows

    def get(self, call_id: int) -> dict[str, Any] | None:
        rows = self.store.execute("SELECT * FROM api_calls WHERE id = ?", (call_id,))
        if not rows:
            return None
        row = rows[0]
        row["run_ids"] = json.loads(row["run_ids"])
        row["request"] = json.loads(row["request"])
        row["reply"] = bytes(row["reply"]).decode("utf-8", "replace")
        return row

    def counters(self) -> dict[str, int]:
        rows = self.store.execute("SELECT name, value FROM api_counters")
        return {r["name"]: int(r["value"]) for r in rows}

    def reset(self) -> None:
        with self.store.transaction() as conn:
            for table in ("api_calls", "api_counters", "saved_mms", "mms_inbox_removed"):
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names


def request_record(
    method: str, path: str, query_string: str, content_type: str | None, body: bytes
) -> dict[str, Any]:
    """What the log keeps of a request: the body as text, cut at :data:`MAX_LOGGED_BODY`."""
    text = body[:MAX_LOGGED_BODY].decode("utf-8", "replace")
    return {"method": method, "path": path, "query": query_string,
            "content_type": content_type, "body": text, "body_bytes": len(body),
            "truncated": len(body) > MAX_LOGGED_BODY}  # fmt: skip


def _argument(name: str, value: Any) -> Any:
    """A run id is looked for inside the JSON list of a call's runs."""
    return f'%"{value}"%' if name == "run_id" else value
