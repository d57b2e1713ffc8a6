"""The sequence length the estimate plans for: the data's 99th percentile with the run's
tokenizer and LLaMA-Factory's template, capped by cutoff_len, cached per files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tui_ft.fit.seqlen import _cache_path, measure
from tui_ft.host import LocalHost

_LF_LENGTHS = """
import json, sys
from llamafactory.data.template import get_template_and_fix_tokenizer
from llamafactory.hparams import DataArguments
from transformers import AutoTokenizer

model, records = sys.argv[1], json.loads(sys.stdin.read())
tok = AutoTokenizer.from_pretrained(model)
tpl = get_template_and_fix_tokenizer(tok, DataArguments(template="default"))
out = []
for r in records:
    query = "\\n".join(x for x in (r["instruction"], r.get("input", "")) if x)
    msgs = [{"role": "user", "content": query}, {"role": "assistant", "content": r["output"]}]
    out.append(sum(len(p) + len(a) for p, a in tpl.encode_multiturn(tok, msgs, None, None)))
print(json.dumps(out))
"""


def lf_lengths(model: Path, records: list[dict]) -> list[int]:
    """What LLaMA-Factory's own template makes of each record (prompt + response ids), in a
    fresh interpreter: a test worker's earlier tests once left it encoding every record as
    2 tokens (the truth must not depend on what ran before)."""
    proc = subprocess.run(
        [sys.executable, "-c", _LF_LENGTHS, str(model)],
        input=json.dumps(records),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.lf
def test_p99_is_the_templated_length_and_is_cached(demo_copy: Path, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    model, data = demo_copy / "models" / "tiny-llama-demo", demo_copy / "datasets"
    records = json.loads((data / "identity_demo.json").read_text())
    truth = lf_lengths(model, records)
    host = LocalHost()
    got = measure(host, str(model), "default", str(data), ["identity_demo"])
    assert got.templated and got.records == len(records)
    assert got.percentile(99) == int(np.percentile(truth, 99, method="nearest"))
    cut = sorted(truth)[len(truth) // 2]
    assert got.share_over(cut) == pytest.approx(sum(t > cut for t in truth) / len(truth), abs=0.06)

    # the second look reads the cache; a changed file is measured again
    cached = list((tmp_path / "cache" / "tui-ft" / "fit").iterdir())
    assert len(cached) == 1
    cached[0].write_text(json.dumps({**got.to_dict(), "quantiles": [7] * 10}))
    assert measure(host, str(model), "default", str(data), ["identity_demo"]).max == 7
    (data / "identity_demo.json").write_text(json.dumps(records + records[:1]))
    again = measure(host, str(model), "default", str(data), ["identity_demo"])
    assert again.records == len(records) + 1 and again.max > 7
    assert _cache_path("x").startswith(str(tmp_path / "cache"))
