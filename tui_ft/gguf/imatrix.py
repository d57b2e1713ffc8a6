"""An importance matrix from the training data, with llama.cpp's `llama-imatrix`.

The matrix records which weights the training data's activations lean on; the quantiser
spends its bits there (required for the i-quants, optional for the K-quants). The text is
the dataset without its held-out tenth, so the perplexity measured on that tenth is not
flattered by the matrix. The tool is built on demand (`tui_ft.gguf.build`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from tui_ft.gguf.build import BuiltTools
from tui_ft.gguf.cpu import tool_args
from tui_ft.gguf.perplexity import _record_text, split_records
from tui_ft.gguf.toolrun import run_to_file
from tui_ft.gguf.tools import GGUFError
from tui_ft.host.base import Host

DATASET_SUFFIXES = (".json", ".jsonl")
_TOTAL = re.compile(r"computing over (\d+) chunks")
_CHUNK = re.compile(r"\[(\d+)\]")

Progress = Callable[[str, float | None], None]


def is_dataset(path: str) -> bool:
    return path.endswith(DATASET_SUFFIXES)


def training_text(raw: str) -> str:
    """The records before the held-out tail (see `perplexity.split_records`), as text."""
    train, _ = split_records(raw)
    if not train:
        raise ValueError("too few records: all of them are the held-out slice")
    return "\n\n".join(_record_text(r) for r in train)


def compute_imatrix(
    host: Host,
    built: BuiltTools,
    model_gguf: str,
    dataset: str,
    out: str,
    progress: Progress | None = None,
    *,
    log: str | None = None,
    n_ctx: int = 128,
) -> str:
    """Write the importance matrix of `model_gguf` on `dataset` to `out`; returns `out`."""
    try:
        text = training_text(host.read_text(dataset))
    except (OSError, ValueError) as exc:
        raise GGUFError(f"{dataset}: cannot use it for an importance matrix ({exc})") from exc
    text_file = posixpath.join(posixpath.dirname(out), ".imatrix-text.txt")
    host.write_text(text_file, text)
    argv = [built.imatrix, "-m", model_gguf, "-f", text_file, "-c", str(n_ctx)]
    argv += [*tool_args(host, built.lib_dir), "-o"]  # --no-repack where AMX would crash
    try:
        run_to_file(
            host, lambda tmp: [*argv, tmp], out, failed=f"llama-imatrix failed on {model_gguf}",
            title=f"imatrix {model_gguf} on {dataset} -> {out}", log=log, progress=progress,
            fraction=_chunk_fraction(),
        )  # fmt: skip
    finally:
        host.remove(text_file)
    return out


def _chunk_fraction() -> Callable[[str], float | None]:
    """llama-imatrix says `computing over N chunks`, then `[i]` per chunk done."""
    total = 0

    def fraction(line: str) -> float | None:
        nonlocal total
        if m := _TOTAL.search(line):
            total = int(m.group(1))
        done = _CHUNK.findall(line)
        return min(int(done[-1]) / total, 1.0) if total and done else None

    return fraction
