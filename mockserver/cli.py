"""The ``mockserver`` console script."""

from __future__ import annotations

import click

from mockserver import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mockserver")
def main() -> None:
    """A local simulator of the Skycore / Sinch SMS and MMS platform and its postbacks."""


@main.command("list")
@click.option(
    "--scenarios",
    "folders",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="An extra folder of scenarios (repeatable).",
)
def list_scenarios(folders: tuple[str, ...]) -> None:
    """The available scenarios: name, kind, codes (as the seed documents, sky-a, write them),
    the forms they can be written in, and description.

    \b
    Examples:
      mockserver list
      mockserver list --scenarios ./my-scenarios
    """
    from mockserver.scenarios import Library, ScenarioValidationError
    from mockserver.scenarios.model import supported_forms

    try:
        library = Library(folders)
    except ScenarioValidationError as exc:
        raise click.ClickException(str(exc)) from None
    for s in library:
        click.echo(
            f"{s.name}  [{s.kind}]  {' '.join(s.codes())}  ({', '.join(supported_forms(s))})"
        )
        click.echo(f"    {s.description}")
        if s.labels():
            click.echo(f"    branches (--pin): {', '.join(s.labels())}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--revision",
    "revisions",
    multiple=True,
    type=click.Choice(["sky-a", "sky-b", "sky-legacy"]),
    help="Also check the nodes this revision requires (repeatable).",
)
@click.option(
    "--flavor",
    "flavors",
    multiple=True,
    type=click.Choice(["sinch-xml", "sinch-json"]),
    help="Also check the nodes this Sinch flavour requires (repeatable).",
)
def validate(paths: tuple[str, ...], revisions: tuple[str, ...], flavors: tuple[str, ...]) -> None:
    """Check scenario files (or folders of them); exit 1 listing every error.

    Each file is checked in its default form (sky-a, the seed documents, when it has it);
    --revision and --flavor check more forms, as a run in them would.

    \b
    Examples:
      mockserver validate scenarios/
      mockserver validate my-flow.yaml other-flow.yaml
      mockserver validate my-flow.yaml --revision sky-b --flavor sinch-json
    """
    from mockserver.scenarios import validate_paths
    from mockserver.scenarios.check import missing_in
    from mockserver.scenarios.model import supported_forms

    scenarios, errors = validate_paths(paths)
    for scenario in scenarios:
        for form in (*revisions, *flavors):
            if form in supported_forms(scenario):
                errors += missing_in(scenario, form)
    for error in errors:
        click.echo(f"error: {error}", err=True)
    if errors:
        raise SystemExit(1)
    click.echo(f"ok: {len(scenarios)} scenario(s) valid")


def _register() -> None:
    from mockserver.commands import send_mo, serve
    from mockserver.play import run_command

    main.add_command(serve)
    main.add_command(run_command)
    main.add_command(send_mo)


_register()


if __name__ == "__main__":  # pragma: no cover
    main()
