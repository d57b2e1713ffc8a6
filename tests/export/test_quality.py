"""Quality numbers next to the sizes: bits per weight, perplexity, fallbacks per tensor kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.export.cli import demo_gguf_json

pytestmark = pytest.mark.gguf


def test_json_reports_size_bpw_perplexity_and_fallbacks(demo_workspace: Path, tmp_path: Path):
    out = tmp_path / "q" / "demo-f16.gguf"
    run = demo_gguf_json(demo_workspace, out, "--quant", "Q8_0", "--quant", "Q4_K_M",
                         data_flag="--perplexity")  # fmt: skip
    rows = {r["kind"]: r for r in run["files"]}
    assert list(rows) == ["f16", "Q8_0", "Q4_K_M"]
    assert 15.9 < rows["f16"]["bpw"] < 16.1 and 8.4 < rows["Q8_0"]["bpw"] < 8.6
    assert rows["Q4_K_M"]["bpw"] < rows["Q8_0"]["bpw"]
    assert rows["f16"]["size"] > rows["Q8_0"]["size"] > rows["Q4_K_M"]["size"]
    for row in rows.values():
        assert row["perplexity"] is not None and row["perplexity"] > 1
    # 64-wide rows can't hold Q4_K blocks of 256: listed per tensor kind with the real bpw.
    q = {(g["role"], g["wanted"]): g for g in rows["Q4_K_M"]["fallbacks"]}
    assert q[("attn_q", "Q4_K")]["got"] == "Q5_0" and q[("attn_q", "Q4_K")]["count"] == 2
    assert q[("attn_q", "Q4_K")]["bpw"] == 5.5
    assert rows["Q8_0"]["fallbacks"] == []
    assert run["template"] == "default" and run["template_check"]["items"]
    assert Path(run["log"]) == out.with_suffix(".log") and Path(run["log"]).exists()
