"""Modality: is a coded event a fact, a report, a wish, a hypothesis or a denial?

Rules over the dependency tree (first match wins, walking from the event word
up through ``xcomp``/``conj``/``acomp`` links to the clause that governs it):

* counterfactual: ``would/could/might have`` + participle, or an inverted
  ``had`` clause ("had the U.S. remained engaged");
* prescriptive: ``should``, ``must``, ``ought to``, ``need(s) to``, ``has to``,
  ``have to``, or an imperative (a bare verb with no subject at the root);
* negated: ``not``/``n't``/``never`` on the verb, or ``neither``/``nor``;
* hypothetical: ``would``, ``could``, ``might``, ``may``, ``can``, or a clause
  opened by ``if`` or ``unless``;
* reported: the event sits in the complement of a speech or belief verb
  (said, claimed, believed, reportedly, is known to);
* asserted otherwise. "will" and "is about to" count as asserted: an
  announced intention is what CAMEO codes.

Only asserted and reported events are facts (:data:`FACTS`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["FACTS", "MODALITY_ORDER", "modality_of"]

FACTS = ("asserted", "reported")
MODALITY_ORDER = (
    "counterfactual",
    "prescriptive",
    "negated",
    "hypothetical",
    "reported",
    "asserted",
)

_HYPO = {"would", "could", "might", "may", "can", "ca"}
_PRESCRIBE = {"should", "must", "ought", "shall"}
_NEED = {"need", "have", "ought"}
_SPEECH = {
    "say",
    "claim",
    "believe",
    "report",
    "allege",
    "tell",
    "state",
    "argue",
    "think",
    "assert",
    "insist",
    "announce",
    "suggest",
    "accuse",
    "know",
    "describe",
    "note",
}
_NEGATORS = {"not", "n't", "never", "neither", "nor"}
_REPORTED_ADV = {"reportedly", "allegedly", "purportedly"}
_LINKS = ("xcomp", "conj", "acomp", "pcomp", "prep", "pobj", "dobj", "amod", "compound")


def _own(tok: Any) -> str | None:
    """The modality marked on ``tok`` itself, or None."""
    aux = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    words = {c.lower_ for c in aux}
    has_have = any(c.lemma_ == "have" for c in aux)
    if words & _HYPO and has_have and tok.tag_ == "VBN":
        return "counterfactual"
    if any(c.lower_ == "had" for c in aux) and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.i > a.i
        for c in tok.children
        for a in aux
        if c.lower_ == "had" or a.lower_ == "had"
    ):
        return "counterfactual"
    if words & _PRESCRIBE:
        return "prescriptive"
    if (
        tok.dep_ == "ROOT"
        and tok.tag_ == "VB"
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux") for c in tok.children)
    ):
        return "prescriptive"
    if any(c.dep_ == "neg" or c.lower_ in _NEGATORS for c in tok.children):
        return "negated"
    if aux and any(t.lower_ in _NEGATORS for t in tok.doc[min(a.i for a in aux) : tok.i]):
        return "negated"
    if words & _HYPO:
        return "hypothetical"
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in tok.children):
        return "hypothetical"
    if any(c.lower_ in _REPORTED_ADV for c in tok.children):
        return "reported"
    return None


def modality_of(token: Any) -> str:
    """The modality of the event expressed by ``token`` (a verb or event noun)."""
    found: list[str] = []
    tok = token
    for _ in range(8):
        own = _own(tok)
        if own is not None:
            found.append(own)
        head = tok.head
        if head.i == tok.i:
            break
        if (
            tok.dep_ == "xcomp"
            and head.lemma_ in _NEED
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
        ):
            found.append("prescriptive")
        if tok.dep_ in ("ccomp", "xcomp") and head.lemma_ in _SPEECH:
            found.append("reported")
        if tok.dep_ in _LINKS or (tok.dep_ in ("ccomp", "advcl") and found):
            tok = head
            continue
        if tok.dep_ == "ccomp":
            tok = head
            continue
        break
    if not found:
        return "asserted"
    return min(found, key=MODALITY_ORDER.index)
