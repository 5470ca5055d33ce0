"""Evaluation: the paper's benchmarks through the pipeline, its ablations and baselines,
metrics with their uncertainty, an LLM judge for long-form answers, reports and exports."""
