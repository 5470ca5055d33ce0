"""Evaluation: the paper's benchmarks through the pipeline, its ablations and baselines,
metrics with their uncertainty, an LLM judge for long-form answers, reports and exports."""

from reasoning.evaluation.distillation import export_distillation
from reasoning.evaluation.estimate import Estimate, estimate
from reasoning.evaluation.expert_sheets import import_ratings, write_sheets
from reasoning.evaluation.judge import DEFAULT_CRITERIA, judge_results
from reasoning.evaluation.records import EvalRecord, JudgeScore
from reasoning.evaluation.report import ReportRow, build_report, write_report
from reasoning.evaluation.runner import METHODS, ResultsDir, run_evaluation

__all__ = [
    "DEFAULT_CRITERIA",
    "METHODS",
    "Estimate",
    "EvalRecord",
    "JudgeScore",
    "ReportRow",
    "ResultsDir",
    "build_report",
    "estimate",
    "export_distillation",
    "import_ratings",
    "judge_results",
    "run_evaluation",
    "write_report",
    "write_sheets",
]
