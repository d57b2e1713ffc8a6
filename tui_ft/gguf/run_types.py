"""What the GGUF step is asked (`GGUFSpec`) and what it reports (`GGUFRun`: files with
size, bits per weight, perplexity and K-quant fallbacks per tensor kind; pre-flight;
template check), as plain dataclasses for the CLI table, `--json` and the screen."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from tui_ft.gguf.inspect import type_bpw
from tui_ft.gguf.preflight import Preflight
from tui_ft.gguf.quantize import Fallback
from tui_ft.gguf.template_check import TemplateReport
from tui_ft.gguf.tools import GGUFError
from tui_ft.gguf.verify import VerifyReport


@dataclass
class GGUFSpec:
    model: str
    out: str
    outtype: str = "f16"
    quants: list[str] = field(default_factory=list)
    adapter: str | None = None
    base_gguf: str | None = None
    modelfile: bool = False
    template: str | None = None
    perplexity_data: str | None = None
    imatrix: str | None = None
    verify: bool = False
    """Load the last file, generate, compare with the Hugging Face model (not an adapter)."""


@dataclass
class FallbackGroup:
    """Tensors of one kind (attn_q, ffn_down, ...) that got another type than asked."""

    role: str
    wanted: str | None
    got: str
    count: int
    bpw: float


@dataclass
class FileRow:
    path: str
    kind: str  # f16 | bf16 | q8_0 | Q4_K_M ... | adapter
    size: int
    bpw: float
    perplexity: float | None = None
    fallbacks: list[FallbackGroup] = field(default_factory=list)


@dataclass
class GGUFRun:
    mode: str  # model | adapter | merged
    source: str = ""
    """The Hugging Face folder converted (the merged folder when merged)."""
    files: list[FileRow] = field(default_factory=list)
    reason: str | None = None
    """Why an adapter was merged instead of converted as an adapter."""
    preflight: Preflight | None = None
    template: str | None = None
    template_check: TemplateReport | None = None
    modelfile: str | None = None
    verify: VerifyReport | None = None
    log: str = ""
    imatrix: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict:
        data = asdict(self)
        data["verify"] = self.verify.to_json() if self.verify else None
        return data


class PreflightFailed(GGUFError):
    """A pre-flight check failed: the message names the fix; `preflight` has every check."""

    def __init__(self, message: str, result: Preflight) -> None:
        super().__init__(message)
        self.preflight = result


def group_fallbacks(fallbacks: list[Fallback]) -> list[FallbackGroup]:
    groups: dict[tuple[str, str | None, str], int] = {}
    for fb in fallbacks:
        parts = fb.tensor.split(".")
        role = ".".join(parts[2:]) if parts[0] == "blk" else fb.tensor
        role = role.removesuffix(".weight")
        key = (role, fb.wanted, fb.got)
        groups[key] = groups.get(key, 0) + 1
    return [
        FallbackGroup(role, wanted, got, n, round(type_bpw(got), 2))
        for (role, wanted, got), n in sorted(groups.items())
    ]
