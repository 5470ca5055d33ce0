"""Progress of a long read, shown as a bar on stderr (silent when not asked for)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from kg.errors import IngestError

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["read_lines"]


@contextmanager
def read_lines(path: Path, *, show: bool = False, label: str | None = None) -> Iterator[Iterator[tuple[int, bytes]]]:
    """Open `path` and yield an iterator of (line number, raw line), advancing a byte bar.

    Raises:
        IngestError: the file cannot be opened (names the file).
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise IngestError(f"cannot open: {exc.strerror}", path=str(path)) from exc
    with handle:
        if not show:
            yield enumerate(handle, start=1)
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
            yield _advancing(handle, bar, task)


def _advancing(handle: BinaryIO, bar: Progress, task: int) -> Iterator[tuple[int, bytes]]:
    pending = 0
    for number, raw in enumerate(handle, start=1):
        pending += len(raw)
        if pending > 1 << 20:  # redraw per MiB, not per line
            bar.advance(task, pending)  # type: ignore[arg-type]
            pending = 0
        yield number, raw
    bar.advance(task, pending)  # type: ignore[arg-type]
