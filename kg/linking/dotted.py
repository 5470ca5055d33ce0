"""Abbreviations written with full stops: "T.B.", "T.B", "V.V.U", "U.T.I" for TB, VVU, UTI.

Writers put a full stop after each letter of an abbreviation (V.V.U for the Swahili VVU,
Virusi Vya UKIMWI, HIV; T.B. for TB). The fold turns the stops into spaces
("t b"), which no key holds, so a looked-up text made only of capital letters each followed
by a full stop (the last stop optional), two letters or more, is looked up without its stops.
Nothing else is touched: "Dr.", "e.g.", "Ph.D." and "No." have lower-case letters, and a single
capital ("A.") is an initial. The undotted form is a code (`kg.linking.typos.is_code`), so it is
found exactly or not at all, never fuzzily.

Limits: only looked-up texts (a term typed as such, or a short text linked as one term); in
running text a dotted capital sequence is as often a title, a degree or a place (M.D., U.S.),
which no guard here could tell from a disease.
"""

from __future__ import annotations

import re

__all__ = ["undotted"]

_DOTTED = re.compile(r"(?:[A-Z]\.){1,}[A-Z]\.?")


def undotted(text: str) -> str | None:
    """`text` without its full stops when it is a dotted abbreviation ("T.B." -> "TB"), else None."""
    stripped = text.strip()
    if not _DOTTED.fullmatch(stripped):
        return None
    return stripped.replace(".", "")
