"""Which files a benchmark path stands for, and the language a file's path names.

Benchmarks are released as one file per language, named by the language (`zh/test.parquet`,
`test-zh.csv`, `bionli_jp_150.xlsx`, `Chinese.jsonl`); a path given to a load is one such
file or a directory holding them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from ingest.benchmarks.collect import row_error
from kg.errors import ConfigError
from kg.languages import check_language

__all__ = ["code_of", "files_under", "language_in_path", "other_split", "pick_languages"]

_TOKENS = re.compile(r"[-_. ]+")
# Splits a directory of a release may also hold; evaluating on them (or on them and the test
# split together) would be a wrong figure, so a directory load leaves them out.
_OTHER_SPLITS = frozenset({"dev", "val", "validation", "train"})


def code_of(token: str) -> str | None:
    """The ISO 639-1 code `token` is (jp read as ja), or None when it is not one."""
    if len(token) != 2:
        return None
    try:
        return check_language(token)
    except ConfigError:
        return None


def files_under(path: Path, suffixes: Iterable[str], *, what: str) -> list[Path]:
    """`path` itself when it is a file, else its files ending in `suffixes`, found at any
    depth, sorted by path; hidden files and spreadsheet lock files (`~$...`) are left out.

    Raises:
        IngestError: `path` does not exist, or the directory holds no such file.
    """
    wanted = tuple(s.lower() for s in suffixes)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise row_error("no such file or directory", path, None)
    found = sorted(
        file
        for file in path.rglob("*")
        if file.is_file()
        and file.suffix.lower() in wanted
        and not file.name.startswith("~$")
        and not any(part.startswith(".") for part in file.relative_to(path).parts)
    )
    if not found:
        raise row_error(f"no {what} files here (looked for {', '.join(wanted)} at any depth)", path, None)
    return found


def other_split(file: Path, root: Path) -> bool:
    """Whether the file's name, or a directory between `root` and it, says it is a dev,
    validation or train split (`dev-zh.csv`, `Train/Chinese.jsonl`)."""
    parts = [*file.relative_to(root).parent.parts, file.stem] if file.is_relative_to(root) else [file.stem]
    return any(token.lower() in _OTHER_SPLITS for part in parts for token in _TOKENS.split(part))


def language_in_path(file: Path) -> str | None:
    """The language the file's directory (`zh/test.parquet`) or name (`test-zh.csv`,
    `global_mmlu_zh.csv`) names; None when neither names exactly one."""
    folder = code_of(file.parent.name)
    if folder:
        return folder
    codes = {code for token in _TOKENS.split(file.stem) if (code := code_of(token))}
    return codes.pop() if len(codes) == 1 else None


def pick_languages(
    files: list[Path],
    langs: frozenset[str] | None,
    *,
    root: Path,
    what: str,
    language: Callable[[Path], str | None] = language_in_path,
    naming: str = "name its directory or the file by the ISO 639-1 code (zh/test.parquet, test-zh.csv)",
) -> list[tuple[Path, str]]:
    """Each file with its `language`, keeping those of `langs`. A file whose path names no
    language takes the one language asked for, if exactly one was.

    Raises:
        IngestError: a file's language cannot be known (the message says how to `naming`
            it), or no file is in `langs`.
    """
    found: list[tuple[Path, str]] = []
    for file in files:
        lang = language(file)
        if lang is None and langs is not None and len(langs) == 1:
            lang = next(iter(langs))
        if lang is None:
            raise row_error(
                f"cannot tell the language of this file: {naming}, or ask for exactly one language",
                file,
                None,
            )
        found.append((file, lang))
    kept = [(file, lang) for file, lang in found if langs is None or lang in langs]
    if not kept:
        present = ", ".join(sorted({lang for _, lang in found})) or "none"
        asked = ", ".join(sorted(langs or ()))
        raise row_error(f"no {what} file in {asked} here (the files are in: {present})", root, None)
    return kept
