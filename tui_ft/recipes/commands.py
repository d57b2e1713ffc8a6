"""Each step type as the `tui-ft` command lines that perform it.

A replay is a sequence of ordinary headless commands, run on the target host through
the host abstraction: on this machine, or on a box over SSH, the same way, and a
user can copy any of them from `--dry-run` and run it by hand.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

from tui_ft.recipes.model import Step

Argv = list[str]


def _flag(argv: Argv, name: str, value: Any) -> None:
    if value is None or value is False:
        return
    argv.append(name)
    if value is not True:
        argv.append(str(value))


def demo(a: dict[str, Any]) -> list[Argv]:
    return [["demo", *([a["dir"]] if a.get("dir") else [])]]


def check(a: dict[str, Any]) -> list[Argv]:
    argv = ["check", "--json"]
    _flag(argv, "--model", a.get("model"))
    _flag(argv, "--manifest", a.get("manifest"))
    _flag(argv, "--sha256", a.get("sha256"))
    return [argv]


def download(a: dict[str, Any]) -> list[Argv]:
    argv = ["model", "download", a["repo"]]
    _flag(argv, "--hub", a.get("hub"))
    _flag(argv, "--dest", a.get("out"))
    return [argv]


def dataset(a: dict[str, Any]) -> list[Argv]:
    file = a["file"]
    cmds: list[Argv] = []
    if a.get("fill"):
        fill = a["fill"]
        stem, ext = posixpath.splitext(file)
        filled = f"{stem}.{a['name']}{ext}"
        argv = ["data", "fill", file, "--out", filled]
        _flag(argv, "--name", fill.get("name"))
        _flag(argv, "--author", fill.get("author"))
        cmds.append(argv)
        file = filled
    cmds.append(["data", "lint", file])
    argv = ["data", "register", file, "--name", a["name"], "--replace"]
    _flag(argv, "--dataset-dir", a.get("dataset_dir") or posixpath.dirname(file))
    cmds.append(argv)
    return cmds


def train(a: dict[str, Any], config_file: str | None = None) -> list[Argv]:
    config = config_file or a["config_file"]
    if a.get("nodes"):
        argv = ["multinode", config, "--nodes", ",".join(a["nodes"]), "--follow"]
        _flag(argv, "--master", a.get("master"))
        _flag(argv, "--master-addr", a.get("master_addr"))
        _flag(argv, "--master-port", a.get("master_port"))
        _flag(argv, "--nproc-per-node", a.get("nproc_per_node"))
        _flag(argv, "--run", a.get("run"))
        return [argv]
    argv = ["train", config, "--follow"]
    _flag(argv, "--run", a.get("run"))
    return [argv]


def evaluate(a: dict[str, Any]) -> list[Argv]:
    argv = ["eval", "--model", a["model"], "--dataset", a["dataset"], "--json"]
    for key in ("adapter", "dataset_dir", "template", "max_samples"):
        _flag(argv, "--" + key.replace("_", "-"), a.get(key))
    return [argv]


def probes(a: dict[str, Any]) -> list[Argv]:
    cmds = []
    for prompt in a["prompts"]:
        argv = ["ask", a["model"]]
        _flag(argv, "--adapter", a.get("adapter"))
        _flag(argv, "--template", a.get("template"))
        argv.append(str(prompt))
        cmds.append(argv)
    return cmds


def export(a: dict[str, Any]) -> list[Argv]:
    argv = ["export", "--model", a["model"], "--out", a["out"]]
    _flag(argv, "--adapter", a.get("adapter"))
    _flag(argv, "--template", a.get("template"))
    return [argv]


def gguf(a: dict[str, Any]) -> list[Argv]:
    argv = ["gguf", a["model"], "--out", a["out"]]
    quants = a.get("quant") or []
    for quant in [quants] if isinstance(quants, str) else quants:
        argv += ["--quant", str(quant)]
    for key in ("outtype", "template", "adapter", "base_gguf", "perplexity", "imatrix"):
        _flag(argv, "--" + key.replace("_", "-"), a.get(key))
    _flag(argv, "--modelfile", a.get("modelfile"))
    # A replay ends "done" only for a GGUF that builds the training prompts: verify (load,
    # generate, template check) unless the recipe says `verify: false`.
    _flag(argv, "--verify", a.get("verify", True))
    return [argv]


BUILDERS: dict[str, Callable[..., list[Argv]]] = {
    "demo": demo,
    "check": check,
    "download": download,
    "dataset": dataset,
    "train": train,
    "evaluate": evaluate,
    "probes": probes,
    "export": export,
    "gguf": gguf,
}


def step_commands(step: Step, *, train_config_file: str | None = None) -> list[Argv]:
    if step.type == "train" and "config" in step.args:
        return train(step.args, train_config_file)
    return BUILDERS[step.type](step.args)


def train_config_text(step: Step) -> str:
    """The inline LLaMA-Factory config as YAML that LLaMA-Factory reads back exactly."""
    from tui_ft.lf import yamlio

    return yamlio.dump(step.args["config"])
