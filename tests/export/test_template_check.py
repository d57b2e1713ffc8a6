"""The template check before hand-off: GGUF chat template, BOS, stop tokens, Modelfile."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.export.cli import gguf_verify, tui_ft
from tui_ft.gguf.convert import convert
from tui_ft.gguf.modelfile import lf_modelfile, shape_modelfile
from tui_ft.gguf.template_check import check_template
from tui_ft.host import LocalHost

pytestmark = pytest.mark.gguf


def _demo_with_bos(
    demo_workspace: Path, tools, root: Path, add_bos: bool | None
) -> tuple[Path, Path]:
    """(model, GGUF) of the demo whose tokenizer_config says `add_bos_token: add_bos`
    (None: the demo as `tui-ft demo` builds it).

    Training never sees a BOS either way (LLaMA-Factory's `default` template has none and
    it encodes without special tokens); the flag only decides what llama.cpp prepends.
    """
    model = root / "tiny"
    shutil.copytree(demo_workspace / "models" / "tiny-llama-demo", model)
    if add_bos is not None:
        cfg = json.loads((model / "tokenizer_config.json").read_text())
        cfg["add_bos_token"] = add_bos
        (model / "tokenizer_config.json").write_text(json.dumps(cfg))
    return model, Path(convert(LocalHost(), tools, str(model), str(root / "tiny-f16.gguf")))


@pytest.fixture(scope="module")
def no_bos_gguf(demo_workspace: Path, tools, tmp_path_factory) -> tuple[Path, Path]:
    """The demo as built: it records no BOS, as its training never saw one."""
    return _demo_with_bos(demo_workspace, tools, tmp_path_factory.mktemp("nobos"), None)


@pytest.fixture(scope="module")
def bos_gguf(demo_workspace: Path, tools, tmp_path_factory) -> tuple[Path, Path]:
    return _demo_with_bos(demo_workspace, tools, tmp_path_factory.mktemp("bos"), True)


def _modelfile(model: Path, gguf: Path) -> str:
    """The Modelfile `tui-ft gguf --modelfile` writes (gguf-finish builds it in-process too)."""
    return shape_modelfile(lf_modelfile(str(model), "default"), "default", gguf.name, None)


def _by_name(report) -> dict[str, object]:
    return {i.name: i for i in report.items}


def test_a_gguf_that_adds_a_bos_training_never_saw_fails(bos_gguf):
    demo_model, demo_gguf = bos_gguf
    mf = _modelfile(demo_model, demo_gguf)
    report = check_template(str(demo_gguf), str(demo_model), "default", mf)
    items = _by_name(report)
    assert items["chat template"].ok and items["Modelfile TEMPLATE"].ok
    assert items["stop tokens"].ok and items["Modelfile stop"].ok
    assert not items["BOS"].ok and not report.ok
    assert f'"add_bos_token": false in {demo_model}/tokenizer_config.json' in items["BOS"].fix
    assert report.training_prompt.startswith("Human: Who are you?</s>\nAssistant:")
    assert report.gguf_prompt == "<s>" + report.training_prompt


def test_the_demo_as_built_passes_the_check(no_bos_gguf):
    model, gguf = no_bos_gguf
    mf = _modelfile(model, gguf)
    report = check_template(str(gguf), str(model), "default", mf)
    assert report.ok, [i for i in report.items if not i.ok]
    assert report.gguf_prompt == report.training_prompt == report.modelfile_prompt


def test_another_template_fails_with_the_fix_named(no_bos_gguf):
    model, gguf = no_bos_gguf
    report = check_template(str(gguf), str(model), "qwen")
    items = _by_name(report)
    assert not items["chat template"].ok
    assert "tui-ft export --template qwen" in items["chat template"].fix
    assert "<|im_start|>" in report.training_prompt
    assert not items["stop tokens"].ok and 'PARAMETER stop "<|im_end|>"' in items["stop tokens"].fix


def test_an_edited_modelfile_template_is_caught(no_bos_gguf, tmp_path: Path):
    model, gguf = no_bos_gguf
    mf = _modelfile(model, gguf)
    edited = mf.replace("Human: {{ .Content }}", "User: {{ .Content }}")
    edited = edited.replace('PARAMETER stop "</s>"\n', "")
    assert edited != mf
    report = check_template(str(gguf), str(model), "default", edited)
    items = _by_name(report)
    assert items["chat template"].ok  # the GGUF itself is fine: only Ollama would ramble
    assert not items["Modelfile TEMPLATE"].ok and "'Human: " in items["Modelfile TEMPLATE"].detail
    assert "--modelfile --template default" in items["Modelfile TEMPLATE"].fix
    assert items["Modelfile stop"].ok  # </s> is an end-of-generation token in the GGUF anyway
    (tmp_path / "Modelfile").write_text(edited)
    proc = tui_ft("gguf-check-template", gguf, "--hf", model, "--template", "default",
                  "--modelfile", tmp_path / "Modelfile")  # fmt: skip
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "FAIL Modelfile TEMPLATE" in proc.stdout and "ok   chat template" in proc.stdout


def test_gguf_verify_uses_the_recorded_template_and_fails_on_a_mismatch(bos_gguf, tmp_path):
    """No --template: the demo model records `default`; the BOS mismatch fails verify."""
    proc, out = gguf_verify(bos_gguf[0], tmp_path)
    assert proc.returncode == 1
    assert "template check (default): MISMATCH" in proc.stdout
    assert "BOS:" in proc.stderr and '"add_bos_token": false' in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (out.parent / "Modelfile").exists()
    log = (out.parent / "demo-f16.log").read_text()
    assert "==> convert" in log and "INFO:hf-to-gguf" in log  # the converter's output: here,
    assert "INFO:hf-to-gguf" not in proc.stderr  # not on the terminal (that takes -v)


def test_gguf_verify_passes_when_the_prompts_match(no_bos_gguf, tmp_path: Path):
    proc, _ = gguf_verify(no_bos_gguf[0], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "template check (default): ok" in proc.stdout and "warning" not in proc.stderr
