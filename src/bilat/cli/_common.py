"""Helpers shared by the CLI modules: consoles, JSON output, the store option."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from bilat.errors import InputError

console = Console()
console_err = Console(stderr=True)

T = TypeVar("T")

DEFAULT_DB = "bilat.duckdb"

DbOption = typer.Option(
    None,
    "--db",
    envvar="BILAT_DB",
    help="The event store, a DuckDB file (default ./bilat.duckdb; BILAT_DB overrides).",
)
JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON.")
ForceOption = typer.Option(False, "--force", help="Replace an existing output file.")


def refuse_to_replace(path: Path | None, force: bool, option: str) -> None:
    """Stop before any work when ``path`` is an existing file and ``--force`` was not given.

    bilat never overwrites a file it did not create unless the user says so. Only a
    regular file (or a link to one) holds data to lose: a device or a pipe such as
    ``/dev/null`` or ``/dev/stdout`` is written to as asked.
    """
    if path is not None and path.is_file() and not force:
        raise InputError(
            f"{path} already exists; bilat does not replace a file it did not create "
            "(pass --force to replace it, or choose another path)",
            field=option,
            value=str(path),
        )


def db_path(db: Path | None) -> Path:
    """Resolve the store path from ``--db``, ``$BILAT_DB`` or the default."""
    if db is not None:
        return db
    return Path(os.environ.get("BILAT_DB", DEFAULT_DB))


def _default(value: object) -> object:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_json(payload: Any) -> None:
    """Write ``payload`` as JSON on standard output (NaN becomes null)."""
    text = json.dumps(_nan_to_none(payload), default=_default, indent=2, ensure_ascii=False)
    sys.stdout.write(text + "\n")


def _nan_to_none(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _nan_to_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nan_to_none(v) for v in value]
    return value


@contextmanager
def progress(enabled: bool = True) -> Iterator[Progress]:
    """A Rich progress bar on standard error; silent when not a terminal."""
    bar = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console_err,
        disable=not enabled or not console_err.is_terminal,
        transient=True,
    )
    with bar:
        yield bar


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Iterate with a progress bar on a terminal."""
    with progress() as bar:
        yield from bar.track(items, description=description, total=total)
