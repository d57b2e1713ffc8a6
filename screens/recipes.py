"""Recipes area: list, edit, validate, dry-run and replay recipes; save the session as one."""

from __future__ import annotations

import posixpath

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Log, Static, TextArea

from screens.base import AreaScreen
from tui_ft.host.base import HostError
from tui_ft.recipes import RecipeError, parse_recipe
from tui_ft.recipes.replay import Replayer, ReplayFailed
from tui_ft.recipes.state import ReplayState
from tui_ft.recipes.store import (
    RecipeEntry,
    free_name,
    list_recipes,
    read_recipe_text,
    recording_name,
    save_recipe,
)


class RecipesScreen(AreaScreen):
    AREA_TITLE = "Recipes"
    BINDINGS = [  # noqa: RUF012 - Textual's API
        Binding("s", "press('#save')", "Save"),
        Binding("v", "press('#validate')", "Validate"),
        Binding("d", "press('#dry-run')", "Dry run"),
        Binding("p", "press('#replay')", "Replay"),
        Binding("w", "press('#record')", "Record"),
    ]

    class Listed(Message):
        def __init__(self, entries: list[RecipeEntry]) -> None:
            self.entries = entries
            super().__init__()

    class ReplayEvent(Message):
        def __init__(self, event: dict) -> None:
            self.event = event
            super().__init__()

    class ReplayEnded(Message):
        def __init__(self, error: str | None) -> None:
            self.error = error
            super().__init__()

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="recipes-top"):
            with Vertical(id="recipes-left"):
                yield Static("Recipes", classes="section-title")
                yield DataTable(id="recipe-table", cursor_type="row")
                yield Static("Steps", classes="section-title")
                yield DataTable(id="step-table", cursor_type="row")
            with Vertical(id="recipes-right"):
                yield TextArea(id="recipe-editor", language="yaml", show_line_numbers=True)
                yield Static("", id="recipe-status")
                with Horizontal(id="recipe-buttons"):
                    yield Input(placeholder="save as name", id="recipe-name")
                    yield Button("Save", id="save")
                    yield Button("Validate", id="validate")
                    yield Button("Dry run", id="dry-run")
                    yield Button("Replay", id="replay", variant="primary")
                    yield Button("Record session", id="record")
        yield Log(id="recipe-log", max_lines=2000)

    def on_mount(self) -> None:
        recipes = self.query_one("#recipe-table", DataTable)
        # Fixed widths: auto-sized columns rendered at their label width in this layout.
        recipes.add_column("name", width=22)
        recipes.add_column("source", width=9)
        steps = self.query_one("#step-table", DataTable)
        for label, width in (("#", 2), ("id", 8), ("type", 7), ("state", 6)):
            steps.add_column(label, width=width)
        self.entries: list[RecipeEntry] = []
        self.saved_path = ""
        self.refresh_list()

    @work(thread=True, exclusive=True, group="recipes-list")
    def refresh_list(self) -> None:
        self.post_message(self.Listed(list_recipes(self.tui.workspace)))

    def on_recipes_screen_listed(self, message: Listed) -> None:
        self.entries = message.entries
        table = self.query_one("#recipe-table", DataTable)
        table.clear()
        for e in self.entries:
            table.add_row(e.name, e.origin, key=e.path)
        paths = [e.path for e in self.entries]
        if self.saved_path in paths:  # a recipe just saved: shown, even below the fold
            table.move_cursor(row=paths.index(self.saved_path))
        if self.entries and not self.query_one("#recipe-editor", TextArea).text:
            self.open_entry(self.entries[0])

    @on(DataTable.RowSelected, "#recipe-table")
    def _picked(self, event: DataTable.RowSelected) -> None:
        entry = next(e for e in self.entries if e.path == event.row_key.value)
        self.open_entry(entry)

    @work(thread=True, exclusive=True, group="recipe-file")
    def open_entry(self, entry: RecipeEntry) -> None:
        """Read the recipe through the host (round trips over SSH), show it on the UI thread."""
        try:
            text = read_recipe_text(self.tui.workspace, entry)
        except (OSError, HostError) as exc:
            self.app.call_from_thread(self._say, f"[red]{exc}[/]")
            return
        self.app.call_from_thread(self._opened, entry.name, text)

    def _opened(self, name: str, text: str) -> None:
        self.query_one("#recipe-editor", TextArea).text = text
        self.query_one("#recipe-name", Input).value = name
        self.validate()

    def _say(self, text: str) -> None:
        self.query_one("#recipe-status", Static).update(text)

    def validate(self):
        """Parse the editor's text; show the steps with their replay state, or the error."""
        status = self.query_one("#recipe-status", Static)
        steps = self.query_one("#step-table", DataTable)
        steps.clear()
        try:
            recipe = parse_recipe(
                self.query_one("#recipe-editor", TextArea).text,
                source=self.query_one("#recipe-name", Input).value or "recipe",
                builtins={"workspace": self.tui.workspace.root},
            )
        except RecipeError as exc:
            status.update(f"[red]✗ {exc}[/]")
            return None
        state = ReplayState.load(recipe)
        for i, s in enumerate(recipe.steps, 1):
            rec = state.steps.get(s.id, {})
            shown = "done" if state.is_done(s) else rec.get("status", "—")
            steps.add_row(str(i), s.id, s.type, shown)
        status.update(f"[green]✓ valid[/]: {len(recipe.steps)} steps")
        return recipe

    @on(Button.Pressed, "#validate")
    def _validate(self) -> None:
        self.validate()

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        name = self.query_one("#recipe-name", Input).value.strip()
        if not name or posixpath.basename(name) != name:
            self.query_one("#recipe-status", Static).update("[red]give a plain name to save as[/]")
            return
        if any(e.shipped and e.name == name for e in self.entries):
            # a workspace copy of that name would sit beside the shipped one, two of one name
            other = free_name(f"{name}-edited", (e.name for e in self.entries))
            self.query_one("#recipe-name", Input).value = other
            self._say(f"[red]{name} is a shipped recipe's name[/]: name set to {other}, s saves")
            return
        if self.validate() is None:
            return  # never save a recipe that does not parse
        self.write_recipe(name, self.query_one("#recipe-editor", TextArea).text)

    @work(thread=True, exclusive=True, group="recipe-file")
    def write_recipe(self, name: str, text: str) -> None:
        try:
            path = save_recipe(self.tui.workspace, name, text)
        except (OSError, HostError) as exc:
            self.app.call_from_thread(self._say, f"[red]{exc}[/]")
            return
        self.app.call_from_thread(self._saved, path)

    def _saved(self, path: str) -> None:
        self._say(f"[green]saved[/] {path}")
        self.saved_path = path
        self.refresh_list()

    @on(Button.Pressed, "#record")
    def _record(self) -> None:
        recorder = self.tui.recorder
        if not len(recorder):
            self.query_one("#recipe-status", Static).update(
                "nothing recorded yet: what you do in the other areas is recorded as steps"
            )
            return
        current = self.query_one("#recipe-name", Input).value
        name = recording_name(current, (e.name for e in self.entries))
        text = recorder.to_text(name, "recorded in the TUI", workspace=self.tui.workspace.root)
        self.query_one("#recipe-editor", TextArea).text = text
        self.query_one("#recipe-name", Input).value = name  # s saves it under this free name
        self.validate()

    @on(Button.Pressed, "#dry-run")
    def _dry_run(self) -> None:
        self._start(dry_run=True)

    @on(Button.Pressed, "#replay")
    def _replay(self) -> None:
        self._start(dry_run=False)

    def _start(self, *, dry_run: bool) -> None:
        recipe = self.validate()
        if recipe is not None:
            self.query_one("#recipe-log", Log).clear()
            self.run_replay(recipe, dry_run)

    @work(thread=True, exclusive=True, group="replay")
    def run_replay(self, recipe, dry_run: bool) -> None:
        replayer = Replayer(
            recipe,
            self.tui.host,
            self.tui.workspace.root,
            on_event=lambda e: self.post_message(self.ReplayEvent(e)),
        )
        try:
            replayer.run(dry_run=dry_run)
        except ReplayFailed as exc:
            self.post_message(self.ReplayEnded(str(exc)))
            return
        self.post_message(self.ReplayEnded(None))

    def on_recipes_screen_replay_event(self, message: ReplayEvent) -> None:
        e, log = message.event, self.query_one("#recipe-log", Log)
        kind = e["event"]
        if kind in ("plan", "command"):
            log.write_line(f"{e['step']}: $ {e['command']}")
        elif kind == "output":
            log.write_line(f"  {e['line']}")
        else:
            log.write_line(f"{e['step']}: {kind} {e.get('error') or e.get('reason') or ''}")

    def on_recipes_screen_replay_ended(self, message: ReplayEnded) -> None:
        status = self.query_one("#recipe-status", Static)
        status.update(
            f"[red]✗ {message.error}[/]" if message.error else "[green]replay finished[/]"
        )
        self.validate()
