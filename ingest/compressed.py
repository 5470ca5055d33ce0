"""Numbered lines of a plain, gzip or bzip2 file, streamed.

The compressed bytes are read through `ingest.progress.read_lines`, so the progress bar
counts the file as it is on disk, and decompressed with the standard library's incremental
decoders. Both formats may hold several streams one after the other: Wikidata's dumps are
written by parallel compressors (one bzip2 stream per block), and `cat a.gz b.gz` is a valid
gzip file; every stream is read. The format is told by the file's first bytes, not its name.

Decompressed lines are bounded like plain ones (`ingest.progress.MAX_LINE_BYTES`), and so is
what one call to a decoder may return: a few kilobytes of gzip can hold gigabytes of one
repeated byte, with no line break in them.
"""

from __future__ import annotations

import bz2
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, Protocol

from ingest.progress import MAX_LINE_BYTES, read_lines
from kg.errors import IngestError

__all__ = ["numbered_lines"]

Compression = Literal["gzip", "bzip2"]
_MAGIC: dict[bytes, Compression] = {b"\x1f\x8b": "gzip", b"BZh": "bzip2"}


class _Decoder(Protocol):
    @property
    def eof(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes, /) -> bytes: ...


@contextmanager
def numbered_lines(path: Path, *, show: bool = False) -> Iterator[Iterator[tuple[int, bytes]]]:
    """(line number, raw line) of the file's content, decompressed if it is compressed.

    Raises:
        IngestError: the file cannot be opened, or its compressed data is damaged or cut short.
    """
    compression = _compression(path)
    with read_lines(path, show=show) as lines:
        if compression is None:
            yield lines
        else:
            yield _split(_decompressed(compression, (raw for _, raw in lines), path), path)


def _compression(path: Path) -> Compression | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(3)
    except OSError:
        return None  # read_lines names the file and the reason
    return next((kind for magic, kind in _MAGIC.items() if head.startswith(magic)), None)


def _decoder(compression: Compression) -> _Decoder:
    # wbits=31: a gzip header and trailer around the deflate data.
    return zlib.decompressobj(wbits=31) if compression == "gzip" else bz2.BZ2Decompressor()


def _decompressed(compression: Compression, chunks: Iterator[bytes], path: Path) -> Iterator[bytes]:
    decoder = _decoder(compression)
    fed = False  # whether the current stream has begun
    for chunk in chunks:
        while chunk:
            for out in _outputs(decoder, chunk, compression, path):
                fed = True
                yield out
            if decoder.eof:  # a stream ended; what follows it is the next one
                chunk, decoder, fed = decoder.unused_data, _decoder(compression), False
            else:
                chunk = b""
    if fed:
        raise IngestError(f"the {compression} data is cut short (an interrupted download?)", path=str(path))


def _outputs(decoder: _Decoder, chunk: bytes, compression: Compression, path: Path) -> Iterator[bytes]:
    """What `chunk` decompresses to, in pieces of at most `_PIECE` bytes, until the decoder
    needs more input or its stream ends."""
    try:
        if isinstance(decoder, bz2.BZ2Decompressor):
            out = decoder.decompress(chunk, max_length=_PIECE)
            yield out
            while not decoder.eof and not decoder.needs_input:
                yield decoder.decompress(b"", max_length=_PIECE)
        else:
            zdecoder: Any = decoder
            out = zdecoder.decompress(chunk, _PIECE)
            yield out
            while not zdecoder.eof and zdecoder.unconsumed_tail:
                yield zdecoder.decompress(zdecoder.unconsumed_tail, _PIECE)
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        raise IngestError(f"damaged {compression} data: {exc}", path=str(path)) from None


_PIECE = 1 << 20  # the most one decoder call returns


def _split(blocks: Iterator[bytes], path: Path) -> Iterator[tuple[int, bytes]]:
    """Blocks of bytes as numbered lines. A line's pieces are joined once it is complete,
    never by growing one buffer: one entity of the dump can be megabytes long.

    Raises:
        IngestError: a line longer than `MAX_LINE_BYTES` (names the file and line).
    """
    number = 0
    pending: list[bytes] = []
    size = 0
    for block in blocks:
        start = 0
        while (end := block.find(b"\n", start)) != -1:
            pending.append(block[start : end + 1])
            size += end + 1 - start
            number += 1
            _check_size(size, path, number)
            yield number, b"".join(pending)
            pending, start, size = [], end + 1, 0
        if start < len(block):
            pending.append(block[start:])
            size += len(block) - start
            _check_size(size, path, number + 1)
    if pending:
        yield number + 1, b"".join(pending)


def _check_size(size: int, path: Path, number: int) -> None:
    if size > MAX_LINE_BYTES:
        raise IngestError(
            f"line longer than {MAX_LINE_BYTES >> 20} MiB once decompressed, not read: is this the right file? "
            "(records go one to a line)",
            path=str(path),
            line=number,
        )
