"""The ``bilat`` command (Typer). Front end only: the core never imports it.

Each command group lives in its own module of this package: its commands are
module-level functions (sub-apps for groups such as ``db``), and its
``register(app)`` only attaches them; :data:`COMMAND_MODULES` lists the modules.

:func:`main` turns every error a user can cause into one line on standard
error: a usage error (unknown command, missing or malformed argument, an
option out of range), a :class:`~bilat.errors.BilatError`, an operating-system
error such as a full disk or a folder that cannot be written, all exit with
code 2 (or the error's own ``exit_code``); Ctrl-C exits with 130. Anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import signal
import sys
from typing import Any, NoReturn

import typer
from rich.markup import escape

from bilat import __version__
from bilat.cli._common import console_err
from bilat.errors import BilatError
from bilat.study.pipeline import caused_by_interrupt

__all__ = ["COMMAND_MODULES", "EXIT_INTERRUPTED", "EXIT_USAGE", "app", "main"]

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

#: Exit code of a usage error, a bad input or an environment problem (disk full).
EXIT_USAGE = 2
#: Exit code after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130

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


def _one_line(text: str) -> str:
    """Collapse ``text`` to a single line (a message may quote a multi-line value)."""
    return " ".join(str(text).split())


def _fail(message: str, code: int) -> NoReturn:
    """Print ``error: MESSAGE`` on standard error as one line and exit with ``code``."""
    text = escape(_one_line(message))  # a message is text: "bilat[nlp]" is not markup
    console_err.print(f"[bold red]error:[/] {text}", highlight=False, soft_wrap=True)
    sys.exit(code)


def _usage_error(err: Exception) -> tuple[str, int] | None:
    """The one-line message and exit code of a Click/Typer usage error, else ``None``.

    Typer has vendored Click since 0.16, so the exception classes differ between
    versions; a Click exception is recognised by what it offers.
    """
    if not (hasattr(err, "format_message") and hasattr(err, "exit_code")):
        return None
    message = err.format_message()
    if type(err).__name__ == "NoArgsIsHelpError":  # a bare group: its help is the answer
        if message.strip():
            sys.stderr.write(message.rstrip() + "\n")
        sys.exit(int(err.exit_code))
    ctx: Any = getattr(err, "ctx", None)
    command = getattr(ctx, "command_path", None) or "bilat"
    hint = f" (see '{command} --help')" if ctx is not None else ""
    return f"{command}: {message}{hint}", int(err.exit_code)


def _os_error(err: OSError) -> str:
    """A full disk, a read-only or forbidden path, as one line naming the path and the fix."""
    where = f": {err.filename}" if err.filename else ""
    advice = {
        errno.ENOSPC: "free some space or choose another folder, then run the command again",
        errno.EDQUOT: "free some space or choose another folder, then run the command again",
        errno.EACCES: "choose a folder you can write to",
        errno.EPERM: "choose a folder you can write to",
        errno.EROFS: "choose a folder on a writable file system",
    }.get(err.errno or 0, "check the path and run the command again")
    return f"{err.strerror or err}{where}; {advice}"


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def _chain(err: BaseException) -> list[BaseException]:
    """``err`` and the exceptions it was raised from or while handling, oldest last."""
    found: list[BaseException] = []
    current: BaseException | None = err
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _disk_full(err: BaseException) -> str | None:
    """A one-line message when ``err`` (or what caused it) is a full disk, else ``None``.

    DuckDB reports a full disk as its own exception whose text holds the
    operating system's message, sometimes behind a second error raised while
    cleaning up; the whole chain is searched.
    """
    for link in _chain(err):
        if isinstance(link, OSError) and link.errno in _DISK_FULL:
            return _os_error(link)
        text = _one_line(str(link))
        if "No space left on device" in text or "Disk quota exceeded" in text:
            return (
                f"no space left on device ({text[:200]}); free some space or choose "
                "another folder, then run the command again"
            )
    return None


def _database_io_error(err: BaseException) -> str | None:
    """DuckDB's report of a file it cannot open or write (a bad path, no permission)."""
    for link in _chain(err):
        kind = type(link)
        if kind.__name__ == "IOException" and kind.__module__.lstrip("_").startswith("duckdb"):
            return f"{_one_line(str(link))}; check the path and that it can be written"
    return None


def _interrupted() -> NoReturn:
    """Say "interrupted" on one line and leave with exit code 130."""
    # DuckDB reports Ctrl-C as its own error and leaves Python's signal pending: ignore
    # any further SIGINT, or the pending one would kill the process mid-exit (status -2)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    console_err.print("interrupted (Ctrl-C)", highlight=False)
    # Stores were closed while the interrupt unwound the command; leave now, so that
    # no finaliser still running a query can turn the same Ctrl-C into a second error
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(EXIT_INTERRUPTED)


def main() -> None:
    """Run the CLI; every error a user can cause becomes one line on standard error."""
    try:
        code = app(standalone_mode=False, prog_name="bilat")
    except KeyboardInterrupt:
        _interrupted()
    except BilatError as err:
        _fail(str(err), int(getattr(err, "exit_code", EXIT_USAGE)))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        _interrupted()
    except OSError as err:
        _fail(_os_error(err), EXIT_USAGE)
    except Exception as err:
        found = _usage_error(err)
        if found is not None:
            _fail(*found)
        if caused_by_interrupt(err):
            _interrupted()  # Ctrl-C, wrapped by the code it interrupted, or DuckDB's form of it
        full = _disk_full(err)
        if full is not None:
            _fail(full, EXIT_USAGE)
        io_error = _database_io_error(err)
        if io_error is not None:
            _fail(io_error, EXIT_USAGE)
        raise
    if code == EXIT_INTERRUPTED:  # Typer turns Ctrl-C into Exit(130) and prints nothing
        _interrupted()
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
