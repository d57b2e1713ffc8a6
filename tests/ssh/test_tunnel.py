"""A chat-style port forward: a server on the box's 127.0.0.1 reached through SSH."""

# ruff: noqa: F811 - the fixtures imported below are test parameters

from __future__ import annotations

import json
import socket
import time
import urllib.request

import pytest

from tests.ssh.proxy import link_proxy, proxied_host  # noqa: F401
from tests.ssh.sshd import free_port
from tui_ft.host import LocalHost
from tui_ft.host.base import ConnectionLost
from tui_ft.host.tunnel import Tunnel, forward

SERVER = """
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"models": ["tiny-llama-demo"], "path": self.path}).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def test_forward_reaches_a_server_listening_on_the_box(ssh_host, box_tmp):
    port = free_port()
    script = box_tmp / "server.py"
    script.write_text(SERVER)
    pid = ssh_host.spawn_detached(
        ["python3", str(script), str(port)],  # the box's python
        cwd=str(box_tmp),
        log_path=str(box_tmp / "server.log"),
        pid_path=str(box_tmp / "pid"),
    )
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        with Tunnel(ssh_host, port) as tunnel:
            assert tunnel.local_port != port and tunnel.local_port > 0
            with urllib.request.urlopen(f"{tunnel.url}/v1/models", timeout=5) as resp:
                assert json.load(resp) == {"models": ["tiny-llama-demo"], "path": "/v1/models"}
            # bound to loopback only: not reachable on another local address
            listeners = [
                c
                for c in __import__("psutil").net_connections("tcp")
                if c.laddr and c.laddr.port == tunnel.local_port and c.status == "LISTEN"
            ]
            assert listeners and all(c.laddr.ip == "127.0.0.1" for c in listeners)
        assert forward(LocalHost(), port) is None  # locally the port is right here
    finally:
        ssh_host.signal(pid, 9)


def _serve(host, box_tmp) -> tuple[int, int]:
    """The SERVER above started on the box: (its port, its pid)."""
    port = free_port()
    script = box_tmp / "server.py"
    script.write_text(SERVER)
    pid = host.spawn_detached(
        ["python3", str(script), str(port)],
        cwd=str(box_tmp),
        log_path=str(box_tmp / "server.log"),
        pid_path=str(box_tmp / "pid"),
    )
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return port, pid


@pytest.mark.parametrize("how", ["cut", "freeze"])
def test_forward_heals_after_a_reconnect(proxied_host, link_proxy, box_tmp, how):
    """ensure() before each request: nothing to do while up, a new forward on the same
    local port after the link came back (the chat's URL keeps working)."""
    host = proxied_host
    port, pid = _serve(host, box_tmp)
    tunnel = Tunnel(host, port).start()
    try:
        url = f"{tunnel.url}/v1/models"
        with urllib.request.urlopen(url, timeout=5) as resp:
            assert json.load(resp)["path"] == "/v1/models"
        fwd = tunnel._fwd
        tunnel.ensure()
        assert tunnel._fwd is fwd  # nothing changed: the same forward
        local = tunnel.local_port
        getattr(link_proxy, how)()
        deadline = time.monotonic() + 30
        while host.link_state == "up" and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(ConnectionLost):
            tunnel.ensure()
        link_proxy.restore()
        assert host.wait_up(60)
        tunnel.ensure()
        assert tunnel._fwd is not fwd and tunnel.local_port == local
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert json.load(resp)["path"] == "/v1/models"
    finally:
        tunnel.stop()
        host.signal(pid, 9)
