"""Replay a recipe headless: each step's commands on the target host, with per-step state.

Events go to a callback as dicts (the CLI prints them as JSON lines, or with rich on a
terminal); the first failing step stops the replay and is named in the error.
"""

from __future__ import annotations

import posixpath
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui_ft.host.base import ConnectionLost, Host, HostError
from tui_ft.recipes.commands import step_commands, train_config_text
from tui_ft.recipes.deep import check_recipe
from tui_ft.recipes.model import Recipe, Step
from tui_ft.recipes.state import ReplayState

Event = dict[str, Any]


class ReplayFailed(RuntimeError):
    def __init__(self, step: Step, message: str) -> None:
        super().__init__(f"replay failed at step {step.id!r} ({step.type}): {message}")
        self.step = step


def _cli_error(lines: list[str]) -> str | None:
    """The one line a failed `tui-ft` command ends with (`tui-ft: what; fix: how`)."""
    for line in reversed(lines):
        if line.startswith("tui-ft: "):
            return line.removeprefix("tui-ft: ").strip()
    return None


@dataclass
class Replayer:
    recipe: Recipe
    host: Host
    workspace: str
    python: list[str] | None = None
    on_event: Callable[[Event], None] = lambda e: None

    def __post_init__(self) -> None:
        if self.python is None:
            # On this machine: this very interpreter. On a box: its python3 with tui-ft
            # installed (`tui-ft remote setup` sees to that).
            self.python = [self.host.python]

    def tui_ft(self, argv: list[str]) -> list[str]:
        return [*self.python, "-m", "tui_ft", "--workspace", self.workspace, *argv]

    def plan(self, step: Step) -> list[list[str]]:
        cfg = self.train_config_path(step) if step.type == "train" else None
        return [self.tui_ft(a) for a in step_commands(step, train_config_file=cfg)]

    def train_config_path(self, step: Step) -> str | None:
        if "config" not in step.args:
            return None
        return posixpath.join(self.workspace, "recipes", self.recipe.name, f"{step.id}.yaml")

    def run(self, *, start: str | None = None, dry_run: bool = False) -> ReplayState:
        """Check every step on the host (RecipeError naming file:line, step and field),
        then run them, or with `dry_run` only print their commands."""
        check_recipe(self.recipe, self.host, self.workspace)
        state = ReplayState.load(self.recipe)
        if start:
            state.reset_from(self.recipe, start)
        total = len(self.recipe.steps)
        for index, step in enumerate(self.recipe.steps, 1):
            base = {"step": step.id, "type": step.type, "index": index, "total": total}
            if dry_run:
                for argv in self.plan(step):
                    self.on_event({**base, "event": "plan", "command": shlex.join(argv)})
                continue
            if state.is_done(step):
                self.on_event({**base, "event": "skip", "reason": "done in an earlier replay"})
                continue
            self.on_event({**base, "event": "start"})
            state.mark(step, "running")
            began = time.monotonic()
            try:
                self.run_step(step, base)
            except (HostError, ReplayFailed) as exc:
                state.mark(step, "failed", error=str(exc))
                self.on_event({**base, "event": "failed", "error": str(exc)})
                raise ReplayFailed(step, str(exc).split(": ", 1)[-1]) from exc
            state.mark(step, "done", seconds=round(time.monotonic() - began, 2))
            self.on_event({**base, "event": "done", "seconds": round(time.monotonic() - began, 2)})
        return state

    def run_step(self, step: Step, base: Event) -> None:
        cfg = self.train_config_path(step)
        if cfg:
            from tui_ft.recipes.interpolate import literal_secrets

            # A `${HF_TOKEN}` expanded into the config makes the file a secret (0600, 0700).
            secret = bool(literal_secrets(step.args["config"]))
            self.host.write_text(cfg, train_config_text(step), secret=secret)
        replies: list[str] = []
        for argv in self.plan(step):
            self.on_event({**base, "event": "command", "command": shlex.join(argv)})
            lines: list[str] = []
            try:
                for line in self.host.stream(argv):  # raises HostError on a non-zero exit
                    lines.append(line)
                    self.on_event({**base, "event": "output", "line": line})
            except HostError as exc:
                said = None if isinstance(exc, ConnectionLost) else _cli_error(lines)
                if said is None:
                    raise
                raise ReplayFailed(step, said) from exc  # what failed and its fix, not "exited 1"
            replies.append("\n".join(lines))
        expect = step.args.get("expect")
        if step.type == "probes" and expect:
            missing = [
                p for p, r in zip(step.args["prompts"], replies, strict=True) if expect not in r
            ]
            if missing:
                raise ReplayFailed(step, f"answers to {missing} do not contain {expect!r}")
