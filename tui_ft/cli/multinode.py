"""`tui-ft multinode CONFIG --nodes A,B ...`, `tui-ft multinode-stop RUN --nodes A,B` and
`tui-ft multinode-fingerprint PATH... --json` (what the pre-flight runs on each node)."""

from __future__ import annotations

import argparse
import json
import os

from tui_ft.cli.common import CLIError, load_config, workspace_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "multinode", help="train on several SSH hosts at once (LLaMA-Factory's torchrun launch)"
    )
    p.add_argument("config", help="LLaMA-Factory training YAML (paths valid on every node)")
    p.add_argument("--nodes", required=True, help="SSH aliases, comma separated")
    p.add_argument(
        "--master", metavar="ALIAS", help="the node at --master-addr, rank 0 (default: the first)"
    )
    p.add_argument("--master-addr", required=True, help="the master's address as the nodes see it")
    p.add_argument("--master-port", type=int, default=29500)
    p.add_argument("--nproc-per-node", type=int, default=1, help="GPUs (processes) per node")
    p.add_argument("--run", required=True, help="run id, the same on every node")
    p.add_argument("--python", help="Python on the nodes (default: python3)")
    p.add_argument("--no-check", action="store_true", help="skip the reachability/file check")
    p.add_argument("--follow", action="store_true", help="follow rank 0 until it ends")
    p.set_defaults(handler=run_multinode)

    s = sub.add_parser("multinode-stop", help="stop a multi-node run on every node")
    s.add_argument("run")
    s.add_argument("--nodes", required=True)
    s.add_argument("--python")
    s.set_defaults(handler=run_stop)

    f = sub.add_parser(
        "multinode-fingerprint", help="size and sha256 of every file under the paths, as JSON"
    )
    f.add_argument("paths", nargs="+", metavar="PATH")
    f.add_argument("--json", action="store_true", help="one JSON line (the only output form)")
    f.set_defaults(handler=run_fingerprint)


def _specs(args: argparse.Namespace) -> list[str]:
    specs = [n.strip() for n in args.nodes.split(",") if n.strip()]
    if len(specs) < 2:
        raise CLIError(f"--nodes {args.nodes}: needs at least two hosts, comma separated")
    return specs


def _nodes(args: argparse.Namespace, specs: list[str], config):
    from tui_ft.cli.errors import explain_host
    from tui_ft.host import open_host
    from tui_ft.multinode import Node

    nodes = []
    for spec in specs:
        try:
            host = open_host(spec, config=config)
        except Exception as exc:  # name the node that failed, not --host
            known = explain_host(exc, spec)
            if known is None:
                raise
            for node in nodes:
                node.host.close()
            raise CLIError(*known) from exc
        nodes.append(Node(host, workspace_from_args(args, host, config).root, python=args.python))
    return nodes


def _load_config_file(path: str):
    """The training YAML; one line naming the file and what is wrong with it if it is bad
    (e.g. a YAML list where LLaMA-Factory wants a mapping of arguments)."""
    from tui_ft.cli.errors import one_line
    from tui_ft.train import TrainConfig

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise CLIError(f"{path}: {exc.strerror or exc}") from exc
    try:
        return TrainConfig.from_yaml(text, source=path)
    except (ValueError, TypeError) as exc:  # TrainConfigError is a ValueError
        raise CLIError(one_line(exc, path)) from exc


def run_multinode(args: argparse.Namespace) -> int:
    from tui_ft.multinode import MultiNodeError, ranks, start
    from tui_ft.train import TrainConfigError

    config = load_config()
    cfg = _load_config_file(args.config)
    specs = _specs(args)
    master = 0
    if args.master:
        if args.master not in specs:
            raise CLIError(f"--master {args.master}: not one of --nodes {','.join(specs)}")
        master = specs.index(args.master)
    nodes = _nodes(args, specs, config)
    try:
        runs = start(
            nodes,
            cfg,
            run_id=args.run,
            master_addr=args.master_addr,
            master_port=args.master_port,
            nproc_per_node=args.nproc_per_node,
            check=not args.no_check,
            master=master,
        )
    except (MultiNodeError, TrainConfigError) as exc:
        raise CLIError(str(exc), code=1) from exc
    for node, rank, paths in sorted(
        zip(nodes, ranks(len(nodes), master), runs, strict=True), key=lambda t: t[1]
    ):
        print(f"rank {rank}: {node.host.describe()} {paths.root}")
    if args.follow:  # rank 0 writes the trainer log
        from tui_ft.cli.train import follow

        return follow(nodes[master].host, runs[master], config.hourly_price, config.currency)
    return 0


def run_stop(args: argparse.Namespace) -> int:
    from tui_ft.multinode import stop_all
    from tui_ft.train.rundir import RunPaths

    config = load_config()
    nodes = _nodes(args, _specs(args), config)
    runs = [RunPaths(f"{n.workspace.rstrip('/')}/runs/{args.run}") for n in nodes]
    stop_all(nodes, runs)
    print(f"stopped {args.run} on {len(nodes)} nodes")
    return 0


def run_fingerprint(args: argparse.Namespace) -> int:
    from tui_ft.multinode.fingerprint import fingerprint

    prints = fingerprint(args.paths)
    print(json.dumps(prints, sort_keys=True))  # missing ones too: the pre-flight names them
    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        raise CLIError(f"{missing[0]}: no such file or folder", code=1)
    return 0
