"""Text-only LLaMA-Factory without torchaudio (the CPU setup)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tui_ft import textonly


@pytest.fixture
def no_real_torchaudio():
    import importlib.metadata

    try:
        importlib.metadata.version("torchaudio")
    except importlib.metadata.PackageNotFoundError:
        return
    pytest.skip("a real torchaudio is installed here")


def test_llamafactory_imports_with_placeholder(no_real_torchaudio):
    code = (
        "import sys, site; site.main();"
        "import tui_ft.textonly as t; t.install();"
        "import llamafactory.data.mm_plugin;"
        "import torchaudio\n"
        "try:\n torchaudio.load('x.wav')\nexcept ImportError as e: print('ERR', e)\n"
        "from transformers.utils import is_torchaudio_available;"
        "print('AVAIL', is_torchaudio_available())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "ERR torchaudio is not installed" in out.stdout
    assert "AVAIL False" in out.stdout  # probes outside LLaMA-Factory still see none


def test_other_importers_get_no_placeholder(no_real_torchaudio):
    code = (
        "import sys, tui_ft.textonly as t; t.install(); t.install();"
        "print(sum(isinstance(f, t.TextOnlyFinder) for f in sys.meta_path))\n"
        "try:\n import torchaudio\nexcept ModuleNotFoundError: print('none')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["1", "none"], out.stderr


def test_pth_hook_is_standalone(tmp_path):
    pth = textonly.install_pth(str(tmp_path))
    assert pth.read_text().startswith(f"import {textonly.HOOK_MODULE} ")
    hook = tmp_path / f"{textonly.HOOK_MODULE}.py"
    assert "tui_ft" not in hook.read_text().split('"""', 2)[2].split("import")[0]
    out = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import site; site.addsitedir({str(tmp_path)!r}); import sys;"
            "print(any(type(f).__name__ == 'TextOnlyFinder' for f in sys.meta_path))",
        ],
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == "True", out.stderr
