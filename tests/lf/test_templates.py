"""Template names and the suggested template come from the host's LLaMA-Factory."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tui_ft.host.local import LocalHost
from tui_ft.lf import templates
from tui_ft.lf.templates import builtin_catalog, catalog, suggest_template, template_names


class _NoLFHost(LocalHost):
    """This machine through an interpreter without LLaMA-Factory (a bare box)."""

    python = "/usr/bin/python3"


def _installed() -> dict[str, object]:
    """What LLaMA-Factory itself says, asked in a separate interpreter (it imports torch)."""
    code = (
        "import json\n"
        "from llamafactory.data.template import TEMPLATES\n"
        "from llamafactory.webui.common import get_template\n"
        "names = ['Qwen2.5-7B-Instruct', 'Qwen2.5-7B', 'Llama-3-8B-Instruct', 'Qwen2-VL-7B']\n"
        "print(json.dumps({'templates': sorted(TEMPLATES), "
        "'board': {n: get_template(n) for n in names}}))\n"
    )
    import json

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_names_come_from_the_installed_llamafactory() -> None:
    templates._cache.clear()
    cat = catalog(LocalHost())
    assert cat.source == "installed"
    truth = _installed()
    assert template_names(LocalHost()) == truth["templates"]
    # the built-in copy is LLaMA-Factory 0.9.5's own table, not a hand-made list
    if cat.version == builtin_catalog().version:
        assert sorted(builtin_catalog().templates) == truth["templates"]
        assert builtin_catalog().models == cat.models


def test_suggestion_follows_llamaboard() -> None:
    truth = _installed()["board"]
    for name, template in truth.items():  # type: ignore[union-attr]
        assert suggest_template(name) == template, name
    assert suggest_template("Qwen/Qwen2.5-7B-Instruct") == "qwen"
    assert suggest_template("/data/models/Qwen2.5-7B-Instruct/") == "qwen"
    assert suggest_template("meta-llama/Meta-Llama-3-8B-Instruct") == "llama3"
    assert suggest_template("/models/tiny-llama-demo") is None
    assert suggest_template("") is None


@pytest.mark.skipif(
    subprocess.run(["/usr/bin/python3", "-c", "import llamafactory"]).returncode == 0,
    reason="/usr/bin/python3 has LLaMA-Factory",
)
def test_host_without_llamafactory_uses_the_builtin_copy() -> None:
    templates._cache.clear()
    cat = catalog(_NoLFHost())
    assert cat.source == "built-in"
    assert "qwen3" in template_names(_NoLFHost())
    assert suggest_template("Qwen/Qwen3-8B", _NoLFHost()) == "qwen3"  # LF's -Thinking entry
    assert suggest_template("Qwen/Qwen2.5-7B", _NoLFHost()) == "default"  # a base model
