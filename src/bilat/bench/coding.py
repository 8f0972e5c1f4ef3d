"""Benchmark ``coding``: end-to-end coding speed against spaCy's parse alone.

Both sides run on one core, on the same text, in the same run: the baseline
parses the text with the same spaCy pipeline (``nlp.pipe``) and does nothing
else; bilat parses it and codes the events. The ratio is bilat's rate over
the parse-only rate (target >= 0.7: the coder adds at most 30 %).
"""

from __future__ import annotations

import time

from bilat._paths import shared_dir
from bilat.bench import BenchConfig, BenchResult, benchmark

__all__ = ["coding_speed"]

_FALLBACK = (
    "Pakistan and the United States agreed on Monday to resume talks on counter-terrorism "
    "cooperation, officials in Islamabad said. The U.S. Congress approved a major aid package "
    "for Pakistan in 2009. Washington threatened Islamabad with sanctions over its nuclear "
    "programme. India criticised China for blocking a resolution at the United Nations. "
)


def _corpus() -> str:
    """Text to code: the seed article (or a small built-in text without the shared data)."""
    found = shared_dir(required=False)
    seed = found / "seed" / "us-pakistan-partnership.txt" if found else None
    return seed.read_text(encoding="utf-8") if seed and seed.is_file() else _FALLBACK * 6


@benchmark("coding", "text -> events vs spaCy's parse alone (sentences/s, one core)")
def coding_speed(config: BenchConfig) -> BenchResult:
    """Time spaCy's parse alone and the full coder on the same text."""
    from bilat.coding import Coder, load_nlp
    from bilat.coding.text import paragraphs

    nlp = load_nlp()
    text = _corpus()
    # separate documents: the coder skips repeated sentences within a document only
    copies = 1 if config.quick else 6
    pieces = [p for _, p in paragraphs(text)]
    coder = Coder(nlp=nlp, modalities=None)
    coder.dictionaries  # noqa: B018 - load the dictionaries outside the timing
    list(nlp.pipe(pieces))  # warm up both sides
    coder.code(text, "2016-01-01")
    repeat = 1 if config.quick else 3
    best_parse = best_code = float("inf")
    sentences = 0
    events = 0
    for _ in range(repeat):
        start = time.perf_counter()
        docs = [d for _ in range(copies) for d in nlp.pipe(pieces, batch_size=coder.batch_size)]
        best_parse = min(best_parse, time.perf_counter() - start)
        sentences = sum(1 for d in docs for _ in d.sents)
        start = time.perf_counter()
        found = [e for _ in range(copies) for e in coder.code(text, "2016-01-01")]
        best_code = min(best_code, time.perf_counter() - start)
        events = len(found)
    parse_rate = sentences / best_parse
    code_rate = sentences / best_code
    return BenchResult(
        name="coding",
        ratio=code_rate / parse_rate,
        target=0.7,
        meaning=(
            f"end-to-end coding rate / spaCy parse-only rate, one core: {code_rate:.0f} vs "
            f"{parse_rate:.0f} sentences/s"
        ),
        details={
            "sentences": sentences,
            "events": events,
            "parse_sentences_per_s": round(parse_rate, 1),
            "code_sentences_per_s": round(code_rate, 1),
        },
    )
