"""The last steps of `tui-ft gguf --modelfile --verify` on the demo: Modelfile, template
check and verify in one host process (`finish_on`, what tui-ft runs) against one process
per step (the baseline: how tui-ft ran them before, each paying for its own imports of
transformers, llamafactory and llama-cpp-python), alternating in one run.

Target: ratio <= 0.7.
Run: OMP_NUM_THREADS=2 .venv/bin/python benchmarks/gguf_finish.py [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _common import REPO, report, scratch_dir

sys.path.insert(0, str(REPO))

from tui_ft.demo.build import create_demo_workspace
from tui_ft.gguf import find_tools
from tui_ft.gguf.convert import convert
from tui_ft.gguf.finish import FinishRequest
from tui_ft.gguf.modelfile import write_modelfile
from tui_ft.gguf.remote import finish_on, template_check_on, verify_on
from tui_ft.host import LocalHost


def one_process(host: LocalHost, gguf: str, model: str) -> float:
    start = time.perf_counter()
    done = finish_on(host, FinishRequest(gguf, model, "default", True, None, True))
    assert done.template_check and done.template_check.ok and done.verify and done.verify.ok
    return time.perf_counter() - start


def three_processes(host: LocalHost, gguf: str, model: str) -> float:
    start = time.perf_counter()
    modelfile = write_modelfile(host, model, "default", gguf)
    assert template_check_on(host, gguf, model, "default", modelfile).ok
    assert verify_on(host, gguf, model).ok
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    root = Path(scratch_dir())
    model = str(create_demo_workspace(root / "ws"))
    host = LocalHost()
    gguf = convert(host, find_tools(host), model, str(root / "out" / "demo-f16.gguf"))
    ours, base = [], []
    for _ in range(args.runs):
        ours.append(one_process(host, gguf, model))
        base.append(three_processes(host, gguf, model))
    report("Modelfile + template check + verify of the demo GGUF", ours, base, target="<= 0.7")


if __name__ == "__main__":
    main()
