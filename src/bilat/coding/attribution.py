"""From a coded word to events: its code (:mod:`~bilat.coding.verbs`), its source and
target (:mod:`~bilat.coding.actors`) and its modality (:mod:`~bilat.coding.modality`).
"""

from __future__ import annotations

from typing import Any

from bilat.coding.actors import Actor, find_target, marked_target, np_actors
from bilat.coding.dictionaries import Pattern, VerbEntry
from bilat.coding.event import CodedEvent
from bilat.coding.modality import modality_of
from bilat.coding.parse import SPEECH_ROOTS, UNKNOWN, Sentence, subject_of
from bilat.coding.verbs import choose_code, negates

__all__ = ["code_noun", "code_verb"]

_TARGET_PREPS = ("with", "to", "against", "at", "on", "from", "toward", "towards", "for", "into")
# a passive without "by" takes its source from its clause, as the PETRARCH gold sets do
# (docs/coding.md, "Scores"; the other measured switches are in bilat.coding.actors)
_PASSIVE_GUESS = True


def code_verb(
    sent: Sentence, verb: Any, entries: list[VerbEntry], *, null_targets: bool
) -> list[CodedEvent]:
    """The events of verb ``verb``: its pattern's code, its source and target, its modality.

    With ``null_targets``, a source without a target gives an event with target ``---``.
    """
    code, pattern = choose_code(sent, verb, entries)
    if code is None:
        return []
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    subject = subject_of(verb)
    if subject is not None and subject.pos_ == "PRON" and verb.dep_ in ("ccomp", "xcomp"):
        outer = subject_of(verb.head)
        if outer is not None:
            subject = outer
    sources: list[Actor] = []
    targets: list[Actor] = []
    if passive:
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        if subject is not None:
            targets = np_actors(sent, subject)
        if agent is not None:
            obj = next((c for c in agent.children if c.dep_ == "pobj"), None)
            if obj is not None:
                sources = np_actors(sent, obj)
        if not sources and targets and not _PASSIVE_GUESS:
            # "X was attacked": the attacker is unknown, not another actor of the sentence
            sources = [Actor(UNKNOWN, "", verb.i, verb.i)]
        elif not sources:
            sources = find_target(sent, verb, exclude=targets)
    else:
        if subject is not None:
            sources = np_actors(sent, subject)
        targets = find_target(sent, verb, exclude=sources)
    if pattern is not None and pattern.target_word is not None:
        marked = marked_target(sent, verb, pattern.target_word, sources, pattern.target_skip)
        if marked:
            targets = marked
    if pattern is not None and pattern.swap and not passive:
        # "+ * ... $": the target is the subject, the source follows the verb
        sources, targets = targets, sources
    modality = modality_of(verb)
    if modality == "negated" and pattern is not None and negates(sent.dicts, pattern.before):
        # the pattern itself reads the negation ("&NEGATVAUXVRB * OVER EFFORTS"):
        # its code already says what was (not) done
        modality = "asserted"
    return _events(sent, verb, code, pattern, sources, targets, modality, null_targets)


def code_noun(
    sent: Sentence, noun: Any, entries: list[VerbEntry], *, null_targets: bool
) -> list[CodedEvent]:
    """The events of event noun ``noun`` (\"U.S. sanctions on Iran\"); see :func:`code_verb`."""
    code, pattern = choose_code(sent, noun, entries)
    if code is None:
        return []
    sources: list[Actor] = []
    # actors modifying the noun: "U.S. sanctions", "Washington's withdrawal"
    for child in noun.children:
        if child.dep_ in ("poss", "compound", "amod", "nmod"):
            sources = np_actors(sent, child)
            if sources:
                break
    if not sources:
        for k in range(noun.i - 1, max(sent.span.start, noun.i - 4) - 1, -1):
            tok = noun.doc[k]
            if tok.is_punct:
                break
            match = sent.actor(tok)
            if match is not None:
                sources = [Actor(match.code, match.text, match.start, match.end, match.leader)]
                break
    targets: list[Actor] = []
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in (*_TARGET_PREPS, "of"):
            for obj in child.children:
                if obj.dep_ == "pobj":
                    targets = np_actors(sent, obj)
            if targets:
                break
    if not targets:
        head = noun.head
        hops = 0
        while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i and hops < 4:
            head, hops = head.head, hops + 1
        subject = subject_of(head) if head.pos_ in ("VERB", "AUX") else None
        if subject is not None and subject.i != noun.i:
            targets = [
                t for t in np_actors(sent, subject) if t.code not in {s.code for s in sources}
            ]
        if not targets and head.pos_ in ("VERB", "AUX"):
            # a purpose clause names the target: "used threats to enlist Pakistani cooperation"
            for clause in head.children:
                if clause.dep_ == "advcl" and any(
                    c.dep_ == "aux" and c.lower_ == "to" for c in clause.children
                ):
                    targets = find_target(sent, clause, exclude=sources)
                    if targets:
                        break
    modality = modality_of(noun.head if noun.head.pos_ in ("VERB", "AUX") else noun)
    return _events(sent, noun, code, pattern, sources, targets, modality, null_targets)


def _events(
    sent: Sentence,
    word: Any,
    code: str,
    pattern: Pattern | None,
    sources: list[Actor],
    targets: list[Actor],
    modality: str,
    null_targets: bool,
) -> list[CodedEvent]:
    pairs: list[tuple[Actor, Actor]] = []
    codes = code.split(":")
    forward, backward = codes[0], (codes[1] if len(codes) > 1 else None)
    if sources and targets:
        pairs = [(s, t) for s in sources for t in targets if s.code != t.code]
    elif len(sources) > 1 and not targets:
        pairs = [(s, t) for s in sources for t in sources if s.code != t.code]
        backward = None
    elif sources and not targets and null_targets and code[:2] not in SPEECH_ROOTS:
        # "demonstrators protested": an event without a target is coded with target ---
        # (not a bare statement: "officials said the talks had failed" is no event)
        pairs = [(s, Actor(UNKNOWN, "", word.i, word.i)) for s in sources]
        backward = None
    out: list[CodedEvent] = []
    text = sent.span.text
    for s, t in pairs:
        lead = tuple(x.leader for x in (s, t) if x.leader is not None)
        if forward and forward != "---":
            out.append(
                CodedEvent(
                    s.code,
                    t.code,
                    forward,
                    modality,
                    text,
                    (0, 0),
                    s.text,
                    t.text,
                    verb=word.text,
                    pattern=pattern.text if pattern else "",
                    leaders=lead,
                )
            )
        if backward and backward != "---":
            out.append(
                CodedEvent(
                    t.code,
                    s.code,
                    backward,
                    modality,
                    text,
                    (0, 0),
                    t.text,
                    s.text,
                    verb=word.text,
                    pattern=pattern.text if pattern else "",
                    leaders=lead,
                )
            )
    return out
