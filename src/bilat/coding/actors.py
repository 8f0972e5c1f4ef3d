"""Who did what to whom: the actors a noun phrase names, and a verb's target.

Sources and targets are found through the dependency tree (subjects, passive
agents, objects, prepositional objects, coordination), with sector words
(agents) composed onto the country or organisation they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bilat.coding.leaders import Leader
from bilat.coding.parse import UNKNOWN, Match, Sentence, conjuncts, covers

__all__ = [
    "Actor",
    "compose",
    "find_target",
    "marked_target",
    "np_actors",
]

_NOT_TARGET = {
    "nsubj",
    "nsubjpass",
    "csubj",
    "advcl",
    "conj",
    "cc",
    "punct",
    "relcl",
    "parataxis",
    "mark",
    "aux",
    "auxpass",
    "neg",
    "det",
    "appos",
}
_NP_SKIP_ALWAYS = {"relcl", "acl", "appos", "advcl", "punct", "parataxis", "ccomp", "xcomp"}
_NP_PREPS = {"of", "in", "from"}
_PLACE_PREPS = ("in", "at", "near", "inside", "outside")
# Attribution rules that were measured one by one (docs/coding.md, "Scores"); each switch
# turns one off, for re-measuring: a place gives a sector actor its country only; a thing
# with no actor names its doer ("an attack by X"); sector words alone are actors ("---REB");
# a place locates a target phrase that names no actor. (The passive switch is in
# :mod:`bilat.coding.attribution`.)
_PLACE_COUNTRY = True
_RELATIVE_AGENT = True
_SECTOR_ONLY = True
_PLACE_TARGETS = True


@dataclass(frozen=True)
class Actor:
    """A source or target: its composed code (country, sector), text and token span."""

    code: str
    text: str
    start: int
    end: int
    leader: Leader | None = None


def compose(actor: Match, agents: list[Match]) -> Actor:
    """``actor``'s code with the agents' codes put before (prefix) or after it."""
    prefix = "".join(a.code for a in agents if a.prefix and a.code not in actor.code)
    suffix = ""
    for agent in agents:
        if not agent.prefix and agent.code not in suffix and agent.code not in actor.code[3:]:
            suffix += agent.code
    code = actor.code
    if code in ("---",) and (prefix or suffix):
        code = "---"
    return Actor(prefix + code + suffix, actor.text, actor.start, actor.end, actor.leader)


def np_actors(sent: Sentence, head: Any, place: bool = False) -> list[Actor]:
    """Actors named by the noun phrase headed by ``head`` and its conjuncts
    (with ``place``, also a place the phrase locates: "a mall in Kenya")."""
    out: list[Actor] = []
    previous: tuple[Match, list[Match]] | None = None
    for conj in [head, *conjuncts(head, sent)]:
        actors, agents = _np_parts(sent, conj, place)
        head_agent = sent.agent(conj)
        if (
            not actors
            and head_agent is not None
            and head_agent.end - 1 == conj.i
            and conj.pos_ in ("NOUN", "PROPN")
            and conj.dep_ not in ("amod", "compound", "poss")
            and previous is None
            and _SECTOR_ONLY
        ):
            # "rebels", "the troops": a phrase headed by a sector word and naming no
            # country is an actor coded --- and its sector (not "a non-military package")
            nameless = head_agent
            actors = [Match(nameless.start, nameless.end, UNKNOWN, "")]
            agents = [a for a in agents if not a.prefix]
        if actors:
            for actor in actors:
                out.append(compose(actor, agents))
            previous = (actors[0], [a for a in agents if not covers(a, conj)])
        elif agents and previous is not None:
            first, shared = previous
            out.append(compose(first, [*shared, *agents]))
    unique: dict[str, Actor] = {}
    for composed in out:
        unique.setdefault(composed.code, composed)
    return list(unique.values())


def _np_parts(sent: Sentence, head: Any, place: bool = False) -> tuple[list[Match], list[Match]]:
    actors: list[Match] = []
    agents: list[Match] = []
    head_is_actor = sent.actor(head) is not None
    # a thing with no actor of its own is located by its place: "a mall in Kenya's capital"
    located = place and not head_is_actor and sent.agent(head) is None
    if located and _RELATIVE_AGENT:
        # "an attack by Taliban militants": who did the thing
        located_preps: tuple[str, ...] = (*_PLACE_PREPS, "by")
    else:
        located_preps = _PLACE_PREPS
    head_is_agent = not head_is_actor and sent.agent(head) is not None
    stack: list[tuple[Any, bool]] = [(head, False)]
    while stack:
        tok, placed = stack.pop()
        if not (sent.span.start <= tok.i < sent.span.end):
            continue
        actor = sent.actor(tok)
        if actor is not None and placed and head_is_agent and _PLACE_COUNTRY:
            # "protesters in Islamabad": the place gives the country, not its government
            actor = Match(actor.start, actor.end, actor.code[:3], actor.text, False)
        if actor is not None and actor not in actors:
            actors.append(actor)
        agent = sent.agent(tok)
        if agent is not None and agent not in agents:
            agents.append(agent)
        for child in tok.children:
            dep = child.dep_
            if tok.i == head.i and dep in ("conj", "cc"):
                continue
            if located and dep == "relcl" and _RELATIVE_AGENT:
                # "the attack, which was carried out by Taliban militants": its agent
                stack.extend(
                    (obj, False)
                    for by in child.children
                    if by.dep_ == "agent"
                    for obj in by.children
                    if obj.dep_ == "pobj"
                )
                continue
            if dep in _NP_SKIP_ALWAYS:
                continue
            if (
                dep == "prep"
                and not (located and child.lower_ in located_preps)
                and (
                    head_is_actor
                    or child.lower_ not in _NP_PREPS
                    or (child.lower_ != "of" and sent.agent(head) is None)
                )
            ):
                continue
            stack.append((child, placed or (dep == "prep" and child.lower_ in _PLACE_PREPS)))
    actors.sort(key=lambda m: m.start)
    agents.sort(key=lambda m: m.start)
    if len(actors) > 1:
        # several actors in one phrase: the first, and those coordinated with it
        doc = head.doc
        kept = [actors[0]]
        for actor in actors[1:]:
            if doc[actor.start].dep_ == "conj" and actor.code not in {k.code for k in kept}:
                kept.append(actor)
        actors = kept
    return actors, agents


def marked_target(
    sent: Sentence, verb: Any, word: str, exclude: list[Actor], skip: int = 0
) -> list[Actor]:
    """The actor after the pattern word that precedes a ``+`` marker
    (after ``skip`` other actors, for ``^`` markers)."""
    taken = {a.code for a in exclude}
    doc = verb.doc
    for k in range(verb.i + 1, sent.span.end):
        tok = doc[k]
        if tok.text.upper() == word or tok.lemma_.upper() == word:
            passed: set[Match] = set()
            for m in range(k + 1, sent.span.end):
                match = sent.actor(doc[m])
                if match is not None and len(passed) < skip and match not in passed:
                    passed.add(match)
                    continue
                if match is not None and match not in passed and match.code not in taken:
                    head = doc[m]
                    while sent.actor(head.head) is match and head.head.i != head.i:
                        head = head.head
                    found = np_actors(sent, head)
                    if found:
                        return found
            return []
    return []


def find_target(sent: Sentence, verb: Any, exclude: list[Actor]) -> list[Actor]:
    """The first actor-bearing phrase below the verb, breadth first; when there is
    none, the first place that locates a phrase below it ("attacked a mall in Kenya")."""
    found = _search_target(sent, verb, exclude, place=False)
    if not found and _PLACE_TARGETS:
        found = _search_target(sent, verb, exclude, place=True)
    return found


def _search_target(sent: Sentence, verb: Any, exclude: list[Actor], place: bool) -> list[Actor]:
    taken = {a.code for a in exclude}
    spans = [(a.start, a.end) for a in exclude]
    # a complement before the verb is what is reported ("X did Y, an official said"),
    # not the verb's target
    queue = [
        c
        for c in verb.children
        if c.dep_ not in _NOT_TARGET and not (c.dep_ == "ccomp" and c.i < verb.i)
    ]
    depth = 0
    while queue:
        nxt = []
        for tok in queue:
            if tok.pos_ in ("NOUN", "PROPN", "ADJ", "PRON", "NUM", "X", "DET"):
                found = [
                    a
                    for a in np_actors(sent, tok, place=place)
                    if a.code not in taken and not any(s <= a.start < e for s, e in spans)
                ]
                if found:
                    return found
            for child in tok.children:
                if child.dep_ in _NOT_TARGET and not (
                    tok.pos_ in ("VERB", "AUX") and child.dep_ in ("nsubj", "nsubjpass")
                ):
                    continue
                nxt.append(child)
        queue = nxt
        depth += 1
    return []
