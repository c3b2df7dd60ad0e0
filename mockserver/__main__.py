"""``python -m mockserver``: the same entry point as the console script."""

from mockserver.cli import main

main()
