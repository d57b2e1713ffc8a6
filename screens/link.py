"""Riding out a dropped link: every area pauses instead of failing, and resumes.

The host decides when the link is down (`Host.link`, fed by the heartbeat and by any
call that finds the transport dead, see tui_ft/host/ssh_link.py); this module is the UI side:

- `LinkBanner`, composed into every area: "reconnecting… (attempt n, next in s)" while
  the link is not up. It disables the area's buttons (actions that need the box) and
  gives back exactly those it disabled when the link returns, then asks the area to
  refresh (`on_link_restored()`, else its `reload` action).
- `LinkAwareApp`: a `ConnectionLost` escaping from a worker, a timer or a handler is a
  skipped tick, not a crash (Textual would exit the app on any unhandled error, and stop
  the message loop of a widget whose handler raised). It also starts the heartbeat for a
  remote host.
- `link_guard` / `skip_when_down` for code that wants to skip explicitly.

Nothing is re-mounted, so what the user typed (forms, a chat message, a recipe being
edited) stays where it was.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import App
from textual.widgets import Button, Static

from tui_ft.host.base import ConnectionLost, Host

T = TypeVar("T")
SYNC_EVERY = 0.25  # seconds: the banner's countdown and how soon it appears


def is_link_error(error: BaseException | None) -> bool:
    """True for ConnectionLost, also wrapped (WorkerFailed, `raise ... from`)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, ConnectionLost):
            return True
        error = getattr(error, "error", None) or error.__cause__ or error.__context__
        seen += 1
    return False


def link_guard() -> contextlib.AbstractContextManager[None]:
    """`with link_guard(): ...`: a lost link ends the block quietly (the tick is skipped)."""
    return contextlib.suppress(ConnectionLost)


def skip_when_down(fn: Callable[..., T]) -> Callable[..., T | None]:
    """Decorator for worker bodies: a lost link returns None instead of raising."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T | None:
        try:
            return fn(*args, **kwargs)
        except ConnectionLost:
            return None

    return wrapper


def start_link(host: Host) -> None:
    """Start the heartbeat of a remote host that has none (`tui-ft --host` opens one
    without; the Connect screen starts its own)."""
    start = getattr(host, "start_heartbeat", None)
    if start is not None and getattr(host, "heartbeat", None) is None:
        start()


class LinkBanner(Static):
    """The reconnecting line on top of an area; hidden while the link is up."""

    DEFAULT_CSS = """
    LinkBanner {
        display: none;
        height: 1;
        width: 100%;
        padding: 0 1;
        background: $error;
        color: $text;
        text-style: bold;
    }
    LinkBanner.-down { display: block; }
    """

    def __init__(self) -> None:
        super().__init__("", id="link-banner")
        self._disabled: list[Button] = []
        self._down = False

    def on_mount(self) -> None:
        # Polls only for a remote host on the screen in front: an idle TUI wakes for nothing.
        self._timer = self.set_interval(SYNC_EVERY, self.sync, pause=True)
        self.wake()

    def wake(self) -> None:
        """The area came to the front (or the host changed): poll while it is remote."""
        timer = getattr(self, "_timer", None)
        if timer is None:  # not mounted yet: on_mount wakes it
            return
        host: Host | None = getattr(self.app, "host", None)
        if host is not None and host.is_remote:
            timer.resume()
        else:
            timer.pause()
        self.sync()

    def sleep(self) -> None:
        """The area went to the back: another area's banner polls now."""
        timer = getattr(self, "_timer", None)
        if timer is not None:
            timer.pause()

    def sync(self) -> None:
        host: Host | None = getattr(self.app, "host", None)
        if host is None:
            return
        link = host.link
        down = not link.up
        if down:
            self.update(f"⚠ {host.describe()}: {link.describe()}")
        if down == self._down:
            return
        self._down = down
        self.set_class(down, "-down")
        if down:
            self._pause()
        else:
            self._resume()

    def _pause(self) -> None:
        """Disable the area's enabled buttons: they all start work on the box."""
        self._disabled = [b for b in self.screen.query(Button) if not b.disabled]
        for button in self._disabled:
            button.disabled = True

    def _resume(self) -> None:
        for button in self._disabled:
            if button.is_attached:
                button.disabled = False
        self._disabled = []
        screen: Any = self.screen
        restored = getattr(screen, "on_link_restored", None)
        if restored is not None:
            restored()
        elif hasattr(screen, "action_reload"):
            screen.action_reload()


def _shield_handlers() -> None:
    """Make a handler that hits a lost link end quietly instead of stopping its widget.

    Textual stops a widget's message loop for good when one of its handlers raises (it
    expects the app to exit next), so a key action or button handler that touched the
    box as the link died would leave that area deaf. The dispatch of every message is
    wrapped once: ConnectionLost ends that one handler; anything else goes on as before.
    """
    from textual.message_pump import MessagePump

    original = MessagePump._dispatch_message
    if getattr(original, "link_shielded", False):
        return

    async def dispatch(self: MessagePump, message: Any) -> None:
        try:
            await original(self, message)
        except Exception as error:
            if not is_link_error(error):
                raise
            app = getattr(self, "app", None)
            if isinstance(app, LinkAwareApp):
                app.link_errors += 1

    dispatch.link_shielded = True  # type: ignore[attr-defined]
    MessagePump._dispatch_message = dispatch  # type: ignore[method-assign]


class LinkAwareApp(App[int]):
    """Base of the tui-ft app: a lost link never takes the app down."""

    link_errors = 0  # how many ticks a lost link skipped (tests and the log read it)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _shield_handlers()

    def on_mount(self) -> None:
        start_link(getattr(self, "host", None))  # type: ignore[arg-type]

    def _handle_exception(self, error: Exception) -> None:
        # Textual routes every unhandled error of a worker, timer or message handler
        # here and exits; a lost link is the one we ride out: the tick is skipped,
        # the banner says so, the heartbeat reconnects.
        if is_link_error(error):
            self.link_errors += 1
            self.log.warning(f"link: skipped after {error!r}")
            return
        super()._handle_exception(error)
