"""Policies: one shared contract test for every policy, and user policy files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bilat.errors import FormatError, InputError, UnknownCodeError
from bilat.sim.instruments import Instruments
from bilat.sim.policies import POLICIES, ConstantPolicy, Policy, get_policy, load_policy

CITATION = re.compile(r"\(\d{4}|\d{4}\)|seed article|reader comment|record")


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_policy_contract(name: str) -> None:
    policy = get_policy(name)
    assert isinstance(policy, Policy)
    assert policy.name == name
    assert policy.label
    assert policy.__doc__
    assert CITATION.search(policy.__doc__), "the docstring cites its source"
    assert policy.sources
    years = list(range(1990, 1996)) if name == "historical" else list(range(2026, 2036))
    schedule = policy.schedule(years)
    assert len(schedule) == len(years)
    for instruments in schedule:
        assert isinstance(instruments, Instruments)
        instruments.validate()
    described = policy.describe()
    assert described["name"] == name


def test_the_proposal_is_broader_than_security_only() -> None:
    broad, security = get_policy("broadened"), get_policy("security-only")
    assert isinstance(broad, ConstantPolicy)
    assert isinstance(security, ConstantPolicy)
    for field in ("trade_access", "economic_aid", "assurances", "democracy_support", "commitment"):
        assert getattr(broad, field) > getattr(security, field)
    assert broad.coercion < security.coercion


def test_unknown_policy_suggests(tmp_path: Path) -> None:
    with pytest.raises(UnknownCodeError, match="broadened"):
        get_policy("broaden")
    with pytest.raises(InputError, match="outside"):
        get_policy("historical").schedule([1800])


def test_toml_policy(tmp_path: Path) -> None:
    path = tmp_path / "trade.toml"
    path.write_text(
        'name = "trade-first"\nlabel = "trade"\nextends = "broadened"\n'
        "[instruments]\ntrade_access = 1.0\nmilitary_aid = 0\n"
    )
    policy = load_policy(path)
    assert policy.name == "trade-first"
    assert isinstance(policy, ConstantPolicy)
    assert policy.trade_access == 1.0
    assert policy.military_aid == 0.0
    assert policy.commitment == 5.0  # from broadened
    assert get_policy(str(path)).name == "trade-first"


def test_yaml_policy(tmp_path: Path) -> None:
    path = tmp_path / "exit.yaml"
    path.write_text("name: exit\ninstruments:\n  regime: 3\n")
    policy = load_policy(path)
    assert policy.instruments().regime == 3


@pytest.mark.parametrize(
    ("text", "suffix", "error", "match"),
    [
        ('name = "x"\ncolour = 1\n', ".toml", InputError, "unknown key 'colour'"),
        ('name = "x"\n[instruments]\nbribes = 1\n', ".toml", InputError, "unknown instrument"),
        ('name = "x"\n[instruments]\ntrade_access = 3\n', ".toml", InputError, r"\[0, 1\]"),
        ('name = "x"\n[instruments]\ntrade_access = "lots"\n', ".toml", InputError, "number"),
        ('name = "x"\nextends = "nope"\n', ".toml", InputError, "cannot extend"),
        ("label = 'no name'\n", ".toml", InputError, "needs a non-empty"),
        ("name = [\n", ".toml", FormatError, "not valid TOML"),
        ("name: [\n", ".yaml", FormatError, "not valid YAML"),
        ("- 1\n", ".yaml", FormatError, "must hold a table"),
        ("name = 'x'\n", ".txt", FormatError, "must end in"),
    ],
)
def test_bad_policy_files(
    tmp_path: Path, text: str, suffix: str, error: type[Exception], match: str
) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(text)
    with pytest.raises(error, match=match) as info:
        load_policy(path)
    assert str(path) in str(info.value)
