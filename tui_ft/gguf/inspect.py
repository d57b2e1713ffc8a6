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


def type_bpw(type_name: str) -> float:
    """Bits per weight of one GGML type (Q5_0: 5.5, Q8_0: 8.5, F16: 16)."""
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

    block, size = GGML_QUANT_SIZES[GGMLQuantizationType[type_name]]
    return size * 8 / block


def _elements(t: TensorInfo) -> int:
    n = 1
    for d in t.shape:
        n *= d
    return n


def tensor_bits(t: TensorInfo) -> float:
    return _elements(t) * type_bpw(t.type)
