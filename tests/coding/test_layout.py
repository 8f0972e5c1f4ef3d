"""The coding package stays split along its seams, and its old import paths keep working."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import bilat.coding

PACKAGE = Path(bilat.coding.__file__).parent


def test_no_coding_module_over_500_lines() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 500} == {}


def test_records_does_not_import_the_coder() -> None:
    # coder imports records; records importing coder back would be a loop
    tree = ast.parse((PACKAGE / "records.py").read_text(encoding="utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "bilat.coding.coder" not in imported
    assert "bilat.coding.event" in imported


def test_old_import_paths_name_the_same_objects() -> None:
    from bilat.coding import (
        CodedEvent,
        Coder,
        coder,
        dictionaries,
        entries,
        event,
        gold,
        load_nlp,
        parse,
        readers,
    )
    from bilat.coding.verb_reader import read_verbs

    assert coder.CodedEvent is CodedEvent is event.CodedEvent
    assert coder.Coder is Coder
    assert coder.load_nlp is load_nlp is parse.load_nlp
    assert dictionaries.Dictionaries is entries.Dictionaries
    assert dictionaries.read_actors is readers.read_actors
    assert dictionaries.read_verbs is read_verbs
    # bilat.coding.evaluate is the function there; the module is found by its name
    evaluate = importlib.import_module("bilat.coding.evaluate")
    assert evaluate.GoldRecord is gold.GoldRecord
    assert evaluate.read_gold is gold.read_gold
