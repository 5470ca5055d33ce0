"""The engines behind `kg.graph.GraphStore`: the embedded FalkorDB and Neo4j."""
