"""A chat-style port forward: a server on the box's 127.0.0.1 reached through SSH."""

from __future__ import annotations

import json
import socket
import time
import urllib.request

from tests.ssh.sshd import free_port
from tui_ft.host import LocalHost
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
