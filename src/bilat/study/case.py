"""A case: a dyad, its record, the claims made about it and the policies to test.

A case is data, not code. Any dyad ``PATRON:CLIENT`` (``USA:EGY``) is a case:
:func:`get_case` builds it from what exists (the panel, events in a store,
``--text`` documents). A case file (TOML, in ``cases/``; read with
:mod:`tomllib`) may add the question, the period, the conventional eras, the key
episodes, labels, a curated record and a calibrated model. The one shipped is
``cases/us-pakistan.toml`` (the seed article's case; ``us-pakistan`` and
``USA:PAK`` name it). A :class:`Case` holds only declarative metadata: names of
the record, claims and policies that the other subpackages provide.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilat.errors import InputError, UnknownCodeError

__all__ = [
    "CASES",
    "CASES_DIR",
    "GENERIC_POLICIES",
    "US_PAKISTAN",
    "Case",
    "Episode",
    "Era",
    "dyads_with",
    "generic_case",
    "generic_question",
    "get_case",
    "load_case_file",
]


@dataclass(frozen=True)
class Era:
    """A conventional era of a relationship, as the standard histories divide it.

    Parameters
    ----------
    start, end:
        First and last calendar year of the era (inclusive).
    label:
        A short name ("Cold War alliance").
    kind:
        ``engaged``, ``disengaged`` or ``sanctioned``: how the histories
        characterise US policy in the era; drives the shading colour.
    source:
        Where the division comes from.
    """

    start: int
    end: int
    label: str
    kind: str
    source: str


@dataclass(frozen=True)
class Episode:
    """A key episode to label on the timeline.

    Parameters
    ----------
    date:
        When it happened (day precision where the day is well known, else the
        first of the month).
    label:
        A short label in bilat's own words.
    """

    date: dt.date
    label: str


@dataclass(frozen=True)
class Case:
    """A study case: dyad + record + claims + policies + the question asked.

    Parameters
    ----------
    name:
        The case's command-line name (``us-pakistan``).
    title:
        Human title for the report.
    dyad:
        ``"USA:PAK"``: patron first, client second (ISO3 codes).
    question:
        The question the study answers.
    since, until:
        The period studied (years, inclusive).
    seed_doc_date:
        The document date used to resolve relative dates when coding text
        (``None``: ``--doc-date`` is required with ``--text``).
    seed_text:
        The name of the seed article inside the shared folder's ``seed/``, if any.
    record:
        The name of the curated record (in :mod:`bilat.record`); ``None`` when
        none ships for the dyad.
    claims:
        Ids of the claims tested (in :mod:`bilat.claims`); empty: every claim
        bilat defines for the case.
    policies:
        Names of the policies compared (in :mod:`bilat.sim`); the first two
        are the pair whose difference answers the question.
    eras:
        Conventional eras shaded on the timeline when no measured phases are
        available, and drawn as a band above the measured phases otherwise.
    episodes:
        Key episodes labelled on the timeline.
    model:
        The case the strategic model (:mod:`bilat.sim`) is calibrated on;
        ``None``: the model is not calibrated for this dyad and does not run.
    client_name:
        The client's name for prose ("Egypt").
    aliases:
        Other names of the case (``USA:PAK``).
    labels:
        Case-specific labels for the report (e.g. ``sanctions``: the record's
        sanction programmes by column).
    file:
        The case file it was read from, if any.
    """

    name: str
    title: str
    dyad: str
    question: str
    since: int
    until: int
    seed_doc_date: dt.date | None
    seed_text: str | None
    record: str | None
    policies: tuple[str, ...]
    claims: tuple[str, ...] = ()
    eras: tuple[Era, ...] = ()
    episodes: tuple[Episode, ...] = field(default_factory=tuple)
    model: str | None = None
    client_name: str = ""
    aliases: tuple[str, ...] = ()
    labels: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    file: Path | None = None

    @property
    def patron(self) -> str:
        """ISO3 code of the patron (the dyad's first member)."""
        return self.dyad.split(":")[0]

    @property
    def client(self) -> str:
        """ISO3 code of the client (the dyad's second member)."""
        return self.dyad.split(":")[1]


#: Where the shipped case files live.
CASES_DIR = Path(__file__).with_name("cases")

#: The keys a case file may hold, and the TOML type each must have.
_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "aliases": list,
    "title": str,
    "dyad": str,
    "question": str,
    "since": int,
    "until": int,
    "seed_doc_date": dt.date,
    "seed_text": str,
    "record": str,
    "model": str,
    "policies": list,
    "claims": list,
    "client_name": str,
    "sources": dict,
    "eras": list,
    "episodes": list,
    "labels": dict,
}
_ERA_KINDS = ("engaged", "disengaged", "sanctioned")
_DYAD = re.compile(r"^([A-Za-z]{3}):([A-Za-z]{3})$")

#: The policies of a case without a case file (the seed's pair first).
GENERIC_POLICIES = ("broadened", "security-only")


def _country_name(iso3: str, year: int) -> str | None:
    """The country's name from bilat's country table (None when the code is unknown)."""
    from bilat.panel.countries import cow_of_iso3, partner_label

    code = cow_of_iso3(iso3, year)
    return None if code is None else partner_label(code, year)[1]


def generic_question(patron: str, client: str) -> str:
    """The seed's question, asked of any dyad."""
    return (
        f"Should {patron} broaden its partnership with {client} beyond security (trade, "
        f"economic partnership, attention to {client}'s security concerns, support for its "
        "democracy) rather than keep it security-only?"
    )


def _patron_name(iso3: str) -> str:
    return "the United States" if iso3 == "USA" else (_country_name(iso3, 2020) or iso3)


def _bad(path: Path, key: str, reason: str, value: object = None) -> InputError:
    return InputError(reason, file=path, field=key, value=value)


def _get(data: dict[str, Any], key: str, path: Path, where: str = "") -> Any:
    """``data[key]`` checked against its expected type (``where`` prefixes the key's name)."""
    value = data[key]
    expected = _KEYS.get(key, object)
    if isinstance(value, bool) or not isinstance(value, expected):
        kind = expected.__name__ if isinstance(expected, type) else "value"
        raise _bad(path, where + key, f"must be a {kind}, got {value!r}", value)
    return value


def load_case_file(path: str | Path) -> Case:
    """Read a case file (TOML) into a :class:`Case`.

    Only ``name`` and ``dyad`` are required; the question defaults to
    :func:`generic_question`, the period to the panel's (1946 to last year), the
    policies to :data:`GENERIC_POLICIES`, and there is no record, no model, no
    eras and no episodes unless the file gives them.

    Raises
    ------
    InputError
        One line naming the file and the key: TOML that does not parse, an
        unknown or missing key, a value of the wrong type or out of range.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"cannot read the case file: {err.strerror}", file=path) from err
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"not valid TOML: {err}", file=path) from err
    for key in data:
        if key not in _KEYS:
            raise _bad(path, key, f"unknown key; a case file may hold {', '.join(_KEYS)}")
    for key in ("name", "dyad"):
        if key not in data:
            raise _bad(path, key, "is required")
    values = {key: _get(data, key, path) for key in data}
    match = _DYAD.match(values["dyad"])
    if match is None:
        raise _bad(path, "dyad", "must be PATRON:CLIENT in ISO3 codes", values["dyad"])
    patron, client = match.group(1).upper(), match.group(2).upper()
    sources: dict[str, str] = {str(k): str(v) for k, v in values.get("sources", {}).items()}
    eras = tuple(_era(item, i, sources, path) for i, item in enumerate(values.get("eras", [])))
    episodes = tuple(_episode(item, i, path) for i, item in enumerate(values.get("episodes", [])))
    client_name = values.get("client_name") or _country_name(client, 2020) or client
    since, until = int(values.get("since", 1946)), int(values.get("until", dt.date.today().year))
    if since > until:
        raise _bad(path, "until", f"is before since ({since})", until)
    for i, episode in enumerate(episodes):
        if not since <= episode.date.year <= until:
            raise _bad(path, f"episodes[{i}].date", "is outside since..until", episode.date)
    labels = values.get("labels", {})
    return Case(
        name=values["name"],
        title=values.get("title")
        or f"{_patron_name(patron)[0].upper()}{_patron_name(patron)[1:]} and {client_name}",
        dyad=f"{patron}:{client}",
        question=values.get("question") or generic_question(_patron_name(patron), client_name),
        since=since,
        until=until,
        seed_doc_date=values.get("seed_doc_date"),
        seed_text=values.get("seed_text"),
        record=values.get("record"),
        model=values.get("model"),
        policies=tuple(str(p) for p in values.get("policies", GENERIC_POLICIES)),
        claims=tuple(str(c) for c in values.get("claims", [])),
        eras=eras,
        episodes=episodes,
        client_name=client_name,
        aliases=tuple(str(a) for a in values.get("aliases", [])),
        labels={str(k): v for k, v in labels.items()},
        file=path,
    )


def _era(item: Any, i: int, sources: dict[str, str], path: Path) -> Era:
    where = f"eras[{i}]."
    if not isinstance(item, dict):
        raise _bad(path, f"eras[{i}]", "must be a table with start, end, label, kind", item)
    for key, kind in (("start", int), ("end", int), ("label", str), ("kind", str)):
        if key not in item:
            raise _bad(path, where + key, "is required")
        if isinstance(item[key], bool) or not isinstance(item[key], kind):
            raise _bad(path, where + key, f"must be a {kind.__name__}", item[key])
    if item["kind"] not in _ERA_KINDS:
        raise _bad(path, where + "kind", f"must be one of {', '.join(_ERA_KINDS)}", item["kind"])
    if item["start"] > item["end"]:
        raise _bad(path, where + "end", f"is before start ({item['start']})", item["end"])
    source = str(item.get("source", "the case file"))
    return Era(item["start"], item["end"], item["label"], item["kind"], sources.get(source, source))


def _episode(item: Any, i: int, path: Path) -> Episode:
    where = f"episodes[{i}]."
    if not isinstance(item, dict) or "date" not in item or "label" not in item:
        raise _bad(path, f"episodes[{i}]", "must be a table with date and label", item)
    when = item["date"]
    if isinstance(when, dt.datetime) or not isinstance(when, dt.date):
        raise _bad(path, where + "date", "must be a TOML date (YYYY-MM-DD)", when)
    return Episode(when, str(item["label"]))


def _shipped() -> dict[str, Case]:
    """Every shipped case file's case, by name and by each alias."""
    found: dict[str, Case] = {}
    for path in sorted(CASES_DIR.glob("*.toml")):
        case = load_case_file(path)
        for key in (case.name, *case.aliases):
            found[key] = case
    return found


def generic_case(dyad: str) -> Case:
    """The case of a dyad with no case file: the panel, any stored events and ``--text``.

    The question is :func:`generic_question`; no record, no calibrated model,
    no eras and no episodes (the report derives them from the data or says
    there are none).

    Raises
    ------
    UnknownCodeError
        When the dyad is not two ISO3 codes bilat's country table knows.
    """
    match = _DYAD.match(dyad)
    if match is None:
        raise UnknownCodeError("case", dyad, sorted(CASES))
    patron, client = match.group(1).upper(), match.group(2).upper()
    client_name = _country_name(client, 2020)
    if client_name is None or (patron != "USA" and _country_name(patron, 2020) is None):
        raise UnknownCodeError("country in dyad", f"{patron}:{client}", sorted(CASES))
    patron_name = _patron_name(patron)
    return Case(
        name=f"{patron}:{client}",
        title=f"{patron_name[0].upper()}{patron_name[1:]} and {client_name}",
        dyad=f"{patron}:{client}",
        question=generic_question(patron_name, client_name),
        since=1946,
        until=dt.date.today().year,
        seed_doc_date=None,
        seed_text=None,
        record=None,
        model=None,
        policies=GENERIC_POLICIES,
        client_name=client_name,
    )


CASES: dict[str, Case] = _shipped()
US_PAKISTAN = CASES["us-pakistan"]


def dyads_with(attribute: str) -> str:
    """The dyads of the shipped cases that have ``attribute`` (``record``, ``model``), for prose."""
    found = sorted({c.dyad for c in CASES.values() if getattr(c, attribute) is not None})
    return ", ".join(found) or "none"


def get_case(name: str) -> Case:
    """The case called ``name``: a shipped case file's name or alias, or any dyad ``USA:EGY``.

    A dyad with a shipped case file (``USA:PAK``) gets that file's case; any
    other dyad gets :func:`generic_case`. A path to a ``.toml`` file is read
    with :func:`load_case_file`.

    Raises
    ------
    UnknownCodeError
        When ``name`` is neither a case nor a dyad of known countries; the
        message lists the cases.
    InputError
        When a case file does not parse (naming the file and the key).
    """
    if name in CASES:
        return CASES[name]
    if name.endswith(".toml"):
        return load_case_file(name)
    match = _DYAD.match(name)
    if match is not None:
        dyad = f"{match.group(1).upper()}:{match.group(2).upper()}"
        if dyad in CASES:
            return CASES[dyad]
        return generic_case(dyad)
    raise UnknownCodeError("case", name, sorted(k for k in CASES if ":" not in k))
