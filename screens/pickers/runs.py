"""Run and adapter pickers: the workspace's runs (state, last loss) and their LoRA adapters
(each run's final adapter and its checkpoints)."""

from __future__ import annotations

from screens.pickers.base import Picker, Row
from tui_ft.export.adapters import AdapterInfo
from tui_ft.workspace import Workspace


def _loss(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


class RunPicker(Picker[str]):
    """Returns the chosen run's folder (its `training_args.yaml` is the config it ran)."""

    TITLE = "Run · clone its configuration"
    HEADER = f"{'state':<9} {'steps':>9} {'loss':>8}  run · model"
    EMPTY = "no run yet in runs/"

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def rows(self) -> list[Row]:
        from tui_ft.train.discover import list_runs

        rows = []
        for run in list_runs(self.workspace):
            steps = f"{run.last_step or 0}/{run.total_steps or '?'}"
            model = run.model.rstrip("/").rsplit("/", 1)[-1]
            loss = _loss(run.last_loss)
            label = f"{run.state:<9} {steps:>9} {loss:>8}  {run.run_id} · {model}"
            rows.append(Row(label, run.root, f"{run.run_id} {run.state} {run.model}"))
        return rows


class AdapterPicker(Picker[AdapterInfo]):
    """Returns an `AdapterInfo` (path, run_id, base_model, template) or None on Escape.

    Usage: `app.push_screen(AdapterPicker(workspace), callback)`.
    """

    TITLE = "Adapter · runs and their checkpoints"
    HEADER = f"{'state':<9} {'last loss':>9}  adapter"
    EMPTY = "no LoRA adapter yet (train a run on Train, key 3)"

    def __init__(self, workspace: Workspace, current: str = "") -> None:
        super().__init__()
        self.workspace, self.current = workspace, current

    def rows(self) -> list[Row]:
        from tui_ft.export.adapters import list_adapters
        from tui_ft.train.discover import list_runs, runs_view

        view = runs_view(self.workspace)  # over SSH: every run folder in one read, used twice
        runs = {r.run_id: r for r in list_runs(view)}
        rows = []
        for ad in list_adapters(view):
            run = runs.get(ad.run_id)
            state, loss = (run.state, run.last_loss) if run else ("", None)
            rows.append(Row(f"{state:<9} {_loss(loss):>9}  {ad.label}", ad, ad.label))
            if ad.path == self.current:
                self.preselect = ad
        return rows
