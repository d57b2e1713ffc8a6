"""Every quant type tui-ft offers loads and evaluates with the installed llama-cpp-python,
on the machine the suite runs on (issue 27: on a CPU with AMX every quantised type
crashed as soon as a matmul had two rows, while the suite's own machine had no AMX).

The model is the demo Llama (its tokenizer, layers and heads) at hidden size 256 with
random weights: the demo's rows of 64 fit no 256-wide block, so its "Q4_K_M" holds
Q5_0 and Q8_0 and the k-quant kernels (where AMX crashed too) would go untested. Each
type is quantised from its f16 GGUF (the i-quants with an importance matrix, as `tui-ft
gguf --imatrix` makes them), then, in a child process as tui-ft runs them, answers a
prompt of several tokens and gets a perplexity with the logits of every token
(`logits_all`: IQ4_XS crashed only with it). A crash fails its type with the crash line
instead of ending the test run.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.run_cache import built_once
from tui_ft.gguf.build import ensure_built
from tui_ft.gguf.convert import convert
from tui_ft.gguf.imatrix import compute_imatrix
from tui_ft.gguf.inspect import read_gguf_info
from tui_ft.gguf.perplexity import held_out_text
from tui_ft.gguf.quantize import IQ_TYPES, QUANT_TYPES, quantize
from tui_ft.gguf.tools import installed_versions
from tui_ft.host import LocalHost

pytestmark = pytest.mark.gguf

_EVALUATE = """
import json, sys
from tui_ft.gguf.cpu import load_llama
from tui_ft.gguf.perplexity import perplexity
path, text = sys.argv[1], sys.argv[2]
llm = load_llama(path, n_ctx=64, n_threads=2, verbose=False, seed=0)
prompt = llm.tokenize("Hello! Who are you? 你好，你是谁？".encode(), add_bos=True)
out = llm.create_completion(prompt, max_tokens=4, temperature=0.0)
llm.close()
ppl = perplexity(path, text, n_ctx=16)
print(json.dumps({"prompt": len(prompt), "reply": out["choices"][0]["text"],
                  "ppl": ppl.value, "tokens": ppl.tokens}))
"""


HIDDEN = 256


@pytest.fixture(scope="session")
def wide_gguf(demo_workspace: Path, tools, tmp_path_factory) -> Path:
    """The demo Llama at hidden 256 with random weights, as an f16 GGUF (built once)."""

    def build(out: Path) -> None:
        import torch
        from transformers import LlamaConfig, LlamaForCausalLM

        demo = demo_workspace / "models" / "tiny-llama-demo"
        config = LlamaConfig.from_pretrained(demo)
        config.hidden_size, config.intermediate_size = HIDDEN, 2 * HIDDEN
        config.head_dim = HIDDEN // config.num_attention_heads
        torch.manual_seed(0)
        model = out / "hf"
        LlamaForCausalLM(config).to(torch.float16).save_pretrained(model)
        for f in demo.iterdir():  # its tokenizer files, which the converter knows
            if f.is_file() and f.name != "config.json" and f.suffix != ".safetensors":
                shutil.copy(f, model / f.name)
        convert(LocalHost(), tools, str(model), str(out / f"wide-h{HIDDEN}-f16.gguf"))

    return (
        built_once(tmp_path_factory, f"wide-h{HIDDEN}-gguf-2", build) / f"wide-h{HIDDEN}-f16.gguf"
    )


@pytest.fixture(scope="module")
def quant_setup(wide_gguf: Path, demo_workspace: Path, tools, tmp_path_factory):
    """(tools with llama-quantize, the importance matrix, the held-out text, the folder)."""
    host = LocalHost()
    version = str(installed_versions(host, sys.executable)["llama_cpp_python"])
    built = ensure_built(host, sys.executable, version)
    folder = tmp_path_factory.mktemp("quants")
    data = demo_workspace / "datasets" / "identity_demo.json"
    matrix = compute_imatrix(host, built, str(wide_gguf), str(data), str(folder / "m.imatrix"))
    return replace(tools, quantize=built.quantize), matrix, held_out_text(str(data)), folder


@pytest.mark.parametrize("qtype", [*QUANT_TYPES, *IQ_TYPES])
def test_every_offered_quant_type_loads_and_evaluates_here(qtype, quant_setup, wide_gguf):
    tools, matrix, text, folder = quant_setup
    out = folder / f"wide-{qtype}.gguf"
    imatrix = matrix if qtype in IQ_TYPES else None
    result = quantize(
        LocalHost(), tools, str(wide_gguf), str(out), qtype, threads=2, imatrix=imatrix,
        inspect=read_gguf_info,
    )  # fmt: skip
    assert not result.fallbacks, result.summary()  # rows of 256: each type's own kernels run
    res = LocalHost().run([sys.executable, "-c", _EVALUATE, str(out), text], timeout=300)
    res.check()  # a crash: "python -c … crashed with SIGSEGV …: <cause>; <fix>"
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got["prompt"] >= 8  # the prompt is one batch: a matmul of many rows
    assert got["tokens"] > 0 and math.isfinite(got["ppl"]) and got["ppl"] > 1
