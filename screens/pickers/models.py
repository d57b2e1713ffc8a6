"""Model and template pickers: the workspace's models (size, verification), LLaMA-Factory's
templates (the model's own one first, as LlamaBoard pre-selects it)."""

from __future__ import annotations

from screens.pickers.base import Picker, Row
from tui_ft.host.base import Host
from tui_ft.units import human_bytes
from tui_ft.workspace import Workspace


class ModelPicker(Picker[str]):
    """Returns the chosen model folder's path (what `model_name_or_path` takes)."""

    TITLE = "Model · the workspace's models"
    HEADER = f"{'size':>8}  {'verified':<10}  model"  # the name last: a narrow terminal cuts it
    EMPTY = "no model under models/ (download one on Environment, or type a path or hub id)"

    def __init__(self, workspace: Workspace, current: str = "") -> None:
        super().__init__(current)
        self.workspace = workspace

    def rows(self) -> list[Row]:
        from tui_ft.models.listing import list_models

        return [
            Row(f"{human_bytes(m.size):>8}  {m.state:<10}  {m.name}", m.path, m.name)
            for m in list_models(self.workspace)
        ]


class TemplatePicker(Picker[str]):
    """LLaMA-Factory's chat templates; the one it pairs with `model` comes first."""

    TITLE = "Template · LLaMA-Factory's chat templates"
    EMPTY = "no template list (LLaMA-Factory not found): type the name"

    def __init__(self, host: Host, model: str = "", current: str = "") -> None:
        super().__init__(current)
        self.host, self.model = host, model

    def rows(self) -> list[Row]:
        from tui_ft.lf.templates import template_names

        names = template_names(self.host)
        best = self.own_template()
        if best in names:
            names.remove(best)
            names.insert(0, best)
            if not self.preselect or self.preselect == "default":
                self.preselect = best
        return [Row(f"{n}{'  ← for this model' if n == best else ''}", n, n) for n in names]

    def own_template(self) -> str | None:
        """The model's own template: the one recorded with it (tui-ft's models, merges and
        LlamaBoard exports say which they were trained with), else LlamaBoard's pairing."""
        from tui_ft.lf.recorded import read_recorded_template
        from tui_ft.lf.templates import suggest_template

        if not self.model:
            return None
        try:
            recorded = read_recorded_template(self.host, self.model)
        except OSError:  # a hub id, an unreadable folder: no record, fall back to the name
            recorded = None
        return recorded or suggest_template(self.model, self.host)
