"""The entries of coding dictionaries and the store that holds them.

:class:`Dictionaries` is the merged store every reader adds to (a set may be
layered: the bundled Phoenix files, then bilat's own on top), indexed for lookup
by first word and lemma. The readers are in :mod:`bilat.coding.readers` and
:mod:`bilat.coding.verb_reader`; :func:`bilat.coding.dictionaries.load_dictionaries`
finds the files of a set.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

__all__ = [
    "NULL_CODES",
    "ActorCode",
    "ActorEntry",
    "AgentEntry",
    "Dictionaries",
    "Pattern",
    "VerbEntry",
]


NULL_CODES = ("---",)


@dataclass(frozen=True)
class ActorCode:
    """An actor code valid from ``start`` to ``end`` (inclusive; None = open)."""

    code: str
    start: dt.date | None = None
    end: dt.date | None = None

    def valid_on(self, day: dt.date | None) -> bool:
        """Whether the code applies on ``day`` (always, when ``day`` is None)."""
        if day is None or (self.start is None and self.end is None):
            return True
        if self.start is not None and day < self.start:
            return False
        return not (self.end is not None and day > self.end)


@dataclass(frozen=True)
class ActorEntry:
    """One actor phrase (as uppercase words) and its codes, restricted ones first."""

    words: tuple[str, ...]
    exact: tuple[bool, ...]
    codes: tuple[ActorCode, ...]
    name: str

    def code_on(self, day: dt.date | None) -> ActorCode | None:
        """The code that applies on ``day``: the first matching restriction, else the default."""
        restricted = [c for c in self.codes if c.start is not None or c.end is not None]
        for code in restricted:
            if day is not None and code.valid_on(day):
                return code
        defaults = [c for c in self.codes if c.start is None and c.end is None]
        if defaults:
            return defaults[0]
        return None if day is not None else (restricted[0] if restricted else None)


@dataclass(frozen=True)
class AgentEntry:
    """One agent phrase and its code; ``prefix`` agents go before the actor code."""

    words: tuple[str, ...]
    code: str
    prefix: bool


@dataclass(frozen=True)
class Pattern:
    """A verb pattern: words before and after the verb, and the code it gives."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    code: str
    compound: bool
    text: str
    target_word: str | None = None
    swap: bool = False
    target_skip: int = 0

    @property
    def plain_after(self) -> frozenset[str]:
        """Words (not word classes) that must occur after the verb: a quick filter."""
        return _plain(self.after)

    @property
    def plain_before(self) -> frozenset[str]:
        """Words (not word classes) that must occur before the verb."""
        return _plain(self.before)

    @cached_property
    def weight(self) -> int:
        """How specific the pattern is: the number of words it must match."""
        return sum(len(w.lstrip("({").split()) for w in (*self.before, *self.after))


@lru_cache(maxsize=16384)
def _plain(words: tuple[str, ...]) -> frozenset[str]:
    out = set()
    for word in words:
        for part in word.lstrip("({").split():
            if not part.startswith("&"):
                out.add(part)
    return frozenset(out)


@dataclass
class VerbEntry:
    """A verb (or event noun) with its own code and the patterns of its block."""

    word: str
    code: str
    block: str
    patterns: list[Pattern] = field(default_factory=list)
    particle: tuple[str, ...] = ()


@dataclass
class Dictionaries:
    """A set of coding dictionaries, indexed for lookup by first word and lemma.

    Attributes
    ----------
    actors, agents:
        Phrase entries indexed by their first uppercase word.
    verbs:
        Verb entries by uppercase lemma or listed form.
    nouns:
        Event-noun entries by uppercase lemma (bilat's own dictionaries only).
    synsets:
        ``&NAME`` -> the set of uppercase phrases (space-joined words).
    discards, story_discards:
        Phrases (word tuples) that void a sentence or a whole story.
    source:
        Where the dictionaries were read from.
    problems:
        Lines that were skipped as malformed (``file:line: reason``); real
        dictionaries carry a few typos, and PETRARCH skips them too.
    """

    actors: dict[str, list[ActorEntry]] = field(default_factory=dict)
    agents: dict[str, list[AgentEntry]] = field(default_factory=dict)
    verbs: dict[str, list[VerbEntry]] = field(default_factory=dict)
    nouns: dict[str, list[VerbEntry]] = field(default_factory=dict)
    synsets: dict[str, set[str]] = field(default_factory=dict)
    discards: list[tuple[str, ...]] = field(default_factory=list)
    story_discards: list[tuple[str, ...]] = field(default_factory=list)
    source: str = ""
    problems: list[str] = field(default_factory=list)

    story_regex: re.Pattern[str] | None = field(default=None, repr=False, compare=False)
    synset_heads: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    def add_actor(self, entry: ActorEntry) -> None:
        """Index an actor entry by its first word (longest phrases first; among
        phrases of one length, the one added first wins)."""
        _insert(self.actors.setdefault(entry.words[0], []), entry)

    def add_agent(self, entry: AgentEntry) -> None:
        """Index an agent entry by its first word (longest phrases first)."""
        _insert(self.agents.setdefault(entry.words[0], []), entry)

    @property
    def n_actors(self) -> int:
        """Number of actor phrases."""
        return sum(len(v) for v in self.actors.values())

    @property
    def n_agents(self) -> int:
        """Number of agent phrases."""
        return sum(len(v) for v in self.agents.values())

    @property
    def n_verbs(self) -> int:
        """Number of verb forms indexed."""
        return len(self.verbs)

    @property
    def n_patterns(self) -> int:
        """Number of distinct verb patterns."""
        seen = {id(p) for entries in self.verbs.values() for e in entries for p in e.patterns}
        return len(seen)


# ---------------------------------------------------------------------------- helpers


def _insert(bucket: list[Any], entry: ActorEntry | AgentEntry) -> None:
    """Put ``entry`` after every entry at least as long (keeps the order stable)."""
    size = len(entry.words)
    k = len(bucket)
    while k > 0 and len(bucket[k - 1].words) < size:
        k -= 1
    bucket.insert(k, entry)
