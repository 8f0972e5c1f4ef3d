"""The article's claims about the US-Pakistan partnership, as testable hypotheses.

Each class states one claim of ``seed/us-pakistan-partnership.txt`` in bilat's
words, cites the literature on its mechanism, computes one statistic with a
bootstrap interval on a :class:`~bilat.claims.ClaimData`, and turns it into a
verdict by a decision rule written in its docstring. The patron is
``data.patron`` (the US), the client ``data.client`` (Pakistan), so every claim
also runs on any other patron-client pair.

A caution that applies to all of them: on the built-in record, events are a
curated chronology, not a census, so an event share is the share *in the
record*; run the same claims on a store of GDELT or ICEWS events
(:meth:`~bilat.claims.ClaimData.from_store`) to test them on machine-coded data.

The claims live in :mod:`bilat.claims.families`, one module per family; this module
keeps their names importable from here.
"""

from __future__ import annotations

from bilat.claims import families
from bilat.claims.families import *  # noqa: F403 - the claims' names, importable from here

__all__ = list(families.__all__)
