"""A pair of countries whose events a query selects."""

from __future__ import annotations

from dataclasses import dataclass

from bilat.errors import InputError

__all__ = ["Dyad", "parse_dyad"]


@dataclass(frozen=True)
class Dyad:
    """A pair of ISO3 countries; ``directed`` keeps only actor -> recipient."""

    actor: str
    recipient: str
    directed: bool = False


def parse_dyad(text: str, directed: bool = False) -> Dyad:
    """Parse ``"USA:PAK"`` into a :class:`Dyad`.

    Raises
    ------
    InputError
        When the text is not two three-letter codes separated by a colon.
    """
    parts = text.upper().split(":")
    if len(parts) != 2 or not all(len(p) == 3 and p.isalpha() for p in parts):
        raise InputError(
            "a dyad is two ISO3 country codes separated by a colon, such as USA:PAK",
            field="dyad",
            value=text,
        )
    return Dyad(parts[0], parts[1], directed)
