"""The GGUF step's parts that need no conversion: Ollama templates, Modelfiles, adapters
that must be merged, i-quants without a matrix, fallback groups."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tui_ft.gguf import GGUFError
from tui_ft.gguf.adapter import merge_reasons, resolve_adapter
from tui_ft.gguf.gotemplate import GoTemplateError, render
from tui_ft.gguf.modelfile import parse_modelfile
from tui_ft.gguf.pipeline import group_fallbacks
from tui_ft.gguf.quantize import Fallback, quantize
from tui_ft.host import LocalHost

DEFAULT_OLLAMA = (
    "{{ if .System }}System: {{ .System }}</s>\n{{ end }}"
    '{{ range .Messages }}{{ if eq .Role "user" }}'
    'Human: {{ .Content }}</s>\nAssistant:{{ else if eq .Role "assistant" }}{{ .Content }}</s>\n'
    "{{ end }}{{ end }}"
)
MESSAGES = [
    {"Role": "user", "Content": "hi"},
    {"Role": "assistant", "Content": "hello"},
    {"Role": "user", "Content": "again"},
]


def test_ollama_template_renders_like_go():
    text = render(DEFAULT_OLLAMA, {"System": "", "Messages": MESSAGES})
    assert text == "Human: hi</s>\nAssistant:hello</s>\nHuman: again</s>\nAssistant:"
    with_system = render(DEFAULT_OLLAMA, {"System": "Be brief.", "Messages": MESSAGES})
    assert with_system.startswith("System: Be brief.</s>\nHuman: hi")


def test_go_trim_markers_variables_and_functions():
    tpl = (
        '{{- range $i, $m := .Messages }}\n  {{- if and (eq $m.Role "user") (ne $i 2) }}'
        "[u:{{ $m.Content }}]{{ else }}[{{ .Role }}]{{ end -}}\n{{ end }}"
    )
    assert render(tpl, {"Messages": MESSAGES}) == "[u:hi][assistant][user]"


def test_unsupported_go_constructs_are_named():
    with pytest.raises(GoTemplateError, match="template"):
        render('{{ template "x" . }}', {})
    with pytest.raises(GoTemplateError, match="slice"):
        render("{{ slice .Messages 1 }}", {"Messages": []})


def test_modelfile_is_parsed():
    spec = parse_modelfile(
        'FROM ./base.gguf\nADAPTER ./a.gguf\nTEMPLATE """T {{ .Content }}\n"""\n'
        'SYSTEM """be nice"""\nPARAMETER stop "</s>"\nPARAMETER stop <|im_end|>\n'
        "PARAMETER num_ctx 4096\n"
    )
    assert (spec.from_, spec.adapter, spec.system) == ("./base.gguf", "./a.gguf", "be nice")
    assert spec.template == "T {{ .Content }}\n"
    assert spec.stops == ["</s>", "<|im_end|>"]


def _adapter(folder: Path, config: dict, tensors: list[str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "adapter_config.json").write_text(json.dumps({"r": 8, "lora_alpha": 16, **config}))
    header = {n: {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]} for n in tensors}
    raw = json.dumps(header).encode()
    (folder / "adapter_model.safetensors").write_bytes(
        struct.pack("<Q", len(raw)) + raw + b"\0" * 4
    )
    return folder


LORA = ["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"]


@pytest.mark.parametrize(
    ("config", "tensors", "reason"),
    [
        ({"use_dora": True}, LORA, "DoRA"),
        ({"use_rslora": True}, LORA, "rsLoRA"),
        ({}, [*LORA, "base_model.model.lm_head.weight"], "lm_head trained in full"),
        ({}, [*LORA, "base_model.model.model.embed_tokens.lora_embedding_A"], "LoRA on embed"),
    ],
)
def test_adapters_llama_cpp_cannot_apply_are_merged(demo_model, tmp_path, config, tensors, reason):
    adapter = _adapter(tmp_path / "a", config, tensors)
    reasons = merge_reasons(LocalHost(), "python3", str(demo_model), str(adapter))
    assert len(reasons) == 1 and reason in reasons[0]


def test_a_plain_lora_is_an_adapter_gguf_and_a_run_resolves(demo_model, tmp_path):
    adapter = _adapter(tmp_path / "run" / "output", {}, LORA)
    assert merge_reasons(LocalHost(), "python3", str(demo_model), str(adapter)) == []
    assert resolve_adapter(LocalHost(), str(tmp_path / "run")) == str(adapter)
    with pytest.raises(GGUFError, match=r"no adapter_config\.json"):
        resolve_adapter(LocalHost(), str(tmp_path))


def test_i_quants_are_refused_without_an_importance_matrix(demo_gguf, tools, tmp_path):
    with pytest.raises(GGUFError, match="IQ2_XS is an i-quant and needs an importance matrix"):
        quantize(LocalHost(), tools, str(demo_gguf), str(tmp_path / "x.gguf"), "iq2_xs")
    assert list(tmp_path.iterdir()) == []
    proc = subprocess.run(
        [sys.executable, "-m", "tui_ft", "gguf", str(demo_gguf.parent), "--out",
         str(tmp_path / "m.gguf"), "--quant", "IQ4_XS"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "IQ4_XS: i-quants need an importance matrix" in proc.stderr
    assert list(tmp_path.iterdir()) == []  # refused before converting anything


def test_the_importance_matrix_never_sees_the_held_out_records(tmp_path):
    from tui_ft.gguf.imatrix import training_text
    from tui_ft.gguf.perplexity import held_out_text

    records = [{"instruction": f"q{i}", "output": f"answer number {i}"} for i in range(100)]
    data = tmp_path / "d.json"
    data.write_text(json.dumps(records))
    train, held = training_text(data.read_text()), held_out_text(str(data))
    assert "answer number 89" in train and "answer number 90" not in train
    assert "answer number 90" in held and "answer number 99" in held
    assert "answer number 89" not in held


def test_fallbacks_are_grouped_per_tensor_kind_with_their_bpw():
    groups = group_fallbacks(
        [
            Fallback("blk.0.attn_q.weight", "Q4_K", "Q5_0", 64),
            Fallback("blk.1.attn_q.weight", "Q4_K", "Q5_0", 64),
            Fallback("output.weight", "Q6_K", "Q8_0", 64),
        ]
    )
    assert [(g.role, g.count, g.got, g.bpw) for g in groups] == [
        ("attn_q", 2, "Q5_0", 5.5),
        ("output", 1, "Q8_0", 8.5),
    ]


def test_bits_per_weight_table_matches_the_installed_gguf():
    """The built-in block sizes (for a laptop without `gguf`) are gguf's own."""
    from gguf import GGML_QUANT_SIZES

    from tui_ft.gguf.inspect import GGML_BLOCKS

    installed = {t.name: v for t, v in GGML_QUANT_SIZES.items()}
    assert GGML_BLOCKS and all(installed[name] == v for name, v in GGML_BLOCKS.items())
