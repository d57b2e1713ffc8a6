"""Quantise a GGUF with llama-quantize, or llama-cpp-python's llama_model_quantize.

llama.cpp quietly swaps a type when a tensor's rows don't fit the type's block
(k-quants need rows divisible by 256): a "Q4_K_M" file can hold mostly Q5_0. The
result's tensor types are read back and every swap is reported.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tui_ft.gguf.inspect import GGUFInfo
from tui_ft.gguf.toolrun import run_to_file
from tui_ft.gguf.tools import GGUFError, LlamaCppTools
from tui_ft.host.base import Host
from tui_ft.units import human_bytes

QUANT_TYPES = (
    "Q8_0",
    "Q6_K",
    "Q5_K_M",
    "Q5_K_S",
    "Q5_0",
    "Q4_K_M",
    "Q4_K_S",
    "Q4_0",
    "Q3_K_M",
    "Q3_K_S",
    "Q2_K",
)
IQ_TYPES = (
    "IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M",
    "IQ3_XXS", "IQ3_XS", "IQ3_S", "IQ3_M", "IQ4_XS", "IQ4_NL",
)  # fmt: skip
IMATRIX_REQUIRED = IQ_TYPES
"""The i-quants place their few bits by importance: llama-quantize refuses the smallest
without a matrix, and the rest lose far more quality without one."""
_K_TYPES = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"}
_STEP = re.compile(r"^\[\s*(\d+)/\s*(\d+)\]")
_FALLBACK = re.compile(
    r"(\S+)\s+- ncols\s+(\d+) not divisible by (\d+) \(required for type\s+(\S+)\)"
    r" -> falling back to\s+(\S+)"
)

_PY_QUANTIZE = """
import ctypes, sys, llama_cpp
src, dst, ftype, threads = sys.argv[1:5]
params = llama_cpp.llama_model_quantize_default_params()
params.ftype = getattr(llama_cpp, "LLAMA_FTYPE_MOSTLY_" + ftype)
params.nthread = int(threads)
failed = llama_cpp.llama_model_quantize(src.encode(), dst.encode(), ctypes.byref(params))
sys.exit(1 if failed else 0)
"""

Progress = Callable[[str, float | None], None]


@dataclass(frozen=True)
class Fallback:
    tensor: str
    wanted: str | None
    got: str
    ncols: int

    def describe(self) -> str:
        wanted = f"{self.wanted} " if self.wanted else ""
        return f"{self.tensor}: rows of {self.ncols} don't fit {wanted}-> {self.got}"


@dataclass
class QuantResult:
    path: str
    qtype: str
    size: int
    source_size: int
    fallbacks: list[Fallback] = field(default_factory=list)
    type_counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        text = (
            f"{self.qtype}: {human_bytes(self.size)} ({self.size / max(self.source_size, 1):.0%})"
        )
        if self.fallbacks:
            got = sorted({f.got for f in self.fallbacks})
            text += (
                f"; {len(self.fallbacks)} tensor(s) fell back to {', '.join(got)} "
                "because their row width doesn't allow the type"
            )
        return text


def quantize(
    host: Host,
    tools: LlamaCppTools,
    src: str,
    out: str,
    qtype: str,
    *,
    threads: int | None = None,
    progress: Progress | None = None,
    inspect: Callable[[str], GGUFInfo] | None = None,
    log: str | None = None,
    imatrix: str | None = None,
) -> QuantResult:
    """Quantise `src` into `out` (temporary name, renamed on success).

    `imatrix`: an importance matrix file (llama-quantize only); `log`: append the output there.
    """
    say = progress or (lambda _line, _frac: None)
    qtype = qtype.upper()
    if qtype not in QUANT_TYPES and qtype not in IQ_TYPES:
        raise GGUFError(f"quantisation type must be one of {', '.join(QUANT_TYPES)}, got {qtype}")
    src_stat = host.stat(src)
    if src_stat is None:
        raise GGUFError(f"{src}: no such GGUF file")
    nthreads = str(threads or min(os.cpu_count() or 2, 8))
    if qtype in IMATRIX_REQUIRED and not imatrix:
        raise GGUFError(
            f"{qtype} is an i-quant and needs an importance matrix (llama.cpp refuses the "
            "smallest without one, the others lose much more quality): pass --imatrix DATASET, "
            "or choose a K-quant such as Q4_K_M"
        )
    if imatrix and not tools.quantize:
        raise GGUFError(
            "an importance matrix needs llama.cpp's llama-quantize (llama-cpp-python's "
            "quantiser cannot take one): `tui-ft gguf --imatrix` builds it, or set llama_cpp_dir"
        )

    def argv(tmp: str) -> list[str]:
        if tools.quantize:
            matrix = ["--imatrix", imatrix] if imatrix else []
            return [tools.quantize, *matrix, src, tmp, qtype, nthreads]
        return [tools.python, "-c", _PY_QUANTIZE, src, tmp, qtype, nthreads]

    lines = run_to_file(
        host, argv, out, failed=f"quantising {src} to {qtype} failed",
        title=f"quantise {src} -> {out} ({qtype})", log=log, progress=say, fraction=_fraction,
    )  # fmt: skip
    logged = [_logged(m) for m in map(_FALLBACK.search, lines) if m is not None]
    size = host.stat(out).size  # type: ignore[union-attr]
    result = QuantResult(out, qtype, size, src_stat.size)
    if inspect is not None:
        info = inspect(out)
        result.type_counts = info.type_counts()
        result.fallbacks = _merge(logged, detect_fallbacks(info, qtype))
    else:
        result.fallbacks = logged
    return result


def _logged(m: re.Match[str]) -> Fallback:
    name, ncols, _block, wanted, got = m.groups()
    return Fallback(name, wanted.upper(), got.upper(), int(ncols))


def _fraction(line: str) -> float | None:
    m = _STEP.match(line.strip())
    return int(m.group(1)) / int(m.group(2)) if m else None


def detect_fallbacks(info: GGUFInfo, qtype: str) -> list[Fallback]:
    """Matrices that a k-quant request left in a non-k type (read from the result itself)."""
    if "_K" not in qtype:
        return []
    found = []
    for t in info.tensors:
        if len(t.shape) >= 2 and t.type not in _K_TYPES and t.type not in ("F32", "F16", "BF16"):
            found.append(Fallback(t.name, None, t.type, t.shape[0]))
    return found


def _merge(logged: list[Fallback], detected: list[Fallback]) -> list[Fallback]:
    by_name = {f.tensor: f for f in detected}
    by_name.update({f.tensor: f for f in logged})  # the log also names the wanted type
    return sorted(by_name.values(), key=lambda f: f.tensor)


def quantized_name(f16_path: str, qtype: str) -> str:
    """demo-f16.gguf -> demo-Q4_K_M.gguf beside it."""
    parent, name = posixpath.split(f16_path)
    stem = name[:-5] if name.endswith(".gguf") else name
    for suffix in ("-f16", "-bf16", "-F16", "-BF16", "-f32", "-q8_0"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    return posixpath.join(parent, f"{stem}-{qtype}.gguf")
