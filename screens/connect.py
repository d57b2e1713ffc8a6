"""Connect to a box: paste an ssh line or pick a ~/.ssh/config alias, check its host key,
answer a password or passphrase question, then the whole app works on that box.

A box without tui-ft (for its interpreter, `box_python`) or with another version of it is
offered `remote setup --build` first (screens/setup_offer.py); connecting without it is
one key away.

Keyboard only: every button has a key, shown in the footer and on the button. Escape goes
back one step: it closes the key help, else rejects a host key question, else cancels.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Static

if TYPE_CHECKING:
    from tui_ft.host.knownhosts import HostKeyProblem
    from tui_ft.host.ssh import SSHHost
    from tui_ft.remote.setup import RemoteStatus


class HostKeyPrompt(Vertical, can_focus=True):
    """The unknown host key question. It takes the focus when it appears and holds its keys
    itself: `a` accepts while it has the focus, and still types into an Input that has it."""

    BINDINGS = [  # noqa: RUF012 - Textual's API
        Binding("a", "screen.accept", "Accept and save"),
        Binding("escape", "screen.back", "Reject"),
    ]


class ConnectScreen(ModalScreen["SSHHost | None"]):
    """Dismissed with the connected host, or None when cancelled."""

    BINDINGS = [  # noqa: RUF012 - Textual's API
        Binding("escape", "back", "Cancel"),
        # A modal screen hides the app's bindings, so `?` is repeated here.
        Binding("question_mark", "app.toggle_keys", "Keys"),
    ]

    class KeyQuestion(Message):
        def __init__(self, problem: HostKeyProblem) -> None:
            super().__init__()
            self.problem = problem

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Connected(Message):
        def __init__(self, host: SSHHost) -> None:
            super().__init__()
            self.host = host

    class SetupNeeded(Message):
        def __init__(self, host: SSHHost, status: RemoteStatus) -> None:
            super().__init__()
            self.host, self.status = host, status

    def __init__(self, spec: str = "", *, auto: bool = False) -> None:
        super().__init__()
        self._spec = spec
        self._auto = auto  # connect at once (`tui-ft --host ALIAS` met an unknown host key)
        self._problem: HostKeyProblem | None = None
        self._answer: str | None = None
        self._answered = threading.Event()

    def compose(self) -> ComposeResult:
        from tui_ft.host.sshconfig import config_aliases

        with Vertical(id="dialog"):
            yield Label("Connect to a box", id="title")
            yield Input(self._spec, placeholder="ssh -p PORT user@host, or an alias", id="spec")
            aliases = config_aliases()
            if aliases:
                yield OptionList(*aliases, id="aliases")
            yield Static("", id="status")
            with HostKeyPrompt(id="hostkey"):
                yield Static("", id="fingerprint")
                with Horizontal():
                    yield Button("Accept and save (a)", id="accept", variant="warning")
                    yield Button("Reject (esc)", id="reject")
            with Vertical(id="secret-box"):
                yield Label("", id="secret-prompt")
                yield Input(password=True, placeholder="enter sends it · esc skips", id="secret")
            with Horizontal(id="buttons"):
                yield Button("Connect (enter)", id="connect", variant="primary")
                yield Button("Cancel (esc)", id="cancel")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        # One-line fields and buttons, as on the areas: the host key question fits 80x24.
        for widget in self.query("Input, Button"):
            widget.compact = True  # type: ignore[attr-defined]
        self.query_one("#hostkey").display = False
        self.query_one("#secret-box").display = False
        self.query_one("#spec", Input).focus()
        if self._auto:
            self.call_after_refresh(self.connect)

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_class(error, "error")

    # -- actions ------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#aliases")
    def _pick(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#spec", Input).value = str(event.option.prompt)
        self.connect()

    @on(Input.Submitted, "#spec")
    @on(Button.Pressed, "#connect")
    def connect(self) -> None:
        spec = self.query_one("#spec", Input).value.strip()
        if not spec:
            self._status("Paste an `ssh ...` line or pick an alias.", error=True)
            return
        self.query_one("#hostkey").display = False
        self._status(f"Connecting to {spec} ...")
        self._connect(spec)

    @work(thread=True, exclusive=True, group="connect")
    def _connect(self, spec: str) -> None:
        from screens.setup_offer import needs_setup
        from tui_ft.host.base import HostError
        from tui_ft.host.knownhosts import HostKeyProblem
        from tui_ft.host.ssh import SSHHost
        from tui_ft.host.sshconfig import resolve

        try:
            host = SSHHost(resolve(spec), ask_password=self._ask, ask_passphrase=self._ask)
            host.use_config(self.app.config)  # its profile: hosts.BOX.python, memory, ...
            host.connect()
        except HostKeyProblem as exc:
            self.post_message(self.KeyQuestion(exc))
            return
        except HostError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        host.start_heartbeat()
        self.app.call_from_thread(self._status, "Connected: looking for tui-ft on the box ...")
        status = needs_setup(host)
        if status is not None:
            self.post_message(self.SetupNeeded(host, status))
            return
        self.post_message(self.Connected(host))

    def _ask(self, prompt: str) -> str | None:
        """Runs on the worker thread: show the question, block until it is answered."""
        self._answered.clear()
        self.app.call_from_thread(self._show_secret, prompt)
        self._answered.wait()
        answer, self._answer = self._answer, None
        return answer

    def _show_secret(self, prompt: str) -> None:
        self.query_one("#secret-prompt", Label).update(prompt)
        box = self.query_one("#secret-box")
        box.display = True
        secret = self.query_one("#secret", Input)
        secret.value = ""
        secret.focus()

    @on(Input.Submitted, "#secret")
    def _secret_given(self, event: Input.Submitted) -> None:
        self._answer = event.value  # kept in memory by the host only, never written
        event.input.value = ""
        self.query_one("#secret-box").display = False
        self._answered.set()

    @on(KeyQuestion)
    def _key_question(self, event: KeyQuestion) -> None:
        from tui_ft.host.knownhosts import HostKeyChanged, host_entry

        p = event.problem
        self._problem = p
        where = host_entry(p.hostname, p.port)
        if isinstance(p, HostKeyChanged):
            self._status(str(p), error=True)
            return
        self.query_one("#fingerprint", Static).update(
            f"First connection to {where}.\n{p.key_type} key fingerprint:\n{p.fingerprint}\n"
            "Compare it with the one your provider shows before accepting."
        )
        prompt = self.query_one("#hostkey")
        prompt.display = True
        self._status("")
        prompt.focus()  # its keys (a, escape) work at once; nothing is accepted by default

    @on(Button.Pressed, "#accept")
    def action_accept(self) -> None:

        p = self._problem
        if p is None:
            return
        p.accept()  # where the ssh config says (UserKnownHostsFile), as ssh would
        self._problem = None
        self.query_one("#spec", Input).focus()
        self.connect()

    @on(Button.Pressed, "#reject")
    def _reject(self) -> None:
        self._problem = None
        self.query_one("#hostkey").display = False
        self.query_one("#spec", Input).focus()
        self._status("Host key not accepted: not connected.", error=True)

    def action_back(self) -> None:
        """Escape: one step back, never a step forward (a host key is only saved by `a`)."""
        if self.query("HelpPanel"):
            self.app.action_hide_help_panel()
        elif self.query_one("#hostkey").display:
            self._reject()
        elif self.query_one("#secret-box").display:
            self._skip_secret()
        else:
            self.action_cancel()

    def _skip_secret(self) -> None:
        """Escape on a password or passphrase: not given, back to the login line."""
        self.query_one("#secret", Input).value = ""
        self.query_one("#secret-box").display = False
        self._answer = None
        self._answered.set()  # the worker goes on without it (and most likely fails)
        self.query_one("#spec", Input).focus()
        self._status("Skipped: trying the next way to log in ...")

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self._status(event.text, error=True)

    @on(Connected)
    def _connected(self, event: Connected) -> None:
        self.dismiss(event.host)

    @on(SetupNeeded)
    def _offer_setup(self, event: SetupNeeded) -> None:
        from screens.setup_offer import SetupOffer

        def answered(_installed: bool | None) -> None:
            self.dismiss(event.host)  # set up or not, the connection proceeds

        self.app.push_screen(SetupOffer(event.host, event.status), answered)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close the screen, keeping the app's current host."""
        self._answer = None
        self._answered.set()  # a worker waiting for a password gives up
        self.dismiss(None)
