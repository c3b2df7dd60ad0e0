"""Rewrite the built-in scenarios table in docs/scenarios.md from the scenario files.

Usage: ``python docs/gen_scenarios_table.py`` (from the repository root or anywhere).
"""

from __future__ import annotations

import sys
from pathlib import Path

from mockserver.scenarios.doctable import update_file

DOC = Path(__file__).resolve().parent / "scenarios.md"

if __name__ == "__main__":
    changed = update_file(DOC)
    print(f"{DOC}: {'table updated' if changed else 'already up to date'}")
    sys.exit(0)
