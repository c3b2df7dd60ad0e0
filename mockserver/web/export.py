""" "Copy as pytest": a run of a scenario as a test that replays it with the pytest plugin's
helpers (``mockserver_scenario``, ``mockserver_receiver``; docs/pytest.md) and asserts the
codes that arrived. The run's seed, resolved vars, flavour, revision and pinned branches make
the replay plan the same postbacks; a run that waited for moderation approves it too."""

from __future__ import annotations

import re
from typing import Any

STATE_OK = "delivered"


def test_name(scenario: str) -> str:
    return "test_" + re.sub(r"\W+", "_", scenario).strip("_").lower()


def pytest_source(run: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    """The test module's text for ``run`` (``MockPlatform.run``) whose postbacks are ``rows``
    (the delivery log's, oldest first)."""
    arrived = [r["code"] for r in sorted(rows, key=lambda r: r["id"])
               if r["state"] == STATE_OK and not r.get("replay_of")]  # fmt: skip
    tracking = {r["tracking_id"] for r in rows}
    one_message = len(tracking) == 1 and None not in tracking
    waits = bool(run.get("holds"))
    args = [repr(run["scenario"]), f"seed={run['seed']!r}", f"flavor={run['flavor']!r}",
            f"revision={run['revision']!r}"]  # fmt: skip
    if run.get("vars"):
        args.append(f"vars={dict(run['vars'])!r}")
    if run.get("pins"):
        args.append(f"pin={list(run['pins'])!r}")
    fixtures = ["mockserver_scenario", "mockserver_receiver"]
    lines = [f'"""Replays run {run["run_id"]} of {run["scenario"]} (exported from the UI)."""',
             "", ""]  # fmt: skip
    if waits:
        fixtures.append("mockserver_moderation")
        args.append("complete=False")
    lines.append(f"def {test_name(run['scenario'])}({', '.join(fixtures)}):")
    lines.append("    run = mockserver_scenario(")
    lines += [f"        {arg}," for arg in args]
    lines.append("    )")
    if waits:
        lines.append("    mockserver_moderation.approve_all()")
        lines.append("    run.complete()")
    scope = ", tracking_id=run.tracking_id" if one_message else ""
    lines.append(f"    mockserver_receiver.assert_codes({arrived!r}{scope})")
    return "\n".join(lines) + "\n"
