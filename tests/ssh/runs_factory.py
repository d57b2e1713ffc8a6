"""Finished run folders written directly (no training): what `runs` and the Runs screen
read, in every end state, for tests and benchmarks of remote listing."""

from __future__ import annotations

import json
from pathlib import Path

STATES = ("finished", "failed", "killed", "stopped")


def make_runs(runs_dir: Path, count: int, steps: int = 20) -> list[str]:
    """`count` ended runs under `runs_dir` (ids sort by creation); returns their ids."""
    ids = []
    for i in range(count):
        run_id = f"20260101-{i // 60:02d}{i % 60:02d}00-demo-{i}"
        root = runs_dir / run_id
        out = root / "output"
        out.mkdir(parents=True)
        state = STATES[i % len(STATES)]
        (root / "training_args.yaml").write_text(
            f"model_name_or_path: /models/m{i}\ndataset: identity_demo\noutput_dir: {out}\n"
        )
        start = 1_767_225_600 + i * 100
        status: dict = {"launches": [{"started_at": start, "ended_at": start + 50}]}
        if state == "stopped":
            status["stop_requested_at"] = start + 40
        (root / "status.json").write_text(json.dumps(status))
        (root / "pid").write_text("4194301\n")  # above pid_max: never alive
        if state != "killed":
            (root / "exit_code").write_text({"failed": "1\n", "stopped": "143\n"}.get(state, "0\n"))
        last = steps if state == "finished" else steps // 2
        lines = [
            json.dumps({"current_steps": s, "total_steps": steps, "loss": 6.0 - s * 0.1})
            for s in range(1, last + 1)
        ]
        (out / "trainer_log.jsonl").write_text("\n".join(lines) + "\n")
        (root / "launch.log").write_text("launched\n")
        for ck in range(5, last + 1, 5):
            (out / f"checkpoint-{ck}").mkdir()
            if ck != last or state == "finished":  # the last of an ended run may be partial
                (out / f"checkpoint-{ck}" / "trainer_state.json").write_text("{}")
            (out / f"checkpoint-{ck}" / "adapter_model.safetensors").write_bytes(b"\0" * 1000)
            (out / f"checkpoint-{ck}" / "adapter_config.json").write_text("{}")
        if state == "finished":
            (out / "adapter_config.json").write_text("{}")
        ids.append(run_id)
    return ids
