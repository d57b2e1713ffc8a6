"""What the Train form suggests: completion lists (the workspace's models, the registered
datasets, LLaMA-Factory's templates) and the template the model's name implies."""

from __future__ import annotations

from textual import work
from textual.containers import VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input


class FormSuggestions(VerticalScroll):
    """The suggestion part of `TrainForm`, which composes `#f-model_name_or_path`,
    `#f-dataset` and `#f-template`."""

    class Listed(Message, namespace="train_form"):
        """The workspace's models and healthy datasets, read once for the whole form."""

        def __init__(self, models: list[str], healthy: list[str]) -> None:
            super().__init__()
            self.models, self.healthy = models, healthy

    def on_mount(self) -> None:
        self.load_templates()

    @work(thread=True, exclusive=True, group="form-templates")
    def load_templates(self) -> None:
        """Completion lists: the workspace's models, the registered datasets, the templates."""
        from tui_ft.datasets.info import list_registered
        from tui_ft.lf.templates import template_names

        app = self.app
        try:
            models = app.workspace.list_models()  # type: ignore[attr-defined]
            registered = list_registered(app.host, app.workspace.datasets)  # type: ignore[attr-defined]
        except Exception:  # a lost link or an unreadable dataset_info.json: free text
            models, registered = [], []
        data = [r.name for r in registered]
        self.post_message(self.Listed(models, [r.name for r in registered if r.healthy]))
        for wid, names in (("#f-model_name_or_path", models), ("#f-dataset", data)):
            if names:
                app.call_from_thread(setattr, self.query_one(wid, Input), "suggester",
                                     SuggestFromList(names, case_sensitive=False))  # fmt: skip
        try:
            names = template_names(self.app.host)  # type: ignore[attr-defined]
        except Exception:  # no LLaMA-Factory to ask and no copy: the field stays free text
            return
        suggester = SuggestFromList(names, case_sensitive=False)
        self.app.call_from_thread(setattr, self.query_one("#f-template", Input), "suggester",
                                  suggester)  # fmt: skip

    @work(thread=True, exclusive=True, group="form-suggest")
    def suggest_for(self, model: str) -> None:
        """LlamaBoard's rule: the model's name picks the template, unless one was typed."""
        from tui_ft.lf.templates import suggest_template

        try:
            name = suggest_template(model, self.app.host)  # type: ignore[attr-defined]
        except Exception:
            return
        if name:
            self.app.call_from_thread(self._suggested, name)

    def _suggested(self, name: str) -> None:
        field = self.query_one("#f-template", Input)
        if field.value in ("", "default", getattr(self, "_auto_template", None)):
            field.value = self._auto_template = name
