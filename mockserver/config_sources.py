"""Where settings come from: defaults < ``mockserver.toml`` < ``MOCKSERVER_*`` < flags.

Each source gives text or TOML values keyed by setting name (dashes or underscores); they are
converted to the setting's type here, with errors that name the source, the setting and a fix.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mockserver.config import ConfigError, Settings

ENV_PREFIX = "MOCKSERVER_"
#: MOCKSERVER_* variables that are not settings (the config file; the client's server URL)
NOT_SETTINGS = ("MOCKSERVER_CONFIG", "MOCKSERVER_SERVER")
CONFIG_FILE = "mockserver.toml"
_TRUE = {"on", "true", "yes", "1"}
_FALSE = {"off", "false", "no", "0"}
_NONE = {"", "none", "null"}
_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}
#: how each setting's text is read
_KINDS = {
    "port": "int", "retry_attempts": "int", "workers": "int", "seed": "int?",
    "time_scale": "float", "retry_interval": "float", "retry_backoff": "float",
    "timeout": "float", "drain_timeout": "float", "moderation": "bool",
    "postback_url": "str?", "mo_postback_url": "str?", "token": "str?", "public_url": "str?",
    "keep_postbacks": "int", "keep_days": "float",
    "scenarios": "list", "allowed_hosts": "names", "connection_limit": "int",
    "idle_timeout": "int", "header_timeout": "int", "heartbeat": "float",
    "api_keys": "csv", "api_routes": "json", "api_defaults": "json",
    "api_magic_numbers": "bool", "api_rate_limit": "float", "api_max_bytes": "int",
    "api_timeout": "float",
}  # fmt: skip


def setting_names() -> list[str]:
    return list(_FIELDS)


def _name(raw: str, source: str) -> str:
    name = raw.strip().lower().replace("-", "_")
    if name not in _FIELDS:
        close = difflib.get_close_matches(name, _FIELDS, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(_FIELDS)}"
        raise ConfigError(name, f"unknown setting in {source}; {hint}")
    return name


def convert(name: str, value: Any, source: str) -> Any:
    """A value from ``source`` as the setting's type (text is parsed; TOML values checked)."""
    kind = _KINDS.get(name, "str")
    try:
        return _convert(kind, value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(name, f"{value!r} from {source} is not valid: {exc}") from None


def _convert(kind: str, value: Any) -> Any:
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    if optional and (value is None or (isinstance(value, str) and value.strip().lower() in _NONE)):
        return None
    if kind == "csv":  # comma-separated text, or a list
        if isinstance(value, str):
            return tuple(p.strip() for p in value.split(",") if p.strip())
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise TypeError("expected a list of text (or comma-separated text)")
    if kind == "json":  # JSON text (environment, flags) or TOML tables
        return json.loads(value) if isinstance(value, str) else value
    if kind == "list":
        if isinstance(value, str):
            return tuple(p for p in value.split(os.pathsep) if p)
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise TypeError("expected a list of folders")
    if kind == "names":
        if isinstance(value, str):
            return tuple(p for p in value.replace(",", " ").split() if p)
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise TypeError("expected host names separated by commas")
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise ValueError("use on/off (or true/false)")
    if kind in ("int", "float"):
        if isinstance(value, bool):
            raise TypeError("expected a number")
        number = float(value) if kind == "float" else int(str(value).strip())
        return number
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """Settings from ``MOCKSERVER_<NAME>`` variables (``MOCKSERVER_CONFIG`` is the file)."""
    found: dict[str, Any] = {}
    for key, value in environ.items():
        if not key.startswith(ENV_PREFIX) or key in NOT_SETTINGS:
            continue
        name = _name(key[len(ENV_PREFIX) :], f"environment variable {key}")
        found[name] = convert(name, value, f"environment variable {key}")
    return found


def from_file(path: Path) -> dict[str, Any]:
    """Settings from a TOML file: top-level keys, or the keys of a ``[mockserver]`` table."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError("config", f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config", f"{path} is not valid TOML: {exc}") from None
    table = data.get("mockserver", data)
    if not isinstance(table, dict):
        raise ConfigError("config", f"{path}: [mockserver] must be a table")
    found: dict[str, Any] = {}
    for key, value in table.items():
        name = _name(key, str(path))
        found[name] = convert(name, value, str(path))
    return found


def find_config(explicit: str | None, environ: Mapping[str, str], cwd: Path) -> Path | None:
    """``--config``, else ``MOCKSERVER_CONFIG``, else ``./mockserver.toml`` if present."""
    chosen = explicit or environ.get(ENV_PREFIX + "CONFIG")
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise ConfigError("config", f"config file {path} does not exist")
        return path
    default = cwd / CONFIG_FILE
    return default if default.is_file() else None


def load_settings(
    flags: Mapping[str, Any] | None = None,
    *,
    config: str | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Defaults < config file < environment < flags (flags given as text or typed values;
    ``None`` means "not given")."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = find_config(config, environ, cwd or Path.cwd())
    if path is not None:
        values.update(from_file(path))
    values.update(from_env(environ))
    for key, value in (flags or {}).items():
        if value is None:
            continue
        name = _name(key, "command-line flags")
        values[name] = convert(name, value, f"--{name.replace('_', '-')}")
    return Settings(**values)
