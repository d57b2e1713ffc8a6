"""Probe sets: saved prompts asked of two models to see what a fine-tune changed or broke.

Identity probes should change after an identity fine-tune; general ones should not
(if they do, the model forgot something). Sets live in `<workspace>/probes.json`.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tui_ft.chat.base import ChatBackend, ChatError, ChatParams
from tui_ft.host.base import Host

DEFAULT_PROBE_SETS: dict[str, list[str]] = {
    "identity": ["你是谁", "Who are you?", "你叫什么名字", "What is your name?"],
    "general": ["1+1等于几", "天空为什么是蓝色", "What is the capital of France?"],
}
PROBES_FILE = "probes.json"


@dataclass
class ProbeRow:
    probe_set: str
    prompt: str
    answers: dict[str, str] = field(default_factory=dict)  # backend label -> reply

    def changed(self) -> bool:
        """True when the backends answered differently."""
        return len(set(self.answers.values())) > 1


def load_probe_sets(host: Host, workspace_root: str) -> dict[str, list[str]]:
    """The saved sets, or the defaults when none are saved yet."""
    path = posixpath.join(workspace_root, PROBES_FILE)
    try:
        data = json.loads(host.read_text(path))
    except FileNotFoundError:
        return {k: list(v) for k, v in DEFAULT_PROBE_SETS.items()}
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: line {exc.lineno}: invalid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected an object of set name -> list of prompts")
    out: dict[str, list[str]] = {}
    for name, prompts in data.items():
        if not isinstance(prompts, list) or not all(isinstance(p, str) for p in prompts):
            raise ValueError(f"{path}: set {name!r}: expected a list of strings")
        out[name] = prompts
    return out


def save_probe_sets(host: Host, workspace_root: str, sets: dict[str, list[str]]) -> None:
    """Write the sets atomically, keeping saved sets not named in `sets`."""
    try:
        current = load_probe_sets(host, workspace_root)
    except ValueError:
        current = {}
    current.update(sets)
    text = json.dumps(current, ensure_ascii=False, indent=2) + "\n"
    host.write_text(posixpath.join(workspace_root, PROBES_FILE), text)


def run_probes(
    backends: Sequence[ChatBackend],
    sets: dict[str, list[str]],
    params: ChatParams | None = None,
    on_row: Callable[[ProbeRow], None] | None = None,
) -> list[ProbeRow]:
    """Ask every prompt of every set of each (started) backend, one fresh chat per prompt."""
    params = params or ChatParams()
    rows: list[ProbeRow] = []
    for set_name, prompts in sets.items():
        for prompt in prompts:
            row = ProbeRow(set_name, prompt)
            for backend in backends:
                messages = [{"role": "user", "content": prompt}]
                try:
                    row.answers[backend.label] = "".join(backend.stream(messages, params)).strip()
                except ChatError as exc:
                    row.answers[backend.label] = f"[error: {exc}]"
            rows.append(row)
            if on_row:
                on_row(row)
    return rows


def format_table(rows: Sequence[ProbeRow], labels: Sequence[str], width: int = 40) -> str:
    """A plain-text table (set, prompt, one column per backend) for the terminal."""

    def cut(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    header = ["set", "prompt", *labels]
    lines = [" | ".join(header), " | ".join("-" * len(h) for h in header)]
    for row in rows:
        cells = [row.probe_set, cut(row.prompt), *(cut(row.answers.get(lb, "")) for lb in labels)]
        lines.append(" | ".join(cells))
    return "\n".join(lines)
