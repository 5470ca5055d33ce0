"""Engine runners behind `kg.GraphStore`: embedded FalkorDB and Neo4j."""

from kg.stores.embedded import EmbeddedServer, ServerStatus

__all__ = ["EmbeddedServer", "ServerStatus"]
