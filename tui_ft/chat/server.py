"""Chat through `llamafactory-cli api`: an OpenAI-compatible server for a model + adapter.

The server runs detached on the host, bound to 127.0.0.1 on a free port with a random
API key. Over SSH the box's port is reached through a forward: pass `tunnel` (box port
-> local host, port) and the backend talks to what it returns. Every server started
here is stopped by `close()`, at interpreter exit, and on SIGTERM/SIGHUP; a local
watchdog also stops it when this process dies without clean-up (SIGKILL).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import posixpath
import secrets
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from tui_ft.chat.base import ChatBackend, ChatError, ChatParams, ReplyCut
from tui_ft.chat.sse import get_status, stream_events
from tui_ft.host.base import Host

Progress = Callable[[str], None]

# Log markers -> what the user sees while the server loads.
_STAGES = (
    ("Loading", "loading the model"),
    ("all params", "model loaded"),
    ("Loaded adapter", "adapter loaded"),
    ("Waiting for application startup", "starting the HTTP server"),
    ("Uvicorn running", "listening"),
)
# Stops the server when the process that started it is gone (local hosts only).
_WATCHDOG = (
    'parent=$1; shift; "$@" & child=$!; '
    "trap 'kill $child 2>/dev/null; wait $child; exit 0' TERM INT HUP; "
    'while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done; '
    'kill "$child" 2>/dev/null; wait "$child"'
)
_FREE_PORT = (
    "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
)

_LIVE: dict[int, LlamaFactoryServer] = {}
_LIVE_LOCK = threading.Lock()
_HOOKS_INSTALLED = False


class LlamaFactoryServer:
    """A ChatBackend served by `llamafactory-cli api` on `host`."""

    def __init__(
        self,
        host: Host,
        model: str,
        *,
        adapter: str | None = None,
        template: str = "default",
        label: str | None = None,
        workdir: str | None = None,
        tunnel: Callable[[int], tuple[str, int]] | None = None,
        untunnel: Callable[[], None] | None = None,
        ready_timeout: float = 300.0,
    ) -> None:
        self.host = host
        self.model = model
        self.adapter = adapter
        self.template = template
        self.label = label or posixpath.basename(adapter or model.rstrip("/"))
        self.workdir = workdir or posixpath.join(host.home(), ".cache", "tui-ft", "chat")
        self._forward: SSHForward | None = None
        if tunnel is None and host.is_remote:
            self._forward = SSHForward(host)  # the server is on the box: reach it via SSH
            tunnel, untunnel = self._forward.open, self._forward.close
        self.tunnel = tunnel
        self.untunnel = untunnel
        self.ready_timeout = ready_timeout
        self.api_key = secrets.token_urlsafe(24)
        self.pid: int | None = None
        self.port: int | None = None  # on the box
        self.base_url: str | None = None  # as reached from here
        self.log_path: str | None = None
        _install_hooks()

    # -- lifecycle ------------------------------------------------------------
    def check(self) -> None:
        """Raise ChatError if the model or adapter is missing: before any server starts."""
        if not self.host.exists(posixpath.join(self.model, "config.json")):
            what = "does not exist" if not self.host.exists(self.model) else "has no config.json"
            raise ChatError(f"model {self.model} {what} on {self.host.describe()}")
        if self.adapter and not self.host.exists(
            posixpath.join(self.adapter, "adapter_config.json")
        ):
            raise ChatError(f"adapter {self.adapter}: no adapter_config.json")

    def start(self, progress: Progress | None = None) -> None:
        """Start the server and block until it answers (call from a worker thread)."""
        if self.pid is not None:
            return
        self.check()
        cli = self.host.tool("llamafactory-cli")
        if cli is None:
            raise ChatError(f"llamafactory-cli not found on {self.host.describe()}")
        self.port = self._free_port()
        self.host.makedirs(self.workdir)
        stem = posixpath.join(self.workdir, f"api-{self.port}")
        self.log_path = f"{stem}.log"
        self.host.remove(self.log_path)
        argv = [cli, "api", "--model_name_or_path", self.model, "--template", self.template]
        if self.adapter:
            argv += ["--adapter_name_or_path", self.adapter, "--finetuning_type", "lora"]
        if not self.host.is_remote:
            argv = ["sh", "-c", _WATCHDOG, "tui-ft-chat", str(os.getpid()), *argv]
        env = {
            "API_HOST": "127.0.0.1",
            "API_PORT": str(self.port),
            "API_KEY": self.api_key,
            "API_MODEL_NAME": self.label,
            "DISABLE_VERSION_CHECK": "1",
            "TOKENIZERS_PARALLELISM": "false",
        }
        if progress:
            progress("starting the server")
        self.pid = self.host.spawn_detached(
            argv, cwd=self.workdir, log_path=self.log_path, pid_path=f"{stem}.pid", env=env
        )
        with _LIVE_LOCK:
            _LIVE[id(self)] = self
        try:
            if self.tunnel is not None:
                local_host, local_port = self.tunnel(self.port)
            else:
                local_host, local_port = "127.0.0.1", self.port
            self.base_url = f"http://{local_host}:{local_port}"
            self._wait_ready(progress)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop the server's whole process group; safe to call twice."""
        pid, self.pid = self.pid, None
        with _LIVE_LOCK:
            _LIVE.pop(id(self), None)
        if self.untunnel is not None and self.base_url is not None:
            try:
                self.untunnel()
            finally:
                self.base_url = None
        if pid is None:
            return
        self.host.signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while self.host.is_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.host.is_alive(pid):
            self.host.signal(pid, signal.SIGKILL)

    @property
    def running(self) -> bool:
        return self.pid is not None and self.host.is_alive(self.pid)

    # -- chat -----------------------------------------------------------------
    def stream(self, messages: list[dict[str, str]], params: ChatParams) -> Iterator[str]:
        """POST /v1/chat/completions with stream=true and yield each delta's text.

        Raises `ReplyCut` (with the text so far) when the reply stops before its end.
        """
        if self.base_url is None:
            raise ChatError(f"{self.label}: the server is not started")
        if params.system:
            messages = [{"role": "system", "content": params.system}, *messages]
        body = {
            "model": self.label,
            "messages": messages,
            "stream": True,
            "temperature": params.temperature,
            "do_sample": params.temperature > 0,
            "top_p": params.top_p,
            "max_tokens": params.max_new_tokens,
        }
        headers = {"Authorization": f"Bearer {self.api_key}"}
        if self._forward is not None:
            self._forward.ensure()  # after a reconnect the old forward is dead: re-make it
        url = f"{self.base_url}/v1/chat/completions"
        got: list[str] = []
        try:
            for event in stream_events(url, body, headers, label=self.label):
                choices = event.get("choices") or [{}]
                delta = choices[0].get("delta") or {}
                if delta.get("content"):
                    got.append(delta["content"])
                    yield delta["content"]
        except ReplyCut as exc:
            raise ReplyCut(f"{exc} (ask again to retry)", "".join(got)) from exc

    def reply(self, messages: list[dict[str, str]], params: ChatParams) -> str:
        return "".join(self.stream(messages, params))

    # -- internals ------------------------------------------------------------
    def _free_port(self) -> int:
        if not self.host.is_remote:
            import socket

            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                return int(sock.getsockname()[1])
        res = self.host.run([self.host.python, "-c", _FREE_PORT], timeout=30).check()
        return int(res.stdout.strip())

    def _wait_ready(self, progress: Progress | None) -> None:
        assert self.pid is not None and self.log_path is not None
        follower = self.host.follow(self.log_path)
        tail: list[str] = []
        deadline = time.monotonic() + self.ready_timeout
        headers = {"Authorization": f"Bearer {self.api_key}"}
        while True:
            for line in follower.poll():
                tail = [*tail[-19:], line]
                for marker, stage in _STAGES:
                    if marker in line and progress:
                        progress(stage)
            if get_status(f"{self.base_url}/v1/models", headers) == 200:
                if progress:
                    progress("ready")
                return
            if not self.host.is_alive(self.pid):
                last = " | ".join(ln.strip() for ln in tail[-3:] if ln.strip()) or "no output"
                raise ChatError(f"{self.label}: the API server exited: {last} ({self.log_path})")
            if time.monotonic() > deadline:
                raise ChatError(
                    f"{self.label}: the API server was not ready after {self.ready_timeout:.0f}s"
                    f" ({self.log_path})"
                )
            time.sleep(0.5)


class SSHForward:
    """The port forward to a server on an SSH box: open, ensure (after a reconnect), close."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.held: list[Any] = []

    def open(self, port: int) -> tuple[str, int]:
        from tui_ft.host.tunnel import forward

        tunnel = forward(self.host, port)  # bound to 127.0.0.1 here, host key already checked
        self.held.append(tunnel)
        return "127.0.0.1", tunnel.local_port

    def ensure(self) -> None:
        """Re-make dead forwards on the same local port, so the chat's URL stays valid."""
        from tui_ft.host.base import HostError

        for tunnel in self.held:
            try:
                tunnel.ensure()
            except HostError as exc:
                raise ChatError(f"the forward to the chat server is down: {exc}") from exc

    def close(self) -> None:
        while self.held:
            self.held.pop().stop()


def ssh_forward(host: Host) -> tuple[Callable[[int], tuple[str, int]], Callable[[], None]]:
    """A port forward for a server on an SSH box, as (open, close) callbacks."""
    fwd = SSHForward(host)
    return fwd.open, fwd.close


def open_backend(
    host: Host,
    model: str,
    adapter: str | None = None,
    template: str = "default",
    label: str | None = None,
    **server_options: Any,
) -> ChatBackend:
    """The chat backend for a model path: GGUF in-process, else a LLaMA-Factory server."""
    if model.endswith(".gguf"):
        if adapter:
            raise ChatError("a .gguf model takes no --adapter (merge the LoRA before converting)")
        if host.is_remote:
            raise ChatError("GGUF chat runs on this machine only; copy the .gguf here first")
        try:
            from tui_ft.chat.gguf import GGUFChat
        except ImportError as exc:
            raise ChatError(
                f"GGUF chat on this machine needs llama-cpp-python: install tui-ft[gguf] ({exc})"
            ) from exc
        if not host.exists(model):
            raise ChatError(f"model {model} does not exist")
        gguf: ChatBackend = GGUFChat(model, label=label)
        return gguf
    return LlamaFactoryServer(
        host, model, adapter=adapter, template=template, label=label, **server_options
    )


def close_all() -> None:
    """Stop every server this process started (atexit and signal clean-up)."""
    with _LIVE_LOCK:
        servers = list(_LIVE.values())
    for server in servers:
        with contextlib.suppress(Exception):  # best effort on the way out
            server.close()


def live_servers() -> list[LlamaFactoryServer]:
    with _LIVE_LOCK:
        return list(_LIVE.values())


def _install_hooks() -> None:
    global _HOOKS_INSTALLED
    if _HOOKS_INSTALLED:
        return
    _HOOKS_INSTALLED = True
    atexit.register(close_all)
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is signal.SIG_DFL:
            signal.signal(sig, _on_signal)


def _on_signal(signum: int, frame: object) -> None:
    close_all()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
