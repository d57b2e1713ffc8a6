"""Shared helpers for the benchmark scripts (run on demand, never in the test suite)."""

from __future__ import annotations

import atexit
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def scratch_dir(prefix: str = "tui-ft-bench-") -> str:
    """A temporary working directory for the programs a benchmark starts, removed at exit.

    Tools write into their working directory (LlamaBoard: llamaboard_cache/, saves/);
    run from the checkout, that litters the repository.
    """
    path = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def report(
    name: str,
    ours: list[float],
    base: list[float],
    unit: str = "s",
    target: str = "",
    lower_is_better: bool = True,
) -> float:
    """Print medians and the ratio ours/baseline; returns the ratio."""
    o, b = statistics.median(ours), statistics.median(base)
    ratio = o / b if b else float("inf")
    print(f"{name}")
    print(f"  tui-ft   median {o:.3f}{unit}  runs {[round(x, 3) for x in ours]}")
    print(f"  baseline median {b:.3f}{unit}  runs {[round(x, 3) for x in base]}")
    verdict = f"  ratio {ratio:.4f} (1/{1 / ratio:.1f})" if ratio else "  ratio 0"
    print(verdict + (f"  target {target}" if target else ""))
    return ratio
