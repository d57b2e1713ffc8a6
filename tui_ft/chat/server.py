"""Chat through `llamafactory-cli api`: an OpenAI-compatible server for a model + adapter.

The server runs detached on the host, bound to 127.0.0.1 on a free port with a random
API key: another user of a shared box who finds the port gets 401. Over SSH the box's
port is reached through a forward: pass `tunnel` (box port -> local host, port) and the
backend talks to what it returns. Every server started
here is stopped by `close()`, at interpreter exit, and on SIGTERM/SIGHUP; a local
watchdog also stops it when this process dies without clean-up (SIGKILL).

Its parts: `server_ready` (port, readiness), `forward` (the SSH forward), `live` (clean-up
of every server started), `backends` (GGUF or server for a model path).
"""

from __future__ import annotations

import os
import posixpath
import secrets
import signal
import time
from collections.abc import Callable, Iterator

from tui_ft.chat import live
from tui_ft.chat.backends import open_backend
from tui_ft.chat.base import ChatError, ChatParams, ReplyCut
from tui_ft.chat.forward import SSHForward, ssh_forward
from tui_ft.chat.live import close_all, live_servers
from tui_ft.chat.server_ready import Progress, free_port, wait_ready
from tui_ft.chat.sse import stream_events
from tui_ft.host.base import Host

__all__ = [
    "LlamaFactoryServer",
    "Progress",
    "SSHForward",
    "close_all",
    "live_servers",
    "open_backend",
    "ssh_forward",
]

# Stops the server when the process that started it is gone (local hosts only).
_WATCHDOG = (
    'parent=$1; shift; "$@" & child=$!; '
    "trap 'kill $child 2>/dev/null; wait $child; exit 0' TERM INT HUP; "
    'while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done; '
    'kill "$child" 2>/dev/null; wait "$child"'
)
# The API key reaches the server from a 0600 file that it removes once read: on the box
# an `env API_KEY=...` in the command would show in `ps` to every user for a moment.
_KEYED = 'API_KEY=$(cat "$1") && rm -f "$1" && export API_KEY && shift && exec "$@"'


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
        live.install_hooks()

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
        self.port = free_port(self.host)
        self.host.makedirs(self.workdir)
        stem = posixpath.join(self.workdir, f"api-{self.port}")
        self.log_path = f"{stem}.log"
        self.host.remove(self.log_path)
        key_path = f"{stem}.key"
        self.host.write_text(key_path, self.api_key, secret=True)  # workdir 0700 too
        argv = [cli, "api", "--model_name_or_path", self.model, "--template", self.template]
        if self.adapter:
            argv += ["--adapter_name_or_path", self.adapter, "--finetuning_type", "lora"]
        argv = ["sh", "-c", _KEYED, "tui-ft-chat", key_path, *argv]
        if not self.host.is_remote:
            argv = ["sh", "-c", _WATCHDOG, "tui-ft-chat", str(os.getpid()), *argv]
        env = {
            "API_HOST": "127.0.0.1",
            "API_PORT": str(self.port),
            "API_MODEL_NAME": self.label,
            "DISABLE_VERSION_CHECK": "1",
            "TOKENIZERS_PARALLELISM": "false",
        }
        if progress:
            progress("starting the server")
        self.pid = self.host.spawn_detached(
            argv, cwd=self.workdir, log_path=self.log_path, pid_path=f"{stem}.pid", env=env
        )
        live.register(self)
        try:
            if self.tunnel is not None:
                local_host, local_port = self.tunnel(self.port)
            else:
                local_host, local_port = "127.0.0.1", self.port
            self.base_url = f"http://{local_host}:{local_port}"
            assert self.pid is not None and self.log_path is not None
            wait_ready(
                self.host,
                pid=self.pid,
                log_path=self.log_path,
                base_url=self.base_url,
                api_key=self.api_key,
                label=self.label,
                ready_timeout=self.ready_timeout,
                progress=progress,
            )
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop the server's whole process group; safe to call twice."""
        pid, self.pid = self.pid, None
        live.unregister(self)
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
