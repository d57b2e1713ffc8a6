"""Fail fast before a long conversion: architecture, BPE pre-tokenizer, disk space.

llama.cpp's converter stops at its most common failures only after loading the model:
an architecture it has no class for, and a BPE tokenizer whose pre-tokenizer hash
(`chkhsh`) it does not know. Both are decided by text in the vendored converter, so they
are checked here in seconds: the architecture against the converter's registered model
classes, the hash computed the way `get_vocab_base_pre` computes it and looked up in the
converter's own table. The check runs on the host (it needs the model's tokenizer).
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import asdict, dataclass, field

from tui_ft.export.preflight import DiskSpaceError, check_disk, weights_bytes
from tui_ft.gguf.tools import GGUFError, LlamaCppTools
from tui_ft.host.base import Host
from tui_ft.units import human_bytes

_SIZE_FACTOR = {"f16": 1.0, "bf16": 1.0, "q8_0": 0.55, "f32": 2.0}

# Runs on the host with the converter's folder and the model folder as arguments.
_SCRIPT = r"""
import ast, glob, hashlib, json, os, re, sys
src, model = sys.argv[1], sys.argv[2]
out = {"arch": None, "arch_known": None, "tokenizer": None, "chkhsh": None, "pre": None}
cfg = json.load(open(os.path.join(model, "config.json")))
archs = cfg.get("architectures") or []
out["arch"] = archs[0] if archs else None
files = [os.path.join(src, "convert_hf_to_gguf.py")]
files += sorted(glob.glob(os.path.join(src, "conversion", "*.py")))
texts = {f: open(f, encoding="utf-8").read() for f in files if os.path.exists(f)}
known = set()
for text in texts.values():
    m = re.search(r"^TEXT_MODEL_MAP[^=]*=\s*(\{.*?^\})", text, re.S | re.M)
    if m:
        known |= set(ast.literal_eval(m.group(1)))
    for call in re.finditer(r"ModelBase\.register\(([^)]*)\)", text):
        known |= set(re.findall(r'"([A-Za-z0-9_]+)"', call.group(1)))
out["known_count"] = len(known)
if out["arch"]:
    out["arch_known"] = out["arch"] in known
tok_json = os.path.join(model, "tokenizer.json")
kind = None
if os.path.exists(os.path.join(model, "tokenizer.model")):
    kind = "sentencepiece"
elif os.path.exists(tok_json):
    kind = (json.load(open(tok_json, encoding="utf-8")).get("model") or {}).get("type") or "?"
out["tokenizer"] = kind
if kind == "BPE":
    base = next((t for t in texts.values() if "def get_vocab_base_pre" in t), "")
    m = re.search(r"^\s*chktxt = ('.*')\s*$", base, re.M)
    entry = r'if chkhsh == "([0-9a-f]{64})":\s*\n(?:\s*#[^\n]*\n)*\s*res = "([^"]+)"'
    table = dict(re.findall(entry, base))
    if m:
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(model)
        chkhsh = hashlib.sha256(str(tok.encode(ast.literal_eval(m.group(1)))).encode()).hexdigest()
        out["chkhsh"] = chkhsh
        out["pre"] = table.get(chkhsh)
        out["known_hashes"] = len(table)
print(json.dumps(out))
"""


@dataclass
class PreflightItem:
    name: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass
class Preflight:
    items: list[PreflightItem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(i.ok for i in self.items)

    def first_failure(self) -> PreflightItem | None:
        return next((i for i in self.items if not i.ok), None)

    def to_json(self) -> dict:
        return asdict(self)


def preflight(
    host: Host,
    tools: LlamaCppTools,
    model_dir: str,
    out: str,
    outtype: str = "f16",
    *,
    weights_dir: str | None = None,
) -> Preflight:
    """Architecture, pre-tokenizer and disk checks; never raises for a failed check.

    `weights_dir` is what gets written (the adapter folder for an adapter GGUF).
    """
    report = Preflight()
    converter_dir = posixpath.dirname(tools.converter)
    res = host.run([tools.python, "-c", _SCRIPT, converter_dir, model_dir], timeout=300)
    if not res.ok:
        tail = (res.stderr or res.stdout).strip().splitlines()[-1:]
        raise GGUFError(f"could not read {model_dir} for the pre-flight: {' '.join(tail)}")
    found = json.loads(res.stdout.strip().splitlines()[-1])
    arch = found["arch"]
    if not arch:
        report.items.append(
            PreflightItem(
                "architecture", False, f"{model_dir}/config.json names no architectures",
                'add "architectures": ["...ForCausalLM"] to config.json (from the model card)',
            )
        )  # fmt: skip
    elif found["arch_known"]:
        report.items.append(PreflightItem("architecture", True, f"{arch} is supported"))
    else:
        report.items.append(
            PreflightItem(
                "architecture", False,
                f"{arch} is not among the {found['known_count']} architectures of {tools.source}",
                "upgrade llama-cpp-python (pip install -U llama-cpp-python) or set llama_cpp_dir "
                "to a llama.cpp checkout that supports it",
            )
        )  # fmt: skip
    report.items.append(_tokenizer_item(found, tools))
    report.items.append(_disk_item(host, weights_dir or model_dir, out, outtype))
    return report


def _tokenizer_item(found: dict, tools: LlamaCppTools) -> PreflightItem:
    kind = found["tokenizer"]
    if kind != "BPE":
        what = kind or "no tokenizer.json / tokenizer.model"
        return PreflightItem("pre-tokenizer", True, f"{what}: no BPE pre-tokenizer hash needed")
    if found["pre"]:
        return PreflightItem("pre-tokenizer", True, f"BPE pre-tokenizer {found['pre']!r} is known")
    return PreflightItem(
        "pre-tokenizer",
        False,
        f"BPE pre-tokenizer hash {found['chkhsh']} is unknown to {tools.source}'s converter "
        "(it would stop with 'BPE pre-tokenizer was not recognized')",
        "use a llama.cpp checkout whose convert_hf_to_gguf.py knows this tokenizer (run its "
        "convert_hf_to_gguf_update.py for the model, or upgrade) and set llama_cpp_dir; or "
        "upgrade llama-cpp-python",
    )


def _disk_item(host: Host, weights_dir: str, out: str, outtype: str) -> PreflightItem:
    estimate = int(weights_bytes(host, weights_dir) * _SIZE_FACTOR.get(outtype, 1.0))
    try:
        need = check_disk(host, out, estimate, what="the GGUF file")
    except DiskSpaceError as exc:
        return PreflightItem("disk", False, str(exc), "free some space or choose another --out")
    return PreflightItem("disk", True, f"about {human_bytes(need)} needed, enough is free")
