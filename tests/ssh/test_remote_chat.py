"""Chat with a model on the box: the API server runs there, reached through a forward."""

from __future__ import annotations

import socket

import pytest

from tui_ft.chat.base import ChatParams
from tui_ft.chat.server import LlamaFactoryServer

pytestmark = [pytest.mark.ssh, pytest.mark.train]


def test_chat_through_a_port_forward(ssh_host, demo_model):
    server = LlamaFactoryServer(ssh_host, str(demo_model), template="default")
    try:
        server.start()
        box_port = server.port
        local = int(server.base_url.rsplit(":", 1)[1])
        assert server.base_url.startswith("http://127.0.0.1:") and local != box_port
        pieces = list(
            server.stream([{"role": "user", "content": "hello"}], ChatParams(max_new_tokens=8))
        )
        assert all(isinstance(p, str) for p in pieces)
        pid = server.pid
    finally:
        server.close()
    assert not ssh_host.is_alive(pid)  # the server on the box is gone
    with pytest.raises(OSError):  # and so is the forward here
        socket.create_connection(("127.0.0.1", local), timeout=1).close()
