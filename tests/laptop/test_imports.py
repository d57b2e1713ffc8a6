"""The laptop's base install imports what the laptop side needs, and nothing more.

Two checks: every module of tui-ft and screens imports in the base-install venv (no
extras), and every import statement in the sources (also those inside functions,
where extras hide) names the standard library, tui-ft itself, a base dependency, or
an entry of OUTSIDE_BASE saying where that code runs and what tells the user.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tomllib

from tests.laptop.venv import REPO

# Base dependencies (pyproject) -> the names they are imported by.
BASE = {
    "textual": "textual",
    "rich": "rich",
    "paramiko": "paramiko",
    "sshtunnel": "sshtunnel",
    "psutil": "psutil",
    "pyyaml": "yaml",
    "ruamel.yaml": "ruamel",
    "nvidia-ml-py": "pynvml",
    "textual-plotext": "textual_plotext",
    "packaging": "packaging",
}
BOX = "runs on the box (a --host command runs it there with the box's full install)"
# Imports outside the base dependencies: the file, the names, and why a laptop is fine.
OUTSIDE_BASE: dict[str, tuple[set[str], str]] = {
    "tui_ft/cli/gguf_tools.py": ({"llama_cpp"}, "gguf-finish: " + BOX + "; names tui-ft[gguf]"),
    "tui_ft/chat/gguf.py": ({"llama_cpp"}, "GGUF chat here: ChatError names tui-ft[gguf]"),
    "tui_ft/recipes/k8s.py": ({"kubernetes_validate"}, "recipe k8s: names tui-ft[cluster]"),
    "tui_ft/fit/seqlen.py": (
        {"numpy", "llamafactory"},
        "fit's data lengths: " + BOX + "; here it plans for cutoff_len and names tui-ft[train]",
    ),
    "tui_ft/fit/shape.py": ({"huggingface_hub"}, "a hub id's cached config.json; optional"),
    "tui_ft/train/log.py": ({"orjson"}, "optional speed-up, stdlib json otherwise"),
    "tui_ft/datasets/lint.py": ({"numpy"}, "duplicates of a LOCAL lint; --host lints on the box"),
    "tui_ft/datasets/readers.py": ({"pyarrow"}, "Parquet/Arrow: refused over SSH, read on box"),
    "tui_ft/datasets/tokens.py": ({"transformers", "numpy"}, "token counts: " + BOX),
    "tui_ft/demo/build.py": ({"sentencepiece", "torch", "transformers"}, BOX),
    "tui_ft/gguf/inspect.py": ({"gguf"}, BOX),
    "tui_ft/gguf/modelfile.py": ({"llamafactory", "transformers"}, BOX),
    "tui_ft/gguf/cpu.py": ({"llama_cpp"}, "loads GGUFs for perplexity, verify, chat: as those"),
    "tui_ft/gguf/perplexity.py": ({"numpy"}, BOX),
    "tui_ft/gguf/template_check.py": ({"llamafactory", "jinja2", "llama_cpp", "transformers"}, BOX),
    "tui_ft/gguf/verify.py": ({"llama_cpp", "torch", "transformers"}, BOX + "; names tui-ft[gguf]"),
    "tui_ft/models/download.py": ({"modelscope_hub", "modelscope", "huggingface_hub"}, BOX),
}

LIST_MODULES = """
import importlib, pkgutil, sys
import tui_ft, screens
failed = []
for pkg in (tui_ft, screens):
    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        if m.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(m.name)
        except Exception as exc:
            failed.append(f"{m.name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
print("HEAVY", sorted(n for n in ("torch", "transformers", "llamafactory", "httpx", "numpy")
                      if n in sys.modules))
"""


def test_base_dependencies_are_the_table():
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {d.split(">")[0].split("=")[0].split("<")[0].strip().lower() for d in deps}
    assert names == set(BASE)


def test_every_module_imports_on_a_base_install(laptop, tmp_path):
    out = subprocess.run(
        [laptop.python, "-c", LIST_MODULES],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the checkout: the installed wheel is imported
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    *failed, heavy = out.stdout.strip().splitlines() or [""]
    assert [f for f in failed if f] == []
    assert heavy == "HEAVY []"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_imports_outside_the_base_dependencies_are_named():
    allowed = set(sys.stdlib_module_names) | set(BASE.values()) | {"tui_ft", "screens"}
    seen: dict[str, set[str]] = {}
    for top in ("tui_ft", "screens"):
        for path in sorted((REPO / top).rglob("*.py")):
            outside = _imports(path) - allowed
            if outside:
                seen[str(path.relative_to(REPO))] = outside
    assert seen == {name: names for name, (names, _why) in OUTSIDE_BASE.items()}


def test_laptop_features_that_need_an_extra_name_it(laptop, tmp_path):
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    code = (
        "from tui_ft.chat.gguf import GGUFChat\n"
        "from tui_ft.chat.base import ChatError\n"
        f"try:\n    GGUFChat({str(gguf)!r}).start()\nexcept ChatError as exc:\n    print(exc)\n"
    )
    out = subprocess.run([laptop.python, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert "tui-ft[gguf]" in out.stdout, out.stderr[-2000:]
    k8s = subprocess.run(
        [laptop.tui_ft, "recipe", "k8s", "demo", "--image", "lf:latest"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert k8s.returncode == 2 and "install tui-ft[cluster]" in k8s.stderr, k8s.stderr[-2000:]
    assert "Traceback" not in k8s.stderr
