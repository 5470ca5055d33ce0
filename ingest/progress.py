"""Lines of an input file, bounded in length, with progress shown as a bar on stderr
(silent when not asked for)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from kg.errors import IngestError

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["MAX_LINE_BYTES", "bounded_lines", "read_lines"]

# The longest line read. Iterating a file reads a line whole, however long: a file without
# line breaks (`/dev/zero`, a binary file given by mistake) would fill the memory. The
# largest records read (a Wikidata dump's entity line) stay well below this, and it is the
# bound the streamed JSON reader puts on one value.
MAX_LINE_BYTES = 1 << 24


@contextmanager
def read_lines(path: Path, *, show: bool = False, label: str | None = None) -> Iterator[Iterator[tuple[int, bytes]]]:
    """Open `path` and yield an iterator of (line number, raw line), advancing a byte bar.

    Raises:
        IngestError: the file cannot be opened (names the file), or a line is longer than
            `MAX_LINE_BYTES` (names the file and line; nothing more of it is read).
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise IngestError(f"cannot open: {exc.strerror}", path=str(path)) from exc
    with handle:
        if not show:
            yield bounded_lines(handle, path)
            return
        from rich.console import Console  # only when a bar is drawn
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        with bar:
            task = bar.add_task(label or path.name, total=path.stat().st_size)
            yield _advancing(bounded_lines(handle, path), bar, task)


def bounded_lines(handle: BinaryIO, path: Path | str) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line) of an open binary file (or stdin), each at most `MAX_LINE_BYTES`.

    Raises:
        IngestError: a longer line (names the file and line; nothing more of it is read).
    """
    for number, raw in enumerate(iter(partial(handle.readline, MAX_LINE_BYTES + 1), b""), start=1):
        if len(raw) > MAX_LINE_BYTES:
            raise IngestError(
                f"line longer than {MAX_LINE_BYTES >> 20} MiB, not read: is this the right file? "
                "(records go one to a line)",
                path=str(path),
                line=number,
            )
        yield number, raw


def _advancing(lines: Iterator[tuple[int, bytes]], bar: Progress, task: int) -> Iterator[tuple[int, bytes]]:
    pending = 0
    for number, raw in lines:
        pending += len(raw)
        if pending > 1 << 20:  # redraw per MiB, not per line
            bar.advance(task, pending)  # type: ignore[arg-type]
            pending = 0
        yield number, raw
    bar.advance(task, pending)  # type: ignore[arg-type]
