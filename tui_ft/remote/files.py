"""One read of a file's bytes in one round trip, through the box's agent where one runs.

An SFTP read is an open, one request per 32 KiB and a close, each waiting for its answer:
a trainer log's catch-up on attach cost about ten round trips. Through the agent the
same bytes come back in one reply (base64 in the JSON line). Without an agent (a headless
command, this machine, a batched view) it is the host's own `read_bytes`.
"""

from __future__ import annotations

import base64

from tui_ft.host.agent import agent_for, run_python
from tui_ft.host.base import Host, HostError

# argv: path offset size (-1: to the end). Exit 2: no such file.
READ = r"""
import base64, sys
path, offset, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
try:
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read() if size < 0 else fh.read(size)
except FileNotFoundError:
    sys.exit(2)
sys.stdout.write(base64.b64encode(data).decode())
"""


def read_bytes(host: Host, path: str, offset: int = 0, size: int | None = None) -> bytes:
    """`host.read_bytes(path, offset, size)`, in one round trip where the host has an agent."""
    if agent_for(host) is None:
        return host.read_bytes(path, offset, size)
    res = run_python(host, READ, [path, str(offset), str(-1 if size is None else size)])
    if res.returncode == 2:
        raise FileNotFoundError(path)
    if not res.ok:
        raise HostError(f"{host.describe()}: reading {path} failed: {res.stderr.strip()[-300:]}")
    return base64.b64decode(res.stdout)
