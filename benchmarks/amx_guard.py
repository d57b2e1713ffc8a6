"""What the load-time AMX guard costs (issue 27): perplexity and generation speed of
quantised GGUFs with the CPU's extra buffer types off (`tui_ft.gguf.cpu.load_llama(...,
guard=True)`: no AMX, no weight repacking) against the default load (the baseline).

Two models: the demo Llama (hidden 64) and a random Llama with hidden 512 built from a
config (no download), each converted to f16 and quantised to Q4_0 and Q4_K_M, the types
llama.cpp repacks on x86. Ratios are guarded / default CPU time: above 1 is what the guard
costs where it is applied (only on a CPU with AMX and a library tui-ft did not build).
The perplexities must be equal: the guard changes where weights live, not the maths.
Run: flock /tmp/tui-ft-heavy.lock .venv/bin/python benchmarks/amx_guard.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, report

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(REPO))

from tui_ft.gguf import find_tools  # noqa: E402
from tui_ft.gguf.convert import convert  # noqa: E402
from tui_ft.gguf.cpu import guard_needed_here, load_llama, read_cpuinfo  # noqa: E402
from tui_ft.gguf.perplexity import held_out_text, perplexity  # noqa: E402
from tui_ft.gguf.quantize import quantize  # noqa: E402
from tui_ft.host import LocalHost  # noqa: E402

THREADS = 1
"""One thread, timed in CPU seconds: on a shared machine wall time mostly measures the
neighbours, and the guard changes the kernels of each thread, not how they share work."""
_ONE_THREAD = {"n_threads": THREADS, "n_threads_batch": THREADS}
PROMPT = "Hello! Who are you, and who made you? 你好，请介绍一下你自己。"


def random_llama(demo_model: Path, out: Path, hidden: int) -> Path:
    """A random Llama with the demo's tokenizer files and `hidden` width, saved as HF."""
    import shutil

    import torch
    from transformers import AutoConfig, LlamaConfig, LlamaForCausalLM

    vocab = AutoConfig.from_pretrained(demo_model).vocab_size
    config = LlamaConfig(
        vocab_size=vocab, hidden_size=hidden, intermediate_size=hidden * 8 // 3 // 64 * 64,
        num_hidden_layers=4, num_attention_heads=8, num_key_value_heads=4,
        max_position_embeddings=512, tie_word_embeddings=False,
    )  # fmt: skip
    torch.manual_seed(0)
    LlamaForCausalLM(config).to(torch.float16).save_pretrained(out)
    # The demo's own tokenizer files: the converter knows their pre-tokenizer.
    for f in demo_model.iterdir():
        if f.is_file() and f.name != "config.json" and not f.name.endswith(".safetensors"):
            shutil.copy(f, out / f.name)
    return out


def measure(path: str, text: str, guard: bool, n_gen: int) -> tuple[float, float, float]:
    """(perplexity seconds, generation seconds per token, perplexity) of one load."""
    os.environ["OMP_NUM_THREADS"] = str(THREADS)
    t0 = time.process_time()
    ppl = _perplexity(path, text, guard)
    t_ppl = time.process_time() - t0
    llm = load_llama(path, guard=guard, n_ctx=256, verbose=False, seed=0, **_ONE_THREAD)
    try:
        prompt = llm.tokenize(PROMPT.encode(), add_bos=True)
        llm.eval(prompt)
        t0 = time.process_time()
        for _ in range(n_gen):
            token = llm.sample(temp=0.0)
            llm.eval([token])
        t_gen = (time.process_time() - t0) / n_gen
    finally:
        llm.close()
    return t_ppl, t_gen, ppl


def _perplexity(path: str, text: str, guard: bool) -> float:
    """`tui_ft.gguf.perplexity.perplexity` with the guard forced on or off."""
    import tui_ft.gguf.perplexity as mod

    original = mod.load_llama
    mod.load_llama = lambda p, **kw: original(p, guard=guard, **{**kw, **_ONE_THREAD})
    try:
        return perplexity(path, text, n_ctx=128).value
    finally:
        mod.load_llama = original


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--tokens", type=int, default=64, help="generated tokens per run")
    ap.add_argument("--hidden", type=int, default=512)
    args = ap.parse_args()
    from tui_ft.demo.build import create_demo_workspace

    amx = "amx_tile" in read_cpuinfo()
    print(f"CPU has AMX: {amx}; guard needed for this llama-cpp-python: {guard_needed_here()}")
    host = LocalHost()
    tools = find_tools(host)
    with tempfile.TemporaryDirectory(prefix="tui-ft-amx-") as tmp:
        root = Path(tmp)
        demo = create_demo_workspace(root / "ws")
        text = held_out_text(str(root / "ws" / "datasets" / "identity_demo.json"))
        text = (text + "\n\n") * 4  # a few windows of 128 tokens
        models = {"demo": demo, f"random-h{args.hidden}": None}
        models[f"random-h{args.hidden}"] = random_llama(demo, root / "rand", args.hidden)
        for name, model in models.items():
            f16 = root / f"{name}-f16.gguf"
            convert(host, tools, str(model), str(f16))
            for qtype in ("Q4_0", "Q4_K_M"):
                path = str(root / f"{name}-{qtype}.gguf")
                quantize(host, tools, str(f16), path, qtype, threads=THREADS)
                runs: dict[bool, list[tuple[float, float, float]]] = {True: [], False: []}
                for _ in range(args.repeats):
                    for guard in (False, True):
                        runs[guard].append(measure(path, text, guard, args.tokens))
                ppl = {g: runs[g][0][2] for g in runs}
                print(f"\n{name} {qtype}: perplexity {ppl[False]} (guarded {ppl[True]})")
                for i, what, unit, scale in (
                    (0, "perplexity CPU time", "s", 1),
                    (1, "generation CPU time per token", "ms", 1000),
                ):
                    ours = [r[i] * scale for r in runs[True]]
                    base = [r[i] * scale for r in runs[False]]
                    report(f"{name} {qtype} {what}, guarded vs default", ours, base, unit)
                    # On a shared machine the fastest run is the least disturbed one.
                    print(f"  best-of ratio {min(ours) / min(base):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
