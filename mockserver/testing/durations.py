"""Durations as tests write them: ``"5m"``, ``"1h30m"``, ``"250ms"``, ``90``, a ``timedelta``."""

from __future__ import annotations

import math
import re
from datetime import timedelta

_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}

Duration = str | float | int | timedelta


def seconds(value: Duration, what: str = "duration") -> float:
    """``value`` in seconds. Strings are one or more ``<number><unit>`` parts, units ``ms``,
    ``s``, ``m``, ``h``, ``d`` (``"1h30m"``); a bare number is seconds."""
    if isinstance(value, timedelta):
        result = value.total_seconds()
    elif isinstance(value, bool):
        raise TypeError(f"{what} must be seconds, a timedelta or a string like '5m', not a bool")
    elif isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        result = _parse(value, what)
    else:
        raise TypeError(
            f"{what} must be seconds, a timedelta or a string like '5m' "
            f"(got {type(value).__name__})"
        )
    if result < 0 or not math.isfinite(result):
        raise ValueError(f"{what} must be zero or more seconds (got {value!r})")
    return result


def _parse(text: str, what: str) -> float:
    stripped = text.strip()
    try:
        return float(stripped)
    except ValueError:
        pass
    total, pos = 0.0, 0
    while pos < len(stripped):
        match = _PART.match(stripped, pos)
        if match is None:
            raise ValueError(
                f"{what} {text!r} is not a duration; write e.g. '90s', '5m', '1h30m', '250ms'"
            )
        total += float(match[1]) * _UNITS[match[2]]
        pos = match.end()
    if not stripped:
        raise ValueError(f"{what} is empty; write e.g. '90s', '5m', '1h30m'")
    return total


def format_seconds(value: float) -> str:
    """``3725.0`` -> ``'1h2m5s'``; under a minute with up to three decimals."""
    if value < 60:
        return f"{value:.3f}".rstrip("0").rstrip(".") + "s"
    whole = round(value)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    return "".join(f"{n}{unit}" for n, unit in parts if n) or "0s"
