"""US policies: small declarative classes that yield a year-by-year schedule of instruments.

Every policy has a ``name``, a one-line ``label``, a docstring citing the
literature or the record it follows, and :meth:`Policy.schedule`, which returns
one :class:`~bilat.sim.instruments.Instruments` per year. Forward-looking
policies hold their instruments constant (aid in $ billion a year); the
historical policy replays the record. User policies come from a TOML or YAML
file (:func:`load_policy`)::

    name = "trade-first"
    label = "trade access and economic aid, no conditions"
    extends = "broadened"          # optional: start from a built-in policy
    [instruments]
    trade_access = 1.0
    economic_aid = 1.0

Aid levels are bilat's choices of scale, set against the record: FY2002-08 US
aid and reimbursements to Pakistan came to about $12.1 billion, about $6.7
billion of it Coalition Support Funds, and FY2009-13 to about $1.5-4.5 billion
a year (Kronstadt, CRS, "Direct Overt U.S. Aid Appropriations for and Military
Reimbursements to Pakistan").
"""

from __future__ import annotations

import tomllib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, ClassVar

from bilat.errors import FormatError, InputError, UnknownCodeError
from bilat.sim.instruments import INSTRUMENT_FIELDS, Instruments
from bilat.sim.state import DISENGAGED

__all__ = [
    "BUNDLE_ELEMENTS",
    "POLICIES",
    "Broadened",
    "Conditional",
    "ConstantPolicy",
    "Disengagement",
    "Engaged",
    "Historical",
    "PlusAll",
    "PlusAssurances",
    "PlusDemocracy",
    "PlusEconomic",
    "PlusTrade",
    "Policy",
    "SecurityOnly",
    "get_policy",
    "load_policy",
]


class Policy(ABC):
    """A US policy: metadata and a schedule of instruments.

    Subclasses set ``name`` (a CLI-friendly identifier), ``label`` (one line)
    and ``sources`` (the literature or record they follow), and implement
    :meth:`schedule`.
    """

    name: ClassVar[str] = "policy"
    label: ClassVar[str] = ""
    sources: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def schedule(self, years: Sequence[int]) -> list[Instruments]:
        """The instruments of each year in ``years``."""

    def describe(self) -> dict[str, Any]:
        """Name, label, sources and instruments, for JSON."""
        return {"name": self.name, "label": self.label, "sources": list(self.sources)}


@dataclass(frozen=True)
class ConstantPolicy(Policy):
    """A policy that holds the same instruments every year (see :class:`Instruments`).

    The exception is ``commitment``: a pledge of that many years is made in
    the first year and runs down by one a year (it is not renewed), and the US
    may break it (:func:`bilat.sim.mechanisms.pledge_kept`).
    """

    military_aid: float = 0.0
    ct_reimbursement: float = 0.0
    economic_aid: float = 0.0
    trade_access: float = 0.0
    conditions: float = 0.0
    sanctions: float = 0.0
    coercion: float = 0.0
    assurances: float = 0.0
    democracy_support: float = 0.0
    commitment: float = 0.0
    regime: int = -1

    def instruments(self) -> Instruments:
        """This policy's instruments for one year (validated)."""
        return Instruments(
            **{name: float(getattr(self, name)) for name in INSTRUMENT_FIELDS},
            regime=self.regime,
        ).validate()

    def schedule(self, years: Sequence[int]) -> list[Instruments]:
        """The same :class:`Instruments` every year, with the pledge running down."""
        one = self.instruments()
        if one.commitment <= 0:
            return [one] * len(years)
        return [
            replace(one, commitment=max(float(one.commitment) - t, 0.0)) for t in range(len(years))
        ]

    def describe(self) -> dict[str, Any]:
        """Metadata and the instrument values."""
        out = super().describe()
        out["instruments"] = {f.name: getattr(self, f.name) for f in fields(self)}
        return out


@dataclass(frozen=True)
class SecurityOnly(ConstantPolicy):
    """The post-2001 pattern the article criticises: security aid, reimbursements, threats.

    Military aid and Coalition-Support-style reimbursements tied to
    counter-terrorism effort (Bapat 2011 on the moral hazard this creates),
    little economic aid, no pledge, regular coercive threats (the seed article;
    the 2001 ultimatum), and engagement only while the region is salient.
    """

    name: ClassVar[str] = "security-only"
    label: ClassVar[str] = "military aid, CT reimbursements and threats; no pledge"
    sources: ClassVar[tuple[str, ...]] = (
        "Kronstadt, CRS, Direct Overt U.S. Aid ... to Pakistan (FY2002-08 pattern)",
        "Bapat (2011, JPR 48:3)",
    )
    military_aid: float = 0.3
    ct_reimbursement: float = 1.0
    economic_aid: float = 0.3
    coercion: float = 0.3


@dataclass(frozen=True)
class Conditional(ConstantPolicy):
    """Large civilian aid with enforced conditions, as the 2009 Kerry-Lugar-Berman act tried.

    A five-year pledge of economic aid (KLB authorised $7.5 billion over FY2010-14)
    with conditions on civilian control and counter-terrorism; conditionality
    only works if enforced (Svensson 2000; Bueno de Mesquita & Smith 2007).
    """

    name: ClassVar[str] = "conditional"
    label: ClassVar[str] = "KLB-style civilian aid with conditions and a five-year pledge"
    sources: ClassVar[tuple[str, ...]] = (
        "Enhanced Partnership with Pakistan Act of 2009 (Public Law 111-73)",
        "Svensson (2000, J. Dev. Econ. 61:1)",
        "Bueno de Mesquita & Smith (2007, JCR 51:2)",
    )
    military_aid: float = 0.3
    ct_reimbursement: float = 0.7
    economic_aid: float = 1.5
    conditions: float = 1.0
    coercion: float = 0.2
    democracy_support: float = 0.5
    commitment: float = 5.0


@dataclass(frozen=True)
class Broadened(ConstantPolicy):
    """The article's proposal: a partnership broadened beyond security.

    "Offering Pakistan better trade and economic partnerships, understanding its
    security concerns in relation to its neighbors and taking steps to strengthen
    the country's democracy" (the seed article): trade access, economic aid,
    security assurances, democracy support and a five-year pledge made once —
    meant as a costly signal of staying (Kydd 2005) against the fear of
    abandonment (Snyder 1984); it runs down and can be broken — with modest
    security aid, fewer reimbursements tied to the threat (Bapat 2011) and no
    threats. Its aid budget is of the same order as security-only's.
    """

    name: ClassVar[str] = "broadened"
    label: ClassVar[str] = "trade, economic partnership, assurances, democracy support, pledge"
    sources: ClassVar[tuple[str, ...]] = (
        "the seed article (us-pakistan-partnership.txt)",
        "Kydd (2005)",
        "Snyder (1984, World Politics 36:4)",
    )
    military_aid: float = 0.3
    ct_reimbursement: float = 0.3
    economic_aid: float = 0.8
    trade_access: float = 0.6
    assurances: float = 0.6
    democracy_support: float = 0.5
    commitment: float = 5.0


@dataclass(frozen=True)
class Disengagement(ConstantPolicy):
    """End the relationship (the reader comment under the article, from the Pakistani side).

    "End the fake relationship with USA": no aid, no pledge, the US disengaged
    throughout (the regime is pinned to disengaged).
    """

    name: ClassVar[str] = "disengagement"
    label: ClassVar[str] = "no aid, no ties: the US disengages"
    sources: ClassVar[tuple[str, ...]] = ("the reader comment under the seed article",)
    regime: int = DISENGAGED


@dataclass(frozen=True)
class Historical(Policy):
    """The record's instruments, year by year (see :mod:`bilat.sim.history`).

    Aid, sanctions, conditions, pledges, Pakistan's civilian control, the US
    regime and strategic salience as the record gives them; defined only for
    the record's years.
    """

    name: ClassVar[str] = "historical"
    label: ClassVar[str] = "the instruments of the record, 1950-2025"
    sources: ClassVar[tuple[str, ...]] = ("bilat.record series", "bilat.sim data/*.csv")
    case: str = "us-pakistan"
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def schedule(self, years: Sequence[int]) -> list[Instruments]:
        """The recorded instruments of ``years`` (each must be in the record)."""
        from bilat.sim.history import load_history

        history = load_history(self.case)
        index = {int(y): i for i, y in enumerate(history.years)}
        missing = [y for y in years if int(y) not in index]
        if missing:
            raise InputError(
                f"the historical policy covers {history.years[0]}-{history.years[-1]}; "
                f"year {missing[0]} is outside it",
                field="years",
                value=missing[0],
            )
        return [history.schedule[index[int(y)]] for y in years]


@dataclass(frozen=True)
class Engaged(ConstantPolicy):
    """Stay engaged as in the 1980s: the seed article's counterfactual for the years after 1990.

    The two six-year packages of 1981 and 1986 (Kux 2001) at the level the
    Greenbook shows for 1983-89 — about $0.6 bn of military and $0.7 bn of
    economic aid a year in 2020 dollars (bilat.panel) — with the alliance's
    assurances (0.3, as under SEATO/CENTO in bilat's coding) and a new six-year
    pledge, no sanctions and no threats.
    """

    name: ClassVar[str] = "engaged"
    label: ClassVar[str] = "1980s-level military and economic aid, assurances, a six-year pledge"
    sources: ClassVar[tuple[str, ...]] = (
        "Kux (2001), The United States and Pakistan 1947-2000",
        "USAID Greenbook via bilat.panel (1983-89 levels)",
        "the seed article",
    )
    military_aid: float = 0.6
    economic_aid: float = 0.7
    assurances: float = 0.3
    commitment: float = 6.0


# -- the broadened bundle, element by element -------------------------------------------------
_BUNDLE_SOURCE = "the seed article's bundle, one element added to security-only (bilat's design)"


@dataclass(frozen=True)
class PlusTrade(SecurityOnly):
    """Security-only plus the broadened policy's trade access (0.6), nothing else changed.

    One element of the seed article's bundle, to weigh it on its own.
    """

    name: ClassVar[str] = "security+trade"
    label: ClassVar[str] = "security-only plus trade access"
    sources: ClassVar[tuple[str, ...]] = (_BUNDLE_SOURCE,)
    trade_access: float = 0.6


@dataclass(frozen=True)
class PlusEconomic(SecurityOnly):
    """Security-only with the broadened policy's economic aid ($0.8 bn a year instead of 0.3).

    One element of the seed article's bundle, to weigh it on its own.
    """

    name: ClassVar[str] = "security+economic"
    label: ClassVar[str] = "security-only plus economic aid"
    sources: ClassVar[tuple[str, ...]] = (_BUNDLE_SOURCE,)
    economic_aid: float = 0.8


@dataclass(frozen=True)
class PlusAssurances(SecurityOnly):
    """Security-only plus security assurances (0.6) and a five-year pledge that runs down.

    One element of the seed article's bundle, to weigh it on its own.
    """

    name: ClassVar[str] = "security+assurances"
    label: ClassVar[str] = "security-only plus assurances and a five-year pledge"
    sources: ClassVar[tuple[str, ...]] = (_BUNDLE_SOURCE, "Snyder (1984)", "Kydd (2005)")
    assurances: float = 0.6
    commitment: float = 5.0


@dataclass(frozen=True)
class PlusDemocracy(SecurityOnly):
    """Security-only plus democracy support (0.5), nothing else changed.

    One element of the seed article's bundle, to weigh it on its own.
    """

    name: ClassVar[str] = "security+democracy"
    label: ClassVar[str] = "security-only plus democracy support"
    sources: ClassVar[tuple[str, ...]] = (_BUNDLE_SOURCE,)
    democracy_support: float = 0.5


@dataclass(frozen=True)
class PlusAll(SecurityOnly):
    """Security-only plus all four elements together (security aid and threats kept).

    The difference from :class:`Broadened` is what the broadened policy also
    takes away: most reimbursements tied to the threat, and the threats. All
    four elements of the seed article's bundle at once.
    """

    name: ClassVar[str] = "security+all"
    label: ClassVar[str] = "security-only plus trade, economic aid, assurances, democracy"
    sources: ClassVar[tuple[str, ...]] = (_BUNDLE_SOURCE,)
    trade_access: float = 0.6
    economic_aid: float = 0.8
    assurances: float = 0.6
    commitment: float = 5.0
    democracy_support: float = 0.5


#: The elements of the broadened bundle, alone and together, as policies.
BUNDLE_ELEMENTS: tuple[str, ...] = (
    PlusTrade.name,
    PlusEconomic.name,
    PlusAssurances.name,
    PlusDemocracy.name,
    PlusAll.name,
)

#: The built-in policies, by name.
POLICIES: dict[str, type[Policy]] = {
    cls.name: cls
    for cls in (
        Historical,
        SecurityOnly,
        Conditional,
        Broadened,
        Disengagement,
        Engaged,
        PlusTrade,
        PlusEconomic,
        PlusAssurances,
        PlusDemocracy,
        PlusAll,
    )
}


def get_policy(name: str | Policy) -> Policy:
    """A built-in policy by name, a user policy from a ``.toml``/``.yaml`` path, or ``name``."""
    if isinstance(name, Policy):
        return name
    if name in POLICIES:
        return POLICIES[name]()
    if name.endswith((".toml", ".yaml", ".yml")):
        return load_policy(Path(name))
    import difflib

    raise UnknownCodeError(
        "policy",
        name,
        difflib.get_close_matches(name, list(POLICIES), n=3, cutoff=0.3) or list(POLICIES),
    )


def load_policy(path: str | Path) -> ConstantPolicy:
    """A user policy from a TOML or YAML file (see the module docstring for the format).

    Raises
    ------
    FormatError
        The file cannot be parsed.
    InputError
        An unknown key, a bad value or a value out of range; the message names
        the file, the field and the valid choices.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot read policy file: {err.strerror}", file=path) from err
    data: Any
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise FormatError(f"not valid TOML: {err}", file=path) from err
    elif path.suffix in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as err:
            line = getattr(getattr(err, "problem_mark", None), "line", None)
            raise FormatError(
                f"not valid YAML: {err}", file=path, line=None if line is None else line + 1
            ) from err
    else:
        raise FormatError(
            f"policy files must end in .toml, .yaml or .yml, not {path.suffix!r}", file=path
        )
    if not isinstance(data, dict):
        raise FormatError("a policy file must hold a table (key = value pairs)", file=path)
    allowed = {"name", "label", "extends", "instruments"}
    for key in data:
        if key not in allowed:
            raise InputError(
                f"unknown key {key!r}; valid keys: {', '.join(sorted(allowed))}",
                file=path,
                field=key,
                value=key,
            )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(
            "a policy needs a non-empty text 'name'", file=path, field="name", value=name
        )
    base_values: dict[str, Any] = {}
    extends = data.get("extends")
    if extends is not None:
        if extends not in POLICIES or extends == "historical":
            choices = [p for p in POLICIES if p != "historical"]
            raise InputError(
                f"cannot extend {extends!r}; choose from {', '.join(choices)}",
                file=path,
                field="extends",
                value=extends,
            )
        base = POLICIES[extends]()
        assert isinstance(base, ConstantPolicy)
        base_values = {f.name: getattr(base, f.name) for f in fields(base)}
    instruments = data.get("instruments", {})
    if not isinstance(instruments, dict):
        raise InputError("'instruments' must be a table", file=path, field="instruments")
    valid = (*INSTRUMENT_FIELDS, "regime")
    for key, raw in instruments.items():
        if key not in valid:
            raise InputError(
                f"unknown instrument {key!r}; valid instruments: {', '.join(valid)}",
                file=path,
                field=f"instruments.{key}",
                value=key,
            )
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise InputError(
                f"instrument {key} must be a number, got {raw!r}",
                file=path,
                field=f"instruments.{key}",
                value=raw,
            )
        base_values[key] = int(raw) if key == "regime" else float(raw)
    label = str(data.get("label", f"user policy from {path.name}"))
    cls = type(
        "UserPolicy",
        (ConstantPolicy,),
        {
            "name": name,
            "label": label,
            "sources": (str(path),),
            "__doc__": f"User policy {name!r} from {path}.",
            "__annotations__": {},
        },
    )
    user_cls: type[ConstantPolicy] = dataclass(frozen=True)(cls)
    policy = user_cls(**base_values)
    try:
        policy.instruments()
    except InputError as err:
        raise InputError(
            err.reason, file=path, field=f"instruments.{err.field}", value=err.value
        ) from err
    return policy
