"""Does monitoring slow training? Steps/s of the demo training, in one run:

ours:     launched by tui-ft (detached, sh wrapper, LLAMABOARD_ENABLED) with the Train
          screen attached (headless Textual app following the log, GPU sampler on)
baseline: bare `llamafactory-cli train` with the same YAML
Figure: train_steps_per_second from LLaMA-Factory's train_results.json; target >= 0.98.
Run: .venv/bin/python benchmarks/train_overhead.py [ROUNDS] [MAX_STEPS (400)]
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import BIN, report

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"


def steps_per_second(output_dir: str) -> float:
    return json.loads(Path(output_dir, "train_results.json").read_text())["train_steps_per_second"]


def bare(cfg, tmp: Path, i: int) -> float:
    out = tmp / f"bare-{i}"
    cfg.output_dir = str(out)
    cfg.overwrite_output_dir = True
    yaml_path = tmp / f"bare-{i}.yaml"
    yaml_path.write_text(cfg.to_yaml())
    subprocess.run(
        [str(BIN / "llamafactory-cli"), "train", str(yaml_path)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return steps_per_second(str(out))


async def ours(cfg, ws_root: Path) -> float:
    from screens.app import TuiFtApp
    from tui_ft.config import Config
    from tui_ft.host import LocalHost
    from tui_ft.train import run_info, start_run
    from tui_ft.workspace import Workspace

    host = LocalHost()
    ws = Workspace(host, str(ws_root))
    cfg.output_dir = ""
    paths = start_run(ws, cfg, name="bench")
    app = TuiFtApp(config=Config(workspace=str(ws_root)), host=host, workspace=ws)
    async with app.run_test(size=(120, 50)) as pilot:
        app.active_run = paths.run_id
        await pilot.press("3")  # the Train screen, attached to the active run
        pid = int(host.read_text(paths.pid))
        while host.is_alive(pid):
            await pilot.pause(1.0)
        await pilot.pause(1.5)
        points = len(app.screen.query_one("#mon-spark").data or [])
    assert points > 0, "the monitor saw the run"
    assert run_info(host, paths).state == "finished"
    return steps_per_second(paths.output)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    max_steps = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    from tests.train.conftest import demo_config
    from tui_ft.demo.build import create_demo_workspace

    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        root = tmp / "ws"
        create_demo_workspace(root)
        o, b = [], []
        for i in range(rounds):  # interleaved, so load changes hit both alike
            t = time.perf_counter()
            b.append(bare(demo_config(root, max_steps), tmp, i))
            o.append(asyncio.run(ours(demo_config(root, max_steps), root)))
            print(
                f"round {i}: bare {b[-1]:.3f} it/s, tui-ft {o[-1]:.3f} it/s "
                f"({time.perf_counter() - t:.0f}s)"
            )
        report("demo training steps/s", o, b, unit=" it/s", target=">= 0.98", lower_is_better=False)


if __name__ == "__main__":
    main()
