"""One entry point for every benchmark: `load_benchmark(kind, path, ...)`.

Each kind has its reader (one module per format); they share the rules here: the languages
kept, what a malformed row does (stop, or be counted with `skip_bad`), and the dataset name
the items carry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from ingest.benchmarks.collect import Collector, row_error
from ingest.benchmarks.generic import read_generic
from ingest.benchmarks.global_mmlu import read_global_mmlu
from ingest.benchmarks.items import BenchmarkLoad
from ingest.benchmarks.mmedbench import read_mmedbench
from ingest.benchmarks.mmlu_prox import read_mmlu_prox
from ingest.benchmarks.multimedx import read_multimedx
from kg.errors import ConfigError
from kg.languages import check_language

__all__ = ["BENCHMARKS", "load_benchmark"]

_READERS: dict[str, Callable[[Path, Collector], None]] = {
    "multimedx": read_multimedx,
    "mmedbench": read_mmedbench,
    "global-mmlu": read_global_mmlu,
    "mmlu-prox": read_mmlu_prox,
}
BENCHMARKS: tuple[str, ...] = (*_READERS, "jsonl")
"""The kinds `load_benchmark` reads; "jsonl" is any JSONL file read through a field map."""


def load_benchmark(
    kind: str,
    path: Path,
    *,
    langs: Sequence[str] | None = None,
    skip_bad: bool = False,
    field_map: Mapping[str, str] | None = None,
    dataset: str | None = None,
) -> BenchmarkLoad:
    """Read a benchmark's local files into items, in file order.

    Args:
        kind: one of BENCHMARKS.
        path: the benchmark's file, or a directory holding its files (see each reader:
            `read_multimedx`, `read_mmedbench`, `read_global_mmlu`, `read_mmlu_prox`,
            `read_generic`).
        langs: keep only items in these languages (ISO 639-1 codes, "jp" read as "ja");
            None keeps all. A file whose name gives no language takes the language given,
            when exactly one is.
        skip_bad: count a malformed row in the result's `skipped` and go on, instead of
            raising. A problem with a whole file (missing, lacking a column) still raises.
        field_map: for "jsonl" only: our field name -> the file's (see `read_generic`).
        dataset: the items' dataset name; default the kind, or for "jsonl" the file's name
            without its suffix.

    Returns:
        The items, and the rows skipped with the reason of each.

    Raises:
        ConfigError: an unknown kind or language code, or a field map for another kind
            than "jsonl" or naming a field that is not ours.
        IngestError: the path or a file is unusable, or a row is malformed (and `skip_bad`
            is off); the message names the file, the row and the field.
    """
    if kind not in BENCHMARKS:
        raise ConfigError(f"{kind!r} is not a benchmark kind; the kinds are {', '.join(BENCHMARKS)}")
    if field_map is not None and kind != "jsonl":
        raise ConfigError(f"a field map is for the jsonl kind only, not {kind}: {kind} files have fixed fields")
    if not path.exists():
        raise row_error("no such file or directory", path, None)
    wanted = frozenset(check_language(code) for code in langs) if langs else None
    collector = Collector(dataset or (path.stem if kind == "jsonl" else kind), langs=wanted, skip_bad=skip_bad)
    if kind == "jsonl":
        read_generic(path, collector, field_map)
    else:
        _READERS[kind](path, collector)
    return BenchmarkLoad(items=collector.items, skipped=collector.skipped)
