"""`tui-ft multinode CONFIG --nodes A,B ...` and `tui-ft multinode-stop RUN --nodes A,B`."""

from __future__ import annotations

import argparse

from tui_ft.cli.common import CLIError, load_config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "multinode", help="train on several SSH hosts at once (LLaMA-Factory's torchrun launch)"
    )
    p.add_argument("config", help="LLaMA-Factory training YAML (paths valid on every node)")
    p.add_argument("--nodes", required=True, help="SSH aliases, comma separated; first is rank 0")
    p.add_argument("--master-addr", required=True, help="rank 0's address as the nodes see it")
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


def _nodes(args: argparse.Namespace, workspace: str):
    from tui_ft.host import open_host
    from tui_ft.multinode import Node

    specs = [n.strip() for n in args.nodes.split(",") if n.strip()]
    if len(specs) < 2:
        raise CLIError("--nodes needs at least two hosts")
    return [Node(open_host(spec), workspace, python=args.python) for spec in specs]


def run_multinode(args: argparse.Namespace) -> int:
    import yaml

    from tui_ft.multinode import MultiNodeError, start
    from tui_ft.train import TrainConfig, TrainConfigError

    config = load_config()
    workspace = args.workspace or config.workspace
    try:
        with open(args.config, encoding="utf-8") as fh:
            cfg = TrainConfig.from_dict(yaml.safe_load(fh) or {})
    except (OSError, yaml.YAMLError, TrainConfigError, ValueError) as exc:
        raise CLIError(f"{args.config}: {exc}") from exc
    nodes = _nodes(args, workspace)
    try:
        runs = start(
            nodes,
            cfg,
            run_id=args.run,
            master_addr=args.master_addr,
            master_port=args.master_port,
            nproc_per_node=args.nproc_per_node,
            check=not args.no_check,
        )
    except (MultiNodeError, TrainConfigError) as exc:
        raise CLIError(str(exc), code=1) from exc
    for rank, (node, paths) in enumerate(zip(nodes, runs, strict=True)):
        print(f"rank {rank}: {node.host.describe()} {paths.root}")
    if args.follow:
        from tui_ft.cli.train import follow

        return follow(nodes[0].host, runs[0], config.hourly_price, config.currency)
    return 0


def run_stop(args: argparse.Namespace) -> int:
    from tui_ft.multinode import stop_all
    from tui_ft.train.rundir import RunPaths

    workspace = args.workspace or load_config().workspace
    nodes = _nodes(args, workspace)
    runs = [RunPaths(f"{n.workspace.rstrip('/')}/runs/{args.run}") for n in nodes]
    stop_all(nodes, runs)
    print(f"stopped {args.run} on {len(nodes)} nodes")
    return 0
