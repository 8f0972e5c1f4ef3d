"""Placeholder replaced by the ontology module's CLI."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Nothing yet."""
