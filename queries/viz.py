"""A run drawn for a person: one self-contained HTML file (Cytoscape.js 3.35, MIT, bundled
in queries/data/viz) or a static PNG (matplotlib).

Columns, left to right: the concepts the English chain mentions, the English chain in order,
the scaffold with the practice facts and passages its steps cite, the local chain, and its
concepts; alignment links join English and local steps with their scores; the concepts the
fusion left out are listed with the reason. The elements come from the named query
`run_elements`, so what is drawn is what the graph holds.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

from kg.errors import ConfigError, excerpt
from kg.graph.store import GraphStore
from queries.library import run

__all__ = ["COLOURS", "run_elements", "write_html", "write_png"]

COLOURS = {
    "question": "#fdd49e",
    "english": "#9ecae1",
    "scaffold": "#c7e9c0",
    "local": "#dadaeb",
    "concept": "#f0f0f0",
    "practice": "#fdae6b",
    "passage": "#fee391",
    "answer": "#74c476",
    "rejected": "#fc9272",
}
_COLUMN = {"english": 0.0, "scaffold": 560.0, "local": 1120.0}
_ROW = 150.0
_WIDTH = 240.0


def run_elements(store: GraphStore, run_key: str) -> list[dict[str, Any]]:
    """The run's nodes and links as Cytoscape elements, each with a position.

    Raises:
        ConfigError: no run with that key.
    """
    rows = run("run_elements", store, run=run_key)
    if not any(r["kind"] == "question" for r in rows):
        raise ConfigError(f"no run {excerpt(run_key)} in the graph; `medcore runs` lists them")
    nodes = [r for r in rows if r["element"] == "node"]
    steps = {r["id"]: r for r in nodes if r["kind"] in _COLUMN}
    depth = max((r["position"] for r in steps.values()), default=0) + 1
    elements = [_node(r, _place(r, steps, depth)) for r in nodes]
    elements += [_edge(r) for r in rows if r["element"] == "edge"]
    elements += _attachments(nodes, steps)
    elements += _order(steps.values())
    return _stacked(elements)


def _place(row: dict[str, Any], steps: dict[str, dict[str, Any]], depth: int) -> tuple[float, float]:
    kind = row["kind"]
    if kind in _COLUMN:
        return _COLUMN[kind], row["position"] * _ROW
    if kind == "question":
        return _COLUMN["scaffold"], -_ROW
    if kind == "answer":
        return _COLUMN["scaffold"], depth * _ROW
    if kind == "rejected":
        return _COLUMN["local"], (depth + 1) * _ROW
    owner = steps.get(row["source"])  # a concept, fact or passage sits beside its step
    if owner is None:
        return _COLUMN["scaffold"], (depth + 1) * _ROW
    if owner["kind"] == "scaffold":  # evidence under its step, clear of the alignment links
        return _COLUMN["scaffold"], owner["position"] * _ROW + 72.0
    side = -290.0 if owner["kind"] == "english" else 290.0
    return _COLUMN[owner["kind"]] + side, owner["position"] * _ROW


def _node(row: dict[str, Any], at: tuple[float, float]) -> dict[str, Any]:
    small = row["kind"] in ("concept", "rejected")
    width = 150.0 if small else _WIDTH
    label = str(row["label"] or "")
    return {
        "group": "nodes",
        "data": {
            "id": row["id"],
            "kind": row["kind"],
            "short": label if len(label) <= 90 else label[:87] + "...",
            "full": label,
            "detail": row["detail"],
            "width": width,
            "height": 34.0 if small else 50.0 if row["kind"] in ("practice", "passage") else 90.0,
        },
        "position": {"x": at[0], "y": at[1]},
    }


def _edge(row: dict[str, Any]) -> dict[str, Any]:
    score = float(row["detail"] or 0)
    data = {
        "id": row["id"],
        "kind": row["kind"],
        "source": row["source"],
        "target": row["target"],
        "label": f"{score:.2f}",
        "full": row["label"],
        "detail": f"alignment score {score:.3f}",
        "weight": 1 + 4 * score,
    }
    return {"group": "edges", "data": data}


def _attachments(nodes: list[dict[str, Any]], steps: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """A link from each step to the concepts it mentions and the evidence it cites."""
    links = []
    for row in nodes:
        if row["kind"] in ("concept", "practice", "passage") and row["source"] in steps:
            kind = "mentions" if row["kind"] == "concept" else "cites"
            data = {"id": f"{row['id']}>", "kind": kind, "source": row["source"], "target": row["id"], "label": ""}
            links.append({"group": "edges", "data": data})
    return links


def _order(steps: Any) -> list[dict[str, Any]]:
    """`next` links down each column, in step order."""
    columns: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in steps:
        columns[row["kind"]].append(row)
    links = []
    for column in columns.values():
        ordered = sorted(column, key=lambda r: r["position"])
        for a, b in zip(ordered, ordered[1:], strict=False):
            data = {"id": f"{a['id']}>{b['id']}", "kind": "next", "source": a["id"], "target": b["id"], "label": ""}
            links.append({"group": "edges", "data": data})
    return links


def _stacked(elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nodes placed at the same spot (a step's concepts, its facts) are spread downwards."""
    taken: dict[tuple[float, float], int] = defaultdict(int)
    for element in elements:
        if element["group"] != "nodes":
            continue
        spot = (element["position"]["x"], element["position"]["y"])
        element["position"]["y"] += taken[spot] * 42.0
        if element["data"]["kind"] == "rejected":
            element["position"]["x"] += taken[spot] * 170.0
            element["position"]["y"] -= taken[spot] * 42.0
        taken[spot] += 1
    return elements


def write_html(store: GraphStore, run_key: str, out: Path) -> int:
    """Write the run as one HTML file that needs no network; the number of nodes drawn."""
    elements = run_elements(store, run_key)
    data = {e["data"]["kind"]: e["data"] for e in elements if e["group"] == "nodes"}
    files = resources.files("queries").joinpath("data/viz")
    page = files.joinpath("run.html").read_text(encoding="utf-8")
    script = files.joinpath("cytoscape.min.js").read_text(encoding="utf-8")
    # JSON inside <script>: "</" would end the element early
    payload = json.dumps(elements, ensure_ascii=False).replace("</", "<\\/")
    for marker, value in (
        ("/*@TITLE@*/", html.escape(run_key)),
        ("/*@QUESTION@*/", html.escape(data["question"]["full"])),
        ("/*@ANSWER@*/", html.escape(data.get("answer", {}).get("full", "") or "(none)")),
        ("/*@COLOURS@*/", json.dumps(COLOURS)),
        ("/*@ELEMENTS@*/", payload),
        ("/*@CYTOSCAPE@*/", script),
    ):
        page = page.replace(marker, value, 1)
    out.write_text(page, encoding="utf-8")
    return sum(e["group"] == "nodes" for e in elements)


def write_png(store: GraphStore, run_key: str, out: Path) -> int:
    """Write the run as a static picture (same layout, labels cut short); the nodes drawn."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    elements = run_elements(store, run_key)
    nodes = {e["data"]["id"]: e for e in elements if e["group"] == "nodes"}
    xs = [n["position"]["x"] for n in nodes.values()]
    ys = [n["position"]["y"] for n in nodes.values()]
    figure, axes = plt.subplots(figsize=(max(8, (max(xs) - min(xs)) / 110), max(6, (max(ys) - min(ys)) / 70)))
    for edge in (e for e in elements if e["group"] == "edges"):
        a, b = nodes.get(edge["data"]["source"]), nodes.get(edge["data"]["target"])
        if a and b:
            colour = "#d95f02" if edge["data"]["kind"] == "aligned" else "#999999"
            axes.plot([a["position"]["x"], b["position"]["x"]], [a["position"]["y"], b["position"]["y"]], color=colour)
    for node in nodes.values():
        text = node["data"]["short"]
        text = text if len(text) <= 40 else text[:37] + "..."
        box = {"boxstyle": "round", "facecolor": COLOURS.get(node["data"]["kind"], "#cccccc")}
        axes.text(node["position"]["x"], node["position"]["y"], text, ha="center", va="center", fontsize=7, bbox=box)
    axes.set_xlim(min(xs) - 200, max(xs) + 200)
    axes.set_ylim(max(ys) + 100, min(ys) - 100)  # the first step at the top
    axes.axis("off")
    figure.tight_layout()
    figure.savefig(out, dpi=110)
    plt.close(figure)
    return len(nodes)
