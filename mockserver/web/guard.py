"""Host and Origin checks: no DNS rebinding, no cross-site requests from the user's browser.

Without a token (the default, on loopback) anything that reaches the port could drive the
control API, and two kinds of web page can reach it from the user's own browser:

- a page of a site whose name the attacker points at 127.0.0.1 (DNS rebinding): its requests
  carry the attacker's name in ``Host``. Refused with 421 unless the name is this server's:
  ``localhost`` (and ``*.localhost``), 127.0.0.1, ::1, ``host``, the host of ``public_url``,
  an entry of ``allowed_hosts``; on a wildcard ``host`` (0.0.0.0, ::) also any IP address and
  this machine's name (an address cannot be rebound). The port is not compared.
- any page POSTing a form or ``text/plain`` (no CORS preflight): refused with 403 when the
  method changes state (POST, PUT, PATCH, DELETE) and the request says it comes from another
  site (``Origin``, else ``Referer``, names a host that is not allowed, or
  ``Sec-Fetch-Site: cross-site``), unless it presents the token in a header (the cookie does
  not count: a browser sends it by itself).

Health and the media files stay open to any Host, as they are to any caller without a token:
a container healthcheck and a receiver fetching content URLs must reach them.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from mockserver.config import Settings
from mockserver.web.api import ApiError, token_ok

#: Paths that never need the token (a container healthcheck cannot hold it).
OPEN_PATHS = ("/mock/api/v1/health",)
#: Path prefixes that never need it: the content URLs handed to the receiver in postbacks.
OPEN_PREFIXES = ("/mock/media/",)
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,253}")
_WILDCARDS = ("0.0.0.0", "::", "")  # noqa: S104 - names, not a bind


#: Host headers whose verdict a rule remembers (a client sends the same one every time).
KNOWN_HOSTS = 256


@dataclass(frozen=True)
class HostRule:
    names: frozenset[str]
    suffixes: tuple[str, ...]
    any_address: bool
    any_host: bool
    verdicts: dict[str, bool] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def allows_header(self, raw: str) -> bool:
        """``allows(host_of(raw))``, remembered for the last ``KNOWN_HOSTS`` headers."""
        verdict = self.verdicts.get(raw)
        if verdict is None:
            verdict = self.allows(host_of(raw))
            if len(self.verdicts) >= KNOWN_HOSTS:
                self.verdicts.clear()
            self.verdicts[raw] = verdict
        return verdict

    def allows(self, name: str | None) -> bool:
        if name is None:
            return False
        if self.any_host or name in self.names or name.endswith(self.suffixes):
            return True
        return self.any_address and _is_address(name)


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _plain(name: str) -> str:
    return name.strip().strip("[]").rstrip(".").lower()


@lru_cache(maxsize=32)
def host_rule(host: str, public_url: str | None, allowed: tuple[str, ...]) -> HostRule:
    names = {"localhost", "127.0.0.1", "::1"}
    suffixes = [".localhost"]
    wildcard = host in _WILDCARDS
    if not wildcard:
        names.add(_plain(host))
    else:
        names.add(_plain(socket.gethostname()))
    if public_url:
        names.add(_plain(urlsplit(public_url).hostname or ""))
    for entry in allowed:
        if entry.startswith("."):
            names.add(_plain(entry[1:]))
            suffixes.append(_plain(entry))
        elif entry != "*":
            names.add(_plain(entry))
    return HostRule(frozenset(names), tuple(suffixes), wildcard, "*" in allowed)


def rule_for(settings: Settings) -> HostRule:
    return host_rule(settings.host, settings.public_url, settings.allowed_hosts)


def host_of(value: str) -> str | None:
    """The name in a ``Host`` header (``name``, ``name:port``, ``[v6]:port``); None if bad."""
    try:
        parts = urlsplit("//" + value.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    name = parts.hostname
    if not name or parts.username is not None or parts.path or parts.query:
        return None
    return _plain(name) if _NAME.fullmatch(name) else None


def _origin_host(value: str) -> str | None:
    """The host of an ``Origin`` or ``Referer`` URL; None for ``null`` and non-web URLs."""
    try:
        parts = urlsplit(value.strip())
        name = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not name:
        return None
    return _plain(name)


def is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def refusal(settings: Settings, environ: Mapping[str, Any]) -> ApiError | None:
    """Why this request is refused (421 wrong Host, 403 cross-site), or None."""
    if is_open(environ.get("PATH_INFO", "")):
        return None
    rule = rule_for(settings)
    raw_host = environ.get("HTTP_HOST")
    if raw_host is not None and not rule.allows_header(raw_host):
        return ApiError(
            421,
            "host_not_allowed",
            f"Host {raw_host[:200]!r} is not a name of this server (a page of another site "
            "can be behind such a name: DNS rebinding); use http://127.0.0.1:PORT, or add "
            "the name to allowed_hosts (--allowed-hosts, MOCKSERVER_ALLOWED_HOSTS)",
            "Host",
        )
    if environ.get("REQUEST_METHOD") not in STATE_CHANGING:
        return None
    header = _cross_site(rule, environ)
    if header is None or (settings.token and token_ok(settings.token, environ, cookie=False)):
        return None
    return ApiError(
        403,
        "cross_site_request",
        f"a {environ.get('REQUEST_METHOD')} from another site ({header} header) is refused: "
        "a web page must not drive the simulator; send it from your tests or tools (no "
        "Origin header), or present the token in the X-Mockserver-Token header (--token)",
        header,
    )


def _cross_site(rule: HostRule, environ: Mapping[str, Any]) -> str | None:
    """The header that shows the request comes from a foreign site, or None."""
    if environ.get("HTTP_SEC_FETCH_SITE", "").strip().lower() == "cross-site":
        return "Sec-Fetch-Site"
    origin = environ.get("HTTP_ORIGIN")
    if origin:
        return None if rule.allows(_origin_host(origin)) else "Origin"
    referer = environ.get("HTTP_REFERER")
    if referer and not rule.allows(_origin_host(referer)):
        return "Referer"
    return None
