"""Structural check of a .safetensors file from its header alone (no tensor is read).

Layout: 8-byte little-endian header length N, N bytes of JSON
{name: {dtype, shape, data_offsets: [begin, end]}}, then the data. A truncated
download leaves tensors whose end lies past the file's end; a git-LFS pointer or
an HTML error page reads as an absurd N (LLaMA-Factory's "HeaderTooLarge").
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass, field

MAX_HEADER = 100 * 1024 * 1024  # the safetensors library's own limit
DTYPE_BYTES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1,
    "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
    "I32": 4, "U32": 4, "F32": 4,
    "I64": 8, "U64": 8, "F64": 8,
}  # fmt: skip


@dataclass
class SafetensorsInfo:
    tensors: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (begin, end)
    data_end: int = 0  # the last tensor byte the header promises, from the file start
    problem: str | None = None


def check_safetensors(path: str, size: int) -> SafetensorsInfo:
    info = SafetensorsInfo()
    if size < 8:
        info.problem = f"only {size} bytes: not a safetensors file (truncated?)"
        return info
    with open(path, "rb") as fh:
        (n,) = struct.unpack("<Q", fh.read(8))
        if n > MAX_HEADER or n > size - 8:
            info.problem = (
                f"header length {n} does not fit the {size}-byte file "
                "(corrupt header, truncated file or not a safetensors file)"
            )
            return info
        raw = fh.read(n)
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        info.problem = f"header is not valid JSON ({exc.__class__.__name__}: {exc})"
        return info
    if not isinstance(header, dict):
        info.problem = "header is not a JSON object"
        return info
    base = 8 + n
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        try:
            begin, end = (int(x) for x in meta["data_offsets"])
            expected = math.prod(int(d) for d in meta["shape"]) * DTYPE_BYTES.get(meta["dtype"], 0)
        except (KeyError, TypeError, ValueError):
            info.problem = f"tensor {name!r}: malformed header entry"
            return info
        if end < begin or (expected and end - begin != expected):
            info.problem = f"tensor {name!r}: byte range {begin}-{end} does not match its shape"
            return info
        info.tensors[name] = (begin, end)
        info.data_end = max(info.data_end, base + end)
    if info.data_end > size:
        last = max(info.tensors, key=lambda k: info.tensors[k][1])
        info.problem = (
            f"truncated: tensor {last!r} ends at byte {info.data_end} "
            f"but the file has {size} bytes ({info.data_end - size} missing)"
        )
    return info
