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

The parts live in their own modules: :mod:`~bilat.coding.parse` (sentences,
actor lookup, tree walks), :mod:`~bilat.coding.verbs` (pattern matching),
:mod:`~bilat.coding.actors` (sources and targets), :mod:`~bilat.coding.attribution`
(a coded word's events and modality); :class:`Coder` composes them per document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from bilat.coding.attribution import code_noun, code_verb
from bilat.coding.dates import DateRef, find_date
from bilat.coding.defaults import bilat_dictionaries, news_dictionaries
from bilat.coding.dictionaries import Dictionaries, load_dictionaries
from bilat.coding.event import CodedEvent
from bilat.coding.modality import FACTS, modality_of
from bilat.coding.parse import (
    SPEECH_ROOTS,
    UNKNOWN,
    Match,
    Sentence,
    has_phrase,
    inside_complement,
    load_nlp,
    one_per_clause,
    seen_before,
    story_discard,
    subject_of,
)
from bilat.coding.records import to_records
from bilat.coding.text import clean_text, decode_bytes, paragraphs
from bilat.coding.verbs import verb_entries
from bilat.errors import InputError

__all__ = [
    "CodedEvent",
    "Coder",
    "bilat_dictionaries",
    "load_nlp",
]


@lru_cache(maxsize=4)
def _cached_dictionaries(path: str) -> Dictionaries:
    """PETRARCH dictionaries by resolved path, read once per process (workers code many files)."""
    return load_dictionaries(path)


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
        if isinstance(text, bytes):
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
        if dicts.story_discards and story_discard(dicts).search(text):
            return
        seen: set[int] = set()
        # paragraphs stream through nlp.pipe: memory stays bounded by the batch, not the
        # text; a paragraph already seen in the document is not parsed again
        stream = (
            (piece, offset)
            for offset, piece in paragraphs(text)
            if not seen_before("\x1fparagraph " + " ".join(piece.lower().split()), seen)
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
            and has_phrase([t.text.upper() for t in doc], dicts.story_discards)
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
            sentence = Sentence(sent, dicts, day)
            if actors_seen is not None:
                actors_seen.update(m.code for m in sentence.actor_at if m is not None)
            if dicts.discards and has_phrase(sentence.up, dicts.discards):
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

    def _code_sentence(self, sent: Sentence) -> list[CodedEvent]:
        dicts = self.dictionaries
        span = sent.span
        results: dict[int, list[CodedEvent]] = {}
        order: list[int] = []
        speech: set[int] = set()  # verbs of saying (their own code is a statement)
        null = self._null_targets()
        for token in span:
            pos = token.pos_
            if pos == "VERB" or (pos == "AUX" and token.dep_ == "ROOT"):
                entries = verb_entries(token, dicts.verbs)
                if entries:
                    results[token.i] = code_verb(sent, token, entries, null_targets=null)
                    order.append(token.i)
                    if entries[0].code[:2] in SPEECH_ROOTS:
                        speech.add(token.i)
            elif pos == "NOUN" and dicts.nouns:
                entries = (
                    dicts.nouns.get(token.lemma_.upper())
                    or dicts.nouns.get(token.text.upper())
                    or []
                )
                if entries:
                    results[token.i] = code_noun(sent, token, entries, null_targets=null)
                    order.append(token.i)
        # reported speech: a statement and the event it reports
        suppressed: set[int] = set()
        reported_first = self._reported_first()
        for i in order:
            events = results[i]
            inner = [j for j in order if j != i and inside_complement(span.doc[j], span.doc[i])]
            if not inner:
                continue
            inner_events = [e for j in inner for e in results[j] if j not in suppressed]
            # with the bundled dictionaries a verb of saying reports what it says, whatever
            # its pattern codes ("said ... attacked": the attack); a user's PETRARCH set
            # keeps PETRARCH's reading, where a pattern on the speech verb is the event
            said = (i in speech and self._bundled()) or all(
                e.code[:2] in SPEECH_ROOTS for e in events
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
            kept = one_per_clause(span, kept, dyadic)
        out: list[CodedEvent] = []
        seen: set[tuple[str, str, str]] = set()
        for i in kept:
            for event in results[i]:
                if event.triple not in seen:
                    seen.add(event.triple)
                    out.append(event)
        return out

    def _model_events(self, sent: Sentence) -> list[CodedEvent]:
        """The model's event for a sentence the dictionaries did not code: its root,
        the subject's actor (else the first actor) as source, the next other actor
        as target; ``---`` where there is none."""
        root, probability = self.model.predict(sent.span.text)
        if probability < self.model_threshold:
            return []
        matches: list[Match] = []
        for m in sent.actor_at:
            if m is not None and m not in matches:
                matches.append(m)
        subject = subject_of(sent.span.root)
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
