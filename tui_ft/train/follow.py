"""Follow a growing log file as an async stream of line batches.

The catch-up on an existing (possibly huge) file reads fixed-size chunks, so memory
stays bounded; then `host.follow(path, offset)` tails it, so a host that overrides
`follow` (SSH with its own tailing) works the same. Blocking reads run in a thread
(`asyncio.to_thread`); cancelling the consumer closes the follower.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable

from tui_ft.host.base import ConnectionLost, Host

CHUNK = 4 << 20


def read_complete_lines(host: Host, path: str, offset: int, size: int = CHUNK):
    """(lines, new_offset) of the complete lines in one chunk from `offset`."""
    from tui_ft.remote.files import read_bytes

    try:
        data = read_bytes(host, path, offset, size)  # one round trip over a kept SSH link
    except FileNotFoundError:
        return [], offset
    end = data.rfind(b"\n")
    if end < 0:
        return [], offset
    chunk = data[: end + 1]
    return chunk.decode("utf-8", errors="replace").splitlines(), offset + len(chunk)


def catch_up(host: Host, path: str, offset: int = 0, size: int = CHUNK):
    """Yield the complete lines already in the file, chunk by chunk: (lines, offset)."""
    while True:
        lines, new = read_complete_lines(host, path, offset, size)
        if new == offset:
            return
        offset = new
        yield lines, offset


async def follow_lines(
    host: Host,
    path: str,
    *,
    offset: int = 0,
    interval: float = 0.5,
    stop: Callable[[], bool] | None = None,
) -> AsyncIterator[list[str]]:
    """Batches of new complete lines of `path`, forever (or until `stop()` is true).

    The file may not exist yet (a run that is still loading its model). A lost link
    pauses the stream: it waits for the host to be up again and goes on from the byte
    offset of the last line handed out, so no line is lost or repeated.
    """
    follower = None
    try:
        while True:
            try:
                if follower is None:
                    while True:  # catch up in chunks (after a reconnect too)
                        lines, new = await asyncio.to_thread(
                            read_complete_lines, host, path, offset
                        )
                        if new == offset:
                            break
                        offset = new
                        yield lines
                    follower = host.follow(path, offset)
                lines = await asyncio.to_thread(follower.poll)
                offset = follower.offset
                if lines:
                    yield lines
                elif stop is not None and stop():
                    # one last poll: lines written just before the process ended
                    lines = await asyncio.to_thread(follower.poll)
                    if lines:
                        yield lines
                    return
                else:
                    await asyncio.sleep(interval)
            except ConnectionLost:
                if follower is not None:
                    offset = follower.offset
                    _close(follower)
                    follower = None
                await asyncio.to_thread(host.wait_up, max(interval, 1.0))
    finally:
        if follower is not None:
            _close(follower)


def _close(follower) -> None:
    """Close in a thread: over SSH it kills `tail` on the box, a round trip the event
    loop must not wait for."""
    close = getattr(follower, "close", None)
    if close is not None:

        def run() -> None:
            with contextlib.suppress(Exception):
                close()

        threading.Thread(target=run, name="follow-close", daemon=True).start()
