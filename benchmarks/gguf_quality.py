"""What quantisation costs in quality: size, bits per weight and perplexity of f16, Q8_0 and
Q4_K_M, without and with an importance matrix, through `tui_ft.gguf.pipeline.run_gguf`
(the same code as `tui-ft gguf`). Also times llama.cpp's tool build and the template check.

The model: the demo Llama trained for real on its identity data (LLaMA-Factory on the CPU,
the settings of recipes/demo.yaml) and merged, so perplexity means something: a random
model scores ~vocabulary size on everything. Or `--model MERGED_DIR --data DATASET`.
The perplexity is on the dataset's held-out last tenth; the matrix never sees it.
Run: flock /tmp/tui-ft-heavy.lock .venv/bin/python benchmarks/gguf_quality.py
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from _common import BIN, REPO

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(REPO))

from tui_ft.gguf import find_tools  # noqa: E402
from tui_ft.gguf.pipeline import GGUFSpec, run_gguf  # noqa: E402
from tui_ft.gguf.remote import info_on, perplexity_on, template_check_on  # noqa: E402
from tui_ft.host import LocalHost  # noqa: E402
from tui_ft.units import human_bytes  # noqa: E402


def trained_demo(root: Path, steps: int) -> tuple[Path, Path]:
    """The demo workspace, trained with recipes/demo.yaml's settings and merged."""
    from tui_ft.demo.build import create_demo_workspace
    from tui_ft.export import ExportSpec, run_export

    ws = root / "ws"
    model = create_demo_workspace(ws)
    recipe = yaml.safe_load((REPO / "recipes" / "demo.yaml").read_text())
    config = next(s for s in recipe["steps"] if s["type"] == "train")["config"]
    config.update(model_name_or_path=str(model), dataset="identity_demo", max_steps=steps,
                  dataset_dir=str(ws / "datasets"), output_dir=str(root / "adapter"),
                  save_steps=steps, overwrite_output_dir=True)  # fmt: skip
    (root / "train.yaml").write_text(yaml.safe_dump(config))
    env = dict(os.environ, HF_HUB_OFFLINE="1", DISABLE_VERSION_CHECK="1",
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")  # fmt: skip
    subprocess.run([str(BIN / "llamafactory-cli"), "train", str(root / "train.yaml")],
                   env=env, check=True, capture_output=True)  # fmt: skip
    merged = root / "merged"
    run_export(LocalHost(), ExportSpec(str(model), str(merged), adapter=str(root / "adapter")))
    return merged, ws / "datasets" / "identity_demo.json"


def measure(model: Path, data: Path, out: Path, quants: list[str], imatrix: bool):
    host = LocalHost()
    tools = find_tools(host)
    spec = GGUFSpec(model=str(model), out=str(out / "m-f16.gguf"), quants=quants,
                    template="default", perplexity_data=str(data),
                    imatrix=str(data) if imatrix else None)  # fmt: skip
    return run_gguf(
        host, tools, spec,
        inspect=lambda p: info_on(host, p),
        perplexity=lambda p, lora: perplexity_on(host, p, str(data), lora),
        check_template=lambda g, hf, t, mf: template_check_on(host, g, hf, t, mf),
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, help="a merged model folder (default: train)")
    parser.add_argument("--data", type=Path, help="its JSON dataset")
    parser.add_argument("--steps", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        model, data = (args.model, args.data) if args.model else trained_demo(root, args.steps)
        if not args.model:
            print(f"demo trained ({args.steps} steps), merged: {time.perf_counter() - start:.0f} s")
        plain = measure(model, data, root / "plain", ["Q8_0", "Q4_K_M"], imatrix=False)
        start = time.perf_counter()
        with_matrix = measure(model, data, root / "im", ["Q8_0", "Q4_K_M", "IQ4_NL"], True)
        print(f"with the matrix: {time.perf_counter() - start:.1f} s, of which the matrix "
              f"(tools built or cached) {with_matrix.seconds.get('imatrix', 0):.1f} s")  # fmt: skip
        print(f"\n{'type':16} {'size':>8} {'bpw':>6} {'perplexity':>11}")
        rows = [(r, "") for r in plain.files] + [(r, " +imatrix") for r in with_matrix.files[1:]]
        for row, tag in rows:
            print(f"{row.kind + tag:16} {human_bytes(row.size):>8} {row.bpw:6.2f} "
                  f"{row.perplexity:11.4f}")  # fmt: skip
        print(
            f"\ntemplate check: {plain.seconds.get('template check', 0):.2f} s "
            f"(in-process part {plain.template_check.seconds:.2f} s)"
        )  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
