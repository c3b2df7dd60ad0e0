"""shop-notify: a small shop back end that texts its customers through the Skycore API.

It sends order notifications as SMS or MMS with ``requests``, keeps every postback it receives
in SQLite, and shows each message's delivery status. What it gets right, and its tests check
against mockserver: a postback received twice is stored once (the body's hash is the key); a
final status is never overwritten by an earlier one arriving late; an MMS the carrier degrades
to an xHTML link is marked as such; an SMS MO "STOP" unsubscribes and is answered; an MMS MO
photo is kept once the moderators let it through.

Run it: ``SHOP_API_URL=http://127.0.0.1:8055/API/wxml/1.3/index.php flask --app
shop_notify:create_app run`` beside ``mockserver serve --postback-url
http://127.0.0.1:5000/postbacks``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import xml.etree.ElementTree as ET
from typing import Any

import requests
from defusedxml import ElementTree as SafeET
from flask import Flask, abort, g, jsonify, request

SKYCORE_API = "https://secure.skycore.com/API/wxml/1.3/index.php"
SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    tracking_id TEXT PRIMARY KEY, kind TEXT, recipient TEXT, text TEXT,
    status TEXT NOT NULL DEFAULT 'accepted', final INTEGER NOT NULL DEFAULT 0,
    fallback_sms INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS postbacks (
    digest TEXT PRIMARY KEY, code TEXT, tracking_id TEXT, body TEXT);
CREATE TABLE IF NOT EXISTS inbound (
    id INTEGER PRIMARY KEY, kind TEXT, sender TEXT, text TEXT, files TEXT);
CREATE TABLE IF NOT EXISTS optouts (number TEXT PRIMARY KEY);
"""
#: The carrier's receipt (STATUS of N102/N202 and E-codes) -> the message's final status.
FINAL = {
    "Delivered": "delivered",
    "Expired": "expired",
    "Rejected": "rejected",
    "Failed": "undelivered",
    "Undeliverable": "undelivered",
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask("shop_notify")
    app.config.update(
        DATABASE=os.environ.get("SHOP_DATABASE", "shop.sqlite3"),
        API_URL=os.environ.get("SHOP_API_URL", SKYCORE_API),
        API_KEY=os.environ.get("SHOP_API_KEY", "test-key"),
        SHORTCODE=os.environ.get("SHOP_SHORTCODE", "60856"),
        MAINTENANCE=False,  # answers postbacks 503 while on (a deploy, a locked database)
    )
    app.config.update(config or {})
    with sqlite3.connect(app.config["DATABASE"]) as conn:
        conn.executescript(SCHEMA)
    app.teardown_appcontext(_close_db)
    _routes(app)
    return app


def db() -> sqlite3.Connection:
    if "db" not in g:
        from flask import current_app

        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    conn: sqlite3.Connection = g.db
    return conn


def _close_db(exc: BaseException | None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


# -- sending --


def call_api(params: dict[str, str], request_xml: ET.Element | None = None) -> dict[str, str]:
    """One Skycore API call, as form parameters or as a ``<REQUEST>`` document in the form
    field ``xml``; the reply's elements, or an ``error`` key."""
    from flask import current_app

    cfg = current_app.config
    data = {"api_key": cfg["API_KEY"], **params}
    if request_xml is not None:
        ET.SubElement(request_xml, "API_KEY").text = cfg["API_KEY"]
        data = {"xml": ET.tostring(request_xml, encoding="unicode")}
    try:
        reply = requests.post(cfg["API_URL"], data=data, timeout=10)
    except requests.RequestException as exc:
        return {"error": f"platform unreachable: {type(exc).__name__}"}
    if reply.status_code != 200:
        return {"error": f"platform answered HTTP {reply.status_code}"}
    root = SafeET.fromstring(reply.content)
    values = {child.tag: (child.text or "").strip() for child in root}
    if values.get("STATUS") != "Success":
        return {"error": f"{values.get('ERRORCODE')}: {values.get('ERRORINFO')}"}
    return values


def send(kind: str, to: str, text: str, image: str | None = None) -> dict[str, str]:
    from flask import current_app

    if db().execute("SELECT 1 FROM optouts WHERE number = ?", (to,)).fetchone():
        return {"error": f"{to} has opted out"}
    sender = current_app.config["SHORTCODE"]
    if kind == "sms":
        values = call_api({"action": "sendSMS", "to": to, "from": sender, "text": text})
    else:
        doc = ET.Element("REQUEST")
        for tag, value in (("ACTION", "sendMMS"), ("TO", to), ("FROM", sender), ("NAME", "order")):
            ET.SubElement(doc, tag).text = value
        slide = ET.SubElement(doc, "SLIDE")
        if image:
            ET.SubElement(ET.SubElement(slide, "IMAGE"), "URL").text = image
        ET.SubElement(slide, "TEXT").text = text
        values = call_api({}, doc)
    if "error" not in values:
        with db() as conn:
            conn.execute(
                "INSERT INTO messages (tracking_id, kind, recipient, text) VALUES (?, ?, ?, ?)",
                (values["TRACKINGID"], kind, to, text),
            )
    return values


# -- postbacks --


def store_postback(body: bytes) -> None:
    root = SafeET.fromstring(body)
    notification = root.find("NOTIFICATION")  # MMS MO: one NOTIFICATION inside the POSTBACK
    if notification is not None:
        root = notification
    fields = {child.tag.upper(): (child.text or "").strip() for child in root}
    code, origin = fields.get("CODE", ""), fields.get("ORIGIN", "")
    digest = hashlib.sha256(body).hexdigest()
    with db() as conn:
        fresh = conn.execute(
            "INSERT OR IGNORE INTO postbacks VALUES (?, ?, ?, ?)",
            (digest, code, fields.get("TRACKINGID"), body.decode("utf-8", "replace")),
        ).rowcount
        if not fresh:
            return  # a duplicate: already handled, still a 200 so the platform stops
        if origin == "SMS_MO":
            _sms_mo(conn, fields)
        elif origin == "MMS_MO":
            files = [f.text for f in root.iter() if f.tag.upper() in ("FILE", "URL") and f.text]
            conn.execute(
                "INSERT INTO inbound (kind, sender, text, files) VALUES (?, ?, ?, ?)",
                ("mms", fields.get("FROM"), fields.get("SUBJECT"), json.dumps(files)),
            )
        else:
            _status(conn, code, fields)


def _status(conn: sqlite3.Connection, code: str, fields: dict[str, str]) -> None:
    status_text = fields.get("STATUS", "")
    final = next((v for k, v in FINAL.items() if status_text.endswith(k)), None)
    if code.startswith("E") or status_text == "Message Failed":
        final = final or "failed"
    fallback = int(fields.get("SENTAS") == "SMS")
    key = fields.get("TRACKINGID")
    conn.execute(
        "UPDATE messages SET fallback_sms = MAX(fallback_sms, ?) WHERE tracking_id = ?",
        (fallback, key),
    )
    if final is not None:  # a final status wins, whatever arrives after it
        conn.execute(
            "UPDATE messages SET status = ?, final = 1 WHERE tracking_id = ? AND final = 0",
            (final, key),
        )
    else:
        conn.execute(
            "UPDATE messages SET status = 'sent' WHERE tracking_id = ? AND final = 0", (key,)
        )


def _sms_mo(conn: sqlite3.Connection, fields: dict[str, str]) -> None:
    sender, text = fields.get("FROM", ""), fields.get("TEXT", "").strip().upper()
    conn.execute(
        "INSERT INTO inbound (kind, sender, text) VALUES ('sms', ?, ?)",
        (sender, fields.get("TEXT")),
    )
    if text == "STOP":
        conn.execute("INSERT OR IGNORE INTO optouts VALUES (?)", (sender,))
        conn.commit()
        call_api(
            {
                "action": "sendSMS",
                "to": sender,
                "from": fields.get("TO", ""),
                "text": "You are unsubscribed. Reply START to subscribe again.",
            }
        )


# -- routes --


def _routes(app: Flask) -> None:
    @app.post("/orders/<int:order_id>/notify")
    def notify(order_id: int) -> Any:
        data = request.get_json(force=True)
        kind = data.get("kind", "sms")
        text = data.get("text") or f"Your order #{order_id} has shipped."
        values = send(kind, data["to"], text, data.get("image"))
        if "error" in values:
            return jsonify(error=values["error"]), 502
        return jsonify(tracking_id=values["TRACKINGID"], status="accepted"), 201

    @app.post("/postbacks")
    def postbacks() -> Any:
        if app.config["MAINTENANCE"]:
            return "down for maintenance", 503
        try:
            store_postback(request.get_data())
        except ET.ParseError:
            return "not a postback", 400
        return "OK"

    @app.get("/messages/<tracking_id>")
    def message(tracking_id: str) -> Any:
        row = (
            db().execute("SELECT * FROM messages WHERE tracking_id = ?", (tracking_id,)).fetchone()
        )
        if row is None:
            abort(404)
        codes = [
            r["code"]
            for r in db().execute(
                "SELECT code FROM postbacks WHERE tracking_id = ? ORDER BY rowid", (tracking_id,)
            )
        ]
        return jsonify(
            tracking_id=tracking_id,
            status=row["status"],
            fallback_sms=bool(row["fallback_sms"]),
            postbacks=codes,
        )

    @app.get("/inbound")
    def inbound() -> Any:
        rows = db().execute("SELECT kind, sender, text, files FROM inbound ORDER BY id")
        return jsonify([dict(r) | {"files": json.loads(r["files"] or "[]")} for r in rows])

    @app.get("/optouts")
    def optouts() -> Any:
        return jsonify([r[0] for r in db().execute("SELECT number FROM optouts")])
