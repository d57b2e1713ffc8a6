"""What is inside a GGUF file, read with the `gguf` package (no weights loaded)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field


@dataclass
class TensorInfo:
    name: str
    type: str
    shape: list[int]


@dataclass
class GGUFInfo:
    path: str
    size: int
    architecture: str
    name: str | None
    tensor_count: int
    vocab_size: int
    chat_template: str | None
    file_type: int | None
    tensors: list[TensorInfo] = field(default_factory=list)

    @property
    def has_chat_template(self) -> bool:
        return bool(self.chat_template)

    def type_counts(self) -> dict[str, int]:
        return dict(Counter(t.type for t in self.tensors))

    @property
    def bits_per_weight(self) -> float:
        """Tensor data bits over weights, all tensors (what llama.cpp prints as BPW)."""
        bits = sum(tensor_bits(t) for t in self.tensors)
        count = sum(_elements(t) for t in self.tensors)
        return bits / count if count else 0.0

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> GGUFInfo:
        data = dict(data)
        data["tensors"] = [TensorInfo(**t) for t in data.get("tensors", [])]
        return cls(**data)


def _field(reader, key: str):
    f = reader.fields.get(key)
    if f is None:
        return None
    return f.contents()


def read_gguf_info(path: str) -> GGUFInfo:
    """Read metadata and tensor types; raises ValueError for a file that is not GGUF."""
    import os

    from gguf import GGUFReader

    reader = GGUFReader(path)
    arch = _field(reader, "general.architecture") or "?"
    tokens = reader.fields.get("tokenizer.ggml.tokens")
    vocab = _field(reader, f"{arch}.vocab_size") or (len(tokens.data) if tokens else 0)
    tensors = [
        TensorInfo(t.name, t.tensor_type.name, [int(d) for d in t.shape]) for t in reader.tensors
    ]
    return GGUFInfo(
        path=path,
        size=os.path.getsize(path),
        architecture=str(arch),
        name=_field(reader, "general.name"),
        tensor_count=len(tensors),
        vocab_size=int(vocab),
        chat_template=_field(reader, "tokenizer.chat_template"),
        file_type=_field(reader, "general.file_type"),
        tensors=tensors,
    )


# (weights per block, bytes per block) of each GGML type, as gguf's GGML_QUANT_SIZES has
# them: a laptop with only the base install reads a box's `gguf-info --json` without gguf.
GGML_BLOCKS: dict[str, tuple[int, int]] = {
    "F32": (1, 4), "F16": (1, 2), "BF16": (1, 2), "F64": (1, 8),
    "I8": (1, 1), "I16": (1, 2), "I32": (1, 4), "I64": (1, 8),
    "Q4_0": (32, 18), "Q4_1": (32, 20), "Q5_0": (32, 22), "Q5_1": (32, 24),
    "Q8_0": (32, 34), "Q8_1": (32, 40), "Q2_K": (256, 84), "Q3_K": (256, 110),
    "Q4_K": (256, 144), "Q5_K": (256, 176), "Q6_K": (256, 210), "Q8_K": (256, 292),
    "IQ2_XXS": (256, 66), "IQ2_XS": (256, 74), "IQ3_XXS": (256, 98), "IQ1_S": (256, 50),
    "IQ4_NL": (32, 18), "IQ3_S": (256, 110), "IQ2_S": (256, 82), "IQ4_XS": (256, 136),
    "IQ1_M": (256, 56), "TQ1_0": (256, 54), "TQ2_0": (256, 66), "MXFP4": (32, 17),
}  # fmt: skip


def type_bpw(type_name: str) -> float:
    """Bits per weight of one GGML type (Q5_0: 5.5, Q8_0: 8.5, F16: 16)."""
    known = GGML_BLOCKS.get(type_name)
    if known is None:  # a type newer than this table: ask the installed gguf
        from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

        known = GGML_QUANT_SIZES[GGMLQuantizationType[type_name]]
    block, size = known
    return size * 8 / block


def _elements(t: TensorInfo) -> int:
    n = 1
    for d in t.shape:
        n *= d
    return n


def tensor_bits(t: TensorInfo) -> float:
    return _elements(t) * type_bpw(t.type)
