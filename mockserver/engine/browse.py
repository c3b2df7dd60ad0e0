"""Read-only queries of the delivery log for the browser UI: keyset pages, counts, timelines.

Pages are keyset-paginated on the postback id (newest first), so page 2,000 of a 100,000-row
log costs what page 1 does; text search is a ``LIKE`` over the rendered bodies, bounded by
``SEARCH_SCAN`` rows so a search that matches little stays quick (it says when it stopped).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mockserver.engine.store import Store

COLUMNS = (
    "id, created, due, state, origin, code, message_key, tracking_id, run_id, flavor, url, "
    "attempts, possible_duplicate, replay_of, updated, fields"
)
FILTERS = {
    "code": "code = ?",
    "origin": "origin = ?",
    "state": "state = ?",
    "tracking_id": "tracking_id = ?",
    "run_id": "run_id = ?",
}
STATES = ("scheduled", "queued", "sending", "delivered", "failed", "cancelled")
#: Rows a text search looks through at most, newest first, before it gives up for this page.
SEARCH_SCAN = 100_000
MAX_TIMELINE = 500
MO_ORIGINS = ("SMS_MO", "MMS_MO")


@dataclass
class Page:
    """One page of the log, newest first; ``older``/``newer``: the cursors of the next pages."""

    rows: list[dict[str, Any]]
    older: int | None = None
    newer: int | None = None
    filters: dict[str, str] = field(default_factory=dict)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(filters: dict[str, str], search: str | None) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    for name, value in filters.items():
        if value:
            where.append(FILTERS[name])
            args.append(value)
    if search:
        where.append(
            "(CAST(body AS TEXT) LIKE ? ESCAPE '\\' OR fields LIKE ? ESCAPE '\\' "
            "OR code = ? OR tracking_id = ?)"
        )
        args += [_like(search), _like(search), search, search]
    return where, args


def _rows(store: Store, sql: str, args: list[Any]) -> list[dict[str, Any]]:
    rows = store.execute(sql, args)
    for row in rows:
        row["fields"] = json.loads(row["fields"])
    return rows


class Browse:
    """The UI's questions to one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def page(
        self,
        filters: dict[str, str],
        search: str | None = None,
        *,
        before: int | None = None,
        after: int | None = None,
        limit: int = 50,
    ) -> Page:
        """Up to ``limit`` rows older than id ``before`` (or newer than ``after``)."""
        where, args = _where(filters, search)
        if search:  # bound the scan: only the newest SEARCH_SCAN rows
            where.append("id > (SELECT COALESCE(MAX(id), 0) FROM postbacks) - ?")
            args.append(SEARCH_SCAN)
        order = "DESC"
        if before is not None:
            where.append("id < ?")
            args.append(before)
        elif after is not None:
            where.append("id > ?")
            args.append(after)
            order = "ASC"
        sql = f"SELECT {COLUMNS} FROM postbacks"  # noqa: S608 - fixed columns and clauses
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY id {order} LIMIT ?"
        rows = _rows(self.store, sql, [*args, limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        if order == "ASC":
            rows.reverse()
        page = Page(rows, filters={k: v for k, v in filters.items() if v})
        if rows:
            newest, oldest = rows[0]["id"], rows[-1]["id"]
            has_older = more if order == "DESC" else True
            has_newer = (before is not None) if order == "DESC" else more
            page.older = oldest if has_older else None
            page.newer = newest if has_newer else None
        return page

    def by_ids(self, ids: list[int]) -> list[dict[str, Any]]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        sql = f"SELECT {COLUMNS} FROM postbacks WHERE id IN ({marks}) ORDER BY id DESC"  # noqa: S608
        return _rows(self.store, sql, list(ids))

    def counts(self) -> dict[str, int]:
        """Postbacks by state (every state, zeros included)."""
        found = dict.fromkeys(STATES, 0)
        for row in self.store.execute("SELECT state, COUNT(*) AS n FROM postbacks GROUP BY state"):
            found[row["state"]] = int(row["n"])
        return found

    def total(self) -> int:
        rows = self.store.execute("SELECT COUNT(*) AS n FROM postbacks")
        return int(rows[0]["n"])

    def message(self, tracking_id: str) -> list[dict[str, Any]]:
        """The postbacks of one tracking id (or message key), oldest first, with attempts."""
        sql = (
            f"SELECT {COLUMNS} FROM postbacks WHERE tracking_id = ? OR message_key = ? "  # noqa: S608
            "ORDER BY id LIMIT ?"
        )
        return self._with_attempts(_rows(self.store, sql, [tracking_id, tracking_id, MAX_TIMELINE]))

    def run(self, run_id: str) -> list[dict[str, Any]]:
        sql = f"SELECT {COLUMNS} FROM postbacks WHERE run_id = ? ORDER BY id LIMIT ?"  # noqa: S608
        return self._with_attempts(_rows(self.store, sql, [run_id, MAX_TIMELINE]))

    def _with_attempts(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not rows:
            return rows
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        columns = "id, postback_id, number, due, started, url, status, latency, error, ok"
        sql = f"SELECT {columns} FROM attempts WHERE postback_id IN ({marks}) ORDER BY id"  # noqa: S608
        attempts = self.store.execute(sql, ids)
        by_postback: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        for a in attempts:
            a["ok"] = bool(a["ok"])
            by_postback[a["postback_id"]].append(a)
        for r in rows:
            r["attempts_log"] = by_postback[r["id"]]
        return rows

    def handset(self, number: str, limit: int = 200) -> list[dict[str, Any]]:
        """Postbacks to or from one phone number (its FROM or TO field), newest first,
        among the newest 20,000."""
        text = json.dumps(number)
        sql = (
            f"SELECT {COLUMNS} FROM (SELECT * FROM postbacks ORDER BY id DESC LIMIT 20000) "  # noqa: S608
            "WHERE fields LIKE ? ESCAPE '\\' OR fields LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT ?"
        )
        to, sender = _like(f'"TO": {text}'), _like(f'"FROM": {text}')
        return _rows(self.store, sql, [to, sender, limit])
