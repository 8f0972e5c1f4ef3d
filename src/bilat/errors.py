"""bilat's exceptions.

Every error bilat raises on purpose derives from :class:`BilatError`, so a caller
can catch them all at once, and each carries the context a user needs to fix the
problem (file, line, field, value, the valid choices)::

    BilatError
    ├── InputError                 bad input from a user or a file
    │   ├── UnknownCodeError       a code that is not in an ontology table
    │   ├── ValidationError        a record with a bad field value
    │   └── FormatError            a file that no reader recognises, or a malformed one
    ├── StoreError                 the event store cannot be opened or written
    │   ├── StoreLockedError       another process holds the database file
    │   └── StoreReadOnlyError     the file or directory is not writable
    ├── DataMissingError           a data file bilat needs is not where it should be
    └── MissingExtraError          an optional dependency is not installed
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "BilatError",
    "DataMissingError",
    "FormatError",
    "InputError",
    "MissingExtraError",
    "StoreError",
    "StoreLockedError",
    "StoreReadOnlyError",
    "UnknownCodeError",
    "ValidationError",
]


class BilatError(Exception):
    """Base class of every error bilat raises on purpose."""


class InputError(BilatError):
    """Bad input: a value, a record or a file that bilat cannot use.

    Parameters
    ----------
    message:
        What was wrong and what to do about it.
    file, line, field, value:
        Where the bad input was, as precisely as known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        self.file = None if file is None else str(file)
        self.line = line
        self.field = field
        self.value = value
        self.reason = message
        super().__init__(self._where() + message)

    def _where(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts) + ": " if parts else ""


class UnknownCodeError(InputError):
    """A code (CAMEO, country, sector, ...) that the ontology does not know.

    ``suggestions`` holds the nearest valid codes.
    """

    def __init__(
        self,
        kind: str,
        code: str,
        suggestions: Sequence[str] = (),
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.kind = kind
        self.code = code
        self.suggestions = list(suggestions)
        hint = f"; nearest valid: {', '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__(
            f"unknown {kind} code {code!r}{hint}",
            file=file,
            line=line,
            field=field,
            value=code,
        )


class ValidationError(InputError):
    """A record whose field holds a value the schema does not allow."""


class FormatError(InputError):
    """A file that no reader recognises, or one a reader cannot parse."""


class StoreError(BilatError):
    """The event store cannot be opened, read or written."""


class StoreLockedError(StoreError):
    """Another process holds the database file open for writing."""


class StoreReadOnlyError(StoreError):
    """The database file, or its directory, is not writable."""


class DataMissingError(BilatError):
    """A data file that bilat needs is not where it should be."""


class MissingExtraError(BilatError):
    """An optional dependency is missing; the message names the install command."""

    def __init__(self, module: str, extra: str) -> None:
        self.module = module
        self.extra = extra
        super().__init__(
            f"{module} is not installed; install it with: pip install 'bilat[{extra}]'"
        )
