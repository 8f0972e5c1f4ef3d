"""The ``bilat`` command (Typer). Front end only: the core never imports it.

Each command group lives in its own module of this package with a
``register(app)`` function; :data:`COMMAND_MODULES` lists them.
"""

from __future__ import annotations

import importlib
import sys

import typer

from bilat import __version__
from bilat.cli._common import console_err
from bilat.errors import BilatError

COMMAND_MODULES = (
    "code",
    "ontology",
    "events",
    "bench",
    "record",
    "study",
    "ingest",
    "measure",
    "sim",
    "panel",
)

app = typer.Typer(
    name="bilat",
    help="Measure, model and stress-test the partnership between two states.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"bilat {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Measure, model and stress-test the partnership between two states."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"bilat.cli.{_name}").register(app)


def main() -> None:
    """Run the CLI; a :class:`BilatError` becomes a one-line message and exit code 2."""
    try:
        code = app(standalone_mode=False)
    except BilatError as err:
        console_err.print(f"[bold red]error:[/] {err}", highlight=False)
        sys.exit(2)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        console_err.print("aborted")
        sys.exit(130)
    except Exception as err:
        import click

        if isinstance(err, click.ClickException):
            err.show()
            sys.exit(err.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)
