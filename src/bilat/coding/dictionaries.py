"""Read PETRARCH/TABARI-format dictionaries: actors, agents, verbs, discards.

The format is the one the PETRARCH coders (openeventdata/petrarch2,
UniversalPetrarch) read, so their users keep their dictionaries and their
validation suites run unchanged. bilat's own dictionaries are written in the
same format (``bilat/coding/data``).

* ``.actors``: ``NAME_WORDS [CODE]`` entries, ``+SYNONYM`` lines, and code
  lines with date restrictions ``[CODE < 19950601]``, ``[CODE > 990816]``,
  ``[CODE 20100109-20100112]``; a trailing ``_`` marks an exact word.
* ``.agents``: ``!SUBST! = A, B`` substitution sets, ``NAME {PLURALS} [~CODE]``
  (suffix) or ``[CODE~]`` (prefix); an empty ``{}`` means no plural.
* ``.verbs``: ``&SYNSET`` blocks of ``+WORD`` lines, then verb blocks headed
  ``--- NAME [CODE] ---`` with verb lines ``VERB {FORMS} [CODE]`` and
  patterns ``- WORDS * WORDS [CODE]`` (``*`` is the verb; ``(..)`` and ``{..}``
  group words; ``$``, ``+``, ``^``, ``%`` are role markers). ``[A:B]`` codes a
  reciprocal pair; ``[---]`` codes nothing.
* ``.discards``: phrases; ``+PHRASE`` discards the whole story, a bare phrase
  the sentence.

The entries and the store are in :mod:`bilat.coding.entries`, the readers in
:mod:`bilat.coding.readers` (actors, agents, discards) and
:mod:`bilat.coding.verb_reader` (verbs, nouns); this module finds a set's files
and reads them into one store, and keeps every name importable from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bilat.coding.entries import (
    NULL_CODES,
    ActorCode,
    ActorEntry,
    AgentEntry,
    Dictionaries,
    Pattern,
    VerbEntry,
)
from bilat.coding.readers import read_actors, read_agents, read_discards
from bilat.coding.verb_reader import read_verbs
from bilat.errors import FormatError, InputError

__all__ = [
    "NULL_CODES",
    "ActorCode",
    "ActorEntry",
    "AgentEntry",
    "Dictionaries",
    "Pattern",
    "VerbEntry",
    "load_dictionaries",
    "read_actors",
    "read_agents",
    "read_discards",
    "read_verbs",
]


def _find(folder: Path, suffixes: Iterable[str], prefix: str = "") -> list[Path]:
    found = []
    for path in sorted(folder.iterdir()):
        name = path.name.lower()
        if not name.startswith(prefix):
            continue
        if any(s in name for s in suffixes) and path.is_file():
            found.append(path)
    return found


def _load_config(config: Path) -> Dictionaries:
    """Read the dictionaries a PETRARCH ``PETR_config.ini`` names (its ``[Dictionaries]``)."""
    import configparser

    parser = configparser.ConfigParser(inline_comment_prefixes=("#", ";"))
    try:
        parser.read(config, encoding="utf-8")
        section = parser["Dictionaries"]
    except (configparser.Error, KeyError) as err:
        raise FormatError(
            "not a PETRARCH config with a [Dictionaries] section", file=config
        ) from err

    def files(*keys: str) -> list[Path]:
        out = []
        for key in keys:
            for name in section.get(key, "").split(","):
                if name.strip():
                    path = config.parent / name.strip()
                    if not path.is_file():
                        raise InputError(
                            f"names a missing dictionary {name.strip()!r}", file=config
                        )
                    out.append(path)
        return out

    dicts = Dictionaries(source=str(config))
    for path in files("actorfile_list", "actorfile_name"):
        read_actors(path, dicts)
    for path in files("agentfile_name", "agentfile_list"):
        read_agents(path, dicts)
    for path in files("verbfile_name", "verbfile_list"):
        read_verbs(path, dicts)
    for path in files("discardfile_name", "discardfile_list"):
        read_discards(path, dicts)
    if not dicts.actors or not dicts.verbs:
        raise InputError("names no actor or no verb dictionary", file=config)
    return dicts


def load_dictionaries(folder: str | Path) -> Dictionaries:
    """Read every dictionary in ``folder``, recognised by name.

    Files whose names contain ``actors``, ``agents``, ``verbs``, ``nouns`` or
    ``discards`` (any extension) are read with the matching reader. ``folder``
    may also be a path prefix such as ``.../petrarch2/PETR.Validate``: then only
    the files of that folder whose names start with the prefix are read. A
    PETRARCH ``PETR_config.ini`` file reads the dictionaries its
    ``[Dictionaries]`` section names.

    Raises
    ------
    InputError
        When ``folder`` is not a directory or holds no actor or verb dictionary.
    """
    folder = Path(folder)
    given = folder
    prefix = ""
    if folder.is_file() and folder.suffix.lower() == ".ini":
        return _load_config(folder)
    if not folder.is_dir():
        # a path prefix: ".../petrarch2/PETR.Validate" picks PETR.Validate.* in that folder
        given = folder
        prefix, folder = given.name.lower(), given.parent
        if not folder.is_dir() or not any(
            p.name.lower().startswith(prefix) for p in folder.iterdir()
        ):
            raise InputError(
                "is neither a directory of PETRARCH dictionaries nor a file prefix in one",
                field="dicts",
                value=str(folder / prefix) if prefix else str(folder),
            )
    dicts = Dictionaries(source=str(folder / given.name) if prefix else str(folder))
    for path in _find(folder, ["actors"], prefix):
        read_actors(path, dicts)
    for path in _find(folder, ["agents"], prefix):
        read_agents(path, dicts)
    for path in _find(folder, ["verbs"], prefix):
        read_verbs(path, dicts)
    for path in _find(folder, ["nouns"], prefix):
        read_verbs(path, dicts, nouns=True)
    for path in _find(folder, ["discards"], prefix):
        read_discards(path, dicts)
    if not dicts.actors or not dicts.verbs:
        raise InputError(
            "holds no actor or no verb dictionary (files named *actors*, *verbs*, *agents*, "
            "*discards*)",
            field="dicts",
            value=str(folder),
        )
    return dicts
