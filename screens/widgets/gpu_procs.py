"""The GPU panel's stray processes: GPU processes no run owns, and a confirmed kill.

What Ctrl+C of a multi-GPU LLaMA-Factory run leaves behind (every GPU but the first stays
occupied, and billed). Listed by the engine on the host itself (`strays_on`: NVML and
the process table are read there); a kill signals the pid only if it is still a stray
(`kill_stray_on`), so a recycled pid is left alone. Without a GPU the panel says why.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Label, Static

from tui_ft.host.base import ConnectionLost, HostError
from tui_ft.units import human_bytes
from tui_ft.watch.gpuprocs import StrayProcess, kill_stray_on, strays_on

COLUMNS = (("pid", 8), ("GPUs", 6), ("memory", 9), ("command", 48))


class ConfirmKill(ModalScreen[bool]):
    """`y` kills, `n` or escape keeps it."""

    DEFAULT_CSS = """
    ConfirmKill { align: center middle; }
    ConfirmKill #kill-dialog {
        width: 80%; max-width: 90; height: auto; border: thick $error; background: $surface;
        padding: 0 1;
    }
    ConfirmKill #kill-title { text-style: bold; }
    ConfirmKill #kill-buttons { height: auto; margin-top: 1; }
    ConfirmKill #kill-buttons Button { margin-right: 2; }
    """

    BINDINGS = [  # noqa: RUF012 - Textual's API
        Binding("y", "answer(True)", "Kill it"),
        Binding("n", "answer(False)", "Keep it"),
        Binding("escape", "answer(False)", "Keep it", show=False),
    ]

    def __init__(self, stray: StrayProcess, where: str) -> None:
        super().__init__()
        self.stray, self.where = stray, where

    def compose(self) -> ComposeResult:
        s = self.stray
        gpus = ",".join(map(str, s.gpus))
        with Vertical(id="kill-dialog"):
            yield Label(f"Kill process {s.pid} on {self.where}?", id="kill-title")
            yield Static(f"GPU {gpus} · {human_bytes(s.used_memory)}\n{s.command}", markup=False)
            with Horizontal(id="kill-buttons"):
                yield Button("Kill (y)", id="kill-yes", variant="error", compact=True)
                yield Button("Keep (n)", id="kill-no", compact=True)
        yield Footer(compact=True, show_command_palette=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "kill-yes")


class GpuProcs(Vertical):
    """One line, and a table of stray processes when there are any."""

    DEFAULT_CSS = """
    GpuProcs { height: auto; }
    GpuProcs #strays-line { color: $text-muted; }
    GpuProcs #strays-table { height: auto; max-height: 6; }
    """
    BINDINGS = [  # noqa: RUF012 - Textual's API
        Binding("K", "kill", "Kill stray"),
        Binding("g", "reload", "GPU procs"),
    ]

    class Listed(Message):
        def __init__(self, strays: list[StrayProcess], reason: str | None) -> None:
            super().__init__()
            self.strays, self.reason = strays, reason

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.strays: list[StrayProcess] = []

    def compose(self) -> ComposeResult:
        yield Static("GPU processes: …", id="strays-line")
        yield DataTable(id="strays-table", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        table.display = False
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="gpu-strays")
    def reload(self) -> None:
        app: Any = self.app
        host, root = app.host, app.workspace.root
        try:
            strays = strays_on(host, root)
            reason = None if strays else no_gpu_reason(host)
        except ConnectionLost:
            raise  # the link banner's business: a skipped look
        except HostError as exc:  # e.g. no tui-ft on the box to read NVML there
            strays, reason = [], str(exc)
        self.post_message(self.Listed(strays, reason))

    def on_gpu_procs_listed(self, msg: Listed) -> None:
        self.strays = msg.strays
        line = self.query_one("#strays-line", Static)
        table = self.query_one(DataTable)
        if msg.reason:  # its first clause: the GPU panel above shows the whole reason
            line.update(f"GPU processes: none to list ({msg.reason.split(':')[0]})")
        elif not msg.strays:
            line.update("GPU processes: every one belongs to a run (g: look again)")
        else:
            n = len(msg.strays)
            what = f"{n} GPU process{'es' * (n > 1)} no run owns"
            line.update(f"⚠ {what} (K: kill one, g: look again)")
        row = table.cursor_row
        table.clear()
        for s in msg.strays:
            table.add_row(str(s.pid), ",".join(map(str, s.gpus)), human_bytes(s.used_memory),
                          s.command, key=str(s.pid))  # fmt: skip
        table.display = bool(msg.strays)
        if msg.strays:
            table.move_cursor(row=min(max(row, 0), len(msg.strays) - 1))
            if self.app.focused is None:
                table.focus()  # K works right away

    def selected(self) -> StrayProcess | None:
        table = self.query_one(DataTable)
        if not self.strays or not 0 <= table.cursor_row < len(self.strays):
            return None
        return self.strays[table.cursor_row]

    def action_kill(self) -> None:
        stray = self.selected()
        if stray is None:
            self.app.bell()
            return
        app: Any = self.app

        def answered(yes: bool | None) -> None:
            if yes:
                self.kill(stray.pid)

        app.push_screen(ConfirmKill(stray, app.host.describe()), answered)

    @work(thread=True, exclusive=True, group="gpu-strays")
    def kill(self, pid: int) -> None:
        app: Any = self.app
        done = kill_stray_on(app.host, app.workspace.root, pid)
        text = f"killed {pid}" if done else f"{pid} is no stray any more: left alone"
        app.call_from_thread(app.notify, text, severity="information" if done else "warning")
        app.call_from_thread(self.reload)


def no_gpu_reason(host: Any) -> str | None:
    """Why there is nothing to list: no GPU (NVML unusable) on the host, or None."""
    if not host.is_remote:
        from tui_ft.gpu import gpu_unavailable_reason

        return gpu_unavailable_reason()
    code = "from tui_ft.gpu import gpu_unavailable_reason as r; print(r() or '')"
    res = host.run([host.python, "-c", code], timeout=60)
    return (res.stdout.strip() or None) if res.ok else None
