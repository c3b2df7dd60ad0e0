"""Settings of the simulator: one frozen dataclass, validated on creation.

Loading from flags, ``MOCKSERVER_*`` variables and ``mockserver.toml`` comes later; this module
holds the values, their defaults (DESIGN.md section 3) and the checks.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from mockserver.api_rules import RuleError, parse_defaults, parse_rules
from mockserver.wire.model import BODY_MODES, FLAVORS
from mockserver.wire.revisions import DEFAULT_REVISION, REVISIONS

CLOCKS = ("real", "virtual")
RETRY_MODES = ("retries", "total")
#: How a request over ``api_rate_limit`` is answered: a platform error reply, or HTTP 429.
RATE_LIMIT_REPLIES = ("E106", "E113", "E120", "429")
SUCCESS_MODES = ("200", "2xx")
#: The longest wait between two attempts of one postback, in platform seconds (7 days), and
#: the largest ``retry_backoff``: every retry delay the policy can produce must be a finite
#: number the engine can compute and schedule, or the setting is refused.
MAX_RETRY_DELAY = 7 * 24 * 3600.0
MAX_RETRY_BACKOFF = 10.0
#: an entry of allowed_hosts: a name, an address (IPv6 with or without brackets), a ".domain"
_HOST = re.compile(r"\*|\.?[A-Za-z0-9_.-]{1,253}|\[?[0-9A-Fa-f:.]{2,45}\]?")


class ConfigError(ValueError):
    """A setting has a value the simulator cannot use; ``setting`` names it."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(f"setting {setting!r}: {message}")
        self.setting = setting


@dataclass(frozen=True)
class Settings:
    """Every setting of the simulator, with the platform's documented defaults.

    Retry policy: ``retry_mode="retries"`` (default) makes ``retry_attempts`` the number of
    retries after the first attempt (5 -> 6 attempts, the reading "a maximum of 5 retries");
    ``retry_mode="total"`` makes it the total number of attempts (the reading "up to a total
    of 5 times"). The delay before retry *n* is ``retry_interval * retry_backoff ** (n - 1)``
    (the platform: a flat 300 s); ``retry_backoff`` is at most 10 and no retry delay the
    policy produces may exceed ``MAX_RETRY_DELAY`` (7 days), so every delay is finite.
    ``success="2xx"`` is a simulator option: the platform counts only HTTP 200 as success.
    ``timeout`` bounds both connect and read; the platform documents only the 10 s connect
    limit. Retention: postbacks in a final state (delivered, failed, cancelled) beyond the
    newest ``keep_postbacks`` or older than ``keep_days`` (platform time of their last change)
    are deleted with their attempts, in the background; 0 turns either cap off. A postback
    still scheduled, queued or sending is never deleted. The same for the send API's call log
    (``keep_calls``, by creation), the runs' summaries (``keep_runs``; never a run with a
    postback not yet final) and decided moderation items (``keep_days`` only). Saved MMS
    content (saveMMS) is kept while it is among the newest ``keep_saved_mms``, whatever its age
    (the platform keeps saved MMS; a test may send one saved long ago).
    """

    host: str = "127.0.0.1"
    port: int = 8055
    postback_url: str | None = None
    mo_postback_url: str | None = None
    flavor: str = "skycore-xml"
    revision: str = DEFAULT_REVISION
    body_mode: str = "raw"
    data_dir: str = "./.mockserver"
    scenarios: tuple[str, ...] = field(default_factory=tuple)
    time_scale: float = 1.0
    clock: str = "real"
    retry_attempts: int = 5
    retry_interval: float = 300.0
    retry_backoff: float = 1.0
    retry_mode: str = "retries"
    timeout: float = 10.0
    success: str = "200"
    moderation: bool = False
    seed: int | None = None
    token: str | None = None
    public_url: str | None = None
    workers: int = 8
    drain_timeout: float = 15.0
    keep_postbacks: int = 100_000
    keep_calls: int = 100_000
    keep_runs: int = 100_000
    keep_saved_mms: int = 100_000
    keep_days: float = 7.0
    allowed_hosts: tuple[str, ...] = field(default_factory=tuple)
    connection_limit: int = 1000
    idle_timeout: int = 120
    header_timeout: int = 15
    heartbeat: float = 15.0

    # the platform API (docs/api.md): keys (empty: any key), routing, faults, limits
    api_keys: tuple[str, ...] = field(default_factory=tuple)
    api_routes: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    api_defaults: dict[str, str] = field(default_factory=dict)
    api_magic_numbers: bool = True
    api_rate_limit: float = 0.0
    api_rate_limit_reply: str = "E106"
    api_max_bytes: int = 10 * 1024 * 1024
    api_timeout: float = 35.0

    def __post_init__(self) -> None:
        for name in ("scenarios", "allowed_hosts", "api_keys", "api_routes"):
            value = getattr(self, name)
            if not isinstance(value, tuple | str | dict):  # a list: a tuple (hashable)
                object.__setattr__(self, name, tuple(value))
        validate(self)

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied and validated; unknown names raise ConfigError."""
        names = {f.name for f in dataclasses.fields(self)}
        for name in changes:
            if name not in names:
                raise ConfigError(name, f"unknown setting; known: {', '.join(sorted(names))}")
        return dataclasses.replace(self, **changes)

    @property
    def max_attempts(self) -> int:
        """Attempts in total for one postback, first attempt included."""
        if self.retry_mode == "total":
            return self.retry_attempts
        return self.retry_attempts + 1

    def retry_delay(self, attempt: int) -> float:
        """Platform seconds between attempt number ``attempt`` (1-based) and the next one
        (never more than ``MAX_RETRY_DELAY``)."""
        if self.retry_interval == 0:
            return 0.0
        exponent = math.log(self.retry_interval) + (attempt - 1) * math.log(self.retry_backoff)
        if exponent >= math.log(MAX_RETRY_DELAY):
            return MAX_RETRY_DELAY
        return self.retry_interval * self.retry_backoff ** (attempt - 1)

    def url_for(self, is_mo: bool) -> str | None:
        """Where a postback goes: MO to the MO URL when set, else the general URL."""
        if is_mo and self.mo_postback_url:
            return self.mo_postback_url
        return self.postback_url

    @property
    def base_url(self) -> str:
        """The URL that links in postbacks (media files) start with: ``public_url``, else this
        server's address (127.0.0.1 when it listens on every interface)."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # noqa: S104
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def validate(s: Settings) -> None:
    """Raise ConfigError naming the first bad setting and how to fix it."""
    _check_choice("flavor", s.flavor, FLAVORS)
    _check_choice("revision", s.revision, REVISIONS)
    _check_choice("body_mode", s.body_mode, BODY_MODES)
    _check_choice("clock", s.clock, CLOCKS)
    _check_choice("retry_mode", s.retry_mode, RETRY_MODES)
    _check_choice("success", s.success, SUCCESS_MODES)
    _check_int("port", s.port, 0, 65535)
    _check_int("retry_attempts", s.retry_attempts, 1 if s.retry_mode == "total" else 0, 1000)
    _check_int("workers", s.workers, 1, 512)
    _check_int("connection_limit", s.connection_limit, 10, 100_000)
    _check_int("idle_timeout", s.idle_timeout, 1, 86_400)
    _check_int("header_timeout", s.header_timeout, 1, 3600)
    _check_positive("heartbeat", s.heartbeat)
    _check_hosts(s.allowed_hosts)
    _check_positive("time_scale", s.time_scale)
    _check_positive("timeout", s.timeout)
    _check_positive("retry_backoff", s.retry_backoff)
    _check_positive("drain_timeout", s.drain_timeout, allow_zero=True)
    for name in ("keep_postbacks", "keep_calls", "keep_runs", "keep_saved_mms"):
        _check_int(name, getattr(s, name), 0, 10**9)
    _check_positive("keep_days", s.keep_days, allow_zero=True)
    _check_positive("retry_interval", s.retry_interval, allow_zero=True)
    _check_retry_delays(s)
    for name in ("postback_url", "mo_postback_url", "public_url"):
        _check_url(name, getattr(s, name))
    if not s.host:
        raise ConfigError("host", "must not be empty; use 127.0.0.1 to listen locally")
    if not s.data_dir:
        raise ConfigError("data_dir", "must not be empty; use ':memory:' to keep no file")
    if s.seed is not None and (isinstance(s.seed, bool) or not isinstance(s.seed, int)):
        raise ConfigError("seed", f"must be an integer or unset (got {s.seed!r})")
    if not isinstance(s.moderation, bool):
        raise ConfigError("moderation", f"must be true or false (got {s.moderation!r})")
    _validate_api(s)


def _validate_api(s: Settings) -> None:
    if not isinstance(s.api_keys, tuple) or not all(isinstance(k, str) and k for k in s.api_keys):
        raise ConfigError("api_keys", "must be a list of API keys (non-empty text)")
    for name, check in (("api_routes", parse_rules), ("api_defaults", parse_defaults)):
        try:
            check(getattr(s, name))
        except RuleError as exc:
            raise ConfigError(name, str(exc)) from None
    if not isinstance(s.api_magic_numbers, bool):
        raise ConfigError("api_magic_numbers", "must be true or false")
    _check_positive("api_rate_limit", s.api_rate_limit, allow_zero=True)
    _check_choice("api_rate_limit_reply", s.api_rate_limit_reply, RATE_LIMIT_REPLIES)
    _check_int("api_max_bytes", s.api_max_bytes, 1024, 1024**3)
    _check_positive("api_timeout", s.api_timeout, allow_zero=True)


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(name, f"{value!r} is not one of {', '.join(choices)}")


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(name, f"must be a whole number from {low} to {high} (got {value!r})")


def _check_positive(name: str, value: object, *, allow_zero: bool = False) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if ok and (value > 0 or (allow_zero and value == 0)):  # type: ignore[operator]
        return
    what = "zero or more" if allow_zero else "more than zero"
    raise ConfigError(name, f"must be a number {what} (got {value!r})")


def _check_hosts(hosts: tuple[str, ...]) -> None:
    for host in hosts:
        if not isinstance(host, str) or not _HOST.fullmatch(host):
            raise ConfigError(
                "allowed_hosts",
                f"{host!r} is not a host name; give names or addresses without scheme or port "
                "(mockserver, 192.168.1.5, .example.test for a domain and its subdomains, "
                "* for any)",
            )


def _check_retry_delays(s: Settings) -> None:
    """Every delay of the retry policy is finite and at most ``MAX_RETRY_DELAY``."""
    if s.retry_backoff > MAX_RETRY_BACKOFF:
        raise ConfigError(
            "retry_backoff", f"must be at most {MAX_RETRY_BACKOFF:g} (got {s.retry_backoff!r})"
        )
    if s.retry_interval > MAX_RETRY_DELAY:
        raise ConfigError(
            "retry_interval",
            f"must be at most {MAX_RETRY_DELAY:g} s, 7 days (got {s.retry_interval!r})",
        )
    retries = s.max_attempts - 1
    if s.retry_interval == 0 or retries < 2 or s.retry_backoff <= 1:
        return
    # log form: the delay itself may not fit in a float
    longest = math.log10(s.retry_interval) + (retries - 1) * math.log10(s.retry_backoff)
    if longest > math.log10(MAX_RETRY_DELAY) + 1e-9:
        raise ConfigError(
            "retry_backoff",
            f"the last retry would wait retry_interval * retry_backoff ** {retries - 1} = "
            f"10^{longest:.1f} s, more than {MAX_RETRY_DELAY:g} s (7 days): lower "
            "retry_backoff, retry_interval or retry_attempts",
        )


def _check_url(name: str, value: str | None) -> None:
    if value is not None and not is_http_url(value):
        raise ConfigError(
            name, f"{value!r} is not an http(s) URL; give e.g. http://127.0.0.1:5000/postback"
        )


class UrlError(ValueError):
    """A URL given for one call (a run, a replay, an MO injection) is not an absolute http(s)
    URL; ``field`` names the argument or body member."""

    def __init__(self, field: str, value: object) -> None:
        super().__init__(
            f"{field} {value!r} is not an absolute http(s) URL; "
            "give e.g. http://127.0.0.1:5000/postbacks"
        )
        self.field = field


def is_http_url(value: object) -> bool:
    """An absolute http or https URL with a host (and a valid port, if any)."""
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def check_url(field: str, value: object) -> None:
    """Raise :class:`UrlError` unless ``value`` is None or an absolute http(s) URL."""
    if value is not None and not is_http_url(value):
        raise UrlError(field, value)
