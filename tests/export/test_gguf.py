"""Modelfile from the LLaMA-Factory template, chatting with a GGUF, the workspace's adapters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tui_ft.chat.base import ChatError, ChatParams
from tui_ft.chat.gguf import GGUFChat
from tui_ft.export.adapters import list_adapters
from tui_ft.gguf import GGUFError
from tui_ft.gguf.modelfile import write_modelfile
from tui_ft.gguf.remote import info_on
from tui_ft.host import LocalHost
from tui_ft.workspace import Workspace

pytestmark = pytest.mark.gguf


def test_modelfile_for_template_default(demo_model: Path, tmp_path: Path):
    gguf = tmp_path / "tiny-Q8_0.gguf"
    path = Path(write_modelfile(LocalHost(), str(demo_model), "default", str(gguf)))
    assert path == tmp_path / "Modelfile"
    text = path.read_text()
    assert "FROM ./tiny-Q8_0.gguf\n" in text
    assert "FROM .\n" not in text
    # LLaMA-Factory's `default` template: Human/Assistant turns closed by </s>.
    assert 'TEMPLATE """{{ if .System }}System: {{ .System }}</s>\n{{ end }}' in text
    assert 'Human: {{ .Content }}</s>\nAssistant:{{ else if eq .Role "assistant" }}' in text
    assert 'PARAMETER stop "</s>"' in text
    assert "SYSTEM" not in text  # the default template has no default system prompt


def test_modelfile_names_an_unknown_template(demo_model: Path, tmp_path: Path):
    with pytest.raises(GGUFError, match="no-such-template"):
        write_modelfile(LocalHost(), str(demo_model), "no-such-template", str(tmp_path / "m.gguf"))
    assert not (tmp_path / "Modelfile").exists()


def test_gguf_chat_streams_a_reply(demo_gguf: Path):
    chat = GGUFChat(str(demo_gguf), n_ctx=256)
    assert chat.label == f"gguf: {demo_gguf.name}"
    chat.start()
    try:
        messages = [{"role": "user", "content": "Who are you?"}]
        pieces = list(chat.stream(messages, ChatParams(max_new_tokens=12)))
        assert len(pieces) > 1 and "".join(pieces).strip()
        again = "".join(chat.stream(messages, ChatParams(max_new_tokens=12)))
        assert again == "".join(pieces)  # temperature 0: greedy, the same reply
        system = "".join(chat.stream(messages, ChatParams(max_new_tokens=12, system="Be brief.")))
        assert system != again  # the system prompt reached the model
    finally:
        chat.close()
    chat.close()  # safe twice


def test_gguf_chat_refuses_a_missing_file(tmp_path: Path):
    with pytest.raises(ChatError, match="no such GGUF file"):
        GGUFChat(str(tmp_path / "nope.gguf")).start()


def test_info_of_a_file_that_is_not_gguf(tmp_path: Path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a gguf at all" * 10)
    with pytest.raises(GGUFError, match="not a readable GGUF file"):
        info_on(LocalHost(), str(bad))


def test_adapters_of_the_workspace_runs(tmp_path: Path):
    ws = Workspace(LocalHost(), str(tmp_path)).ensure()
    run = tmp_path / "runs" / "20261124-demo"
    (run / "output" / "checkpoint-10").mkdir(parents=True)
    for folder in (run / "output", run / "output" / "checkpoint-10"):
        (folder / "adapter_config.json").write_text(json.dumps({"r": 32}))
    (run / "training_args.yaml").write_text(
        yaml.safe_dump({"model_name_or_path": "/m/base", "template": "qwen"})
    )
    (tmp_path / "runs" / "20261123-full").mkdir()  # a run without an adapter
    found = list_adapters(ws)
    assert [a.label for a in found] == [
        "20261124-demo/output",
        "20261124-demo/output/checkpoint-10",
    ]
    assert {(a.base_model, a.template) for a in found} == {("/m/base", "qwen")}


def test_ask_and_chat_backend_route_a_gguf_file(demo_gguf: Path):
    """The Evaluate & Chat backends take a .gguf path: llama-cpp-python in-process."""
    import subprocess
    import sys

    from tui_ft.chat.server import open_backend
    from tui_ft.host import LocalHost

    backend = open_backend(LocalHost(), str(demo_gguf))
    assert isinstance(backend, GGUFChat)
    with pytest.raises(ChatError, match="no --adapter"):
        open_backend(LocalHost(), str(demo_gguf), adapter="/some/adapter")
    out = subprocess.run(
        [sys.executable, "-m", "tui_ft", "ask", str(demo_gguf), "Who are you?",
         "--max-new-tokens", "8"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip()
