"""Hostile requests to every control route, as hypothesis strategies.

Used by tests/web/test_fuzz.py (Flask test client, bounded) and bench/fuzz.py (a live server,
20,000 requests). Each request: a real route with its path variables replaced by odd values
(2^63 and beyond, non-ASCII, percent-encoded invalid UTF-8), a query string, headers, a body
(JSON with the members the routes know and wrong values, deep nesting, huge numbers, lone
surrogates, invalid UTF-8, any bytes).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from flask import Flask
from hypothesis import strategies as st

#: The members the control API's bodies know, so that generated bodies reach the validators.
MEMBERS = (
    "from", "to", "text", "files", "keyword", "subject", "spid", "postback_url", "moderation",
    "seconds", "url", "since", "limit", "code", "origin", "tracking_id", "state", "run_id",
    "vars", "seed", "flavor", "body_mode", "time_scale", "retry_attempts", "retry_interval",
    "retry_backoff", "retry_mode", "timeout", "success", "mo_postback_url", "token",
)  # fmt: skip
#: Query parameters the routes read.
PARAMS = ("since", "limit", "offset", "code", "origin", "tracking_id", "state", "run_id",
          "types", "timeout", "token")  # fmt: skip
ODD_TEXT = (
    "", " ", "0", "-1", "1.5", "1e400", "nan", "inf", "-inf", "9223372036854775807",
    "9223372036854775808", "18446744073709551616", "1" * 30, "1" * 5000, "\x00", "٣",
    "%ff%fe", "%ed%a0%80", "%00", "..", "../..", "é", "😀", "a/b", "<script>", "'; drop",
    "pending", "all", "delivered", "postback.", "N211", "mt", "mo", "true", "null",
)  # fmt: skip
HUGE = st.sampled_from([2**63, 2**63 - 1, -(2**63) - 1, 2**64, 10**30, 10**400, 1e308, -1e308])


@dataclass(frozen=True)
class FuzzRequest:
    method: str
    path: str  # percent-encoded, as on the wire
    query: str  # percent-encoded, as on the wire
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def target(self) -> str:
        return self.path + ("?" + self.query if self.query else "")


def routes(app: Flask) -> list[tuple[str, tuple[str, ...]]]:
    """Every rule of the control API, the status page and the media files, with its methods."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/mock/", "/")) and rule.endpoint != "static":
            methods = tuple(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}))
            found.append((rule.rule, methods))
    return sorted(found)


def _encode(text: str) -> str:
    """Percent-encode, keeping %XX sequences (raw bytes such as %ff) as they are."""
    return quote(text, safe="%/")


segments = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.integers(-(2**70), 2**70).map(str),
    st.text(max_size=20),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    HUGE,
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["\ud800", "a\udfffb", "http://127.0.0.1:9/x", "sinch-json", "virtual"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(MEMBERS), st.text(max_size=8)), inner, max_size=4
        ),
    ),
    max_leaves=12,
)
objects = st.dictionaries(st.sampled_from(MEMBERS), json_values, max_size=5)


def _deep(depth: int, wrap: str) -> bytes:
    if wrap == "list":
        return ("[" * depth + "]" * depth).encode()
    return ('{"vars": ' + '{"a": ' * depth + "1" + "}" * depth + "}").encode()


bodies = st.one_of(
    objects.map(lambda v: json.dumps(v).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.builds(_deep, st.integers(1, 3000), st.sampled_from(["list", "object"])),
    st.binary(max_size=64),
    st.sampled_from(
        [
            b"",
            b"{",
            b'{"seconds": 1e999}',
            b'{"seconds": NaN}',
            b'{"since": 1' + b"0" * 400 + b"}",
            b'{"from": "\\ud800", "to": "1", "text": "x"}',
            b'{"from": "\xff\xfe"}',
            "{}".encode("utf-16"),
            b"\xef\xbb\xbf{}",
            b'{"a": 1, "a": 2}',
        ]
    ),
)
content_types = st.sampled_from(
    [
        None,
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/json; charset=utf-16",
        "application/xml",
        "\x7f",
    ]
)
queries = st.lists(
    st.tuples(st.one_of(st.sampled_from(PARAMS), st.text(max_size=6)), segments), max_size=4
).map(lambda pairs: "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs))
extra_headers = st.dictionaries(
    st.sampled_from(
        [
            "Last-Event-ID",
            "Authorization",
            "Cookie",
            "Accept",
            "Accept-Charset",
            "If-Modified-Since",
            "Range",
            "X-Mockserver-Token",
        ]
    ),
    st.one_of(
        st.sampled_from(ODD_TEXT),
        st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20),
    ),
    max_size=3,
)
_VARIABLE = re.compile(r"<(?:[^>:]+:)?[^>]+>")


def requests_for(all_routes: list[tuple[str, tuple[str, ...]]]) -> st.SearchStrategy[FuzzRequest]:
    @st.composite
    def build(draw: Any) -> FuzzRequest:
        rule, methods = draw(st.sampled_from(all_routes))
        path = _VARIABLE.sub(lambda _: _encode(draw(segments)) or "x", rule)
        method = draw(
            st.one_of(
                st.sampled_from(methods), st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"])
            )
        )
        headers = dict(draw(extra_headers))
        kind = draw(content_types)
        if kind is not None:
            headers["Content-Type"] = kind
        body = draw(bodies) if method in ("POST", "PUT", "PATCH", "DELETE") else b""
        return FuzzRequest(method, path, draw(queries), headers, body)

    return build()
