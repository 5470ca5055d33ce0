"""Named Cypher queries for analysis: the `*.cypher` files of this package.

Each file starts with a header of comment lines:

    // What the query answers (one or more lines).
    // param: lang string = null    only this language (null: every language)
    // param: cui string             the concept (required: no default)
    // example: medcore query NAME --param lang=sw

A parameter's type is string, int, float or bool; its default, when it has one, is a value of
that type or null. Running a query fills in the defaults and checks every value given.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from kg.errors import ConfigError, excerpt
from kg.graph.store import GraphStore

__all__ = ["NamedQuery", "Parameter", "named_queries", "parse_value", "run", "run_named"]

ParamType = Literal["string", "int", "float", "bool"]
_PARAM = re.compile(r"param:\s*(\w+)\s+(string|int|float|bool)\s*(?:=\s*(\S+))?\s*(.*)$")
_INT64 = (-(2**63), 2**63 - 1)
_MISSING = object()


@dataclass(frozen=True)
class Parameter:
    name: str
    type: ParamType
    default: Any = _MISSING  # _MISSING: required
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is _MISSING


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    parameters: tuple[Parameter, ...]
    example: str
    text: str

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)


def parse_value(text: str, kind: ParamType, name: str = "value") -> Any:
    """A parameter's value from its text (as `--param k=v` gives it); "null" is None.

    Raises:
        ConfigError: the text is not a value of `kind` (an int out of the 64-bit range, say).
    """
    if text == "null":
        return None
    try:
        if kind == "int":
            value = int(text)
            if not _INT64[0] <= value <= _INT64[1]:
                raise ValueError("out of the 64-bit range")
            return value
        if kind == "float":
            return float(text)
        if kind == "bool":
            if text.lower() not in ("true", "false"):
                raise ValueError("expected true or false")
            return text.lower() == "true"
    except ValueError as exc:
        raise ConfigError(f"{name}: {excerpt(text)} is not a {kind} ({exc})") from None
    return text


def _parse(name: str, text: str) -> NamedQuery:
    header = [line[2:].strip() for line in text.splitlines() if line.startswith("//")]
    parameters, purpose, example = [], [], ""
    for line in header:
        if line.startswith("param:"):
            match = _PARAM.match(line)
            if match is None:
                raise ConfigError(f"queries/{name}.cypher: bad header line {line!r}; see queries/library.py")
            pname, kind, default, description = match.groups()
            kind_: ParamType = kind  # type: ignore[assignment]  # the pattern allows only these
            value = _MISSING if default is None else parse_value(default, kind_, f"{name}: {pname}")
            parameters.append(Parameter(pname, kind_, value, description.strip()))
        elif line.startswith("example:"):
            example = line.removeprefix("example:").strip()
        else:
            purpose.append(line)
    return NamedQuery(name, " ".join(purpose), tuple(parameters), example, text)


def named_queries() -> dict[str, NamedQuery]:
    """Every shipped query by name (the file name without `.cypher`)."""
    files = resources.files("queries")
    return {
        entry.name.removesuffix(".cypher"): _parse(entry.name.removesuffix(".cypher"), entry.read_text("utf-8"))
        for entry in sorted(files.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".cypher")
    }


def _checked(query: NamedQuery, given: dict[str, Any]) -> dict[str, Any]:
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise ConfigError(f"query {query.name!r} has no parameter {', '.join(unknown)}; its parameters: {known}")
    values = {}
    for parameter in query.parameters:
        value = given.get(parameter.name, parameter.default)
        if value is _MISSING:
            raise ConfigError(f"query {query.name!r} needs {parameter.name} ({parameter.type}); e.g. {query.example}")
        values[parameter.name] = _typed(query.name, parameter, value)
    return values


def _typed(query: str, parameter: Parameter, value: Any) -> Any:
    if value is None:
        return None
    kinds: dict[ParamType, tuple[type, ...]] = {"string": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}
    # bool is an int to Python, never to a query
    if isinstance(value, kinds[parameter.type]) and (parameter.type == "bool") == isinstance(value, bool):
        return float(typing.cast(float, value)) if parameter.type == "float" else value
    raise ConfigError(f"query {query!r}: {parameter.name} must be a {parameter.type}, not {excerpt(str(value))}")


def run(name: str, store: GraphStore, **params: Any) -> list[dict[str, Any]]:
    """The rows of the named query on `store`, with `params` (defaults fill the rest).

    Raises:
        ConfigError: no such query, an unknown or missing parameter, or a value of the wrong type.
    """
    queries = named_queries()
    if name not in queries:
        raise ConfigError(f"no query named {excerpt(name)}; known: {', '.join(queries)}")
    query = queries[name]
    return store.query(query.text, _checked(query, params))


def run_named(store: GraphStore, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """`run(name, store, **params)`, for callers holding the parameters as a dict."""
    return run(name, store, **(params or {}))
