"""The ``mockserver`` console script."""

from __future__ import annotations

import click

from mockserver import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mockserver")
def main() -> None:
    """A local simulator of the Skycore / Sinch SMS and MMS platform and its postbacks."""


if __name__ == "__main__":  # pragma: no cover
    main()
