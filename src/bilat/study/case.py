"""A case: a dyad, its record, the claims made about it and the policies to test.

The built-in case is the United States–Pakistan partnership as the seed article
(``seed/us-pakistan-partnership.txt``) describes it. A :class:`Case` holds only
declarative metadata: names of the record, claims and policies that the other
subpackages provide, the question asked, the conventional eras of the
relationship and the episodes a reader expects to see labelled on a timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bilat.errors import UnknownCodeError

__all__ = ["CASES", "Case", "Episode", "Era", "get_case"]


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
        The document date used to resolve relative dates when coding text.
    seed_text:
        The name of the seed article inside the shared folder's ``seed/``.
    record:
        The name of the built-in record (in :mod:`bilat.record`).
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
    """

    name: str
    title: str
    dyad: str
    question: str
    since: int
    until: int
    seed_doc_date: dt.date
    seed_text: str
    record: str
    policies: tuple[str, ...]
    claims: tuple[str, ...] = ()
    eras: tuple[Era, ...] = ()
    episodes: tuple[Episode, ...] = field(default_factory=tuple)

    @property
    def patron(self) -> str:
        """ISO3 code of the patron (the dyad's first member)."""
        return self.dyad.split(":")[0]

    @property
    def client(self) -> str:
        """ISO3 code of the client (the dyad's second member)."""
        return self.dyad.split(":")[1]


_KUX = (
    "bilat's summary of the standard histories, e.g. Kux, D. (2001), The United States and "
    "Pakistan, 1947–2000: Disenchanted Allies"
)
_HAQQANI = (
    "bilat's summary of the standard histories, e.g. Haqqani, H. (2013), Magnificent "
    "Delusions: Pakistan, the United States, and an Epic History of Misunderstanding"
)

US_PAKISTAN = Case(
    name="us-pakistan",
    title="The United States and Pakistan, 1947–2025",
    dyad="USA:PAK",
    question=(
        "Should the United States broaden its partnership with Pakistan beyond security "
        "(trade, economic partnership, attention to Pakistan's security concerns, support "
        "for its democracy) rather than keep it security-only?"
    ),
    since=1947,
    until=2025,
    seed_doc_date=dt.date(2016, 1, 1),
    seed_text="us-pakistan-partnership.txt",
    record="us-pakistan",
    policies=(
        "broadened",
        "security-only",
        "historical",
        "conditional",
        "disengagement",
    ),
    eras=(
        Era(1947, 1953, "Early courtship", "disengaged", _KUX),
        Era(1954, 1964, "Cold War alliance (SEATO, CENTO)", "engaged", _KUX),
        Era(1965, 1978, "Embargoes and estrangement", "sanctioned", _KUX),
        Era(1979, 1989, "Afghan war partnership", "engaged", _KUX),
        Era(1990, 2000, "Pressler and nuclear sanctions", "sanctioned", _KUX),
        Era(2001, 2011, "War on terror alliance", "engaged", _HAQQANI),
        Era(2012, 2025, "Drift after 2011", "disengaged", _HAQQANI),
    ),
    episodes=(
        Episode(dt.date(1954, 5, 19), "Mutual Defense Assistance Agreement"),
        Episode(dt.date(1965, 9, 8), "1965 war: US arms embargo"),
        Episode(dt.date(1971, 12, 3), "1971 war"),
        Episode(dt.date(1979, 4, 1), "Symington cut-off"),
        Episode(dt.date(1979, 12, 1), "Soviet invasion of Afghanistan"),
        Episode(dt.date(1981, 9, 1), "1981 aid package"),
        Episode(dt.date(1990, 10, 1), "Pressler sanctions"),
        Episode(dt.date(1998, 5, 28), "Nuclear tests: Glenn sanctions"),
        Episode(dt.date(1999, 10, 12), "Coup: Section 508"),
        Episode(dt.date(2001, 9, 11), "9/11: ultimatum, waivers"),
        Episode(dt.date(2004, 6, 1), "Major non-NATO ally"),
        Episode(dt.date(2009, 10, 15), "Kerry–Lugar–Berman act"),
        Episode(dt.date(2011, 5, 2), "Abbottabad raid"),
        Episode(dt.date(2018, 1, 4), "Security aid suspended"),
        Episode(dt.date(2021, 8, 30), "US leaves Afghanistan"),
    ),
)

CASES: dict[str, Case] = {US_PAKISTAN.name: US_PAKISTAN}


def get_case(name: str) -> Case:
    """Return the built-in case called ``name``.

    Raises
    ------
    UnknownCodeError
        When no case has that name; the message lists the cases.
    """
    try:
        return CASES[name]
    except KeyError as err:
        raise UnknownCodeError("case", name, sorted(CASES)) from err
