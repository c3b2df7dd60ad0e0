"""The scenarios a platform knows: the built-ins plus any extra folders, looked up by name."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from pathlib import Path

from mockserver.resources import builtin_scenarios_dir
from mockserver.scenarios.errors import (
    Loc,
    ScenarioError,
    ScenarioValidationError,
    UnknownScenarioError,
)
from mockserver.scenarios.loader import load_file
from mockserver.scenarios.model import Scenario
from mockserver.scenarios.reader import did_you_mean

SUFFIXES = (".yaml", ".yml")


def scenario_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, and the ``*.yaml``/``*.yml`` files of folders, sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file())
        else:
            found.append(path)
    return found


def validate_paths(paths: Iterable[str | Path]) -> tuple[list[Scenario], list[ScenarioError]]:
    """Load every file; returns the good scenarios and every error (missing files included)."""
    scenarios: list[Scenario] = []
    errors: list[ScenarioError] = []
    for path in scenario_files(paths):
        if not path.is_file():
            errors.append(ScenarioError("no such file", Loc(str(path), 0, 0), "check the path"))
            continue
        try:
            scenarios.append(load_file(path))
        except ScenarioValidationError as exc:
            errors += exc.errors
    errors += _duplicates(scenarios)
    return scenarios, errors


def _duplicates(scenarios: list[Scenario]) -> list[ScenarioError]:
    seen: dict[str, Scenario] = {}
    errors = []
    for s in scenarios:
        if s.name in seen:
            first = seen[s.name].path
            errors.append(
                ScenarioError(f"name {s.name!r} is also used by {first}", s.loc, "rename one")
            )
        seen.setdefault(s.name, s)
    return errors


class Library:
    """Scenarios by name. ``extra`` folders are added after the built-ins (same name: error)."""

    def __init__(self, extra: Iterable[str | Path] = (), *, builtins: bool = True) -> None:
        folders: list[str | Path] = [builtin_scenarios_dir()] if builtins else []
        folders += list(extra)
        scenarios, errors = validate_paths(folders)
        if errors:
            raise ScenarioValidationError(errors)
        self._by_name = {s.name: s for s in scenarios}

    def get(self, name: str) -> Scenario:
        try:
            return self._by_name[name]
        except KeyError:
            hint = did_you_mean(name, sorted(self._by_name), label="known scenarios")
            raise UnknownScenarioError(f"unknown scenario {name!r}", fix=hint) from None

    def add(self, scenario: Scenario) -> None:
        self._by_name[scenario.name] = scenario

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def __iter__(self) -> Iterator[Scenario]:
        return iter(self._by_name[n] for n in self.names())

    def __len__(self) -> int:
        return len(self._by_name)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name


@functools.lru_cache(maxsize=8)
def default_library(folders: tuple[str, ...]) -> Library:
    """The built-ins plus ``folders``, loaded once per set of folders."""
    return Library(folders)
