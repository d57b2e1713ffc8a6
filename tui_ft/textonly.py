"""Text-only LLaMA-Factory on a CPU-only box, without torchaudio.

LLaMA-Factory 0.9.5's multimodal plugin does `import torchaudio` at module level, so
every `llamafactory-cli train` fails where torchaudio is absent, even for pure text
data. The registry builds of torchaudio/torchvision do not load against the CPU
torch wheel, so installing them is no fix either.

`install()` appends a finder to the *end* of `sys.meta_path`: it is asked only after
the normal import system found no torchaudio, so a real installation (every GPU
box) always wins. It then supplies a placeholder module whose every attribute
raises an ImportError saying what is missing, so text training works and audio
data fails with a clear message instead of an AttributeError deep inside.
`tui-ft setup textonly` writes a `.pth` file into the environment's site-packages
that calls `install()` at interpreter start, which makes the plain
`llamafactory-cli` command work too. Only imports made by LLaMA-Factory's own
modules get the placeholder: availability probes elsewhere still find nothing.
"""

from __future__ import annotations

import importlib.machinery
import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

STUBBED = ("torchaudio",)
PTH_NAME = "tui_ft_textonly.pth"
HOOK_MODULE = "_tui_ft_textonly"
IMPORTERS = ("llamafactory",)
MESSAGE = (
    "torchaudio is not installed in this environment (tui-ft text-only setup): audio "
    "datasets need a torchaudio build that matches your torch"
)


class _MissingModule(types.ModuleType):
    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise ImportError(f"{MESSAGE} (used: {self.__name__}.{attr})")


class _Loader:
    # Plain classes, not importlib.abc: this module runs at every interpreter start
    # (the .pth hook) and importlib.abc pulls in importlib.resources and asyncio.

    def create_module(self, spec):
        return _MissingModule(spec.name)

    def exec_module(self, module) -> None:
        module.__tui_ft_placeholder__ = True


def _importer() -> str:
    """The module name of the code that asked for the import (first non-importlib frame)."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if not name.startswith(("importlib", "_frozen_importlib", __name__)):
            return name
        frame = frame.f_back
    return ""


class TextOnlyFinder:
    """Answers only LLaMA-Factory's own `import torchaudio`.

    Availability probes (`importlib.util.find_spec` in transformers, for example)
    still see no torchaudio, so no library takes an audio code path by mistake.
    """

    def find_spec(self, fullname, path=None, target=None):
        if fullname in STUBBED and _importer().startswith(IMPORTERS):
            return importlib.machinery.ModuleSpec(fullname, _Loader())
        return None


def install() -> None:
    """Register the finder once, behind every real one."""
    if not any(isinstance(f, TextOnlyFinder) for f in sys.meta_path):
        sys.meta_path.append(TextOnlyFinder())


def is_placeholder(module: types.ModuleType) -> bool:
    return bool(getattr(module, "__tui_ft_placeholder__", False))


def install_pth(site_packages: str | None = None) -> Path:
    """Write the hook into `site_packages` (default: this interpreter's purelib).

    The `.pth` imports a standalone copy of this module (stdlib only), so the hook
    neither depends on the order in which `.pth` files run nor breaks the
    interpreter if tui-ft is uninstalled later.
    """
    import sysconfig  # here, not at the top: the hook's start-up cost stays near zero
    from pathlib import Path

    site = Path(site_packages or sysconfig.get_paths()["purelib"])
    (site / f"{HOOK_MODULE}.py").write_text(Path(__file__).read_text("utf-8"), encoding="utf-8")
    target = site / PTH_NAME
    target.write_text(f"import {HOOK_MODULE} as _t; _t.install()\n", encoding="utf-8")
    return target
