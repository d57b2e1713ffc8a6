"""Recipe files: parsed with line numbers, validated with errors naming step and field."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from tui_ft.lf import yamlio
from tui_ft.recipes.interpolate import UnresolvedReference, expand, literal_secrets
from tui_ft.recipes.schema import STEP_TYPES

TOP_KEYS = {"name", "description", "host", "vars", "steps"}


class RecipeError(ValueError):
    """What is wrong, and where: file, line, step and field."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "recipe",
        line: int | None = None,
        step: str | None = None,
        field: str | None = None,
    ) -> None:
        where = source + (f":{line}" if line else "")
        parts = [
            p for p in (f"step {step!r}" if step else "", f"field {field!r}" if field else "") if p
        ]
        super().__init__(f"{where}: {' '.join(parts) + ': ' if parts else ''}{message}")
        self.line, self.step, self.field = line, step, field


@dataclass
class Step:
    id: str
    type: str
    args: dict[str, Any]
    line: int | None = None


@dataclass
class Recipe:
    name: str
    steps: list[Step]
    description: str = ""
    host: str | None = None
    vars: dict[str, str] = field(default_factory=dict)
    source: str = "recipe"
    lines: dict[tuple[int, str | None], int] = field(default_factory=dict, repr=False)
    """(step index, field or "config.KEY") -> line in the recipe file."""

    def line_of(self, step: Step, name: str | None = None) -> int | None:
        index = self.steps.index(step)
        return self.lines.get((index, name), step.line) if name else step.line

    def step_ids(self) -> list[str]:
        return [s.id for s in self.steps]

    def index_of(self, step_id: str) -> int:
        try:
            return self.step_ids().index(step_id)
        except ValueError:
            raise RecipeError(
                f"no step {step_id!r}; steps: {', '.join(self.step_ids())}", source=self.source
            ) from None


def _lines(text: str) -> dict[tuple[int, str | None], int]:
    """(step index, field or None) -> 1-based line, from the YAML node marks."""
    marks: dict[tuple[int, str | None], int] = {}
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return marks
    for key, value in root.value:
        if key.value == "steps" and isinstance(value, yaml.SequenceNode):
            for i, node in enumerate(value.value):
                marks[(i, None)] = node.start_mark.line + 1
                if isinstance(node, yaml.MappingNode):
                    for k, v in node.value:
                        marks[(i, k.value)] = k.start_mark.line + 1
                        if k.value == "config" and isinstance(v, yaml.MappingNode):
                            for ck, _ in v.value:  # an inline training config's keys
                                marks[(i, f"config.{ck.value}")] = ck.start_mark.line + 1
    return marks


def load_recipe(
    path: str, env: Mapping[str, str] | None = None, builtins: Mapping[str, str] | None = None
) -> Recipe:
    with open(path, encoding="utf-8") as fh:
        return parse_recipe(fh.read(), source=path, env=env, builtins=builtins)


def parse_recipe(
    text: str,
    *,
    source: str = "recipe",
    env: Mapping[str, str] | None = None,
    builtins: Mapping[str, str] | None = None,
) -> Recipe:
    """Parse and validate. `builtins` are variables the replayer knows (`workspace`)."""
    env = os.environ if env is None else env
    try:
        raw = yamlio.load(text)  # as LLaMA-Factory reads YAML: `1e-4` is a number
        marks = _lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RecipeError(
            f"not valid YAML: {getattr(exc, 'problem', exc)}",
            source=source,
            line=mark.line + 1 if mark else None,
        ) from exc
    if not isinstance(raw, dict):
        raise RecipeError("a recipe is a mapping with name and steps", source=source)
    unknown = sorted(set(raw) - TOP_KEYS)
    if unknown:
        raise RecipeError(
            f"unknown key(s) {', '.join(unknown)}; expected {sorted(TOP_KEYS)}", source=source
        )
    for key in ("name", "steps"):
        if key not in raw:
            raise RecipeError(f"missing {key!r}", source=source, field=key)
    if not isinstance(raw["steps"], list) or not raw["steps"]:
        raise RecipeError("steps must be a non-empty list", source=source, field="steps")
    secrets = literal_secrets(raw)
    if secrets:
        raise RecipeError(
            f"{secrets[0]} holds a literal secret; use a ${{ENV}} reference",
            source=source,
            field=secrets[0],
        )
    variables = dict(builtins or {})
    variables.update({str(k): str(v) for k, v in (raw.get("vars") or {}).items()})
    try:
        variables = {k: expand(v, variables, env) for k, v in variables.items()}
    except UnresolvedReference as exc:
        raise RecipeError(f"${{{exc.name}}} is not set", source=source, field="vars") from exc

    steps: list[Step] = []
    for i, item in enumerate(raw["steps"]):
        steps.append(_parse_step(i, item, marks, variables, env, source))
    seen: set[str] = set()
    for s in steps:
        if s.id in seen:
            raise RecipeError(
                "duplicate step id", source=source, line=s.line, step=s.id, field="id"
            )
        seen.add(s.id)
    host = raw.get("host")
    if host is not None and not isinstance(host, str):
        raise RecipeError(
            "host must be text (an SSH alias or 'local')", source=source, field="host"
        )
    return Recipe(
        name=str(raw["name"]),
        steps=steps,
        description=str(raw.get("description", "")),
        host=host,
        vars=variables,
        source=source,
        lines=marks,
    )


def _parse_step(i: int, item: Any, marks, variables, env, source: str) -> Step:
    line = marks.get((i, None))
    if not isinstance(item, dict) or "type" not in item:
        raise RecipeError(
            "each step is a mapping with a 'type'",
            source=source,
            line=line,
            step=f"#{i + 1}",
            field="type",
        )
    kind = item["type"]
    step_id = str(item.get("id") or kind)
    if kind not in STEP_TYPES:
        raise RecipeError(
            f"unknown type {kind!r}; one of {', '.join(STEP_TYPES)}",
            source=source,
            line=marks.get((i, "type"), line),
            step=step_id,
            field="type",
        )
    spec = STEP_TYPES[kind]
    args = {k: v for k, v in item.items() if k not in ("id", "type")}
    for key, value in args.items():
        at = marks.get((i, key), line)
        if key not in spec:
            raise RecipeError(
                f"unknown field for a {kind} step; known: {', '.join(spec)}",
                source=source,
                line=at,
                step=step_id,
                field=key,
            )
        f = spec[key]
        if not isinstance(value, f.kind) or (f.kind is int and isinstance(value, bool)):
            raise RecipeError(
                f"expected {_kind_name(f.kind)}, got {value!r}",
                source=source,
                line=at,
                step=step_id,
                field=key,
            )
        if f.choices and value not in f.choices:
            raise RecipeError(
                f"{value!r} is not one of {', '.join(f.choices)}",
                source=source,
                line=at,
                step=step_id,
                field=key,
            )
        try:
            args[key] = expand(value, variables, env)
        except UnresolvedReference as exc:
            raise RecipeError(
                f"${{{exc.name}}} is not set (recipe vars or environment)",
                source=source,
                line=at,
                step=step_id,
                field=key,
            ) from exc
    for key, f in spec.items():
        if f.required and key not in args:
            raise RecipeError(
                "missing required field", source=source, line=line, step=step_id, field=key
            )
    if kind == "train" and args.get("nodes") and not (args.get("run") and args.get("master_addr")):
        raise RecipeError(
            "multi-node training needs run and master_addr",
            source=source,
            line=line,
            step=step_id,
            field="master_addr" if args.get("run") else "run",
        )
    if kind == "train" and ("config" in args) == ("config_file" in args):
        raise RecipeError(
            "give exactly one of config (inline) or config_file",
            source=source,
            line=line,
            step=step_id,
            field="config",
        )
    if kind == "train" and isinstance(args.get("config"), dict):
        _check_train_config(args["config"], i, marks, source, step_id, line)
    return Step(id=step_id, type=kind, args=args, line=line)


def _check_train_config(config: dict[str, Any], i: int, marks, source, step_id, line) -> None:
    """The inline config through the validator `tui-ft train` uses, before anything runs."""
    from tui_ft.train.config import TrainConfig
    from tui_ft.train.validate import check_config

    errors = check_config(TrainConfig.from_dict(config))
    if errors:
        first = errors[0]
        also = [
            f"config.{e.field} (line {marks.get((i, f'config.{e.field}'), line)}): {e.message}"
            for e in errors[1:]
        ]
        raise RecipeError(
            first.message + ("; also " + "; ".join(also) if also else ""),
            source=source,
            line=marks.get((i, f"config.{first.field}"), marks.get((i, "config"), line)),
            step=step_id,
            field=f"config.{first.field}",
        )


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "text",
        bool: "true/false",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a mapping",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)
