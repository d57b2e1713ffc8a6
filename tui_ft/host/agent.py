"""One long-lived helper process on the box per connection, for the screens that poll.

A one-shot `python -S -c SCRIPT` over SSH costs a channel open, an exec request and a
Python start on the box: two or three round trips and a few hundred ms on a busy box,
at every refresh. A connection the TUI keeps (it has a heartbeat) instead starts the
agent (`agent_box.py`) once, on one exec channel, and sends each script run as one JSON
line: one round trip. After a reconnect the next call starts a new agent (the old one
died with its channel). Headless commands, which make a call or two and exit, keep the
one-shot call: `run_python` picks.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui_ft.host.base import CommandResult, ConnectionLost, Host, HostError

if TYPE_CHECKING:
    from tui_ft.host.ssh import SSHHost

SOURCE = (Path(__file__).parent / "agent_box.py").read_text(encoding="utf-8")


class AgentGone(Exception):
    """The agent's channel ended while the link is fine (no python, a crash)."""


class AgentTimeout(Exception):
    """A script ran past its deadline: that agent is stopped, the next call starts one."""


class Agent:
    """The laptop's end of one agent process, on one channel of `host`'s transport."""

    def __init__(self, host: SSHHost) -> None:
        self.host = host
        self.generation = host.generation
        argv = [host.python, "-S", "-u", "-c", SOURCE]
        self.chan, self.pid = host.open_process(argv)
        self.known: set[str] = set()
        self.buf = b""
        self.ids = 0
        self.lock = threading.Lock()

    @property
    def alive(self) -> bool:
        return self.generation == self.host.generation and not self.chan.closed

    def request(
        self, code: str, argv: Sequence[str], env: Mapping[str, str] | None, timeout: float | None
    ) -> CommandResult:
        key = hashlib.sha1(code.encode()).hexdigest()[:16]
        with self.lock:
            self.ids += 1
            req: dict = {"id": self.ids, "key": key, "argv": list(argv), "env": dict(env or {})}
            if key not in self.known:
                req["code"] = code
            reply = self._exchange(json.dumps(req).encode() + b"\n", timeout)
            self.known.add(key)
        shown = (self.host.python, "-S", "-c", f"<agent {key}>", *argv)
        if reply.get("id") != req["id"]:
            self.close()
            raise AgentGone(f"agent answered request {reply.get('id')} to {req['id']}")
        return CommandResult(shown, int(reply["rc"]), reply["out"], reply["err"])

    def _exchange(self, line: bytes, timeout: float | None) -> dict:
        """Send one request line and read one reply line: one round trip."""
        host, gen = self.host, self.generation
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            if self.chan.closed:  # stopped by another caller meanwhile
                raise AgentGone("agent stopped")
            self.chan.sendall(line)
            while b"\n" not in self.buf:
                left = 30.0 if deadline is None else deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                self.chan.settimeout(min(left, 30.0))
                try:
                    data = self.chan.recv(1 << 20)
                except TimeoutError:
                    if gen != host.generation or not host.link.up:
                        raise ConnectionLost(f"{host.describe()}: lost during a request") from None
                    continue  # a long script on a live link: wait on to the deadline
                if not data:
                    self._ended()
                self.buf += data
        except TimeoutError:
            self.close()
            raise AgentTimeout(f"timed out after {timeout}s") from None
        except (EOFError, OSError) as exc:
            if gen == host.generation and host.connected:  # the agent's end, not the link's
                raise AgentGone(f"agent channel closed: {exc}") from exc
            raise host.lost(f"{host.describe()}: lost during an agent request: {exc}", gen) from exc
        head, _, self.buf = self.buf.partition(b"\n")
        try:
            return json.loads(head)
        except ValueError:
            self.close()
            raise AgentGone(f"agent said {head[:200]!r}") from None

    def _ended(self) -> None:
        self.chan.status_event.wait(1.0)
        code = self.chan.exit_status if self.chan.exit_status_ready() else -1
        self.chan.close()
        if code == -1 or self.generation != self.host.generation:
            raise self.host.lost(f"{self.host.describe()}: agent channel lost", self.generation)
        raise AgentGone(f"agent exited {code}")

    def close(self) -> None:
        """Stop the agent (it also ends by itself when its channel or connection closes)."""
        self.chan.close()
        if self.generation == self.host.generation and self.host.link.up:
            self.host.kill(self.pid)


_agents: weakref.WeakKeyDictionary[Host, Agent | None] = weakref.WeakKeyDictionary()
_broken: weakref.WeakKeyDictionary[Host, int] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def agent_for(host: Host) -> Agent | None:
    """The host's agent, started if needed; None for a local host, a headless connection
    (no heartbeat) or a box where the agent would not start on this connection."""
    if not host.is_remote:
        return None
    from tui_ft.host.ssh import SSHHost

    if not isinstance(host, SSHHost) or host.heartbeat is None:
        return None
    with _lock:
        agent = _agents.get(host)
        if agent is not None and agent.alive:
            return agent
        if _broken.get(host) == host.generation:
            return None
        try:
            agent = _agents[host] = Agent(host)
        except ConnectionLost:
            raise
        except HostError:  # no channel for it (MaxSessions): one-shot calls still work
            _broken[host] = host.generation
            return None
        return agent


def stop_agent(host: Host) -> None:
    with _lock:
        agent = _agents.pop(host, None)
    if agent is not None:
        agent.close()


def run_python(
    host: Host,
    code: str,
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> CommandResult:
    """Run a standard-library script on the host like `python -S -c code argv...`:
    through the agent where the connection has one, else as a one-shot command."""
    agent = agent_for(host)
    if agent is not None:
        try:
            return agent.request(code, argv, env, timeout)
        except AgentTimeout as exc:
            with _lock:
                _agents.pop(host, None)
            shown = (host.python, "-S", "-c", "<agent>", *argv)
            return CommandResult(shown, 124, "", str(exc))
        except AgentGone:
            with _lock:
                _broken[host] = agent.generation
                _agents.pop(host, None)
    return host.run([host.python, "-S", "-c", code, *argv], env=env, timeout=timeout)
