"""Imports point one way: wire < engine < scenarios < platform < web / cli / testing.

Checked on the source with ``ast`` (type-only imports count too: a layer must not even name
what sits above it).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mockserver"

#: the platform layer's modules (the backend): above scenarios, below the entry points
PLATFORM = ("mockserver.platform", "mockserver.inbox", "mockserver.runs",
            "mockserver.run_service", "mockserver.sends", "mockserver.events")  # fmt: skip
ENTRY = ("mockserver.web", "mockserver.app", "mockserver.cli", "mockserver.serve",
         "mockserver.testing", "mockserver.commands", "mockserver.play")  # fmt: skip
FORBIDDEN = {
    "wire": ("mockserver.engine", "mockserver.scenarios", *PLATFORM, *ENTRY),
    "engine": ("mockserver.scenarios", *PLATFORM, *ENTRY),
    "scenarios": PLATFORM + ENTRY,
}


def imported(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports (absolute names), with the line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:  # relative: resolve against the package
                parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
                base = ".".join(parts)
                found.append((node.lineno, f"{base}.{node.module}"))
            else:
                found.append((node.lineno, node.module))
                found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def violations(layer: str) -> list[str]:
    bad = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for line, module in imported(path):
            for banned in FORBIDDEN[layer]:
                if module == banned or module.startswith(banned + "."):
                    bad.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_nothing_above_it(layer: str) -> None:
    assert violations(layer) == []


def test_the_check_finds_an_upward_import(tmp_path: Path) -> None:
    module = PACKAGE / "scenarios" / "model.py"
    source = module.read_text(encoding="utf-8")
    fake = tmp_path / "probe.py"
    fake.write_text(source + "\nfrom mockserver.platform import MockPlatform\n")
    found = [m for _, m in imported(fake)]
    assert "mockserver.platform" in found
    assert "mockserver.platform.MockPlatform" in found
