"""The Export screen's source: the workspace's models and runs' adapters in one list, the
active run's final adapter picked by default, and the fields each choice fills in."""

from __future__ import annotations

import posixpath

from textual import on, work
from textual.message import Message
from textual.widgets import Checkbox, Input, Select

from screens.base import AreaScreen


class SourcesMixin(AreaScreen):
    """The source part of ExportScreen (a base class: Textual finds `@on` handlers only
    on classes made by its message-pump metaclass)."""

    class Sources(Message):
        def __init__(self, options: list[tuple[str, str]], meta: dict[str, dict]) -> None:
            self.options, self.meta = options, meta
            super().__init__()

    _meta: dict[str, dict] | None = None
    _auto_run: str | None = None
    _run: str | None = None

    @work(thread=True, exclusive=True, group="sources")
    def load_sources(self) -> None:
        from tui_ft.export.adapters import list_adapters

        ws = self.tui.workspace
        options: list[tuple[str, str]] = []
        meta: dict[str, dict] = {}
        for path in ws.list_models():
            key = f"model:{path}"
            options.append((f"model  {posixpath.basename(path)}", key))
            meta[key] = {"model": path}
        for ad in list_adapters(ws):
            key = f"adapter:{ad.path}"
            options.append((f"adapter  {ad.label}", key))
            meta[key] = {"model": ad.base_model or "", "adapter": ad.path,
                         "template": ad.template or "default", "run": ad.run_id}  # fmt: skip
        self.post_message(self.Sources(options, meta))

    def on_sources_mixin_sources(self, message: Sources) -> None:
        self._meta = message.meta
        pick = self.query_one("#pick", Select)
        current = pick.value
        pick.set_options(message.options)
        if current in message.meta:
            pick.value = current
        self._pick_active_run()

    def on_screen_resume(self) -> None:
        if self._meta is not None:
            self.load_sources()  # runs made since: the active one is picked

    def _pick_active_run(self) -> None:
        """Default to the active run's final adapter, unless the user picked something."""
        run = self.tui.active_run
        pick = self.query_one("#pick", Select)
        if not run or self._auto_run == run or not (pick.is_blank() or self._auto_run):
            return
        keys = [k for k, m in (self._meta or {}).items() if m.get("run") == run]
        if keys:
            self._auto_run = run
            pick.value = keys[0]  # list_adapters gives the final adapter first

    @on(Select.Changed, "#pick")
    def _picked(self, event: Select.Changed) -> None:
        meta = (self._meta or {}).get(str(event.value))
        if meta:
            self.apply_source(meta)

    def apply_source(self, meta: dict) -> None:
        """Fill the form for a model ({'model'}) or an adapter ({'model', 'adapter', ...})."""
        exports = self.tui.workspace.exports
        self._run = meta.get("run")
        self._set("#model", meta["model"])
        self._set("#adapter", meta.get("adapter", ""))
        self._set("#template", meta.get("template", "default"))
        if meta.get("adapter"):
            name = f"{meta['run']}-merged"
            self._set("#export-dir", posixpath.join(exports, name))
            self._set("#gguf-source", posixpath.join(exports, name))
        else:
            self._set("#export-dir", "")
            self._set("#gguf-source", meta["model"])
        # An adapter becomes an adapter GGUF (no merge) unless the user merges first.
        self.query_one("#no-merge", Checkbox).value = bool(meta.get("adapter"))
        self.fill_out()

    @on(Checkbox.Changed, "#no-merge")
    def _no_merge_changed(self) -> None:
        self.fill_out()

    def fill_out(self) -> None:
        """The output file: exports/NAME-gguf/NAME-f16.gguf, or NAME-adapter.gguf."""
        exports = self.tui.workspace.exports
        adapter = self._get("#adapter")
        if self.query_one("#no-merge", Checkbox).value and adapter:
            run = self._run or posixpath.basename(adapter.rstrip("/"))
            name, file = run, f"{run}-adapter.gguf"
        else:
            name = posixpath.basename(self._get("#gguf-source").rstrip("/")) or "model"
            file = f"{name}-f16.gguf"
        self._set("#gguf-out", posixpath.join(exports, f"{name}-gguf", file))

    def _set(self, selector: str, value: str) -> None:
        self.query_one(selector, Input).value = value

    def _get(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()
