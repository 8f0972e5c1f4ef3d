"""Reader for the verb (and event-noun) dictionaries: synsets, verb blocks and their
patterns (PETRARCH/TABARI format; see :mod:`bilat.coding.dictionaries`).
"""

from __future__ import annotations

import re
from pathlib import Path

from bilat.coding.entries import Dictionaries, Pattern, VerbEntry
from bilat.coding.readers import CODE_BRACKETS, dictionary_lines, phrase_words

__all__ = ["read_verbs"]


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
            words, _exact = phrase_words(chunk)
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
    match = CODE_BRACKETS.search(body)
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
    lines = dictionary_lines(path)
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
        own = CODE_BRACKETS.search(stripped)
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
