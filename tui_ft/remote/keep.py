"""Installing tui-ft next to what the box has, never over it.

A box usually has its CUDA torch, a LLaMA-Factory (often an editable checkout) and the
transformers that goes with it. tui-ft is installed with `--no-deps`; then only the
requirements the box lacks are installed, under a constraints file that pins every
package of that stack already there, so pip can neither upgrade nor replace them.
Whatever of the stack is present is left alone, and said so, even when tui-ft's extras
ask for another version.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from tui_ft.host.base import Host, HostError
from tui_ft.host.call import json_tail

# The user's training stack: present means kept, whatever version it is.
PROTECTED = (
    "torch", "torchvision", "torchaudio", "llamafactory", "transformers", "peft", "trl",
    "accelerate", "datasets", "tokenizers", "deepspeed", "vllm", "bitsandbytes", "flash-attn",
)  # fmt: skip

# Runs on the box (Python 3.8+ and no `packaging` needed: pip vendors one).
PROBE = r"""
import json, sys
from importlib import metadata
try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement
reqs, protected = json.loads(sys.argv[1]), json.loads(sys.argv[2])
def dist_info(name):
    try:
        d = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    editable = False
    try:
        editable = bool(json.loads(d.read_text("direct_url.json") or "{}")
                        .get("dir_info", {}).get("editable"))
    except ValueError:
        pass
    return {"version": d.version, "editable": editable}
out = {"requirements": {}, "protected": {}}
for text in reqs:
    r = Requirement(text)
    info = dist_info(r.name)
    ok = info is not None and r.specifier.contains(info["version"], prereleases=True)
    out["requirements"][text] = {"name": r.name, "installed": info and info["version"], "ok": ok}
for name in protected:
    info = dist_info(name)
    if info:
        out["protected"][name] = info
print(json.dumps(out))
"""


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(extras: list[str], wheel: Path | None = None) -> list[str]:
    """tui-ft's requirements (base plus `extras`) from the wheel, else this install."""
    from packaging.requirements import Requirement

    if wheel is not None:
        with zipfile.ZipFile(wheel) as zf:
            meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
            lines = zf.read(meta).decode("utf-8").splitlines()
        raw = [ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("Requires-Dist:")]
    else:
        from importlib import metadata

        try:
            raw = metadata.requires("tui-ft") or []
        except metadata.PackageNotFoundError:  # run from a bare checkout: build a wheel
            raise HostError("tui-ft is not installed here: pass --build or --wheel") from None
    out = []
    for text in raw:
        req = Requirement(text)
        marker = str(req.marker) if req.marker else ""
        wanted = re.findall(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
        if wanted and not set(wanted) & set(extras):
            continue
        out.append(f"{req.name}{req.specifier}")
    return list(dict.fromkeys(out))


@dataclass
class KeepPlan:
    missing: list[str] = field(default_factory=list)  # to install
    kept: list[str] = field(default_factory=list)  # the user's stack, left alone (lines)
    satisfied: list[str] = field(default_factory=list)
    pins: dict[str, str] = field(default_factory=dict)  # constraints: name -> version

    def constraints(self) -> str:
        return "".join(f"{n}=={v}\n" for n, v in sorted(self.pins.items()))


def probe_box(host: Host, python: str, reqs: list[str]) -> dict:
    res = host.run([python, "-c", PROBE, json.dumps(reqs), json.dumps(list(PROTECTED))],
                   timeout=120)  # fmt: skip
    if not res.ok:
        why = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no output"]
        raise HostError(f"cannot read the packages of {python} on {host.describe()}: {why[0]}")
    return json_tail(res.stdout)


def plan(found: dict) -> KeepPlan:
    """What to install and what to leave alone, from `probe_box`'s answer."""
    out = KeepPlan()
    protected = {_norm(k): v for k, v in found["protected"].items()}
    for name, info in sorted(protected.items()):
        out.pins[name] = info["version"]
    wanted: dict[str, str] = {}
    for text, r in found["requirements"].items():
        name = _norm(r["name"])
        if name in protected:
            wanted[name] = text
        elif r["ok"]:
            out.satisfied.append(f"{r['name']} {r['installed']}")
        else:
            out.missing.append(text)
    for name, info in sorted(protected.items()):
        how = " (editable checkout)" if info.get("editable") else ""
        line = f"{name} {info['version']}{how}"
        text = wanted.get(name)
        if text and not found["requirements"][text]["ok"]:
            line += f": tui-ft's extras ask {text}, yours is kept"
        out.kept.append(line)
    return out
