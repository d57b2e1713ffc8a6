"""`tui-ft fit --host BOX` for a 7B config over a 50 ms link: the whole command, end to end.

A real sshd on 127.0.0.1 behind the test proxy (benchmarks/_common.SlowBox) delays every
chunk by half the round trip each way. The model folder on the box holds only
Qwen2.5-7B's config.json (no weights: fit works from that alone). Baseline: the same
`tui-ft fit` run on the box itself (no link). Target (issue 33): under 2 s over 50 ms.

    .venv/bin/python benchmarks/fit_remote.py [--rtt 50] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import BIN, SlowBox, report
from tests.fit.test_estimate import QWEN25_7B

CONFIG = {
    "stage": "sft", "finetuning_type": "lora", "lora_target": "all", "lora_rank": 16,
    "template": "qwen", "cutoff_len": 4096, "per_device_train_batch_size": 2, "bf16": True,
    "dataset": "none", "gradient_accumulation_steps": 8,
}  # fmt: skip


def timed(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    took = time.perf_counter() - t0
    if res.returncode not in (0, 1):  # 1: "won't fit" is an answer
        raise SystemExit(f"{' '.join(argv)} failed: {res.stderr.strip()[-400:]}")
    json.loads(res.stdout)
    return took


def round_trips(argv: list[str], env: dict[str, str]) -> str:
    """Channel opens, SFTP and agent requests of one in-process `tui-ft fit --host`."""
    import contextlib
    import io

    from tests.ssh.proxy import count_round_trips
    from tui_ft.cli import main as cli

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        with count_round_trips() as rt, contextlib.redirect_stdout(io.StringIO()):
            cli(argv)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return f"{rt.total} ({', '.join(rt.log)})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rtt", type=float, default=50.0)
    ap.add_argument("--repeat", type=int, default=5)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SlowBox(Path(tmp)) as box:
        root = Path(tmp)
        model = root / "ws" / "models" / "Qwen2.5-7B"
        model.mkdir(parents=True)
        (model / "config.json").write_text(json.dumps(QWEN25_7B))
        cfg = root / "qwen7b.yaml"
        cfg.write_text(json.dumps({**CONFIG, "model_name_or_path": str(model)}))
        env = dict(os.environ, TUI_FT_CONFIG=str(root / "config.yaml"),
                   TUI_FT_KNOWN_HOSTS=str(root / "known"), TUI_FT_BOX_PYTHON=sys.executable,
                   HOME=str(root), OMP_NUM_THREADS="1")  # fmt: skip
        box.proxy.delay = opts.rtt / 2000
        tui_ft = str(BIN / "tui-ft")
        ws = ["--workspace", str(root / "ws")]
        remote = [tui_ft, "--host", box.spec, *ws, "fit", str(cfg), "--json", "--free", "80GiB"]
        local = [tui_ft, *ws, "fit", str(cfg), "--json", "--free", "80GiB"]
        timed(remote, env)  # warm the page cache and the box's first import
        ours = [timed(remote, env) for _ in range(opts.repeat)]
        base = [timed(local, env) for _ in range(opts.repeat)]
        trips = round_trips(remote[1:], env)
    report(
        f"tui-ft fit --host (7B config, RTT {opts.rtt:.0f} ms) vs on the box itself",
        ours,
        base,
        target="under 2 s absolute",
    )
    print(f"  round trips after the SSH handshake: {trips}")


if __name__ == "__main__":
    main()
