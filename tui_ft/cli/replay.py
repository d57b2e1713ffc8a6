"""`tui-ft replay RECIPE` and `tui-ft recipe list|validate|show`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tui_ft.cli.common import CLIError, host_from_args, load_config, workspace_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replay", help="replay a recipe headless (resumes where it stopped)")
    p.add_argument("recipe", help="a recipe file, or the name of a shipped recipe")
    p.add_argument("--from", dest="start", metavar="STEP", help="run again from this step")
    p.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    p.add_argument("--json", action="store_true", help="JSON lines even on a terminal")
    p.set_defaults(handler=run_replay)

    r = sub.add_parser("recipe", help="list, validate or show recipes")
    rs = r.add_subparsers(dest="action", metavar="ACTION", required=True)
    rs.add_parser("list", help="the shipped recipes").set_defaults(handler=run_list)
    v = rs.add_parser("validate", help="check a recipe; errors name step and field")
    v.add_argument("recipe")
    v.set_defaults(handler=run_validate)
    k = rs.add_parser("k8s", help="a VolcanoJob (or batch/v1 Job) for the recipe's training")
    k.add_argument("recipe")
    k.add_argument("--image", required=True, help="container image with LLaMA-Factory")
    k.add_argument("--kind", choices=("volcano", "job"), default="volcano")
    k.add_argument("--replicas", type=int, default=1, help="nodes (Volcano workers)")
    k.add_argument("--gpus", type=int, default=1, help="GPUs per node")
    k.add_argument("--cpu", default="8")
    k.add_argument("--memory", default="64Gi")
    k.add_argument("--shm", default="16Gi", help="size of the /dev/shm memory volume")
    k.add_argument("--models-pvc", default="models", help="PVC mounted at /mnt/models")
    k.add_argument("--outputs-pvc", help="PVC mounted at /mnt/outputs")
    k.add_argument("--queue", default="default")
    k.add_argument("--mlflow-uri", help="MLFLOW_TRACKING_URI for the training")
    k.add_argument("--mlflow-experiment")
    k.set_defaults(handler=run_k8s)


def _load(ref: str, workspace: str):
    from tui_ft.recipes import RecipeError, load_recipe
    from tui_ft.recipes.catalog import resolve

    try:
        return load_recipe(resolve(ref), builtins={"workspace": workspace})
    except (RecipeError, FileNotFoundError) as exc:
        raise CLIError(str(exc)) from exc


def run_list(args: argparse.Namespace) -> int:
    from tui_ft.recipes import RecipeError, load_recipe
    from tui_ft.recipes.catalog import shipped_recipes

    for path in shipped_recipes():
        try:
            recipe = load_recipe(str(path), builtins={"workspace": load_config().workspace})
            print(f"{path.stem:28} {len(recipe.steps)} steps  {recipe.description}")
        except RecipeError as exc:  # a shipped recipe that needs ${ENV} still lists
            print(f"{path.stem:28} (needs settings: {exc})")
    return 0


def _on_target(args: argparse.Namespace, config):
    """(recipe, host, workspace) where the recipe runs: `${workspace}` is the box's."""
    recipe = _load(args.recipe, args.workspace or config.workspace)
    if not getattr(args, "host", None) and recipe.host and recipe.host != "local":
        args.host = recipe.host
    host = host_from_args(args, config)
    workspace = workspace_from_args(args, host, config)
    if workspace.root != (args.workspace or config.workspace):
        recipe = _load(args.recipe, workspace.root)
    return recipe, host, workspace


def run_validate(args: argparse.Namespace) -> int:
    """Every step checked by the validator it will use, on its host, before anything runs."""
    from tui_ft.recipes import RecipeError
    from tui_ft.recipes.deep import check_recipe

    recipe, host, workspace = _on_target(args, load_config())
    try:
        check_recipe(recipe, host, workspace.root)
    except RecipeError as exc:
        raise CLIError(str(exc)) from exc
    finally:
        host.close()
    print(f"{recipe.source}: ok, {len(recipe.steps)} steps: {', '.join(recipe.step_ids())}")
    return 0


def run_k8s(args: argparse.Namespace) -> int:
    from tui_ft.recipes import RecipeError
    from tui_ft.recipes.k8s import ClusterOptions, batch_job, render, validate_manifest, volcano_job

    recipe = _load(args.recipe, args.workspace or load_config().workspace)
    opts = ClusterOptions(
        image=args.image,
        replicas=args.replicas,
        gpus=args.gpus,
        cpu=args.cpu,
        memory=args.memory,
        shm=args.shm,
        models_pvc=args.models_pvc,
        outputs_pvc=args.outputs_pvc,
        queue=args.queue,
        mlflow_uri=args.mlflow_uri,
        mlflow_experiment=args.mlflow_experiment,
    )
    try:
        doc = (volcano_job if args.kind == "volcano" else batch_job)(recipe, opts)
        validate_manifest(doc)
    except (RecipeError, ValueError) as exc:
        raise CLIError(str(exc)) from exc
    except ImportError as exc:  # the schemas are an extra: the base install has no validator
        raise CLIError(
            f"recipe k8s checks manifests against the Kubernetes schemas ({exc.name} is "
            "missing): install tui-ft[cluster]"
        ) from exc
    print(render(doc), end="")
    return 0


def run_replay(args: argparse.Namespace) -> int:
    from tui_ft.recipes.replay import Replayer, ReplayFailed

    recipe, host, workspace = _on_target(args, load_config())
    as_json = args.json or not sys.stdout.isatty()
    printer = _json_printer if as_json else _RichPrinter()
    replayer = Replayer(recipe, host, workspace.root, on_event=printer)
    try:
        if args.start:
            recipe.index_of(args.start)
        replayer.run(start=args.start, dry_run=args.dry_run)
    except ReplayFailed as exc:
        if as_json:
            _json_printer({"event": "replay_failed", "step": exc.step.id, "error": str(exc)})
        raise CLIError(str(exc), code=1) from exc
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    finally:
        host.close()
    if as_json:
        _json_printer({"event": "replay_done", "recipe": recipe.name})
    return 0


def _json_printer(event: dict[str, Any]) -> None:
    print(json.dumps(event, ensure_ascii=False), flush=True)


class _RichPrinter:
    """Step headers and a spinner-free log: readable in a terminal and in `script` logs."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console()

    def __call__(self, e: dict[str, Any]) -> None:
        tag = f"[{e.get('index')}/{e.get('total')}] {e.get('step')}"
        kind = e.get("event")
        if kind == "start":
            self.console.rule(f"[bold]{tag}[/] ({e['type']})")
        elif kind == "plan":
            self.console.print(f"{tag}: [cyan]{e['command']}[/]", markup=True, highlight=False)
        elif kind == "skip":
            self.console.print(f"{tag}: [dim]skipped, {e['reason']}[/]")
        elif kind == "command":
            self.console.print(f"[dim]$ {e['command']}[/]", highlight=False)
        elif kind == "output":
            self.console.print(e["line"], markup=False, highlight=False)
        elif kind == "done":
            self.console.print(f"{tag}: [green]done[/] in {e['seconds']}s")
        elif kind == "failed":
            self.console.print(f"{tag}: [red]failed[/]: {e['error']}", markup=True)
