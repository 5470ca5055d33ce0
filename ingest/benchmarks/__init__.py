"""Evaluation benchmarks from local files (MultiMed-X, MMedBench, Global-MMLU, MMLU-ProX and
any JSONL through a field map), each item in one model, `BenchmarkItem`.

Importing this package costs pydantic and the standard library only: openpyxl and pyarrow
are imported when a file needs them.
"""

from ingest.benchmarks.items import BenchmarkItem, BenchmarkLoad, SkippedRow
from ingest.benchmarks.loader import BENCHMARKS, load_benchmark

__all__ = ["BENCHMARKS", "BenchmarkItem", "BenchmarkLoad", "SkippedRow", "load_benchmark"]
