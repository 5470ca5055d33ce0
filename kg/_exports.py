"""Lazy package exports (PEP 562).

A package lists its public names in `__all__`; each is imported from its module on first
use. Importing one light module of a package (an error class, the settings) then costs only
that module, not the whole package's dependencies (spaCy, networkx, the store clients):
this is what keeps `medcore --help` and `medcore link` quick to start. Each package also
imports the same names under `TYPE_CHECKING`, for type checkers and editors.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: Mapping[str, Sequence[str]]) -> tuple[list[str], Callable[[str], Any]]:
    """`__all__` and the module `__getattr__` of `package`, from {module: names}."""
    home = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)  # later lookups skip this function
        return value

    return sorted(home), __getattr__
