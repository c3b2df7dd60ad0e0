"""MO traffic and the MMS Inbox moderation panel (PLATFORM.md sections 4.11, 4.13 and 7).

An SMS MO becomes an N211 at once. An MMS MO becomes an N401, held in the moderation queue
when moderation is on: approving it sends the postback, rejecting it drops it (the platform
sends nothing for a rejected message). The queue lives in the store and survives a restart.
"""

from __future__ import annotations

import base64
import json
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mockserver.config import check_url
from mockserver.wire import ids
from mockserver.wire.model import FieldValue, Postback
from mockserver.wire.timefmt import STYLES, platform_time

if TYPE_CHECKING:
    from mockserver.engine.jobs import NewPostback
    from mockserver.platform import MockPlatform

#: Skycore SPID -> Sinch operator-id for the carriers both documents name (PLATFORM.md 8).
SINCH_OPERATOR_IDS = {
    "0001470": "31002", "0001890": "31003", "0001570": "31004", "0001650": "31005",
    "0001770": "31062",
}  # fmt: skip


class InboxError(ValueError):
    """Bad MO input or an unknown/decided moderation item; ``field`` names the culprit."""

    def __init__(self, message: str, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


@dataclass(frozen=True)
class Held:
    """A postback to send when its moderation item is approved, ``delay`` s after approval."""

    postback: Postback
    delay: float = 0.0
    body: bytes | None = None
    content_type: str | None = None


class _Slot:
    """One injection waiting for the group commit that stores it. ``done`` is a one-shot
    latch: a lock held from birth, released when stored (a tenth of a ``threading.Event``,
    which builds a Condition, and paid on every injection)."""

    __slots__ = ("done", "error", "id", "item")

    def __init__(self, item: NewPostback) -> None:
        self.item = item
        self.id = 0
        self.error: BaseException | None = None
        self.done = threading.Lock()
        self.done.acquire()


class GroupCommit:
    """Concurrent injections share one ``schedule_many`` transaction.

    The first caller becomes the committer: it stores what is pending (its own item and any
    that arrived meanwhile) in one transaction, repeats while more arrive, then hands the role
    back. The others wait for their id. Under a concurrent client this turns a commit (and a
    wake-up of the scheduler) per injection into one per batch; alone, it is one call.
    """

    def __init__(self, platform: MockPlatform) -> None:
        self.platform = platform
        self._lock = threading.Lock()
        self._pending: list[_Slot] = []
        self._committing = False

    def schedule(self, item: NewPostback) -> int:
        slot = _Slot(item)
        with self._lock:
            self._pending.append(slot)
            lead = not self._committing
            self._committing = True
        if lead:
            self._commit_all()
        else:
            slot.done.acquire()  # until the committer releases it
        if slot.error is not None:
            raise slot.error
        return slot.id

    def _commit_all(self) -> None:
        while True:
            with self._lock:
                batch, self._pending = self._pending, []
                if not batch:
                    self._committing = False
                    return
            items, found = [s.item for s in batch], []
            try:
                found = self.platform.schedule_many(items, announce=False)
            except BaseException as exc:  # every caller in the batch sees the failure
                for s in batch:
                    s.error = exc
            else:
                for s, postback_id in zip(batch, found, strict=True):
                    s.id = postback_id
            for s in batch:
                s.done.release()
            if found:  # the callers first: they wait, the scheduler and subscribers need not
                self.platform.announce(found, items)


class Inbox:
    def __init__(self, platform: MockPlatform, publish: Callable[[dict[str, Any]], None]) -> None:
        self.platform = platform
        self._publish = publish
        self._lock = threading.Lock()
        self._group = GroupCommit(platform)
        seed = platform.settings.seed
        self.rng = random.Random(seed)
        # a seeded run must repeat its TRANSACTIONIDs; an unseeded one takes the faster kind
        self._transaction_id = ids.transaction_id if seed is not None else ids.quick_transaction_id

    def reseed(self, seed: int | None) -> None:
        """Start the fake values of MO over from ``seed`` (the pytest plugin, per test)."""
        self.rng = random.Random(seed)
        self._transaction_id = ids.transaction_id if seed is not None else ids.quick_transaction_id

    # -- injection --

    def sms_mo(self, sender: str, to: str, text: str, *, url: str | None = None) -> dict[str, Any]:
        _need_number("from", sender)
        _need_number("to", to)
        check_url("postback_url", url)
        if not isinstance(text, str):
            raise InboxError("text must be a string", "text")
        fields: dict[str, FieldValue] = {
            "FROM": sender,
            "TO": to,
            "TEXT": text,
            "RECEIVED": self._now(),
            "TRANSACTIONID": self._transaction_id(self.rng),
        }
        postback = Postback("SMS_MO", "N211", fields)
        key = str(fields["TRANSACTIONID"])
        item = self.platform.prepare(postback, url=url, message_key=key)
        return {"postback_id": self._group.schedule(item), "fields": fields}

    def mms_mo(
        self,
        sender: str,
        to: str,
        files: Sequence[str],
        *,
        keyword: str | None = None,
        subject: str | None = None,
        spid: str | None = None,
        url: str | None = None,
        moderation: bool | None = None,
    ) -> dict[str, Any]:
        _need_number("from", sender)
        _need_number("to", to)
        check_url("postback_url", url)
        _need_files(files)
        tracking = ids.mms_mo_id(self.rng)
        fields: dict[str, Any] = {"FROM": sender, "TO": to}
        if keyword is not None:
            fields["KEYWORD"] = keyword
        if subject is not None:
            fields["SUBJECT"] = subject
        fields |= {"TRACKINGID": tracking, "SPID": self._operator(spid), "TIMESTAMP": self._now(),
                   "CONTENT": list(files)}  # fmt: skip
        postback = Postback("MMS_MO", "N401", fields)
        held = self.platform.settings.moderation if moderation is None else moderation
        if held:
            item = self.hold([Held(postback)], _summary(fields), url=url)
            return {"held": True, "moderation_id": item, "tracking_id": tracking, "fields": fields}
        postback_id = self._group.schedule(self.platform.prepare(postback, url=url))
        return {"held": False, "postback_id": postback_id, "tracking_id": tracking,
                "fields": fields}  # fmt: skip

    def _now(self) -> str:
        s = self.platform.settings
        legacy = s.flavor == "skycore-xml" and s.revision == "sky-legacy"
        return platform_time(self.platform.now(), "legacy" if legacy else STYLES[s.flavor])

    def _operator(self, spid: str | None) -> str:
        if spid is not None:
            return spid
        spid = self.rng.choice(sorted(SINCH_OPERATOR_IDS))
        if self.platform.settings.flavor != "skycore-xml":
            return SINCH_OPERATOR_IDS[spid]
        return spid

    # -- moderation --

    def hold(
        self,
        postbacks: Sequence[Held],
        summary: dict[str, Any],
        *,
        url: str | None = None,
        run_id: str | None = None,
    ) -> int:
        """Queue postbacks until approval; returns the moderation item's id."""
        data = {"summary": summary, "url": url, "run_id": run_id,
                "postbacks": [_held_to_json(h) for h in postbacks]}  # fmt: skip
        store = self.platform.store
        with store.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO moderation (created, state, data) VALUES (?, 'pending', ?)",
                (self.platform.now(), json.dumps(data)),
            )
            item_id = int(cur.lastrowid or 0)
        self._publish({"type": "moderation.held", "id": item_id, "summary": summary})
        return item_id

    def items(self, state: str | None = "pending") -> list[dict[str, Any]]:
        sql = "SELECT * FROM moderation"
        args: tuple[Any, ...] = ()
        if state is not None:
            sql, args = sql + " WHERE state = ?", (state,)
        rows = self.platform.store.execute(sql + " ORDER BY id", args)
        return [_item(row) for row in rows]

    def item(self, item_id: int) -> dict[str, Any]:
        rows = self.platform.store.execute("SELECT * FROM moderation WHERE id = ?", (item_id,))
        if not rows:
            raise InboxError(f"no moderation item {item_id}", "id", status=404)
        return _item(rows[0])

    def approve(self, item_id: int) -> list[int]:
        """Send the held postbacks (their delays counted from now); returns their ids."""
        with self._lock:
            row = self._decide(item_id, "approved")
        data = json.loads(row["data"])
        ids_ = [self._release(h, data) for h in data["postbacks"]]
        self._publish({"type": "moderation.approved", "id": item_id, "postbacks": ids_})
        return ids_

    def _release(self, held: dict[str, Any], data: dict[str, Any]) -> int:
        return self.platform.schedule(
            _held_postback(held),
            url=data["url"],
            delay=held["delay"],
            run_id=data["run_id"],
            body=_body(held),
            content_type=held["content_type"],
        )

    def reject(self, item_id: int) -> None:
        with self._lock:
            self._decide(item_id, "rejected")
        self._publish({"type": "moderation.rejected", "id": item_id})

    def _decide(self, item_id: int, state: str) -> dict[str, Any]:
        rows = self.platform.store.execute("SELECT * FROM moderation WHERE id = ?", (item_id,))
        if not rows:
            raise InboxError(f"no moderation item {item_id}", "id", status=404)
        row = rows[0]
        if row["state"] != "pending":
            raise InboxError(f"moderation item {item_id} is already {row['state']}", "id", 409)
        with self.platform.store.transaction() as conn:
            conn.execute(
                "UPDATE moderation SET state = ?, decided = ? WHERE id = ?",
                (state, self.platform.now(), item_id),
            )
        return row


def _summary(fields: dict[str, Any]) -> dict[str, Any]:
    keys = ("FROM", "TO", "KEYWORD", "SUBJECT", "TRACKINGID", "CONTENT")
    return {k.lower(): fields[k] for k in keys if k in fields}


def _item(row: dict[str, Any]) -> dict[str, Any]:
    data = json.loads(row["data"])
    return {"id": row["id"], "state": row["state"], "created": row["created"],
            "decided": row["decided"], "run_id": data["run_id"], **data["summary"]}  # fmt: skip


def _held_to_json(held: Held) -> dict[str, Any]:
    p = held.postback
    body = base64.b64encode(held.body).decode("ascii") if held.body is not None else None
    return {"origin": p.origin, "code": p.code, "fields": p.fields, "flavor": p.flavor,
            "delay": held.delay, "body": body, "content_type": held.content_type}  # fmt: skip


def _held_postback(data: dict[str, Any]) -> Postback:
    return Postback(data["origin"], data["code"], data["fields"], data["flavor"])


def _body(data: dict[str, Any]) -> bytes | None:
    return base64.b64decode(data["body"]) if data.get("body") else None


def _need_number(field: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InboxError(f"{field} must be a non-empty phone number or short code", field)
    if len(value) > 32:
        raise InboxError(f"{field} is too long ({len(value)} characters, at most 32)", field)


def _need_files(files: object) -> None:
    if not isinstance(files, list | tuple) or not files:
        raise InboxError("files must be a non-empty list of http(s) URLs", "files")
    for i, url in enumerate(files):
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise InboxError(f"files[{i}] is not an http(s) URL: {url!r}", "files")
