"""Saved MMS content (saveMMS, sendMMS), per MMSID, in the store: it survives a restart.

A saved MMS is ``encoding`` until its ``ready`` time (the due time of its N003/E002/E003
postback), then ``ready`` or ``failed`` (``result`` is ``ok`` or the failure code). Sending an
MMSID that is still encoding answers E626, one that failed or never existed E241.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mockserver.engine.store import Store
from mockserver.wire.api import ApiRequest

#: postback codes that make saved content unusable (saveMMS E002/E003, JSON-era E004/E011)
FAILED_CODES = ("E002", "E003", "E004", "E011", "E012", "E013")


@dataclass(frozen=True)
class SavedMms:
    mmsid: int
    created: float
    ready: float
    result: str
    run_id: str | None

    def state(self, now: float) -> str:
        if now < self.ready:
            return "encoding"
        return "ready" if self.result == "ok" else "failed"


class SavedContent:
    def __init__(self, store: Store) -> None:
        self.store = store

    def save(self, saved: SavedMms, request: ApiRequest) -> None:
        data = {"name": request.get("NAME"), "subject": request.get("SUBJECT"),
                "slides": [{"parts": [[p.kind, p.url] for p in s.parts], "text": s.text,
                            "duration": s.duration} for s in request.slides]}  # fmt: skip
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO saved_mms (mmsid, created, ready, result, run_id, data) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (saved.mmsid, saved.created, saved.ready, saved.result, saved.run_id,
                 json.dumps(data)),
            )  # fmt: skip

    def get(self, mmsid: int) -> SavedMms | None:
        rows = self.store.execute(
            "SELECT mmsid, created, ready, result, run_id FROM saved_mms WHERE mmsid = ?",
            (mmsid,),
        )
        return SavedMms(**rows[0]) if rows else None

    def ids(self) -> list[int]:
        return [r["mmsid"] for r in self.store.execute("SELECT mmsid FROM saved_mms ORDER BY 1")]

    def describe(self, mmsid: int, now: float) -> dict[str, Any] | None:
        rows = self.store.execute("SELECT * FROM saved_mms WHERE mmsid = ?", (mmsid,))
        if not rows:
            return None
        row = rows[0]
        found = SavedMms(row["mmsid"], row["created"], row["ready"], row["result"], row["run_id"])
        return {**{k: row[k] for k in ("mmsid", "created", "ready", "result", "run_id")},
                "state": found.state(now), **json.loads(row["data"])}  # fmt: skip
