"""Scenarios: YAML files describing postback flows, validated, templated, planned and run.

``plan(scenario, vars, seed, flavor, now)`` is pure; ``start_run(platform, name, ...)`` puts a
plan on a platform's timeline. See docs/scenarios.md for the format.
"""

from mockserver.scenarios.errors import (
    Loc,
    ScenarioError,
    ScenarioValidationError,
    UnknownScenarioError,
)
from mockserver.scenarios.library import Library, scenario_files, validate_paths
from mockserver.scenarios.loader import load_file, loads
from mockserver.scenarios.model import Scenario, supported_flavors
from mockserver.scenarios.plan import Hold, Plan, PlannedPostback
from mockserver.scenarios.planner import plan
from mockserver.scenarios.runs import Run, approve, reject, runs_of, start_run
from mockserver.wire.timefmt import PLATFORM_TZ

__all__ = [
    "PLATFORM_TZ",
    "Hold",
    "Library",
    "Loc",
    "Plan",
    "PlannedPostback",
    "Run",
    "Scenario",
    "ScenarioError",
    "ScenarioValidationError",
    "UnknownScenarioError",
    "approve",
    "load_file",
    "loads",
    "plan",
    "reject",
    "runs_of",
    "scenario_files",
    "start_run",
    "supported_flavors",
    "validate_paths",
]
