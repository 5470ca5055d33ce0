"""The Neo4j Browser style sheet shipped in kg/data/browser.grass gives every label of the
schema a colour and a caption, and captions name properties the graph really has."""

from __future__ import annotations

import re
from importlib import resources

from kg.graph import model
from kg.graph.model.base import Node
from kg.graph.schema import NODE_KEYS, RELATIONSHIPS

BLOCK = re.compile(r"(node|relationship)(?:\.(\w+))?\s*\{(.*?)\n\}", re.DOTALL)  # captions hold braces


def _blocks() -> dict[tuple[str, str | None], dict[str, str]]:
    text = resources.files("kg").joinpath("data/browser.grass").read_text(encoding="utf-8")
    blocks = {}
    for kind, name, body in BLOCK.findall(text):
        pairs = (line.strip().rstrip(";").split(":", 1) for line in body.splitlines() if ":" in line)
        blocks[(kind, name or None)] = {key.strip(): value.strip().strip('"') for key, value in pairs}
    return blocks


def _node_fields() -> dict[str, set[str]]:
    classes = [getattr(model, name) for name in model.__all__]
    nodes = [c for c in classes if isinstance(c, type) and issubclass(c, Node) and c is not Node]
    return {c.label: set(c.model_fields) | set(c.model_computed_fields) for c in nodes}


def test_every_label_has_a_colour_and_a_caption_of_a_real_property() -> None:
    blocks, fields = _blocks(), _node_fields()
    for label in NODE_KEYS:
        style = blocks[("node", label)]
        assert style["color"].startswith("#"), label
        caption = re.fullmatch(r"\{(\w+)\}", style["caption"])
        assert caption and caption.group(1) in fields[label], (label, style["caption"])


def test_relationship_captions_name_their_type_or_a_property() -> None:
    blocks = _blocks()
    assert blocks[("relationship", None)]["caption"] == "<type>"
    styled = {name for kind, name in blocks if kind == "relationship" and name}
    assert styled <= set(RELATIONSHIPS)
