"""Every public module's ``__all__`` is sorted and names only what the module defines."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import bilat

SKIP_PREFIXES = ("bilat.cli", "bilat.app", "bilat.bench.")


def isort_key(name: str) -> tuple[int, str]:
    """Constants first, then classes, then functions (ruff's RUF022 order)."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


def public_modules() -> list[str]:
    names = ["bilat"]
    for info in pkgutil.walk_packages(bilat.__path__, "bilat."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("_") or info.name.startswith(SKIP_PREFIXES):
            continue
        names.append(info.name)
    return names


@pytest.mark.parametrize("name", public_modules())
def test_all_is_sorted_and_defined(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert list(exported) == sorted(exported, key=isort_key), f"{name}.__all__ is not sorted"
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names undefined {missing}"
