"""Chat with a model on the box: the API server runs there, reached through a forward."""

from __future__ import annotations

import socket

import pytest

from tui_ft.chat.base import ChatParams
from tui_ft.chat.server import LlamaFactoryServer

pytestmark = [pytest.mark.ssh, pytest.mark.lf]


def test_chat_through_a_port_forward(ssh_host, sshd, box, box_demo):
    model = box_demo / "models" / "tiny-llama-demo"
    server = LlamaFactoryServer(ssh_host, str(model), template="default")
    params = ChatParams(max_new_tokens=8)
    try:
        server.start()
        box_port = server.port
        local = int(server.base_url.rsplit(":", 1)[1])
        assert server.base_url.startswith("http://127.0.0.1:") and local != box_port
        pieces = list(server.stream([{"role": "user", "content": "hello"}], params))
        assert pieces and all(isinstance(p, str) for p in pieces)
        assert server.log_path.startswith(f"{box.home}/")  # the box's own cache folder
        # The connection dies between two questions; the next one re-makes the forward
        # (same local port) once the host has reconnected.
        assert sshd.kill_sessions()
        ssh_host.reconnect()
        again = list(server.stream([{"role": "user", "content": "hello"}], params))
        assert again and int(server.base_url.rsplit(":", 1)[1]) == local
        pid = server.pid
    finally:
        server.close()
    assert not ssh_host.is_alive(pid)  # the server on the box is gone
    with pytest.raises(OSError):  # and so is the forward here
        socket.create_connection(("127.0.0.1", local), timeout=1).close()
