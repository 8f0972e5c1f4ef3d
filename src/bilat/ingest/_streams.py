"""The byte streams under a :class:`~bilat.ingest._source.Source`: text layout, recoding, guards.

:func:`text_layout` recognises a stream's encoding (a byte-order mark, or UTF-16 without
one) and old Mac line ends; :class:`_Recoded` turns such a stream into UTF-8 with ``\n``;
:class:`_Guarded` turns a truncated or corrupt compressed stream into a
:class:`~bilat.errors.FormatError` naming the file.
"""

from __future__ import annotations

import codecs
import gzip
import io
import zipfile
import zlib
from collections.abc import Callable
from typing import IO, TypeVar

from bilat.errors import FormatError

__all__ = ["SNIFF", "text_layout"]

T = TypeVar("T")


def _peek(handle: IO[bytes], size: int) -> tuple[IO[bytes], bytes]:
    """Read the first ``size`` bytes without consuming them; returns the stream to use."""
    if handle.seekable():
        pos = handle.tell()
        data = handle.read(size)
        handle.seek(pos)
        return handle, data
    buffered: IO[bytes] = io.BufferedReader(handle, buffer_size=max(size, 8192))  # type: ignore[type-var]
    return buffered, buffered.peek(size)[:size]  # type: ignore[attr-defined]


SNIFF = 1 << 16
"""Bytes looked at to recognise a text file's encoding and line ends."""

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def text_layout(head: bytes) -> tuple[str | None, bool]:
    """How a stream starting with ``head`` must be recoded: (encoding or None, CR-only line ends).

    UTF-16 and UTF-32 are recognised by their byte-order mark, or (UTF-16
    without one) by the zero byte beside every ASCII character; their text is
    recoded to UTF-8. A text with carriage returns and no line feed (old Mac
    line ends) gets line feeds. UTF-8 and 8-bit text come back as they are.
    """
    encoding: str | None = None
    for mark, name in _BOMS:
        if head.startswith(mark):
            encoding = name
            break
    else:
        encoding = _bomless_utf16(head[:4096])
    text = head
    if encoding is not None:
        text = head.decode(encoding, errors="replace").encode("utf-8")
    cr_only = b"\r" in text and b"\n" not in text
    return encoding, cr_only


def _bomless_utf16(sample: bytes) -> str | None:
    """``utf-16-le``/``-be`` for text whose every other byte is zero, else None."""
    n = len(sample) - len(sample) % 2
    if n < 16:
        return None
    even, odd = sample[0:n:2], sample[1:n:2]
    for zeros, chars, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros) and chars.count(0) == 0:
            text = sample[:n].decode(name, errors="replace")
            if not any(ord(c) < 32 and c not in "\t\r\n" for c in text):
                return name
    return None


class _Recoded(io.RawIOBase):
    """A stream recoded to UTF-8 (from UTF-16 or UTF-32) and/or with CR line ends made LF."""

    def __init__(self, inner: IO[bytes], encoding: str | None, cr_only: bool) -> None:
        super().__init__()
        self._inner = inner
        self._decoder = (
            None if encoding is None else codecs.getincrementaldecoder(encoding)(errors="replace")
        )
        self._cr_only = cr_only
        self._pending = b""
        self._eof = False

    def readable(self) -> bool:
        return True

    def _more(self) -> None:
        chunk = self._inner.read(1 << 20)
        if not chunk:
            self._eof = True
        data = chunk
        if self._decoder is not None:
            data = self._decoder.decode(chunk, final=not chunk).encode("utf-8")
        if self._cr_only:
            data = data.replace(b"\r", b"\n")
        self._pending += data

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending and not self._eof:
            self._more()
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        self._inner.close()
        super().close()


def _broken(err: BaseException, name: str) -> FormatError:
    """The error for a truncated (``EOFError``) or corrupt compressed stream."""
    if isinstance(err, EOFError):
        return FormatError(
            "the compressed stream is truncated (it ends before its end marker); "
            "nothing from it was stored",
            file=name,
        )
    return FormatError(
        f"the compressed stream is corrupt ({err}); nothing from it was stored", file=name
    )


class _Guarded(io.RawIOBase):
    """A stream that turns decompression errors into :class:`FormatError`."""

    def __init__(
        self, inner: IO[bytes], name: str, owned: list[IO[bytes] | zipfile.ZipFile]
    ) -> None:
        super().__init__()
        self._inner = inner
        self._name = name
        self._owned = owned

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        return self._guard(lambda: self._inner.readinto(buffer))  # type: ignore[attr-defined]

    def read(self, size: int | None = -1) -> bytes:
        return self._guard(lambda: self._inner.read(-1 if size is None else size))

    def _guard(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except (EOFError, gzip.BadGzipFile, zlib.error, zipfile.BadZipFile) as err:
            raise _broken(err, self._name) from err

    def close(self) -> None:
        for item in reversed(self._owned):
            item.close()
        self._owned = []
        super().close()
