"""Evaluate & Chat area: predict metrics, chat (base | fine-tuned side by side), probes.

Servers started here are stopped when the user leaves the screen or quits.
"""

from __future__ import annotations

import posixpath

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, TabbedContent, TabPane

from screens.base import AreaScreen
from screens.evaluate_chat import ChatPane
from screens.evaluate_predict import PredictPane
from screens.evaluate_probes import ProbePane
from screens.pickers.fields import PICK_BINDING, PickFields
from tui_ft.chat.base import ChatBackend, ChatError


def make_backends(
    screen: EvaluateScreen, model: str, adapter: str | None, template: str, side: bool
) -> list[ChatBackend]:
    """The backends to start: the model (+ adapter), or base and fine-tuned side by side."""
    from tui_ft.chat.server import open_backend
    from tui_ft.evaluate import EvalError, resolve_adapter

    tui = screen.tui
    if not model:
        raise ChatError("choose a model folder first")
    if "/" not in model:
        model = tui.workspace.path("models", model)
    try:
        adapter = resolve_adapter(tui.host, adapter) if adapter else None
    except EvalError as exc:
        raise ChatError(str(exc)) from exc
    if side and not adapter:
        raise ChatError("side by side compares base and fine-tuned: give an adapter")
    workdir = tui.workspace.path(".chat")
    opts = {} if model.endswith(".gguf") else {"workdir": workdir}
    if side:
        return [
            open_backend(tui.host, model, None, template, label="base", **opts),
            open_backend(tui.host, model, adapter, template, label="fine-tuned", **opts),
        ]
    label = posixpath.basename((adapter or model).rstrip("/"))
    return [open_backend(tui.host, model, adapter, template, label=label, **opts)]


class EvaluateScreen(PickFields, AreaScreen):
    AREA_TITLE = "Evaluate & Chat"
    BINDINGS = [  # noqa: RUF012 - Textual's API
        PICK_BINDING,  # model, adapter, template, dataset: the focused field's picker
        Binding("o", "start_chat", "Chat"),
        Binding("i", "focus_message", "Message"),
        Binding("x", "press('#chat-stop')", "Stop"),
        Binding("e", "predict", "Predict"),
        Binding("b", "probes", "Probes"),
    ]

    PICK_FIELDS = {  # noqa: RUF012
        "chat-model": "model",
        "chat-adapter": "adapter",
        "chat-template": "template",
        "eval-model": "model",
        "eval-adapter": "adapter",
        "eval-dataset": "datasets",
    }
    PICK_DEFAULT = "chat-adapter"  # a run's adapter names its base model and template too

    def pick_context(self, wid: str) -> dict[str, str]:
        return {"model": self.query_one("#chat-model", Input).value.strip()}

    def on_picked(self, wid: str, kind: str, value: object) -> None:
        super().on_picked(wid, kind, value)
        if kind != "adapter":
            return
        prefix = wid.split("-")[0]  # chat or eval
        base, template = getattr(value, "base_model", None), getattr(value, "template", None)
        if base:
            self.query_one(f"#{prefix}-model", Input).value = base
        if template and prefix == "chat":
            self.query_one("#chat-template", Input).value = template

    def action_start_chat(self) -> None:
        self.action_show_tab("tab-chat")
        self.action_press("#chat-start")

    def action_focus_message(self) -> None:
        """The message box, when a model is up; else say what to do first."""
        self.action_show_tab("tab-chat")
        prompt = self.query_one("#chat-prompt", Input)
        if prompt.disabled:
            self.notify("start a model first (o)", severity="warning")
        else:
            prompt.focus()

    def action_predict(self) -> None:
        self.action_show_tab("tab-eval")
        self.action_press("#eval-run")

    def action_probes(self) -> None:
        self.action_show_tab("tab-probes")
        self.action_press("#probe-run")

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="eval-tabs"):
            with TabPane("Chat", id="tab-chat"):
                yield ChatPane(id="chat-pane")
            with TabPane("Evaluate", id="tab-eval"):
                yield PredictPane(id="predict-pane")
            with TabPane("Probes", id="tab-probes"):
                yield ProbePane(id="probe-pane")

    def on_mount(self) -> None:
        self._chat = self.query_one(ChatPane)  # kept: on_unmount runs after children go
        self._first_model()

    @work(thread=True, exclusive=True, group="eval-models")
    def _first_model(self) -> None:
        # In a thread: over SSH the listing is round trips, and a link lost during a
        # handler would stop the screen for good (a worker's error is only a skipped tick).
        models = self.tui.workspace.list_models()
        if models:
            self.app.call_from_thread(self._fill_model, models[0])

    def _fill_model(self, model: str) -> None:
        for wid in ("#chat-model", "#eval-model"):
            field = self.query_one(wid, Input)
            if not field.value:  # never over what the user typed meanwhile
                field.value = model

    class ActiveAdapter(Message):
        def __init__(self, run: str, model: str, adapter: str, template: str) -> None:
            self.run, self.model, self.adapter, self.template = run, model, adapter, template
            super().__init__()

    def on_screen_resume(self) -> None:
        run = self.tui.active_run
        adapter = self.query_one("#chat-adapter", Input).value.strip()
        if (
            run
            and run != getattr(self, "_auto_run", None)
            and (not adapter or getattr(self, "_auto_run", None))
        ):
            self.find_adapter(run)

    @work(thread=True, exclusive=True, group="eval-active")
    def find_adapter(self, run: str) -> None:
        from tui_ft.export.adapters import list_adapters

        for ad in list_adapters(self.tui.workspace):  # each run's final adapter comes first
            if ad.run_id == run:
                model, template = ad.base_model or "", ad.template or "default"
                self.post_message(self.ActiveAdapter(run, model, ad.path, template))
                return

    def on_evaluate_screen_active_adapter(self, msg: ActiveAdapter) -> None:
        """Chat defaults to the active run's adapter (and its base model and template)."""
        self._auto_run = msg.run
        if msg.model:
            self.query_one("#chat-model", Input).value = msg.model
        self.query_one("#chat-adapter", Input).value = msg.adapter
        self.query_one("#chat-template", Input).value = msg.template

    def on_screen_suspend(self) -> None:
        self._chat.stop_models()

    def on_unmount(self) -> None:
        self._chat.stop_models(wait=True)
