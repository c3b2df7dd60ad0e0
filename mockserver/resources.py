"""Finding the files that ship with mockserver: the built-in scenarios and the UI templates.

In a checkout they are the top-level ``scenarios/`` and ``templates/`` folders; in an installed
wheel they live inside the package as ``mockserver/_data/scenarios`` and
``mockserver/_data/templates`` (pyproject's hatch ``force-include``). The installed copy wins
when both exist.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder ``name`` (``scenarios`` or ``templates``), installed or in a checkout."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"mockserver's {name}/ folder is missing: looked in {_PACKAGE / '_data' / name} "
        f"(installed) and {_PACKAGE.parent / name} (checkout); reinstall mockserver"
    )


def builtin_scenarios_dir() -> Path:
    return data_dir("scenarios")


def templates_dir() -> Path:
    return data_dir("templates")
