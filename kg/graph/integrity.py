"""What `medcore kg check` looks for: relationships written twice and terms that denote
nothing, the traces of writers that raced or of keys the index could not find. Since
writes take the writer lock and long keys are stored as digests, neither should appear;
a graph made before, or by another tool, may still hold them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from kg.graph import statements as st
from kg.graph.schema import RELATIONSHIPS

if TYPE_CHECKING:
    from kg.graph.store import GraphStore

__all__ = ["Finding", "IntegrityReport", "check_integrity"]


class Finding(BaseModel):
    """One kind of damage: `count` items too many, `repaired` of them deleted."""

    kind: Literal["duplicate_relationships", "orphan_terms"]
    type: str
    count: int
    repaired: int = 0


class IntegrityReport(BaseModel):
    findings: list[Finding]

    @property
    def clean(self) -> bool:
        """Nothing found, or everything found repaired."""
        return all(finding.repaired >= finding.count for finding in self.findings)


def check_integrity(store: GraphStore, *, repair: bool = False) -> IntegrityReport:
    """Find (and with `repair`, delete) duplicate relationships and orphan terms. Holds
    the writer lock throughout, so that no write lands between finding and repairing."""
    findings: list[Finding] = []
    with store.writing():
        for rel_type in RELATIONSHIPS:
            extra = int(store.execute(st.duplicate_relationships(rel_type))[0]["extra"])
            if extra:
                deleted = _deleted(store, st.duplicate_relationships(rel_type, delete=True)) if repair else 0
                findings.append(Finding(kind="duplicate_relationships", type=rel_type, count=extra, repaired=deleted))
        # After the DENOTES repair: deleting a copy never orphans a term, but check last anyway.
        orphans = int(store.execute(st.ORPHAN_TERMS)[0]["orphans"])
        if orphans:
            deleted = _deleted(store, st.DELETE_ORPHAN_TERMS) if repair else 0
            findings.append(Finding(kind="orphan_terms", type="Term", count=orphans, repaired=deleted))
    return IntegrityReport(findings=findings)


def _deleted(store: GraphStore, statement: st.Statement) -> int:
    rows = store.execute(statement)
    return int(rows[0]["deleted"]) if rows else 0
