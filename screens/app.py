"""The tui-ft Textual app: one mode per area, a header naming the host and active run."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from screens.alt_digits import read_esc_digits_as_alt
from screens.areas import AREAS
from screens.link import LinkAwareApp
from tui_ft import __version__
from tui_ft.config import Config
from tui_ft.host import Host, LocalHost
from tui_ft.paths import styles_dir
from tui_ft.recipes.recorder import Recorder
from tui_ft.workspace import Workspace


def _stylesheets() -> list[str]:
    """app.tcss first, then one sheet per area."""
    folder = styles_dir()
    sheets = sorted(folder.glob("*.tcss"), key=lambda p: (p.name != "app.tcss", p.name))
    return [str(p) for p in sheets]


class TuiFtApp(LinkAwareApp):  # a lost link pauses the areas instead of crashing the app
    TITLE = "tui-ft"
    MODES = {area.mode: area.make for area in AREAS}  # noqa: RUF012 - Textual's API
    BINDINGS = [  # noqa: RUF012
        # F1-F7 and alt+1-7 are priority bindings: they switch areas even from inside an
        # input and never type there. The digits stay non-priority so inputs get them.
        *(
            Binding(
                f"f{a.key}",
                f"switch_mode('{a.mode}')",
                a.title if a.key != "1" else "areas",
                show=a.key == "1",  # the footer shows one "F1-7 areas" entry for all seven
                key_display="F1-7" if a.key == "1" else None,
                priority=True,
            )
            for a in AREAS
        ),
        *(
            Binding(f"alt+{a.key}", f"switch_mode('{a.mode}')", a.title, show=False, priority=True)
            for a in AREAS
        ),
        *(Binding(a.key, f"switch_mode('{a.mode}')", a.title, show=False) for a in AREAS),
        Binding("question_mark", "toggle_keys", "Keys"),
        Binding("c", "connect", "Connect", show=False),
        Binding("q", "quit", "Quit"),
    ]

    active_run: reactive[str | None] = reactive(None)

    def __init__(
        self,
        *,
        config: Config | None = None,
        host: Host | None = None,
        workspace: Workspace | None = None,
        start_mode: str = "env",
        connect_to: str | None = None,
    ) -> None:
        super().__init__(css_path=_stylesheets())
        read_esc_digits_as_alt()  # alt+1-7 inside tmux (ESC-prefixed), not "£"
        self.config = config or Config()
        self.host = host or LocalHost()
        self.workspace = workspace or Workspace(self.host, self.config.workspace)
        self.start_mode = start_mode
        self.connect_to = connect_to
        """`--host ALIAS` whose host key is not known yet: the Connect screen asks first."""
        self.recorder = Recorder()  # what the user does, to save as a recipe

    def on_mount(self) -> None:
        from screens.notifier import RunNotifier
        from screens.setup_offer import offer_when_needed

        self.sub_title = self.status_line()
        self.switch_mode(self.start_mode)
        if self.connect_to:
            from screens.connect import ConnectScreen

            self.push_screen(ConnectScreen(self.connect_to, auto=True), self.use_host)
        self.notifier = RunNotifier(self)  # bell + desktop notification when a run ends/stalls
        self.notifier.start()
        offer_when_needed(self)  # `--host BOX` lacking this tui-ft: offer remote setup --build

    def status_line(self, area: str = "") -> str:
        parts = [f"host: {self.host.describe()}", f"run: {self.active_run or '—'}"]
        if self.host.is_remote:  # which workspace on the box (the laptop's path never applies)
            parts.insert(1, f"workspace: {self.workspace.root}")
        if area:
            parts.insert(0, area)
        return " · ".join(parts)

    def watch_active_run(self) -> None:
        self.sub_title = self.status_line(getattr(self.screen, "AREA_TITLE", ""))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for area in AREAS:
            yield SystemCommand(
                f"Go to {area.title}",
                area.help,
                lambda mode=area.mode: self.switch_mode(mode),
            )

    def action_toggle_keys(self) -> None:
        """`?`: the current screen's keys (Textual's HelpPanel), again to hide them."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_connect(self) -> None:
        from screens.connect import ConnectScreen

        self.push_screen(ConnectScreen(), self.use_host)

    def use_host(self, host: Host | None, root: str | None = None) -> None:
        """Work on `host` from now on (the Connect screen's answer; None: keep the old one)."""
        if host is None:
            return
        from tui_ft.remote.workspace import box_workspace

        old, self.host = self.host, host
        self.workspace = Workspace(host, root or box_workspace(host, self.config))
        if old is not host:
            old.close()
        self.sub_title = self.status_line(getattr(self.screen, "AREA_TITLE", ""))

    @property
    def version(self) -> str:
        return __version__
