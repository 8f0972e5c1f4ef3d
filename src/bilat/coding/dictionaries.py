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
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from bilat.errors import FormatError, InputError

__all__ = [
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


_COMMENT = re.compile(r"#.*$")
_CODE = re.compile(r"\[([^\]]*)\]")


def _lines(path: Path) -> list[tuple[int, str]]:
    """Lines without comments (``#...``, ``<!-- ... -->`` blocks), numbered from 1."""
    try:
        raw = path.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise InputError(f"cannot read dictionary: {err}", file=path) from err
    out: list[tuple[int, str]] = []
    in_block = False
    for n, line in enumerate(raw.splitlines(), 1):
        stripped = line.strip()
        if in_block:
            if "-->" in stripped:
                in_block = False
            continue
        if stripped.startswith("<"):
            if stripped.startswith("<!--") and "-->" not in stripped:
                in_block = True
            continue
        text = _COMMENT.sub("", line).rstrip()
        if text.strip():
            out.append((n, text))
    return out


def _words(phrase: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """Split a dictionary phrase into uppercase words and exact-match flags."""
    phrase = phrase.strip().upper()
    parts: list[str] = []
    exact: list[bool] = []
    for chunk in phrase.split():
        pieces = chunk.split("_")
        for i, piece in enumerate(pieces):
            if piece == "":
                if parts and i == len(pieces) - 1:
                    exact[-1] = True
                continue
            # spaCy splits "Al-Qaeda" into Al, -, Qaeda: so do the dictionaries
            if "-" not in piece:
                parts.append(piece)
                exact.append(False)
                continue
            sub = [w for w in re.split(r"(?<=\w)(-)(?=\w)", piece) if w]
            parts.extend(sub)
            exact.extend([False] * len(sub))
    return tuple(parts), tuple(exact)


def _date(text: str, path: Path, line: int) -> dt.date:
    digits = text.strip()
    try:
        if len(digits) == 6:
            year = int(digits[:2])
            year += 1900 if year >= 30 else 2000
            return dt.date(year, int(digits[2:4]), int(digits[4:6]))
        if len(digits) == 8:
            return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as err:
        raise FormatError(
            f"bad date {digits!r} in a date restriction", file=path, line=line
        ) from err
    raise FormatError(
        f"bad date {digits!r} in a date restriction (use YYMMDD or YYYYMMDD)", file=path, line=line
    )


_RESTRICT = re.compile(r"^(\S+?)\s*(?:([<>])\s*(\d{6,8})|(\d{6,8})\s*-\s*(\d{6,8}))?\s*$")


def _actor_code(body: str, path: Path, line: int) -> ActorCode | None:
    body = body.strip()
    if not body:
        return None
    match = _RESTRICT.match(body)
    if match is None:
        # e.g. "[950601-990815]": a restriction without a code; PETRARCH ignores it
        return None
    code, op, day, lo, hi = match.groups()
    if not re.fullmatch(r"[A-Za-z0-9/+\-#~]+", code) or code.isdigit():
        return None
    if op == "<":
        return ActorCode(code, None, _date(day, path, line) - dt.timedelta(days=1))
    if op == ">":
        return ActorCode(code, _date(day, path, line), None)
    if lo is not None:
        return ActorCode(code, _date(lo, path, line), _date(hi, path, line))
    return ActorCode(code)


# ---------------------------------------------------------------------------- readers


def read_actors(path: str | Path, into: Dictionaries | None = None) -> Dictionaries:
    """Read a PETRARCH ``.actors`` file.

    Parameters
    ----------
    path:
        The dictionary file.
    into:
        Add to these dictionaries instead of new ones.

    Malformed date restrictions are skipped and listed in ``problems``.

    Raises
    ------
    InputError
        When the file cannot be read.
    """
    path = Path(path)
    dicts = into if into is not None else Dictionaries(source=str(path))
    names: list[str] = []
    codes: list[ActorCode] = []

    def code_of(body: str, n: int) -> ActorCode | None:
        try:
            return _actor_code(body, path, n)
        except FormatError as err:
            dicts.problems.append(str(err))
            return None

    def flush() -> None:
        if names and codes:
            for name in names:
                words, exact = _words(name)
                if words:
                    dicts.add_actor(ActorEntry(words, exact, tuple(codes), names[0]))
        names.clear()
        codes.clear()

    for n, line in _lines(path):
        stripped = line.strip()
        indented = line[:1] in (" ", "\t")
        if stripped.startswith("+"):
            names.append(stripped[1:].split("[")[0].strip())
            for body in _CODE.findall(stripped):
                if (code := code_of(body, n)) is not None:
                    codes.append(code)
            continue
        if stripped.startswith("[") and (indented or names):
            for body in _CODE.findall(stripped):
                if (code := code_of(body, n)) is not None:
                    codes.append(code)
            continue
        flush()
        name = stripped.split("[")[0].strip()
        if not name:
            continue
        names.append(name)
        for body in _CODE.findall(stripped):
            if (code := code_of(body, n)) is not None:
                codes.append(code)
    flush()
    return dicts


def _plurals(word: str) -> list[str]:
    if word.endswith(("S", "SH", "CH", "X", "Z")):
        return [word + "ES"]
    if word.endswith("Y") and len(word) > 1 and word[-2] not in "AEIOU":
        return [word[:-1] + "IES"]
    if word.endswith("MAN"):
        return [word[:-3] + "MEN"]
    return [word + "S"]


def read_agents(path: str | Path, into: Dictionaries | None = None) -> Dictionaries:
    """Read a PETRARCH ``.agents`` file (substitution sets, plurals, ~ codes)."""
    path = Path(path)
    dicts = into if into is not None else Dictionaries(source=str(path))
    subst: dict[str, list[str]] = {}
    for _n, line in _lines(path):
        stripped = line.strip()
        if stripped.startswith("!") and "=" in stripped:
            key, listed = stripped.split("=", 1)
            subst[key.strip().upper()] = [v.strip().upper() for v in listed.split(",") if v.strip()]
            continue
        match = _CODE.search(stripped)
        if match is None:
            continue
        raw_code = match.group(1).replace(" ", "")
        if "~" not in raw_code:
            continue
        prefix = raw_code.endswith("~")
        code = raw_code.strip("~")
        head = stripped[: match.start()]
        plural_forms: list[str] | None = None
        if "{" in head:
            inner = head[head.index("{") + 1 : head.index("}")] if "}" in head else ""
            plural_forms = [p for p in inner.split() if p]
            head = head[: head.index("{")]
        name = head.strip().upper()
        if not name:
            continue
        variants = [name]
        for key, values in subst.items():
            if key in name:
                variants = [v.replace(key, value) for v in variants for value in values]
        forms = list(variants)
        if plural_forms is None:
            for v in variants:
                *rest, last = v.replace(" ", "_").split("_")
                forms.extend("_".join([*rest, p]) for p in _plurals(last))
        else:
            forms.extend(p.upper() for p in plural_forms)
        for form in forms:
            words, _exact = _words(form)
            if words:
                dicts.add_agent(AgentEntry(words, code, prefix))
    return dicts


def read_discards(path: str | Path, into: Dictionaries | None = None) -> Dictionaries:
    """Read a PETRARCH ``.discards`` file (``+`` marks story-level discards)."""
    path = Path(path)
    dicts = into if into is not None else Dictionaries(source=str(path))
    for _n, line in _lines(path):
        stripped = line.strip()
        story = stripped.startswith("+")
        words, _exact = _words(stripped.lstrip("+").split(";")[0])
        if words:
            (dicts.story_discards if story else dicts.discards).append(words)
    return dicts


_HEADER = re.compile(r"^-{3}\s*(\S+)\s*(?:\[([^\]]*)\])?\s*-{3}")


_MARKERS = ("*", "$", "+", "^", "%")


def _plain_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for chunk in text.split():
        if chunk in _MARKERS:
            tokens.append(chunk)
        elif chunk.startswith("&"):
            tokens.append(chunk.upper())
        else:
            words, _exact = _words(chunk)
            tokens.extend(words)
    return tokens


def _pattern_tokens(text: str) -> list[str]:
    """Split a pattern into tokens.

    A ``{..}`` group becomes one token ``"{A B"`` (a noun phrase: its words
    adjacent, one other word allowed between them); a ``(..)`` group becomes
    ``"(A B"`` (a prepositional phrase: only determiners may come between).
    Role markers inside a group follow it as their own tokens.
    """
    tokens: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "({":
            depth, j = 0, i
            while j < len(text):
                if text[j] in "({":
                    depth += 1
                elif text[j] in ")}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            inner = _plain_tokens(re.sub(r"[(){}]", " ", text[i + 1 : j]))
            words = [t for t in inner if t not in _MARKERS]
            if words:
                tokens.append(ch + " ".join(words))
            tokens.extend(t for t in inner if t in _MARKERS)
            i = j + 1
            continue
        j = i
        while j < len(text) and text[j] not in "({":
            j += 1
        tokens.extend(_plain_tokens(re.sub(r"[)}]", " ", text[i:j])))
        i = j
    return tokens


def _parse_pattern(body: str, fallback: str) -> Pattern | None:
    match = _CODE.search(body)
    if match is None:
        return None
    code = match.group(1).strip() or fallback
    tokens = _pattern_tokens(body[: match.start()])
    if "*" not in tokens:
        return None
    star = tokens.index("*")
    markers = {"$", "+", "^", "%"}
    before = tuple(t for t in tokens[:star] if t not in markers)
    after = tuple(t for t in tokens[star + 1 :] if t not in markers)
    target_word = None
    target_skip = 0
    for k in range(star + 1, len(tokens)):
        if tokens[k] == "+":
            back = k - 1
            while back > star and tokens[back] == "^":
                back -= 1
            if back > star and tokens[back] not in markers:
                target_word = tokens[back].lstrip("({").split()[-1]
                target_skip = 1 if back < k - 1 else 0
            break
    swap = "+" in tokens[:star] and "$" in tokens[star + 1 :]
    return Pattern(
        before,
        after,
        code,
        "%" in tokens,
        body[: match.start()].strip(),
        target_word,
        swap,
        target_skip,
    )


def read_verbs(
    path: str | Path, into: Dictionaries | None = None, *, nouns: bool = False
) -> Dictionaries:
    """Read a PETRARCH ``.verbs`` file (synsets, verb blocks, patterns).

    Parameters
    ----------
    path:
        The dictionary file.
    into:
        Add to these dictionaries instead of new ones.
    nouns:
        Index the entries as event nouns (bilat's ``.nouns`` files) instead of verbs.
    """
    path = Path(path)
    dicts = into if into is not None else Dictionaries(source=str(path))
    index = dicts.nouns if nouns else dicts.verbs
    lines = _lines(path)
    synset: str | None = None
    block_code = "---"
    block_name = ""
    block_entries: list[VerbEntry] = []
    block_patterns: list[Pattern] = []

    def flush() -> None:
        for entry in block_entries:
            entry.patterns.extend(block_patterns)

    for _n, line in lines:
        stripped = line.strip()
        header = _HEADER.match(stripped)
        if header:
            flush()
            synset = None
            block_name = header.group(1).upper()
            block_code = (header.group(2) or "---").strip() or "---"
            block_entries = []
            block_patterns = []
            continue
        if stripped.startswith("&") and not stripped.startswith("&&"):
            synset = stripped.split()[0].upper()
            dicts.synsets.setdefault(synset, set())
            continue
        if synset is not None and stripped.startswith("+"):
            phrase = stripped[1:].strip()
            if phrase.startswith("&"):
                dicts.synsets[synset].add(phrase.split()[0].upper())
            else:
                dicts.synsets[synset].add(" ".join(_plain_tokens(re.sub(r"[(){}]", " ", phrase))))
            continue
        if stripped.startswith(("-", "*")) and "[" in stripped and "*" in stripped:
            body = stripped[1:] if stripped.startswith("-") else stripped
            pattern = _parse_pattern(body, block_code)
            if pattern is not None:
                block_patterns.append(pattern)
            continue
        if not block_name:
            continue
        # a verb line: WORD {FORMS} [CODE], +MULTI_WORD {...}, WIRE_+TAP {...}
        synset = None
        own = _CODE.search(stripped)
        code = own.group(1).strip() if own else block_code
        head = stripped[: own.start()] if own else stripped
        forms: list[str] = []
        if "{" in head:
            inner = head[head.index("{") + 1 : head.index("}")] if "}" in head else ""
            forms = [f for f in inner.split() if f]
            head = head[: head.index("{")]
        head = head.strip()
        if not head:
            continue
        word, particle = _verb_word(head)
        if not word:
            continue
        entry = VerbEntry(word, code or block_code, block_name, particle=particle)
        block_entries.append(entry)
        keys = {word}
        for form in forms:
            fword, _p = _verb_word(form)
            if fword:
                keys.add(fword)
        for key in keys:
            index.setdefault(key, []).append(entry)
    flush()
    return dicts


def _verb_word(head: str) -> tuple[str, tuple[str, ...]]:
    """The verb's main word and its particles: ``+GO_BY`` -> GO, (BY,)."""
    text = head.strip().upper().lstrip("+")
    parts = [p for p in re.split(r"[_\s]+", text) if p]
    if not parts:
        return "", ()
    marked = [i for i, p in enumerate(parts) if p.startswith("+")]
    main = marked[0] if marked else 0
    word = parts[main].lstrip("+")
    particle = tuple(p.lstrip("+") for i, p in enumerate(parts) if i != main)
    return word, particle


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
