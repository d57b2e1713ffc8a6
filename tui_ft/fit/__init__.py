"""Will it fit? A GPU memory estimate of a training config, from the model's config.json.

- `shape`: the model's shape (parameters per module) from config.json, no weights;
- `settings`: what in the config changes memory, read as LLaMA-Factory reads it;
- `estimate`: the bytes per GPU, part by part;
- `seqlen`: the data's measured 99th-percentile length with the run's tokenizer/template;
- `verdict`: fits / tight / won't fit against free memory, and changes that make it fit;
- `check`: all of it for a config, here or on a box (`fit_on`);
- `probe`: a few real steps and their peak; `record`: estimate vs peak per run.

No torch import anywhere here: the estimate is arithmetic.
"""

from tui_ft.fit.check import FitError, FitReport, fit_config, fit_on
from tui_ft.fit.estimate import Estimate, estimate
from tui_ft.fit.settings import FitSettings, read_settings
from tui_ft.fit.shape import ModelShape, shape_from_config

__all__ = [
    "Estimate",
    "FitError",
    "FitReport",
    "FitSettings",
    "ModelShape",
    "estimate",
    "fit_config",
    "fit_on",
    "read_settings",
    "shape_from_config",
]
