"""Scenarios: YAML files describing postback flows, validated, templated, planned and run.

``plan(scenario, vars, seed, flavor, now)`` is pure; running a plan on a platform is the
platform layer's (``mockserver.runs``, through ``MockPlatform.run_scenario``). See
docs/scenarios.md for the format.
"""

from mockserver.scenarios.describe import describe
from mockserver.scenarios.errors import (
    Loc,
    ScenarioError,
    ScenarioValidationError,
    UnknownScenarioError,
)
from mockserver.scenarios.library import Library, default_library, scenario_files, validate_paths
from mockserver.scenarios.loader import load_file, loads
from mockserver.scenarios.model import Scenario, supported_flavors
from mockserver.scenarios.plan import Hold, Plan, PlannedPostback
from mockserver.scenarios.planner import plan
from mockserver.wire.timefmt import PLATFORM_TZ

__all__ = [
    "PLATFORM_TZ",
    "Hold",
    "Library",
    "Loc",
    "Plan",
    "PlannedPostback",
    "Scenario",
    "ScenarioError",
    "ScenarioValidationError",
    "UnknownScenarioError",
    "default_library",
    "describe",
    "load_file",
    "loads",
    "plan",
    "scenario_files",
    "supported_flavors",
    "validate_paths",
]
