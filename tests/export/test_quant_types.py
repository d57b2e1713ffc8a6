"""Every quant type tui-ft offers loads and evaluates with the installed llama-cpp-python,
on the machine the suite runs on (issue 27: on a CPU with AMX every quantised type
crashed as soon as a matmul had two rows, while the suite's own machine had no AMX).

Each file is quantised from the demo's f16 GGUF (the i-quants with an importance
matrix, as `tui-ft gguf --imatrix` makes them), then, in a child process as tui-ft
runs them, answers a prompt of several tokens and gets a perplexity with the logits of
every token (`logits_all`: IQ4_XS crashed only with it). A crash fails its type with the
crash line instead of ending the test run.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tui_ft.gguf.build import ensure_built
from tui_ft.gguf.imatrix import compute_imatrix
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


@pytest.fixture(scope="module")
def quant_setup(demo_gguf: Path, demo_workspace: Path, tools, tmp_path_factory):
    """(tools with llama-quantize, the importance matrix, the held-out text, the folder)."""
    host = LocalHost()
    version = str(installed_versions(host, sys.executable)["llama_cpp_python"])
    built = ensure_built(host, sys.executable, version)
    folder = tmp_path_factory.mktemp("quants")
    data = demo_workspace / "datasets" / "identity_demo.json"
    matrix = compute_imatrix(host, built, str(demo_gguf), str(data), str(folder / "m.imatrix"))
    from tui_ft.gguf.perplexity import held_out_text

    return replace(tools, quantize=built.quantize), matrix, held_out_text(str(data)), folder


@pytest.mark.parametrize("qtype", [*QUANT_TYPES, *IQ_TYPES])
def test_every_offered_quant_type_loads_and_evaluates_here(qtype, quant_setup, demo_gguf):
    tools, matrix, text, folder = quant_setup
    out = folder / f"demo-{qtype}.gguf"
    imatrix = matrix if qtype in IQ_TYPES else None
    quantize(LocalHost(), tools, str(demo_gguf), str(out), qtype, threads=2, imatrix=imatrix)
    res = LocalHost().run([sys.executable, "-c", _EVALUATE, str(out), text], timeout=300)
    res.check()  # a crash: "python -c … crashed with SIGSEGV …: <cause>; <fix>"
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got["prompt"] >= 8  # the prompt is one batch: a matmul of many rows
    assert got["tokens"] > 0 and math.isfinite(got["ppl"]) and got["ppl"] > 1
