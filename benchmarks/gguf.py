"""GGUF conversion + quantisation: through tui-ft (`find_tools`, `convert`, `quantize` with
the fallback read-back) against running llama.cpp's converter and llama-cpp-python's
quantiser directly (the baseline), alternating on the same model in one run.

The model: the demo's tokenizer with a larger random Llama (default ~27M parameters, so
the work dominates process start-up). Target (issue 7): ratio <= 1.1.
Run: OMP_NUM_THREADS=2 .venv/bin/python benchmarks/gguf.py [--runs 3] [--quant Q8_0]

`--quality [--model DIR --data FILE]` prints the quality table instead (size, bits per
weight, perplexity of f16, Q8_0, Q4_K_M without and with an importance matrix; see
benchmarks/gguf_quality.py). `--adapter ADAPTER_DIR --base MODEL_DIR` instead measures a
LoRA as an adapter GGUF (tui-ft) against merging it and converting the merged model (the
baseline), with sizes.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, report

# This file is named like the `gguf` package: drop its folder from the import path so
# `import gguf` finds the package, not this script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(REPO))

from tui_ft.gguf import find_tools  # noqa: E402
from tui_ft.gguf.convert import convert  # noqa: E402
from tui_ft.gguf.quantize import _PY_QUANTIZE, quantize  # noqa: E402
from tui_ft.gguf.remote import info_on  # noqa: E402
from tui_ft.host import LocalHost  # noqa: E402


def build_model(root: Path, hidden: int, layers: int) -> Path:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from tui_ft.demo.build import create_demo_workspace

    demo = create_demo_workspace(root / "ws")
    model_dir = root / "bench-model"
    model_dir.mkdir()
    for f in demo.iterdir():
        if f.name.startswith("tokenizer") or f.suffix == ".jinja":
            shutil.copy(f, model_dir / f.name)
    config = LlamaConfig(
        vocab_size=1024, hidden_size=hidden, intermediate_size=hidden * 3, num_hidden_layers=layers,
        num_attention_heads=8, num_key_value_heads=4, max_position_embeddings=1024,
        bos_token_id=1, eos_token_id=2, tie_word_embeddings=False,
    )  # fmt: skip
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(str(model_dir))
    return model_dir


def run_ours(model: Path, out: Path, qtype: str) -> float:
    host = LocalHost()
    start = time.perf_counter()
    tools = find_tools(host)
    convert(host, tools, str(model), str(out / "m-f16.gguf"))
    quantize(host, tools, str(out / "m-f16.gguf"), str(out / f"m-{qtype}.gguf"), qtype,
             inspect=lambda p: info_on(host, p))  # fmt: skip
    return time.perf_counter() - start


def run_baseline(converter: str, model: Path, out: Path, qtype: str, threads: str) -> float:
    start = time.perf_counter()
    f16 = out / "b-f16.gguf"
    subprocess.run(
        [sys.executable, converter, str(model), "--outfile", str(f16), "--outtype", "f16"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "-c", _PY_QUANTIZE, str(f16), str(out / f"b-{qtype}.gguf"), qtype,
         threads],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - start


def adapter_vs_merge(base: Path, adapter: Path, runs: int) -> None:
    from tui_ft.export import ExportSpec, run_export
    from tui_ft.gguf.adapter import convert_adapter

    host = LocalHost()
    tools = find_tools(host)
    ours, merged, sizes = [], [], {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for i in range(runs):
            start = time.perf_counter()
            convert_adapter(host, tools, str(base), str(adapter), str(root / f"a{i}.gguf"))
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            run_export(host, ExportSpec(str(base), str(root / f"m{i}"), adapter=str(adapter)))
            convert(host, tools, str(root / f"m{i}"), str(root / f"m{i}.gguf"), check=False)
            merged.append(time.perf_counter() - start)
        sizes = {
            "adapter": (root / "a0.gguf").stat().st_size,
            "merged": (root / "m0.gguf").stat().st_size,
        }
    report("LoRA -> adapter GGUF vs merge + convert", ours, merged)
    print(f"  sizes: adapter GGUF {sizes['adapter']} B, merged GGUF {sizes['merged']} B")


def main() -> None:
    if "--quality" in sys.argv:
        sys.argv.remove("--quality")
        import runpy  # this folder is off sys.path (see above): run the file by its path

        runpy.run_path(str(Path(__file__).with_name("gguf_quality.py")), run_name="__main__")
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--adapter", type=Path, help="measure this LoRA: adapter GGUF vs merge")
    parser.add_argument("--base", type=Path, help="with --adapter: its base model folder")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quant", default="Q8_0")
    parser.add_argument("--hidden", type=int, default=512)
    parser.add_argument("--layers", type=int, default=8)
    args = parser.parse_args()
    if args.adapter:
        adapter_vs_merge(args.base, args.adapter, args.runs)
        return
    import os

    threads = str(min(os.cpu_count() or 2, 8))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        model = build_model(root, args.hidden, args.layers)
        size = sum(f.stat().st_size for f in model.glob("*.safetensors"))
        print(f"model: hidden {args.hidden}, {args.layers} layers, {size / 1e6:.0f} MB f32")
        converter = find_tools(LocalHost()).converter
        ours, base = [], []
        for i in range(args.runs + 1):  # the first pair warms the page cache, not counted
            for which in ("ours", "base") if i % 2 else ("base", "ours"):
                out = root / f"out-{which}-{i}"
                out.mkdir()
                if which == "ours":
                    t = run_ours(model, out, args.quant)
                    (ours if i else []).append(t)
                else:
                    t = run_baseline(converter, model, out, args.quant, threads)
                    (base if i else []).append(t)
                shutil.rmtree(out)
        report(f"convert f16 + quantise {args.quant}", ours, base, target="<= 1.1")


if __name__ == "__main__":
    main()
