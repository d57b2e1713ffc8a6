"""The pre-flight of a multi-node run: every node reaches the master, all hold the same files.

The master node listens on MASTER_PORT and says when it does, so no probe races the
listener's start; every node then connects to MASTER_ADDR:PORT and must read the
listener's token. Each node hashes its own model and dataset files, all at once.
"""

from __future__ import annotations

import json
import posixpath
import shlex
import uuid
from concurrent.futures import ThreadPoolExecutor

from tui_ft.host.base import HostError
from tui_ft.multinode.node import MultiNodeError, Node, ranks
from tui_ft.train.config import TrainConfig

# Listens on the master's port, says "ready" once it does (or why it cannot), and
# answers every connection with a token: a probe that reads it reached *this* listener,
# not some other service on that address.
LISTENER = r"""
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("0.0.0.0", int(sys.argv[1])))
    s.listen(16)
except OSError as exc:
    print("error", exc, flush=True)
    sys.exit(1)
print("ready", flush=True)
s.settimeout(1)
end = time.time() + float(sys.argv[3])
while time.time() < end:
    try:
        c = s.accept()[0]
        c.sendall(sys.argv[2].encode())
        c.close()
    except OSError:
        pass
"""
PROBE = r"""
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), 10)
c.settimeout(10)
data = b""
while chunk := c.recv(64):
    data += chunk
print(data.decode(errors="replace"))
"""
LISTEN_SECONDS = 60  # the listener's own limit, should this process die before it


def _files_of(cfg: TrainConfig, node: Node) -> list[str]:
    paths = [cfg.model_name_or_path]
    if cfg.dataset_dir:
        info = posixpath.join(cfg.dataset_dir, "dataset_info.json")
        paths.append(info)
        try:
            entries = json.loads(node.host.read_text(info))
        except (FileNotFoundError, ValueError):
            entries = {}
        for name in cfg.datasets:
            file = (entries.get(name) or {}).get("file_name")
            if file:
                paths.append(posixpath.join(cfg.dataset_dir, file))
    return paths


def preflight(
    nodes: list[Node], cfg: TrainConfig, master_addr: str, master_port: int, master: int = 0
) -> None:
    """Raise MultiNodeError unless every node reaches the master and has the same files."""
    check_reachable(nodes, master_addr, master_port, master)
    compare_files(nodes, [cfg] * len(nodes), master)


def check_reachable(nodes: list[Node], master_addr: str, master_port: int, master: int = 0) -> None:
    """Listen on the master node's port and connect to MASTER_ADDR:PORT from every node."""
    rank = ranks(len(nodes), master)
    boss = nodes[master]
    token = uuid.uuid4().hex
    argv = [boss.py, "-c", LISTENER, str(master_port), token, str(LISTEN_SECONDS)]
    listener = boss.host.stream(argv)  # closing it kills the listener (Host contract)
    try:
        try:
            first = next(listener, "")  # blocks until it listens: no probe races its start
        except HostError as exc:
            first = str(exc)
        if first.strip() != "ready":
            raise MultiNodeError(
                f"{boss.name(0)} cannot listen on port {master_port}: "
                f"{first.removeprefix('error ').strip() or 'the listener did not start'}"
                " (is the port in use? pick another --master-port)"
            )
        with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
            probes = list(pool.map(lambda n: _probe(n, master_addr, master_port), nodes))
        for node, r, answer in zip(nodes, rank, probes, strict=True):
            if answer != token:
                where = f"MASTER_ADDR {master_addr}:{master_port}"
                if answer.startswith("error: "):
                    raise MultiNodeError(f"{node.name(r)} cannot reach {where}: {answer[7:]}")
                raise MultiNodeError(
                    f"{node.name(r)}: {where} is not the master {boss.name(0)}: something "
                    "else answers there; give the master's address as --master-addr"
                )
    finally:
        listener.close()  # the port is free again before torchrun wants it


def _probe(node: Node, addr: str, port: int) -> str:
    """The token the node read from ADDR:PORT, or "error: why"."""
    try:
        res = node.host.run([node.py, "-c", PROBE, addr, str(port)], timeout=30)
    except HostError as exc:
        return f"error: {exc}"
    if not res.ok:
        return "error: " + (res.stderr.strip().splitlines() or [f"exit {res.returncode}"])[-1]
    return res.stdout.strip()


def compare_files(nodes: list[Node], cfgs: list[TrainConfig], master: int = 0) -> None:
    """The model and dataset files of each node (by its config) must equal the master's.

    Each node hashes its own files (sha256, every file, in parallel on the node) with
    `python -m tui_ft multinode-fingerprint ... --json`, all nodes at once: nothing but
    the digests crosses the network.
    """
    rank = ranks(len(nodes), master)
    with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
        prints = list(pool.map(_fingerprint_on, nodes, cfgs, rank))
    reference, boss = prints[master], nodes[master].name(0)
    for node, r, theirs in zip(nodes, rank, prints, strict=True):
        for rel in sorted(set(reference) | set(theirs)):
            if reference.get(rel) == theirs.get(rel):
                continue
            if theirs.get(rel) is None:
                what = "is missing"
            elif reference.get(rel) is None:
                what = f"is not on the master {boss}"
            else:
                what = f"differs from the master {boss}"
            raise MultiNodeError(f"{node.name(r)}: {rel} {what}")


def _fingerprint_on(node: Node, cfg: TrainConfig, rank: int) -> dict[str, list | None]:
    files = _files_of(cfg, node)
    argv = [node.py, "-m", "tui_ft", "multinode-fingerprint", *files, "--json"]
    try:
        res = node.host.run(argv, timeout=3600)  # hashing a large model takes a while
    except HostError as exc:
        raise MultiNodeError(f"{node.name(rank)}: cannot hash {shlex.join(files)}: {exc}") from exc
    try:  # exit 1 with the JSON still printed: a path is missing there, named below
        return json.loads(res.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        pass
    why = (res.stderr.strip() or res.stdout.strip()).splitlines()[-1:] or [f"exit {res.returncode}"]
    raise MultiNodeError(
        f"{node.name(rank)}: `{node.py} -m tui_ft multinode-fingerprint` failed: {why[0]} "
        "(is tui-ft installed in that Python on the node?)"
    )
