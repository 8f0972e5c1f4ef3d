"""The dictionaries the coder uses when none are given: Phoenix for news, bilat's on top.

The default (``news_dictionaries``) is built from three layers, the first
added winning wherever two layers list the same phrase:

1. bilat's dated leaders (``data/bilat.leaders.csv``): each term of office
   gives the office's code for its dates (``[USAGOV 20170120-20210120]``)
   and the country's elite code (``USAELI``) outside them, as the Phoenix
   dictionaries date their own leaders; rows after 2016 extend Phoenix, whose
   leader entries stop in 2016.
2. bilat's own dictionaries (``data/bilat.*``: actors, agents, event nouns,
   discards, and countries from :mod:`bilat.ontology`).
3. The PETRARCH-2 / Phoenix dictionaries (``data/phoenix``: MIT, (c) 2014
   Open Event Data; licence and attribution ship beside them): 35,000 actor
   phrases, 6,500 agent phrases, the CAMEO 2.0 verb dictionary and discards.

Phoenix's discards that are bare years are dropped (Phoenix voids any sentence
naming a year, to skip history in live news; bilat dates events by those years).
bilat's verb dictionary is not layered in: the Phoenix verb dictionary is the
larger one, and two verb dictionaries would compete for the same verbs.

Reading the Phoenix files takes about a second; the built dictionaries are
kept in a user cache (``$BILAT_CACHE_DIR``, else ``$XDG_CACHE_HOME/bilat``,
else ``~/.cache/bilat``) as a pickle named by a hash of every input file, so
a changed file or a new bilat version builds a fresh one. The cache is only
ever a file bilat wrote itself; when it cannot be read or written the
dictionaries are simply built again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path

from bilat._paths import package_data
from bilat.coding.dictionaries import (
    ActorCode,
    ActorEntry,
    Dictionaries,
    load_dictionaries,
    read_actors,
    read_agents,
    read_discards,
    read_verbs,
)
from bilat.coding.leaders import Leader, terms
from bilat.coding.readers import phrase_words

__all__ = [
    "PHOENIX_FILES",
    "bilat_dictionaries",
    "cache_dir",
    "news_dictionaries",
    "phoenix_dir",
]

PHOENIX_FILES = {
    "actors": (
        "Phoenix.Countries.actors.txt",
        "Phoenix.International.actors.txt",
        "Phoenix.MilNonState.actors.txt",
    ),
    "agents": ("Phoenix.agents.txt",),
    "verbs": ("CAMEO.2.0.txt",),
    "discards": ("Phoenix.discards.txt",),
}
_CACHE_FORMAT = "4"


def phoenix_dir() -> Path:
    """The folder of the bundled Phoenix dictionaries (with their licence)."""
    return package_data("coding", "data", "phoenix")


def cache_dir() -> Path:
    """Where built dictionaries are cached: ``$BILAT_CACHE_DIR``, ``$XDG_CACHE_HOME/bilat``
    or ``~/.cache/bilat``."""
    if env := os.environ.get("BILAT_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bilat"


@lru_cache(maxsize=1)
def bilat_dictionaries() -> Dictionaries:
    """bilat's own small dictionaries (``bilat/coding/data``), read once."""
    dicts = load_dictionaries(package_data("coding", "data"))
    dicts.source = "bilat"
    add_countries(dicts)
    return dicts


@lru_cache(maxsize=1)
def news_dictionaries() -> Dictionaries:
    """The default dictionaries: dated leaders, bilat's own, then Phoenix (read once)."""
    inputs = _inputs()
    digest = hashlib.sha256(_CACHE_FORMAT.encode())
    for path in inputs:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    from bilat import __version__

    digest.update(__version__.encode())
    cached = cache_dir() / f"dictionaries-news-{digest.hexdigest()[:20]}.pickle"
    try:
        with cached.open("rb") as handle:
            loaded = pickle.load(handle)
        if isinstance(loaded, Dictionaries):
            return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    dicts = build_news_dictionaries()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.part")
        with partial.open("wb") as handle:
            pickle.dump(dicts, handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(cached)
    except OSError:
        pass
    return dicts


def _inputs() -> list[Path]:
    data = package_data("coding", "data")
    own = sorted(p for p in data.iterdir() if p.is_file() and p.name.startswith("bilat."))
    phoenix = [phoenix_dir() / name for names in PHOENIX_FILES.values() for name in names]
    return [*own, *phoenix]


def build_news_dictionaries() -> Dictionaries:
    """Build the default dictionaries from the package files (no cache)."""
    data = package_data("coding", "data")
    phoenix = phoenix_dir()
    dicts = Dictionaries(source="news (Phoenix + bilat)")
    for leader_terms in terms().values():
        for entry in _leader_entries(leader_terms):
            dicts.add_actor(entry)
    read_actors(data / "bilat.actors.txt", dicts)
    for name in PHOENIX_FILES["actors"]:
        read_actors(phoenix / name, dicts)
    read_agents(data / "bilat.agents.txt", dicts)
    for name in PHOENIX_FILES["agents"]:
        read_agents(phoenix / name, dicts)
    for name in PHOENIX_FILES["verbs"]:
        read_verbs(phoenix / name, dicts)
    read_verbs(data / "bilat.nouns.txt", dicts, nouns=True)
    read_discards(data / "bilat.discards.txt", dicts)
    for name in PHOENIX_FILES["discards"]:
        read_discards(phoenix / name, dicts)
    # Phoenix voids every sentence naming a year (1914 ... 2030) to skip history in live
    # news; bilat dates events by the years the text names, so those discards are dropped
    dicts.discards = [p for p in dicts.discards if not all(w.isdigit() for w in p)]
    add_countries(dicts)
    return dicts


def _leader_entries(leader_terms: list[Leader]) -> list[ActorEntry]:
    """A leader's entries (name and aliases): the office code for each term, the
    country's elite code outside them (PETRARCH's convention: a sitting head of
    government is GOV, a former one ELI)."""
    first = leader_terms[0]
    codes = [
        ActorCode(t.code, t.start, (t.end - dt.timedelta(days=1)) if t.end else None)
        for t in leader_terms
    ]
    codes.append(ActorCode(first.code[:3] + "ELI"))
    out = []
    for name in (first.name, *first.aliases):
        words, exact = phrase_words(name)
        if words:
            out.append(ActorEntry(words, exact, tuple(codes), first.name))
    return out


def add_countries(dicts: Dictionaries) -> None:
    """Add every current country of :func:`bilat.ontology.countries` not yet in ``dicts``:
    its name and demonyms give the state, its capital the government."""
    try:
        from bilat.ontology import countries
    except ImportError:  # pragma: no cover - the ontology ships with bilat
        return
    table = countries()
    for row in table.itertuples(index=False):
        if row.historical or not isinstance(row.iso3, str):
            continue
        code = str(row.cameo or row.iso3)
        names = [str(row.name)] + [d for d in str(row.demonyms or "").split("|") if d]
        capital = str(row.capital or "").replace("D.C.", "").strip()
        for phrase, actor in [*((n, code) for n in names), (capital, code + "GOV")]:
            if not phrase or "(" in phrase or len(phrase) <= 3:
                continue
            words = tuple(phrase.upper().replace("-", " - ").split())
            words = tuple(w for w in words if w != "-") or words
            if any(e.words == words for e in dicts.actors.get(words[0], ())):
                continue
            dicts.add_actor(
                ActorEntry(words, (False,) * len(words), (ActorCode(actor),), "_".join(words))
            )
