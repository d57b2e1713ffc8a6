"""Evaluate a model: LLaMA-Factory's predict (BLEU/ROUGE) run detached, and its results."""

from tui_ft.evaluate.config import PredictSpec, build_predict_config, resolve_adapter
from tui_ft.evaluate.launch import PredictJob, PredictProgress, launch_predict
from tui_ft.evaluate.results import (
    METRIC_KEYS,
    EvalError,
    Prediction,
    load_metrics,
    load_predictions,
    word_diff,
)

__all__ = [
    "METRIC_KEYS",
    "EvalError",
    "PredictJob",
    "PredictProgress",
    "PredictSpec",
    "Prediction",
    "build_predict_config",
    "launch_predict",
    "load_metrics",
    "load_predictions",
    "resolve_adapter",
    "word_diff",
]
