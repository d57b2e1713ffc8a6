"""Offered after connecting to a box without tui-ft, or with another version of it:
`tui-ft remote setup --build` from the TUI, its log and progress shown as it goes.

The wheel of this very tui-ft is built here and copied over SFTP, so the box needs no
package index for tui-ft itself and ends up on the laptop's version; the box's torch and
LLaMA-Factory are left alone (tui_ft.remote.setup.install). Dismissed with True when
tui-ft now answers on the box with this version, False to connect without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Log, ProgressBar, Static

from screens.widgets.quiet_progress import QuietProgressBar
from tui_ft import __version__

if TYPE_CHECKING:
    from textual.app import App

    from tui_ft.host.base import Host
    from tui_ft.remote.setup import RemoteStatus

STAGES = 5  # build the wheel, copy it, install tui-ft, the missing requirements, check


def stage_of(line: str) -> int | None:
    """The stage an install() log line starts (1-based), if it starts one."""
    if line.startswith("building a wheel"):
        return 1
    if line.startswith("copying "):
        return 2
    if line.startswith("$ ") and "--no-deps" in line:
        return 3
    if line.startswith("left alone:") or (line.startswith("$ ") and "keep-constraints" in line):
        return 4
    return None


def needs_setup(host: Host) -> RemoteStatus | None:
    """The box's tui-ft status when a set-up would help (missing or another version).

    Runs the box's interpreter once (a worker's job); None when tui-ft there is this
    version, or there is no Python to install into (the areas say what fails then).
    """
    from tui_ft.host.base import HostError
    from tui_ft.remote.setup import probe

    try:
        status = probe(host, host.python)
    except (HostError, ValueError):
        return None
    if status.python_version is None or status.tui_ft == __version__:
        return None
    return status


def offer_when_needed(app: App) -> None:
    """`tui-ft --host BOX`: the Connect screen's offer, once the first area is up."""
    host: Host = app.host  # type: ignore[attr-defined]
    if not host.is_remote:
        return

    def check() -> None:
        status = needs_setup(host)
        if status is not None and app.host is host:  # type: ignore[attr-defined]
            app.call_from_thread(app.push_screen, SetupOffer(host, status))

    app.run_worker(check, thread=True, group="setup-probe", exit_on_error=False)


def why_offered(status: RemoteStatus) -> str:
    if status.tui_ft is None:
        return f"tui-ft is not installed for {status.python} on {status.host}."
    return f"tui-ft {status.tui_ft} is on {status.host}, {__version__} here."


class SetupOffer(ModalScreen[bool]):
    DEFAULT_CSS = """
    SetupOffer { align: center middle; }
    SetupOffer #setup-dialog {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    SetupOffer #setup-title { text-style: bold; }
    SetupOffer #setup-extras-row, SetupOffer #setup-buttons { height: auto; margin-top: 1; }
    SetupOffer #setup-extras { width: 24; }
    SetupOffer #setup-buttons Button { margin-right: 2; }
    SetupOffer #setup-log { height: 8; }
    SetupOffer #setup-status.error { color: $error; }
    """
    BINDINGS = [  # noqa: RUF012 - Textual's API
        Binding("y", "setup", "Set up"),
        Binding("n", "skip", "Connect without"),
        Binding("escape", "back", "Connect without", show=False),
        Binding("question_mark", "app.toggle_keys", "Keys"),  # a modal hides the app's own
    ]

    class Line(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Done(Message):
        def __init__(self, status: RemoteStatus | None, error: str = "") -> None:
            super().__init__()
            self.status, self.error = status, error

    def __init__(self, host: Host, status: RemoteStatus) -> None:
        super().__init__()
        self.host, self.status = host, status
        self.running = False

    def compose(self) -> ComposeResult:
        with Vertical(id="setup-dialog"):
            yield Label("Set up tui-ft on the box?", id="setup-title")
            yield Static(
                f"{why_offered(self.status)}\nSet up builds a wheel of this tui-ft, copies it "
                f"over SFTP and installs it for {self.status.python}, next to what the box "
                "has: its torch and LLaMA-Factory are left alone.",
                id="setup-why",
            )
            with Horizontal(id="setup-extras-row"):
                yield Label("extras ", id="setup-extras-label")
                yield Input("train", id="setup-extras", compact=True)
            with Horizontal(id="setup-buttons"):
                yield Button("Set up (y)", id="setup-yes", variant="primary", compact=True)
                yield Button("Connect without (n)", id="setup-no", compact=True)
            yield QuietProgressBar(total=STAGES, id="setup-progress")
            yield Static("", id="setup-status")
            yield Log(id="setup-log", max_lines=400)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#setup-progress").display = False
        self.query_one("#setup-log").display = False
        self.query_one("#setup-yes", Button).focus()  # y / n work at once

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if self.running else True  # shown, but greyed out while it runs

    @on(Input.Submitted, "#setup-extras")
    @on(Button.Pressed, "#setup-yes")
    def action_setup(self) -> None:
        if self.running:
            return
        self.running = True
        self.refresh_bindings()
        for button in self.query(Button):
            button.disabled = True
        bar = self.query_one("#setup-progress", ProgressBar)
        bar.update(progress=0)
        bar.display = True
        self.query_one("#setup-log", Log).display = True
        self._status("setting up…")
        extras = self.query_one("#setup-extras", Input).value.strip().replace(" ", "")
        self._install(extras)

    @on(Button.Pressed, "#setup-no")
    def action_skip(self) -> None:
        if not self.running:
            self.dismiss(False)

    def action_back(self) -> None:
        """Escape closes the key list first, then answers "connect without"."""
        if self.query("HelpPanel"):
            self.app.action_hide_help_panel()
        else:
            self.action_skip()

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#setup-status", Static)
        status.update(text)
        status.set_class(error, "error")

    @work(thread=True, exclusive=True, group="remote-setup")
    def _install(self, extras: str) -> None:
        from tui_ft.host.base import HostError
        from tui_ft.remote.setup import install

        try:
            status = install(
                self.host,
                python=self.status.python,
                build=True,
                extras=extras,
                log=lambda line: self.post_message(self.Line(line)),
            )
        except HostError as exc:
            self.post_message(self.Done(None, str(exc)))
            return
        self.post_message(self.Done(status))

    @on(Line)
    def _line(self, msg: Line) -> None:
        self.query_one("#setup-log", Log).write_line(msg.text)
        stage = stage_of(msg.text)
        bar = self.query_one("#setup-progress", ProgressBar)
        if stage is not None and stage > (bar.progress or 0):
            bar.update(progress=stage)
            self._status(msg.text[:120])

    @on(Done)
    def _done(self, msg: Done) -> None:
        self.running = False
        self.refresh_bindings()
        if msg.status is not None and msg.status.tui_ft == __version__:
            self.query_one("#setup-progress", ProgressBar).update(progress=STAGES)
            self.app.notify(f"tui-ft {__version__} installed on {self.status.host}")
            self.dismiss(True)
            return
        for button in self.query(Button):
            button.disabled = False
        if msg.status is not None:
            error = "; ".join(msg.status.problems) or "tui-ft still does not answer on the box"
        else:
            error = msg.error
        self._status(f"set-up failed: {error} (y: try again, n: connect without)", error=True)
        self.query_one("#setup-yes", Button).focus()
