"""docs/scenarios.md lists the built-ins as the files describe them."""

from __future__ import annotations

from pathlib import Path

from mockserver.scenarios import Library
from mockserver.scenarios.doctable import builtins_table, updated

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"


def test_builtins_table_is_up_to_date(library: Library) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert updated(text, builtins_table(library)) == text, (
        "docs/scenarios.md is stale: run python docs/gen_scenarios_table.py"
    )


def test_every_builtin_is_in_the_table(library: Library) -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in library.names():
        assert f"| `{name}` |" in text
