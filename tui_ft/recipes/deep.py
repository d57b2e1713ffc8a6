"""Check every step of a recipe on its host before anything runs.

Each step goes through the validator that step will meet when it runs: the training
config through `check_config`, dataset files through the dataset lint (format, columns),
templates against the host's LLaMA-Factory, GGUF types against llama.cpp's list.
Paths an earlier step will create (the demo, a download, a run's adapter, an export)
are not required to exist yet.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from tui_ft.host.base import Host, HostError
from tui_ft.recipes.model import Recipe, RecipeError, Step


@dataclass
class _Made:
    """What the steps so far will have created by the time a later step runs."""

    paths: list[str] = field(default_factory=list)
    datasets: set[str] = field(default_factory=set)
    anything: bool = False
    """A download with no fixed destination: model paths can't be judged."""

    def covers(self, path: str) -> bool:
        path = path.rstrip("/")
        return self.anything or any(
            path == p or path.startswith(p.rstrip("/") + "/") for p in self.paths
        )


class DeepCheck:
    def __init__(self, recipe: Recipe, host: Host, workspace: str) -> None:
        self.recipe, self.host, self.workspace = recipe, host, workspace
        self.made = _Made()
        self._templates: list[str] | None = None

    # -- reporting --------------------------------------------------------------
    def fail(self, step: Step, name: str, message: str) -> RecipeError:
        line = self.recipe.lines.get((self.recipe.steps.index(step), name))
        return RecipeError(
            message,
            source=self.recipe.source,
            line=line or self.recipe.line_of(step, name.split(".")[0]),
            step=step.id,
            field=name,
        )

    # -- the checks ---------------------------------------------------------------
    def run(self) -> None:
        for step in self.recipe.steps:
            getattr(self, f"_{step.type}", lambda _s: None)(step)
            self._record_outputs(step)

    def _exists(self, step: Step, name: str, path: str | None, what: str) -> None:
        if not path or self.made.covers(path) or self.host.exists(path):
            return
        if what == "model" and _looks_like_hub_id(path):
            return
        raise self.fail(step, name, f"{path} does not exist on {self.host.describe()}")

    def _template(self, step: Step, name: str, template: Any) -> None:
        if not template:
            return
        if self._templates is None:
            from tui_ft.lf.templates import template_names

            self._templates = template_names(self.host)
        if template not in self._templates:
            near = [t for t in self._templates if t.startswith(str(template)[:3])][:6]
            hint = f" (close: {', '.join(near)})" if near else ""
            raise self.fail(
                step, name, f"{template!r} is not a template of LLaMA-Factory here{hint}"
            )

    def _train(self, step: Step) -> None:
        from tui_ft.train.config import TrainConfig
        from tui_ft.train.validate import check_config

        if "config_file" in step.args:
            path = step.args["config_file"]
            if self.made.covers(path):
                return
            try:
                cfg = TrainConfig.from_yaml(self.host.read_text(path), source=path)
            except FileNotFoundError:
                raise self.fail(step, "config_file", f"{path} does not exist") from None
            except ValueError as exc:
                raise self.fail(step, "config_file", str(exc)) from None
            prefix = "config_file"
        else:
            cfg = TrainConfig.from_dict(step.args["config"])
            prefix = "config"
        at = (lambda f: f"config.{f}") if prefix == "config" else (lambda f: "config_file")
        for error in check_config(cfg):
            raise self.fail(step, at(error.field), f"{error.field}: {error.message}")
        self._exists(step, at("model_name_or_path"), cfg.model_name_or_path, "model")
        self._template(step, at("template"), cfg.template)
        self._train_datasets(step, cfg, at)

    def _train_datasets(self, step: Step, cfg: Any, at: Any) -> None:
        from tui_ft.datasets.info import load_info

        todo = [d for d in cfg.datasets if d not in self.made.datasets]
        if not todo or self.made.covers(posixpath.join(cfg.dataset_dir, "dataset_info.json")):
            return
        if cfg.dataset_dir.startswith("REMOTE:") or cfg.dataset_dir == "ONLINE":
            return  # LLaMA-Factory reads the hub's dataset_info.json at training time
        try:
            info = load_info(self.host, cfg.dataset_dir)
        except (ValueError, HostError) as exc:
            raise self.fail(step, at("dataset_dir"), str(exc)) from None
        if info.digest is None:
            raise self.fail(
                step, at("dataset_dir"), f"{info.path} does not exist on {self.host.describe()}"
            )
        for name in todo:
            if name not in info.entries:
                known = ", ".join(sorted(info.entries)[:8]) or "none"
                raise self.fail(
                    step, at("dataset"), f"{name!r} is not in dataset_info.json (known: {known})"
                )

    def _dataset(self, step: Step) -> None:
        from tui_ft.datasets.lint import lint_dataset

        path = step.args["file"]
        if self.made.covers(path):
            return
        self._exists(step, "file", path, "file")
        report = lint_dataset(self.host, path)
        errors = [f for f in report.findings if f.severity == "error"]
        if errors:
            first = errors[0]
            more = f" ({len(errors) - 1} more: tui-ft data lint {path})" if len(errors) > 1 else ""
            raise self.fail(step, "file", f"{first.where()}: {first.message}{more}")

    def _model_step(self, step: Step) -> None:
        self._exists(step, "model", step.args.get("model"), "model")
        self._exists(step, "adapter", step.args.get("adapter"), "adapter")
        self._template(step, "template", step.args.get("template"))

    _evaluate = _probes = _export = _check = _model_step

    def _gguf(self, step: Step) -> None:
        from tui_ft.gguf.quantize import IQ_TYPES, QUANT_TYPES

        self._model_step(step)
        quants = step.args.get("quant") or []
        for quant in [quants] if isinstance(quants, str) else quants:
            if str(quant).upper() not in (*QUANT_TYPES, *IQ_TYPES):
                raise self.fail(
                    step, "quant",
                    f"{quant!r} is not a llama-quantize type ({', '.join(QUANT_TYPES)})",
                )  # fmt: skip
            if str(quant).upper() in IQ_TYPES and not step.args.get("imatrix"):
                raise self.fail(
                    step, "quant", f"{quant} needs an importance matrix: add imatrix: DATASET"
                )
        if not str(step.args["out"]).endswith(".gguf"):
            raise self.fail(step, "out", f"{step.args['out']!r} must end in .gguf")

    # -- what each step leaves behind --------------------------------------------
    def _record_outputs(self, step: Step) -> None:
        a = step.args
        if step.type == "demo":
            root = a.get("dir") or self.workspace
            self.made.paths += [posixpath.join(root, "models"), posixpath.join(root, "datasets")]
        elif step.type == "download":
            if a.get("out"):
                self.made.paths.append(a["out"])
            else:
                self.made.anything = True
        elif step.type == "dataset":
            self.made.datasets.add(a["name"])
            if a.get("fill"):
                stem, ext = posixpath.splitext(a["file"])
                self.made.paths.append(f"{stem}.{a['name']}{ext}")
        elif step.type == "train":
            run = a.get("run")
            self.made.paths.append(posixpath.join(self.workspace, "runs", run or ""))
            config = a.get("config") or {}
            if config.get("output_dir"):
                self.made.paths.append(str(config["output_dir"]))
        elif step.type in ("export", "gguf"):
            self.made.paths.append(a["out"])


def _looks_like_hub_id(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == 2 and not path.startswith((".", "/", "~")) and all(parts)


def check_recipe(recipe: Recipe, host: Host, workspace: str) -> None:
    """Raise RecipeError (file:line, step, field) for the first step that would fail."""
    DeepCheck(recipe, host, workspace).run()
