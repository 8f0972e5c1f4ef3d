"""Bad input: empty, binary, huge, non-English, HTML."""

from __future__ import annotations

import pytest

from bilat.coding import Coder
from bilat.coding.text import clean_text, paragraphs
from bilat.errors import InputError


def test_empty_text_codes_nothing(coder: Coder) -> None:
    assert coder.code("") == []
    assert coder.code("   \n\n ") == []


def test_binary_data_is_refused(coder: Coder) -> None:
    with pytest.raises(InputError, match="binary"):
        coder.code(b"\x00\x01\x02PK\x03\x04" * 100)


def test_non_english_text_is_refused(coder: Coder) -> None:
    german = (
        "Die Regierung in Islamabad hat am Montag die Gespräche mit den Vereinigten Staaten "
        "wieder aufgenommen, teilte das Außenministerium mit. Beide Seiten wollen die "
        "Zusammenarbeit im Kampf gegen den Terrorismus vertiefen und über die Lage in "
        "Afghanistan sprechen, hieß es in einer Erklärung des Ministeriums am Abend."
    )
    with pytest.raises(InputError, match="English"):
        coder.code(german)


def test_html_is_stripped(coder: Coder) -> None:
    html = (
        "<html><head><script>var x = 'India attacked Pakistan';</script></head>"
        "<body><p>Pakistan attacked <b>India</b> on Monday.</p></body></html>"
    )
    assert "<" not in clean_text(html, check_language=False)
    events = coder.code(html, "2016-01-04", check_language=False)
    assert [(e.source, e.target) for e in events] == [("PAK", "IND")]


def test_large_text_is_streamed_in_bounded_pieces() -> None:
    text = ("Pakistan attacked India on Monday. " * 40 + "\n\n") * 8000  # ~11 MB
    assert len(text) > 10_000_000
    sizes = [len(p) for _, p in paragraphs(text)]
    assert max(sizes) <= 20000
    assert sum(sizes) == len(text) - 2 * 8000
    one_giant = "Pakistan attacked India. " * 5000
    assert max(len(p) for _, p in paragraphs(one_giant)) <= 20000


def test_ten_megabytes_code_in_bounded_memory(coder: Coder) -> None:
    psutil = pytest.importorskip("psutil")
    pairs = [("Pakistan", "India"), ("India", "China"), ("Iran", "Iraq"), ("Russia", "Ukraine")]
    distinct = [
        f"In {1950 + k}, {a} attacked {b}. Officials in {a} said the talks had failed.\n\n"
        for k in range(40)
        for a, b in pairs
    ]
    block = "".join(distinct)
    text = block * (10_500_000 // len(block) + 1)
    assert len(text) > 10_000_000
    process = psutil.Process()
    before = process.memory_info().rss
    events = coder.code(text, "2016-01-01", check_language=False)
    grown = process.memory_info().rss - before
    # every distinct paragraph is coded once, repeats are skipped before the parse
    assert len(events) == len(distinct)
    assert grown < 300 * 2**20, f"memory grew by {grown / 2**20:.0f} MB"
