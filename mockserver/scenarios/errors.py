"""Scenario errors: each says what is wrong, where (file:line:col) and the likely fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Loc:
    """A place in a scenario file; line and column are 1-based."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        """``file:line:col``, or the file alone for a whole file (line 0)."""
        return f"{self.file}:{self.line}:{self.col}" if self.line else self.file

    def shifted(self, lines: int) -> Loc:
        """The same column ``lines`` further down (a line inside a multi-line template)."""
        return Loc(self.file, self.line + lines, self.col if lines == 0 else 1)


NOWHERE = Loc("<run>", 0, 0)


class ScenarioError(ValueError):
    """One problem in a scenario: ``unknown code N104 at mms.yaml:7:15; did you mean N102?``."""

    def __init__(self, what: str, loc: Loc = NOWHERE, fix: str = "") -> None:
        self.what = what
        self.loc = loc
        self.fix = fix
        where = f" at {loc}" if loc is not NOWHERE else ""
        super().__init__(f"{what}{where}" + (f"; {fix}" if fix else ""))


class ScenarioValidationError(ScenarioError):
    """Every problem found in one or more files (validation does not stop at the first)."""

    def __init__(self, errors: list[ScenarioError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.what, first.loc, first.fix)
        more = len(self.errors) - 1
        self.args = ("\n".join(str(e) for e in self.errors) if more else str(first),)

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownScenarioError(ScenarioError, LookupError):
    """A scenario name that no loaded file defines."""
