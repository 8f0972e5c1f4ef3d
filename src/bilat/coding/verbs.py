"""What was done: a word's dictionary entries and the most specific pattern that fits.

A verb (or event noun) is looked up by its text, else its lemma; each entry's
patterns are tried against the words after the verb in its clause and the words
of its subject before it, with synsets (``&NAME``) expanded on demand. The
heaviest matching pattern gives the code; without one, the entry's own code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bilat.coding.dictionaries import Dictionaries, Pattern, VerbEntry
from bilat.coding.parse import Sentence, Tok, compound_subject, pattern_context

__all__ = ["choose_code", "negates", "verb_entries"]

_NEGATION_WORDS = frozenset({"NOT", "N'T", "NEVER", "NO"})


def verb_entries(token: Any, index: dict[str, list[VerbEntry]]) -> list[VerbEntry]:
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


def negates(dicts: Dictionaries, words: Sequence[str], depth: int = 0) -> bool:
    """Whether pattern words (or the synsets they name) hold a negation."""
    for word in words:
        for part in word.lstrip("({").split():
            if part in _NEGATION_WORDS:
                return True
            if part.startswith("&") and depth < 4:
                phrases = dicts.synsets.get(part, ())
                if negates(dicts, tuple(phrases), depth + 1):
                    return True
    return False


def choose_code(
    sent: Sentence, word: Any, entries: list[VerbEntry]
) -> tuple[str | None, Pattern | None]:
    """The code of the heaviest pattern of ``entries`` that fits around ``word`` (else
    the first entry's code), and that pattern; None for a word that codes nothing."""
    after, before = pattern_context(word)
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
            if not (pattern.plain_after <= vocab_after and pattern.plain_before <= vocab_before):
                continue
            if pattern.compound and not compound_subject(word):
                continue
            got_after = _seq(sent.dicts, pattern.after, after)
            if got_after < 0:
                continue
            got_before = _seq(sent.dicts, pattern.before, before)
            if got_before < 0:
                continue
            weight = got_after + got_before
            if best is None or weight > best_weight:
                best, best_weight = pattern, weight
    code = best.code if best is not None else entries[0].code
    if not code or code.startswith("---"):
        return None, best
    return code, best


def _seq(dicts: Dictionaries, words: tuple[str, ...], tokens: list[Tok]) -> int:
    """Tokens matched when ``words`` occur in order (gaps allowed between
    them) among ``tokens``; -1 when they do not."""
    k = 0
    matched = 0
    for word in words:
        found = _find_word(dicts, word, tokens, k)
        if found is None:
            return -1
        k, used = found
        matched += used
    return matched


def _find_word(
    dicts: Dictionaries, word: str, tokens: list[Tok], start: int
) -> tuple[int, int] | None:
    """(end position, tokens matched) of the first match of ``word`` at or after ``start``."""
    kind = word[0] if word[0] in "({" else ""
    parts = (word[1:] if kind else word).split()
    for k in range(start, len(tokens)):
        found = _match_seq(dicts, parts, tokens, k, kind)
        if found is not None:
            return found
    return None


def _match_seq(
    dicts: Dictionaries, parts: Sequence[str], tokens: list[Tok], k: int, kind: str = ""
) -> tuple[int, int] | None:
    """Match ``parts`` from position ``k``: adjacent words, except that a
    ``{`` group may skip one word and a ``(`` group may skip determiners."""
    used = 0
    gaps = 1 if kind == "{" else 0
    for n, part in enumerate(parts):
        end = _match_at(dicts, part, tokens, k)
        while end is None and n > 0 and k < len(tokens):
            if kind == "(" and tokens[k][2]:
                k += 1
            elif gaps > 0:
                gaps -= 1
                k += 1
            else:
                break
            end = _match_at(dicts, part, tokens, k)
        if end is None:
            return None
        used += end[1]
        k = end[0]
    return k, used


def _synset_heads(dicts: Dictionaries, name: str) -> frozenset[str]:
    """The first words of every phrase of synset ``name`` (nested synsets too), cached
    on the dictionaries."""
    cache = dicts.synset_heads
    if name not in cache:
        cache[name] = frozenset()  # a synset that names itself ends here
        heads: set[str] = set()
        for phrase in dicts.synsets.get(name, ()):
            first = phrase.split()[0] if phrase.split() else ""
            if first.startswith("&"):
                heads |= _synset_heads(dicts, first)
            elif first:
                heads.add(first.lstrip("({"))
        cache[name] = frozenset(heads)
    return cache[name]


def _match_at(dicts: Dictionaries, part: str, tokens: list[Tok], k: int) -> tuple[int, int] | None:
    if k >= len(tokens):
        return None
    if part.startswith("&"):
        # quick refusal: the token is not the first word of any of the synset's phrases
        up, lemma, _det = tokens[k]
        heads = _synset_heads(dicts, part)
        if not (up in heads or lemma in heads or up[:-1] in heads or up[:-2] in heads):
            return None
        best: tuple[int, int] | None = None
        for phrase in dicts.synsets.get(part, ()):
            if phrase.startswith("&"):
                end = _match_at(dicts, phrase, tokens, k)
            else:
                end = _match_seq(dicts, phrase.split(), tokens, k)
            if end is not None and (best is None or end[1] > best[1]):
                best = end
        return best
    up, lemma, _det = tokens[k]
    if up == part or lemma == part or up == part + "S" or up == part + "ES":
        return k + 1, 1
    return None


def _vocab(tokens: list[Tok]) -> set[str]:
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
