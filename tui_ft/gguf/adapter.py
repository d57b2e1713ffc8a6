"""A LoRA adapter as a GGUF of type adapter, with llama.cpp's `convert_lora_to_gguf.py`.

No merge and no full conversion: the adapter GGUF holds only the A/B matrices (a few MB)
and needs just the base model's config. llama.cpp, llama-cpp-python (`lora_path`) and
Ollama (`ADAPTER`) apply it to the base GGUF at load time. Some adapters can't be
applied that way, and `merge_reasons` says why, so the caller merges instead:

- DoRA: llama.cpp has no magnitude vector;
- rsLoRA: llama.cpp scales by alpha/r, rsLoRA trained with alpha/sqrt(r);
- embeddings or lm_head in the adapter (`additional_target`, new tokens): the converter
  refuses full tensors besides the LoRA pairs.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable

from tui_ft.gguf.toolrun import run_to_file
from tui_ft.gguf.tools import GGUFError, LlamaCppTools
from tui_ft.host.base import Host

LORA_CONVERTER = "convert_lora_to_gguf.py"
ADAPTER_CONFIG = "adapter_config.json"

Progress = Callable[[str, float | None], None]

# Runs on the host: the adapter's config, its tensor names (safetensors header only, no
# torch) and the vocabulary sizes of the adapter's and the base model's tokenizers.
_SCRIPT = r"""
import json, os, struct, sys
adapter, base = sys.argv[1], sys.argv[2]
out = {"config": json.load(open(os.path.join(adapter, "adapter_config.json")))}
st = os.path.join(adapter, "adapter_model.safetensors")
names = []
if os.path.exists(st):
    with open(st, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        names = [k for k in json.loads(f.read(n)) if k != "__metadata__"]
out["tensors"] = names
def vocab(folder):
    path = os.path.join(folder, "tokenizer.json")
    if not os.path.exists(path):
        return None
    tok = json.load(open(path, encoding="utf-8"))
    words = set((tok.get("model") or {}).get("vocab") or {})
    words |= {t["content"] for t in tok.get("added_tokens") or []}
    return len(words)
out["adapter_vocab"], out["base_vocab"] = vocab(adapter), vocab(base)
print(json.dumps(out))
"""


def resolve_adapter(host: Host, path: str) -> str:
    """RUN_OR_ADAPTER_DIR -> the adapter folder (a run's `output`, or the folder itself)."""
    path = path.rstrip("/") or "/"
    if host.exists(posixpath.join(path, ADAPTER_CONFIG)):
        return path
    output = posixpath.join(path, "output")
    if host.exists(posixpath.join(output, ADAPTER_CONFIG)):
        return output
    raise GGUFError(
        f"{path}: no {ADAPTER_CONFIG} there or in {output}; pass a LoRA adapter folder or a run"
    )


def merge_reasons(host: Host, python: str, base_dir: str, adapter_dir: str) -> list[str]:
    """Why this adapter can't be a GGUF adapter (empty: it can)."""
    res = host.run([python, "-c", _SCRIPT, adapter_dir, base_dir], timeout=120)
    if not res.ok:
        tail = (res.stderr or res.stdout).strip().splitlines()[-1:]
        raise GGUFError(f"could not read the adapter {adapter_dir}: {' '.join(tail)}")
    found = json.loads(res.stdout.strip().splitlines()[-1])
    cfg = found["config"]
    reasons = []
    if cfg.get("use_dora"):
        reasons.append("DoRA (llama.cpp has no DoRA magnitude vectors)")
    if cfg.get("use_rslora"):
        reasons.append("rsLoRA (llama.cpp scales by alpha/r, rsLoRA trained with alpha/sqrt(r))")
    full = sorted(
        {
            part
            for name in found["tensors"]
            for part in ("embed_tokens", "lm_head")
            if part in name and "lora_" not in name
        }
    )
    lora_on = sorted(
        {
            p
            for n in found["tensors"]
            for p in ("embed_tokens", "lm_head")
            if p in n and "lora_" in n
        }
    )
    if full:
        reasons.append(f"{' and '.join(full)} trained in full in the adapter (additional_target)")
    if lora_on:
        reasons.append(f"LoRA on {' and '.join(lora_on)} (llama.cpp adapters can't carry them)")
    a_vocab, b_vocab = found["adapter_vocab"], found["base_vocab"]
    if a_vocab and b_vocab and a_vocab > b_vocab:
        reasons.append(f"new tokens: the adapter's tokenizer has {a_vocab - b_vocab} more")
    return reasons


def convert_adapter(
    host: Host,
    tools: LlamaCppTools,
    base_dir: str,
    adapter_dir: str,
    out: str,
    outtype: str = "f16",
    progress: Progress | None = None,
    *,
    log: str | None = None,
) -> str:
    """Write the adapter GGUF `out` (temporary name, renamed on success); returns `out`."""
    script = posixpath.join(posixpath.dirname(tools.converter), LORA_CONVERTER)
    if not host.exists(script):
        raise GGUFError(f"{script} is missing: update the llama.cpp checkout (llama_cpp_dir)")
    argv = [tools.python, script, adapter_dir, "--base", base_dir, "--outtype", outtype]
    run_to_file(
        host, lambda tmp: [*argv, "--outfile", tmp], out,
        failed=f"converting the adapter {adapter_dir} failed",
        title=f"convert adapter {adapter_dir} (base {base_dir}) -> {out}",
        log=log, progress=progress, env=tools.converter_env,
    )  # fmt: skip
    return out
