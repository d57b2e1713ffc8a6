"""Pickers, not free text: modal lists of the workspace's models, datasets, runs, adapters
and LLaMA-Factory's templates. Each is a ModalScreen: push it, get the choice in the
callback (None on Escape). The host is read in a worker, never on the UI thread.

    app.push_screen(ModelPicker(workspace, current), on_model)        # -> model path
    app.push_screen(DatasetPicker(host, dataset_dir, current), on_ds) # -> [names]
    app.push_screen(TemplatePicker(host, model, current), on_tpl)     # -> template name
    app.push_screen(AdapterPicker(workspace, current), on_adapter)    # -> AdapterInfo
    app.push_screen(RunPicker(workspace), on_run)                     # -> run folder
"""

from screens.pickers.datasets import DatasetPicker
from screens.pickers.models import ModelPicker, TemplatePicker
from screens.pickers.runs import AdapterPicker, RunPicker

__all__ = ["AdapterPicker", "DatasetPicker", "ModelPicker", "RunPicker", "TemplatePicker"]
