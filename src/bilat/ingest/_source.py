"""Input files as the readers see them: plain, gzip, zip members and directories.

A :class:`Source` is one stream of bytes to ingest (a file, a gzip file
decompressed, or one member of a zip archive). Compression is recognised by
content (magic bytes), never by file name. :func:`iter_blocks` reads a stream
in blocks of whole lines with their line numbers, hashing what it reads, and
cuts overlong lines so that memory stays bounded whatever the input.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import os
import queue
import stat
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

import numpy as np

from bilat.errors import FormatError, InputError
from bilat.ingest._streams import SNIFF, _broken, _Guarded, _peek, _Recoded, text_layout

__all__ = [
    "BLOCK_SIZE",
    "MAX_LINE",
    "Block",
    "Source",
    "decode_line",
    "expand",
    "file_size",
    "iter_blocks",
    "prefetch",
    "sha256_of",
    "text_layout",
]

T = TypeVar("T")
_NEWLINE = ord("\n")

BLOCK_SIZE = 1 << 24
"""Bytes read at a time (16 MiB); blocks are cut at the last newline."""

MAX_LINE = 1 << 24
"""Longest line kept (16 MiB); a longer line is quarantined, never held whole."""

_GZIP = b"\x1f\x8b"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")


def _magic(path: Path, size: int = 4) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


@dataclass(frozen=True)
class Source:
    """One stream of bytes to ingest.

    Parameters
    ----------
    path:
        The file on disk.
    member:
        The member of a zip archive, or None for the file itself.
    """

    path: Path
    member: str | None = None
    walked: bool = False
    """Found by walking a directory (files of no known format there are skipped)."""

    @property
    def name(self) -> str:
        """The name shown to users and stored with the batch: ``file`` or ``archive!member``."""
        return str(self.path) if self.member is None else f"{self.path}!{self.member}"

    def open(self) -> IO[bytes]:
        """Open the decompressed stream (gzip recognised by its magic bytes)."""
        owned: list[IO[bytes] | zipfile.ZipFile] = []
        try:
            if self.member is None:
                raw: IO[bytes] = self.path.open("rb")
                owned.append(raw)
            else:
                archive = zipfile.ZipFile(self.path)
                owned.append(archive)
                raw = archive.open(self.member)
                owned.append(raw)
            raw, head = _peek(raw, 2)
            if head == _GZIP:
                unzipped: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
                owned.append(unzipped)
                raw = unzipped
            raw, head = _peek(raw, SNIFF)
            encoding, cr_only = text_layout(head)
            if encoding is not None or cr_only:
                raw = _Recoded(raw, encoding, cr_only)  # type: ignore[assignment]
                owned.append(raw)
        except (EOFError, zlib.error, zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as err:
            for item in reversed(owned):
                item.close()
            if isinstance(err, EOFError | zlib.error | gzip.BadGzipFile):
                raise _broken(err, self.name) from err  # found while looking at the first bytes
            raise FormatError(f"cannot open: {err}", file=self.name) from err
        return _Guarded(raw, self.name, owned)  # type: ignore[return-value]


def expand(
    paths: Sequence[str | Path], skipped: list[tuple[str, str]] | None = None
) -> list[Source]:
    """Turn files, zip archives and directories into the sources they hold, in order.

    Directories are walked recursively in sorted order, skipping hidden
    entries; zip archives yield one source per member. What a walk cannot
    read (a symbolic link loop, a broken link, a FIFO, a socket, a device, a
    folder it may not list) is not read: it goes to ``skipped`` as
    ``(path, reason)``.

    Raises
    ------
    InputError
        When a path does not exist or is not a regular file or folder.
    FormatError
        When a zip archive is truncated or corrupt.
    """
    found = [] if skipped is None else skipped
    sources: list[Source] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in sorted(_walk(path, found, set())):
                sources.extend(_expand_file(file, walked=True))
        elif path.is_file():
            sources.extend(_expand_file(path))
        elif path.exists():
            raise InputError(
                f"not a regular file or folder ({_kind(path.stat().st_mode)}); "
                "bilat reads files (plain, .gz, .zip) and folders",
                file=path,
            )
        else:
            raise InputError("no such file or directory", file=path)
    return sources


def _kind(mode: int) -> str:
    """What a file that is not regular is, in words."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _walk(folder: Path, skipped: list[tuple[str, str]], seen: set[tuple[int, int]]) -> list[Path]:
    """The regular files under ``folder`` (links followed, loops and specials skipped)."""
    info = folder.stat()
    key = (info.st_dev, info.st_ino)
    if key in seen:
        skipped.append((str(folder), "a symbolic link loop (the folder is already being read)"))
        return []
    seen.add(key)
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as err:
        skipped.append((str(folder), f"the folder cannot be read ({err.strerror})"))
        return []
    files: list[Path] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            mode = path.stat().st_mode  # follows links
        except OSError as err:
            if path.is_symlink():
                why = (
                    "a symbolic link loop"
                    if err.errno == errno.ELOOP
                    else "a broken symbolic link (its target does not exist)"
                )
            else:
                why = f"cannot be read ({err.strerror})"
            skipped.append((str(path), why))
            continue
        if stat.S_ISDIR(mode):
            files.extend(_walk(path, skipped, seen))
        elif stat.S_ISREG(mode):
            files.append(path)
        else:
            skipped.append((str(path), f"not a regular file ({_kind(mode)}); not read"))
    return files


def _expand_file(path: Path, walked: bool = False) -> list[Source]:
    head = _magic(path)
    if head not in _ZIP:
        return [Source(path, walked=walked)]
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(info.filename for info in archive.infolist() if not info.is_dir())
    except (zipfile.BadZipFile, OSError) as err:
        raise FormatError(
            f"a zip archive that is truncated or corrupt ({err}); nothing from it was stored",
            file=path,
        ) from err
    return [Source(path, name, walked) for name in names]


@dataclass
class Block:
    """Whole lines of a stream.

    ``data`` holds lines ``first_line`` .. ``first_line + n_lines - 1`` (1-based),
    each ended by ``\\n`` except perhaps the last line of the stream.
    """

    first_line: int
    data: bytes | bytearray
    n_lines: int

    def lines(self) -> list[bytes]:
        """The block's lines, without their line ends (``\\r\\n`` or ``\\n``)."""
        parts = bytes(self.data).split(b"\n")
        if parts and parts[-1] == b"":
            parts.pop()
        return [p[:-1] if p.endswith(b"\r") else p for p in parts]


def iter_blocks(
    stream: IO[bytes],
    digest: hashlib._Hash | None = None,
    *,
    block_size: int = BLOCK_SIZE,
    max_line: int = MAX_LINE,
    on_overlong: Callable[[int, bytes], None] | None = None,
) -> Iterator[Block]:
    """Yield blocks of whole lines from ``stream``, updating ``digest`` with every byte.

    A line longer than ``max_line`` bytes is not kept: ``on_overlong(line, head)``
    gets its number and first bytes, and the line still counts in the numbering.
    """
    line = 1
    pending = b""
    skipping = False  # inside an overlong line, dropping bytes to its end
    while True:
        # the pending tail, then fresh bytes read in place: a block is never copied whole
        data = bytearray(len(pending) + block_size)
        data[: len(pending)] = pending
        got = _read_into(stream, memoryview(data)[len(pending) :])
        if not got:
            break
        if digest is not None:
            digest.update(memoryview(data)[len(pending) : len(pending) + got])
        del data[len(pending) + got :]
        if skipping:
            cut = data.find(b"\n")
            if cut < 0:
                continue
            del data[: cut + 1]
            skipping = False
            line += 1
        cut = data.rfind(b"\n")
        if cut < 0:
            if len(data) > max_line:
                if on_overlong is not None:
                    on_overlong(line, bytes(data[:1000]))
                pending = b""
                skipping = True
            else:
                pending = bytes(data)
            continue
        pending = bytes(data[cut + 1 :])
        del data[cut + 1 :]
        n = int(np.count_nonzero(np.frombuffer(data, np.uint8) == _NEWLINE))
        yield Block(line, data, n)
        line += n
        if len(pending) > max_line:
            if on_overlong is not None:
                on_overlong(line, pending[:1000])
            pending = b""
            skipping = True
    if skipping:
        return
    if pending:
        yield Block(line, pending, 1)


def _read_into(stream: IO[bytes], buffer: memoryview) -> int:
    """Fill ``buffer`` from ``stream`` (short only at the end); bytes read."""
    total = 0
    while total < len(buffer):
        got = stream.readinto(buffer[total:])  # type: ignore[attr-defined]
        if not got:
            break
        total += got
    return total


_CONTROL = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])


def decode_line(raw: bytes) -> tuple[str | None, str]:
    """Decode one line: UTF-8 when valid, else Windows-1252/Latin-1 when it looks like text.

    Returns ``(text, encoding)``; ``text`` is None for a line holding control
    bytes such as NUL (binary data), which no text encoding explains.
    """
    if len(raw.translate(None, _CONTROL)) != len(raw):
        return None, "binary"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "latin-1"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def file_size(source: Source) -> int | None:
    """The size in bytes of the file behind a source (compressed size), if known."""
    try:
        return os.path.getsize(source.path)
    except OSError:
        return None


def sha256_of(source: Source) -> str:
    """The SHA-256 of a source's (decompressed) content, read in blocks."""
    digest = hashlib.sha256()
    with source.open() as stream:
        while chunk := stream.read(BLOCK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


_DONE = object()


def prefetch(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """Iterate ``items`` in a background thread, at most ``depth`` ahead.

    Reading, decompressing, hashing and parsing the next block (Arrow and
    zlib release the GIL) overlap with checking and spooling this one in
    DuckDB; memory stays bounded by ``depth`` blocks. Errors reach the caller.
    """
    buffer: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        buffer.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            buffer.put(_DONE)
        except BaseException as err:  # handed to the consumer, raised there
            buffer.put(err)

    worker = threading.Thread(target=produce, daemon=True, name="bilat-ingest-read")
    worker.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                buffer.get_nowait()
            except queue.Empty:
                worker.join(0.05)
