"""``bilat code`` on text without blank-line paragraph breaks runs in flat memory.

The coder parses bounded units (:func:`bilat.coding.text.paragraphs`), so its
peak memory does not grow with the text's length whatever its paragraph breaks.
The subprocess test runs the real command at two sizes and compares their peak
RSS; run this file as a script for the full measurement (figures in the README)::

    PYTHONPATH=src python tests/reliability/test_code_memory.py 10   # megabytes
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.coding.text import UNIT_CHARS, paragraphs

_ACTORS = (
    "Pakistan",
    "The United States",
    "India",
    "China",
    "Washington",
    "Islamabad",
    "The U.S. Congress",
    "Officials in Kabul",
)
_VERBS = (
    "agreed to resume talks with",
    "criticised",
    "threatened",
    "praised",
    "met",
    "accused",
    "signed an agreement with",
    "sent aid to",
)
_FILLER = (
    "The weather in the region stayed mild for most of the week.",
    "Markets opened late because of a public holiday.",
    "A spokesman declined to comment on the details of the plan.",
)


def no_blank_lines_text(size: int, seed: int = 0) -> str:
    """About ``size`` characters of English news-like prose with no line break at all.

    The text is one single line (the shape that made memory grow: 400 KB took 1.4 GB,
    while the same sentences with a line break after every fifth took 366 MB). Every
    sentence is distinct (a random day number), so the coder's skipping of repeated
    paragraphs cannot hide the parse.
    """
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        if rng.random() < 0.5:
            sentence = (
                f"{rng.choice(_ACTORS)} {rng.choice(_VERBS)} {rng.choice(_ACTORS)} "
                f"on day {rng.randint(1, 10**6)} of the talks."
            )
        else:
            sentence = f"{rng.choice(_FILLER)[:-1]} on day {rng.randint(1, 10**6)}."
        parts.append(sentence + " ")
        total += len(parts[-1])
    return "".join(parts)


#: Runs the ``bilat`` console script's entry point with the arguments that follow.
_RUN_BILAT = "import sys; from bilat.cli.main import main; sys.argv[0] = 'bilat'; main()"


def _source_path() -> str:
    """Where the subprocess imports bilat from: this process's PYTHONPATH, else the repo's src."""
    return os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parents[2] / "src")


# The child writes its own peak RSS (VmHWM, KiB) when it exits. Not ru_maxrss: on Linux a
# child's ru_maxrss also counts the parent's resident memory at fork (a big pytest process).
_RUN_MEASURED = (
    "import atexit, os, re\n"
    "def _peak():\n"
    "    status = open('/proc/self/status').read()\n"
    "    found = re.search(r'VmHWM:\\s+(\\d+)', status).group(1)\n"
    "    open(os.environ['BILAT_PEAK_FILE'], 'w').write(found)\n"
    "atexit.register(_peak)\n" + _RUN_BILAT
)


def code_peak_rss(path: Path, db: Path) -> tuple[int, dict[str, object]]:
    """Run ``bilat code PATH --db DB --json`` in a fresh process: (peak RSS in bytes, summary)."""
    peak_file = db.with_suffix(".peak")
    env = {**os.environ, "PYTHONPATH": _source_path(), "BILAT_PEAK_FILE": str(peak_file)}
    command = [sys.executable, "-c", _RUN_MEASURED, "code", str(path), "--db", str(db), "--json"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    return int(peak_file.read_text()) * 1024, json.loads(done.stdout)


# -- the splitter ---------------------------------------------------------------------------


def _check_units(text: str, max_chars: int) -> list[tuple[int, str]]:
    units = list(paragraphs(text, max_chars=max_chars))
    previous_end = 0
    joined = ""
    for offset, unit in units:
        assert 0 < len(unit) <= max_chars
        assert text[offset : offset + len(unit)] == unit
        assert not unit[0].isspace()
        assert text[previous_end:offset].strip() == ""  # nothing but whitespace is dropped
        end = offset + len(unit)
        in_word = end < len(text) and not unit[-1].isspace() and not text[end].isspace()
        if in_word:  # only a run of max_chars characters without whitespace is cut
            assert len(unit) == max_chars, unit
            assert not any(ch.isspace() for ch in unit), unit
        joined += unit + ("" if in_word else " ")
        previous_end = end
    assert text[previous_end:].strip() == ""
    assert joined.split() == text.split()  # every word kept, in order, none split
    return units


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab .!?\n\t'\"é"), max_size=4000),
    st.integers(min_value=1, max_value=300),
)
def test_units_are_bounded_and_never_cut_a_word(text: str, max_chars: int) -> None:
    _check_units(text, max_chars)


def test_text_without_blank_lines_is_cut_at_sentence_ends() -> None:
    text = no_blank_lines_text(200_000)
    units = _check_units(text, UNIT_CHARS)
    assert len(units) >= 200_000 // UNIT_CHARS
    # the text is full of sentence ends, so every cut falls after one
    assert all(unit.rstrip()[-1] == "." for _, unit in units)
    lines = text.replace(". Pakistan", ".\nPakistan")  # some line breaks, still no blank line
    assert max(len(u) for _, u in _check_units(lines, UNIT_CHARS)) <= UNIT_CHARS


def test_a_run_without_whitespace_is_cut_at_the_cap() -> None:
    text = "x" * 2500 + " tail"
    units = _check_units(text, 1000)
    assert [len(u) for _, u in units] == [1000, 1000, 505]


def test_blank_lines_still_end_paragraphs() -> None:
    text = "Pakistan met India.\n\nChina praised Iran.\n  \nIndia criticised China."
    assert [u for _, u in paragraphs(text)] == [
        "Pakistan met India.",
        "China praised Iran.",
        "India criticised China.",
    ]


# -- the real command in a subprocess -------------------------------------------------------


@pytest.mark.slow
def test_bilat_code_memory_is_flat_without_blank_lines(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    peaks = {}
    events = {}
    for size in (100_000, 400_000):
        path = tmp_path / f"text-{size}.txt"
        path.write_text(no_blank_lines_text(size), encoding="utf-8")
        peaks[size], summary = code_peak_rss(path, tmp_path / f"events-{size}.duckdb")
        events[size] = summary["events"]
    assert isinstance(events[400_000], int)
    assert isinstance(events[100_000], int)
    assert events[400_000] > 3 * events[100_000] > 0  # the larger text was coded through
    mb = {size: peak / 2**20 for size, peak in peaks.items()}
    # four times the text: the peak stays within 100 MB (it grew by ~1 GB before units were
    # bounded), and both stay well under the 600 MB the 10 MB run must keep to
    assert mb[400_000] - mb[100_000] < 100, mb
    assert max(mb.values()) < 600, mb


def main(megabytes: float) -> None:
    """Measure ``bilat code``'s peak RSS on ``megabytes`` MB of text without blank lines."""
    with tempfile.TemporaryDirectory(prefix="bilat-code-memory-") as folder:
        path = Path(folder) / "text.txt"
        path.write_text(no_blank_lines_text(int(megabytes * 1_000_000)), encoding="utf-8")
        peak, summary = code_peak_rss(path, Path(folder) / "events.duckdb")
        print(
            json.dumps(
                {
                    "text_bytes": path.stat().st_size,
                    "events": summary["events"],
                    "peak_rss_mb": round(peak / 2**20),
                }
            )
        )


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0)
