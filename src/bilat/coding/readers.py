"""Readers for the actor, agent and discard dictionaries (PETRARCH/TABARI format),
and the line and phrase handling every reader shares. See
:mod:`bilat.coding.dictionaries` for the format.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from bilat.coding.entries import ActorCode, ActorEntry, AgentEntry, Dictionaries
from bilat.errors import FormatError, InputError

__all__ = [
    "CODE_BRACKETS",
    "dictionary_lines",
    "phrase_words",
    "read_actors",
    "read_agents",
    "read_discards",
]


_COMMENT = re.compile(r"#.*$")
CODE_BRACKETS = re.compile(r"\[([^\]]*)\]")


def dictionary_lines(path: Path) -> list[tuple[int, str]]:
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


def phrase_words(phrase: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
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
                words, exact = phrase_words(name)
                if words:
                    dicts.add_actor(ActorEntry(words, exact, tuple(codes), names[0]))
        names.clear()
        codes.clear()

    for n, line in dictionary_lines(path):
        stripped = line.strip()
        indented = line[:1] in (" ", "\t")
        if stripped.startswith("+"):
            names.append(stripped[1:].split("[")[0].strip())
            for body in CODE_BRACKETS.findall(stripped):
                if (code := code_of(body, n)) is not None:
                    codes.append(code)
            continue
        if stripped.startswith("[") and (indented or names):
            for body in CODE_BRACKETS.findall(stripped):
                if (code := code_of(body, n)) is not None:
                    codes.append(code)
            continue
        flush()
        name = stripped.split("[")[0].strip()
        if not name:
            continue
        names.append(name)
        for body in CODE_BRACKETS.findall(stripped):
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
    for _n, line in dictionary_lines(path):
        stripped = line.strip()
        if stripped.startswith("!") and "=" in stripped:
            key, listed = stripped.split("=", 1)
            subst[key.strip().upper()] = [v.strip().upper() for v in listed.split(",") if v.strip()]
            continue
        match = CODE_BRACKETS.search(stripped)
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
            words, _exact = phrase_words(form)
            if words:
                dicts.add_agent(AgentEntry(words, code, prefix))
    return dicts


def read_discards(path: str | Path, into: Dictionaries | None = None) -> Dictionaries:
    """Read a PETRARCH ``.discards`` file (``+`` marks story-level discards)."""
    path = Path(path)
    dicts = into if into is not None else Dictionaries(source=str(path))
    for _n, line in dictionary_lines(path):
        stripped = line.strip()
        story = stripped.startswith("+")
        words, _exact = phrase_words(stripped.lstrip("+").split(";")[0])
        if words:
            (dicts.story_discards if story else dicts.discards).append(words)
    return dicts
