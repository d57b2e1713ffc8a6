"""The signal that ended a command on the box, from the SSH server's `exit-signal`.

sshd reports a command that died by a signal (a crash) with an `exit-signal` request
and no exit status (RFC 4254, 6.10). paramiko ignores that request, so the channel's
exit status stays -1, the same as for a link that dropped: a segfault on the box read as
a lost connection. `watch` makes a transport record the signal's name on the channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import paramiko

_ATTR = "tui_ft_exit_signal"


def _handle_request(chan: paramiko.Channel, m: Any) -> None:
    from paramiko import Channel

    start = m.packet.tell()
    try:
        if m.get_text() == "exit-signal":
            m.get_boolean()  # want_reply
            setattr(chan, _ATTR, m.get_text())  # "SEGV": the name without "SIG"
    except Exception:  # a malformed request is paramiko's to handle, as before
        pass
    m.packet.seek(start)
    Channel._handle_request(chan, m)


def watch(transport: paramiko.Transport) -> None:
    """Record `exit-signal` on this transport's channels (once per transport).

    paramiko dispatches channel messages through `_channel_handler_table`; an instance
    copy with one entry wrapped leaves every other transport as it was.
    """
    from paramiko.common import MSG_CHANNEL_REQUEST

    table = transport._channel_handler_table
    if table.get(MSG_CHANNEL_REQUEST) is not _handle_request:
        transport._channel_handler_table = {**table, MSG_CHANNEL_REQUEST: _handle_request}


def exit_signal(chan: paramiko.Channel) -> str | None:
    """The signal's name ("SIGSEGV") when the command on `chan` died by one, else None."""
    name = getattr(chan, _ATTR, None)
    if not name:
        return None
    return name if name.startswith("SIG") else f"SIG{name}"
